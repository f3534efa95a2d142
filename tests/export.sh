#!/usr/bin/env bash
# `sellout export` checked by the tools it exports for (issue 14):
#   openmetrics       -> promtool tsdb create-blocks-from openmetrics accepts it;
#   prometheus-rules  -> promtool check rules accepts them, and promtool test rules over
#                        the exported series fires each alert within one evaluation
#                        interval (1 s) of the second the simulator's alert fired;
#   k6                -> node --check on a .mjs copy (k6 itself is not installable here);
#   locust            -> a headless Locust run of ~20 s against a tiny HTTP server on
#                        127.0.0.1 follows the exported shape (relative error printed);
#   grafana           -> valid JSON whose every query names an exported metric.
# Installs what it needs: Debian's prometheus (promtool) and nodejs if missing, and
# locust (pinned) into the venv .venv at the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
start_s=$(date +%s)

if ! command -v promtool > /dev/null || ! command -v node > /dev/null; then
  apt-get update -qq
  command -v promtool > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus > /dev/null
  command -v node > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs > /dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check "locust==2.47.0"

cargo build --release --quiet
sellout="${CARGO_TARGET_DIR:-target}/release/sellout"
out="target/ci-out/export"
rm -rf "$out"; mkdir -p "$out"
run="$out/db-failover"
"$sellout" run models/db-failover.toml --quiet --out "$run"

echo "-- every format, twice: byte-identical"
for format in k6 locust openmetrics prometheus-rules grafana; do
  "$sellout" export "$run" --format "$format" --out "$out/$format.a" > /dev/null
  "$sellout" export "$run" --format "$format" --out "$out/$format.b" > /dev/null
  cmp "$out/$format.a" "$out/$format.b"
done
echo "ok  5 formats deterministic"

echo "-- k6: node --check"
cp "$out/k6.a" "$out/k6.mjs"
node --check "$out/k6.mjs"
echo "ok  k6 script parses ($(grep -c "executor: 'ramping-arrival-rate'" "$out/k6.mjs") scenarios; k6 itself is not installable here)"

echo "-- openmetrics: promtool backfill"
promtool tsdb create-blocks-from openmetrics "$out/openmetrics.a" "$out/tsdb" > "$out/backfill.log"
echo "ok  promtool created $(grep -c '^[0-9A-Z]\{26\}' "$out/backfill.log") blocks"

echo "-- prometheus-rules: promtool check rules, then each alert against the simulator's"
promtool check rules "$out/prometheus-rules.a"
python3 tests/export_alerts.py "$run/incidents.csv" "$out/openmetrics.a" "$out/prometheus-rules.a" "$out/alerts"

echo "-- grafana: every query names an exported metric"
python3 - "$out/grafana.a" "$out/openmetrics.a" <<'PY'
import json, re, sys
dashboard = json.load(open(sys.argv[1]))
exported = {line.split("{")[0].split(" ")[0] for line in open(sys.argv[2]) if not line.startswith("#")}
panels = dashboard["panels"]
for panel in panels:
    assert panel["targets"], f"{panel['title']}: no query"
    for target in panel["targets"]:
        names = set(re.findall(r"sellout_[a-z0-9_]+", target["expr"]))
        assert names and names <= exported, f"{panel['title']}: {target['expr']} names {names - exported}"
print(f"ok  {len(panels)} panels, every query over exported metrics")
PY

echo "-- locust: a headless run follows the exported shape"
# The whole 90-minute run (T-30m to T+60m) in 20 s, at half the simulated rate.
"$sellout" export "$run" --format locust --speed 270 --rate-scale 0.5 --out "$out/locustfile.py" > /dev/null
.venv/bin/python tests/export_locust.py "$out/locustfile.py" "$out/locust"

echo "ok  tests/export.sh in $(( $(date +%s) - start_s )) s"
