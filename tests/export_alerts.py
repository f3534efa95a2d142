"""Each exported Prometheus alert against the simulator's (tests/export.sh).

Reads the simulator's alert firings from incidents.csv, the exported series
(OpenMetrics) and rules, and runs `promtool test rules` over the series the rules
read, with the rules evaluated every second. Around each simulated firing it asks
promtool for the alerts at every second, expecting none: the failures promtool
prints say when Prometheus fired. Fails unless every firing is matched within
one evaluation interval (1 s). Prints the agreement per firing.

usage: export_alerts.py INCIDENTS_CSV METRICS_OM RULES_YML WORKDIR
"""
import csv
import json
import os
import re
import subprocess
import sys

SEARCH_S = 5  # seconds either side of the simulator's firing to look at
EVALUATION_S = 1


def go_seconds(text):
    """Seconds of a Go duration such as 32m21s or 1h2m3s."""
    total = 0
    for number, unit in re.findall(r"(\d+)(h|m|s)", text):
        total += int(number) * {"h": 3600, "m": 60, "s": 1}[unit]
    return total


def main(incidents_path, metrics_path, rules_path, workdir):
    os.makedirs(workdir, exist_ok=True)
    rules_text = open(rules_path).read()
    alerts = re.findall(r'- alert: (".*")', rules_text)
    alerts = [json.loads(name) for name in alerts]
    used = set(re.findall(r"sellout_[a-z0-9_]+", "".join(re.findall(r"expr: .*", rules_text))))
    series = {}
    for line in open(metrics_path):
        if line.startswith("#"):
            continue
        name, value, _ = line.rsplit(" ", 2)
        if name.split("{")[0] in used:
            series.setdefault(name, []).append(value)
    firings = [
        (float(row["t_s"]), row["detail"])
        for row in csv.DictReader(open(incidents_path))
        if row["kind"] == "alert_firing"
    ]
    if not firings:
        sys.exit(f"{incidents_path}: the simulator fired no alert; nothing to compare")
    # The series start at the first sample (row t_s0); promtool counts from 0 there.
    timeseries = os.path.join(os.path.dirname(incidents_path), "timeseries.csv")
    t_first_row = int(float(next(csv.DictReader(open(timeseries)))["t_s"]))
    tests = []
    for sim_s, name in firings:
        assert name in alerts, f"{name} fired in the simulator but has no rule"
        for s in range(int(sim_s) - SEARCH_S, int(sim_s) + SEARCH_S + 1):
            tests.append({"eval_time": f"{s - t_first_row}s", "alertname": name, "exp_alerts": []})
    test_file = os.path.join(workdir, "alerts.test.yml")
    with open(test_file, "w") as out:
        out.write(f"rule_files:\n  - {json.dumps(os.path.abspath(rules_path))}\n")
        out.write("evaluation_interval: 1s\ntests:\n  - interval: 1s\n    input_series:\n")
        for name, values in series.items():
            out.write(f"      - series: {json.dumps(name)}\n        values: {json.dumps(' '.join(values))}\n")
        out.write("    alert_rule_test:\n")
        for test in tests:
            out.write(
                f"      - eval_time: {test['eval_time']}\n        alertname: {json.dumps(test['alertname'])}\n"
                "        exp_alerts: []\n"
            )
    result = subprocess.run(["promtool", "test", "rules", test_file], capture_output=True, text=True)
    fired = {}
    for name, at in re.findall(r"alertname: (.+?), time: (\S+?),", result.stdout + result.stderr):
        seconds = go_seconds(at) + t_first_row
        fired.setdefault(name, []).append(seconds)
    failures = 0
    for sim_s, name in firings:
        near = [s for s in fired.get(name, []) if abs(s - sim_s) <= SEARCH_S]
        prometheus_s = min(near) if near else None
        ok = prometheus_s is not None and abs(prometheus_s - sim_s) <= EVALUATION_S
        failures += not ok
        shown = "did not fire" if prometheus_s is None else f"T+{prometheus_s}s"
        print(
            f"{'ok ' if ok else 'FAIL'} alert {name}: simulator fired at T+{sim_s:g}s, "
            f"Prometheus at {shown} (evaluated every {EVALUATION_S} s)"
        )
    if failures:
        print(result.stdout[-3000:])
        sys.exit(f"{failures} alert(s) disagree by more than one evaluation interval")


if __name__ == "__main__":
    main(*sys.argv[1:5])
