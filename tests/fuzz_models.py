#!/usr/bin/env python3
"""Mutation fuzzing of every shipped model, venue and experiment file.

Each case takes one shipped file and applies one to three mutations (delete,
duplicate or swap lines; change a number, a duration's unit or a value's
type; truncate; insert bytes), then asks the release binary about it:

- `sellout check CASE` for every case;
- `sellout run CASE --scale 0.02` for model cases that check says are valid
  and quick (under a few seconds), so runs are exercised too.

A case passes when every command exits 0 (ran), 2 (bad input, with a message)
or 1 only for the documented runaway guard (`max_events`). It fails on a
panic (exit 101), a signal (an abort from memory exhaustion), a hang (a
timeout) or any other exit 1. Everything is seeded: `--seed S --cases N`
replays the same cases, and a failure prints its case number and saves the
file under target/fuzz-findings/ for `sellout run` or `check` to replay.

Usage: python3 tests/fuzz_models.py [--cases 2000] [--seed 1] [--bin PATH]
"""

import argparse
import collections
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NUMBER = re.compile(r"(?<![\w.\"])-?\d+(\.\d+)?([eE][-+]?\d+)?(?![\w\"])")
DURATION = re.compile(r"\"(-?\d+(\.\d+)?)(ms|s|m|h|d)\"")
VALUE = re.compile(r"=\s*(.+)$")

NUMBERS = ["0", "-1", "1", "0.5", "1e308", "-1e-300", "1e155", "4294967296",
           "18446744073709551616", "nan", "inf", "-inf", "1000000000", "2"]
DURATIONS = ["\"0s\"", "\"-5m\"", "\"100d\"", "\"1ms\"", "\"abc\"", "\"1e30h\"",
             "\"0.000001ms\"", "\"59m\"", "\"1.5h\"", "\"\""]
TYPES = ["\"x\"", "true", "[]", "{}", "1", "-3.5", "[1, \"a\"]", "{ dist = \"exp\" }"]
NOISE = [b"\x00", b"\xff\xfe", b"=", b"[", b"]]", b"\"", b"\n[[fault]]\n", b"\t", b"#"]

# A model case is run only if check estimates at most this long.
RUN_IF_ESTIMATE_UNDER_S = 3.0
TIMEOUT_S = 60


def shipped_files():
    files = []
    for folder, kind in [("models", "model"), ("models/venues", "venue")]:
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            if name.endswith(".toml"):
                files.append((kind, os.path.join(ROOT, folder, name)))
    experiments = os.path.join(ROOT, "experiments")
    for name in sorted(os.listdir(experiments)):
        for file in sorted(os.listdir(os.path.join(experiments, name))):
            if file.endswith(".toml"):
                files.append(("experiment", os.path.join(experiments, name, file)))
    return files


def mutate(text, rng):
    lines = text.split("\n")
    # Values more often than structure: a changed number or duration usually
    # still parses, so it reaches validation and the simulation behind it.
    op = rng.choices(["delete", "duplicate", "swap", "number", "duration", "type",
                      "truncate", "insert"],
                     weights=[10, 8, 7, 30, 20, 10, 7, 8])[0]
    i = rng.randrange(len(lines))
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op in ("number", "duration", "type"):
        pattern = {"number": NUMBER, "duration": DURATION, "type": VALUE}[op]
        candidates = [k for k, line in enumerate(lines)
                      if pattern.search(line) and not line.lstrip().startswith("#")]
        if candidates:
            k = rng.choice(candidates)
            matches = list(pattern.finditer(lines[k]))
            m = rng.choice(matches)
            if op == "number":
                new = rng.choice(NUMBERS + [scaled(m.group(0), rng)])
                lines[k] = lines[k][:m.start()] + new + lines[k][m.end():]
            elif op == "duration":
                new = rng.choice(DURATIONS)
                lines[k] = lines[k][:m.start()] + new + lines[k][m.end():]
            else:
                lines[k] = lines[k][:m.start(1)] + rng.choice(TYPES)
    elif op == "truncate":
        joined = "\n".join(lines)
        return joined[: rng.randrange(len(joined) + 1)]
    else:
        joined = "\n".join(lines).encode()
        at = rng.randrange(len(joined) + 1)
        return (joined[:at] + rng.choice(NOISE) + joined[at:]).decode("utf-8", "replace") \
            if rng.random() < 0.5 else joined[:at] + rng.choice(NOISE) + joined[at:]
    return "\n".join(lines)


def scaled(number, rng):
    try:
        value = float(number)
    except ValueError:
        return number
    return repr(value * rng.choice([10.0, 1000.0, 1e6, 0.001, -1.0]))


def write_case(directory, kind, source, case, rng):
    """Writes case `case` into `directory`; returns the path to check/run."""
    with open(source, "rb") as handle:
        text = handle.read().decode()
    if kind == "experiment":
        # Point the experiment at its model by absolute path, before mutating.
        base = os.path.dirname(source)
        text = re.sub(r'^model = "([^"]+)"',
                      lambda m: f'model = "{os.path.normpath(os.path.join(base, m.group(1)))}"',
                      text, flags=re.M)
    mutated = text
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        mutated = mutate(mutated if isinstance(mutated, str) else mutated.decode("utf-8", "replace"), rng)
    data = mutated if isinstance(mutated, bytes) else mutated.encode()
    name = f"case-{case}.toml"
    if kind == "venue":
        with open(os.path.join(directory, f"venue-{case}.toml"), "wb") as handle:
            handle.write(data)
        with open(os.path.join(ROOT, "models", "baseline.toml")) as handle:
            model = handle.read().replace('venue = { preset = "arena" }',
                                          f'venue = {{ file = "venue-{case}.toml" }}')
        data = model.encode()
    path = os.path.join(directory, name)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


def command(binary, args):
    started = time.monotonic()
    try:
        done = subprocess.run([binary] + args, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return "hang", "", time.monotonic() - started
    stderr = done.stderr.decode("utf-8", "replace")
    stdout = done.stdout.decode("utf-8", "replace")
    code = done.returncode
    if code == 0:
        return "ok", stdout, 0
    if code == 2 and "Error:" in stderr and "panicked" not in stderr:
        return "refused", stderr, 0
    if code == 1 and "max_events" in stderr:
        return "runaway", stderr, 0
    if code < 0:
        return f"signal {-code}", stderr, 0
    if code == 101 or "panicked" in stderr:
        return "panic", stderr, 0
    return f"exit {code}", stderr, 0


def estimated_seconds(stdout):
    match = re.search(r"time:\s+(under a second|about ([\d.]+) (s|min|h))", stdout)
    if not match:
        return float("inf")
    if match.group(1) == "under a second":
        return 0.5
    value = float(match.group(2))
    return value * {"s": 1, "min": 60, "h": 3600}[match.group(3)]


def one_case(binary, directory, files, seed, case):
    rng = random.Random(f"{seed}:{case}")
    kind, source = rng.choice(files)
    path = write_case(directory, kind, source, case, rng)
    outcome, output, _ = command(binary, ["check", path, "--scale", "0.02"])
    results = [("check", outcome, output)]
    if outcome == "ok" and kind != "experiment" and estimated_seconds(output) <= RUN_IF_ESTIMATE_UNDER_S:
        out = os.path.join(directory, f"out-{case}")
        ran, output, _ = command(binary, ["run", path, "--scale", "0.02", "--out", out,
                                          "--max-memory", "2G", "--threads", "1"])
        results.append(("run", ran, output))
        shutil.rmtree(out, ignore_errors=True)
    return case, kind, source, path, results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "sellout"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    files = shipped_files()
    findings_dir = os.path.join(ROOT, "target", "fuzz-findings")
    counts = collections.Counter()
    findings = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sellout-fuzz-") as directory:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(one_case, args.bin, directory, files, args.seed, case)
                       for case in range(args.cases)]
            for future in concurrent.futures.as_completed(futures):
                case, kind, source, path, results = future.result()
                for step, outcome, output in results:
                    counts[f"{step} {outcome}"] += 1
                    if outcome not in ("ok", "refused", "runaway"):
                        os.makedirs(findings_dir, exist_ok=True)
                        saved = os.path.join(findings_dir, os.path.basename(path))
                        shutil.copy(path, saved)
                        findings.append((case, kind, os.path.relpath(source, ROOT), step,
                                         outcome, saved, output.strip().splitlines()[-3:]))
    elapsed = time.monotonic() - started
    print(f"fuzz: {args.cases} cases from {len(files)} shipped files, seed {args.seed}, "
          f"{elapsed:.0f} s")
    for key in sorted(counts):
        print(f"  {key:<16} {counts[key]}")
    for case, kind, source, step, outcome, saved, tail in sorted(findings):
        print(f"FINDING case {case} ({kind} {source}): {step} -> {outcome}; "
              f"saved {saved}; replay: python3 tests/fuzz_models.py --seed {args.seed} "
              f"--cases {case + 1}")
        for line in tail:
            print(f"    {line}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
