#!/usr/bin/env python3
"""Validate real sellout outputs against schemas/ (issue 15, "Versioned outputs").

Runs every shipped model (on-sales at --scale 0.05) with -r 1 and -r 2 (baseline
and db-failover also -r 3, baseline also --journeys), two small sweeps (a grid with
variants and an SLO on an on-sale; a grid without SLO on a network) and a small
plan, into a temporary directory. Then:

- every summary.json, sweep.json and plan.json validates against its JSON Schema
  (Draft 2020-12), every metric key is documented in summary.schema.json, and
  n + undefined = replications for every metric;
- every CSV's header is the fields of its Table Schema (schemas/csv/), optional
  ones left out only where x-optional allows, generated columns (x-generated) where
  the layout puts them; every value parses as its declared type (an integer-looking
  value in a number column is an error: pandas would read an all-whole column as
  int64), enums hold, required fields are never empty;
- R = 1 and R > 1 give the same keys and columns;
- the README's pandas snippet (schemas/README.md) reads every CSV with the declared
  dtypes, an empty incidents.csv included, and the data dictionary tables in that
  README are those rendered from the schemas (`--write-readme` rewrites them).

Fails naming the file, column, row and value. Usage: python3 tests/schemas.py
[--bin SELLOUT] [--keep DIR [--reuse]] [--write-readme]
"""

import argparse
import concurrent.futures
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
README = SCHEMAS / "README.md"

INTEGER = re.compile(r"^-?[0-9]+$")
FLOAT = re.compile(r"^-?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+)$")
INFINITE = {"inf", "-inf"}

# Columns whose number type is known NOT to be stable yet: (schema, column pattern) ->
# where it is written. Reported as a warning, not a failure; remove the entry once fixed.
KNOWN_UNSTABLE = {}


class Problems:
    def __init__(self):
        self.errors = []
        self.warnings = []
        self.per_key = defaultdict(int)

    def error(self, message, key=None):
        # At most 3 messages per (file, column, reason); the rest are counted.
        if key is not None:
            self.per_key[key] += 1
            if self.per_key[key] > 3:
                return
        self.errors.append(message)

    def warn(self, message, key):
        self.per_key[("warn",) + key] += 1
        if self.per_key[("warn",) + key] == 1:
            self.warnings.append(message)


P = Problems()
VALIDATED = defaultdict(list)  # schema file -> files validated


def load(path):
    with open(path) as f:
        return json.load(f)


def rel(path, base):
    try:
        return str(Path(path).relative_to(base))
    except ValueError:
        return str(path)


# ---------- running sellout ----------

def find_bin(arg):
    for candidate in [arg, os.environ.get("SELLOUT_BIN"), ROOT / "target/release/sellout", shutil.which("sellout")]:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    sys.exit("schemas.py: no sellout binary: set SELLOUT_BIN, build target/release/sellout, or put sellout on PATH")


def sh(argv, log):
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    Path(log).write_text(result.stdout + result.stderr)


def model_kind(path):
    match = re.search(r'^kind\s*=\s*"([a-z]+)"', path.read_text(), re.M)
    return match.group(1) if match else "network"


def experiments(tmp):
    base = ROOT / "models"
    onsale = f'''name = "schemas-onsale"
model = "{base / 'baseline.toml'}"
seed = 1
replications = 2
metrics = ["first_sold_out_s", "tickets_sold", "error_rate", "latency_hold_p99_s", "sold_out", "fans_bought"]
slo = ["latency_hold_p99_s < 2", "error_rate < 0.01"]

[set]
"demand.population" = 8000
"horizon" = "20m"

[grid]
"sale.hold_ttl" = ["3m", "8m"]
"app.servers" = [4, 10]

[[variant]]
name = "fifo"
set = {{ "waiting_room.mode" = "fifo" }}

[[variant]]
name = "none"
set = {{ "waiting_room.mode" = "none" }}
grid = false
'''
    network = f'''name = "schemas-network"
model = "{base / 'mmc.toml'}"
seed = 3
replications = 3
metrics = ["desk.wait_mean_s", "desk.utilization", "desk.served", "events"]

[set]
"horizon" = "3h"
"warmup" = "10m"

[grid]
"station[0].servers" = [8, 9]
"source[0].rate_per_s" = [6.0, 7.2]
'''
    plan = f'''name = "schemas-plan"
model = "{base / 'mmc.toml'}"
seed = 1
replications = 4
metrics = ["desk.wait_mean_s"]
slo = ["desk.wait_mean_s < 0.5"]

[set]
"horizon" = "3h"
"warmup" = "10m"

[plan]
parameter = "station[0].servers"
min = 7
max = 12
batch = 4
max_replications = 8
'''
    paths = {}
    for name, text in [("onsale", onsale), ("network", network), ("plan", plan)]:
        paths[name] = tmp / f"{name}.toml"
        paths[name].write_text(text)
    return paths


def produce(binary, tmp, run=True):
    """Runs everything; returns (runs: {name: (dir, model, replications, kind)}, sweeps, plans)."""
    jobs, runs = [], {}
    for model in sorted((ROOT / "models").glob("*.toml")):
        kind = model_kind(model)
        reps = [1, 2] + ([3] if model.stem in ("baseline", "db-failover") else [])
        for r in reps:
            name = f"{model.stem}-r{r}"
            out = tmp / "runs" / name
            argv = [binary, "run", str(model), "-r", str(r), "--out", str(out)]
            if kind == "onsale":
                argv += ["--scale", "0.05"]
                if model.stem == "baseline" and r == 1:
                    argv.append("--journeys")
            jobs.append((argv, tmp / f"{name}.log"))
            runs[name] = (out, model, r, kind)
    exp = experiments(tmp)
    sweeps = {n: tmp / "sweeps" / n for n in ("onsale", "network")}
    for n, out in sweeps.items():
        jobs.append(([binary, "sweep", str(exp[n]), "--out", str(out)], tmp / f"sweep-{n}.log"))
    plans = {"plan": tmp / "plans" / "plan"}
    jobs.append(([binary, "plan", str(exp["plan"]), "--out", str(plans["plan"])], tmp / "plan.log"))
    if not run:
        return runs, sweeps, plans
    with concurrent.futures.ThreadPoolExecutor(max(2, os.cpu_count() or 2)) as pool:
        for future in [pool.submit(sh, argv, log) for argv, log in jobs]:
            future.result()
    return runs, sweeps, plans


# ---------- JSON ----------

def validate_json(path, schema_name, base):
    schema = load(SCHEMAS / schema_name)
    document = load(path)
    validator = Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/".join(map(str, error.absolute_path)) or "(top)"
        P.error(f"{rel(path, base)}: {where}: {error.message} (schemas/{schema_name})")
    VALIDATED[schema_name].append(path)
    return document


def documented(kind_def, key):
    if key in kind_def["properties"]:
        return True
    return any(re.match(p, key) for p in kind_def.get("patternProperties", {}))


def check_summary(path, base):
    doc = validate_json(path, "summary.schema.json", base)
    schema = load(SCHEMAS / "summary.schema.json")
    kind = doc.get("kind")
    replications = doc.get("provenance", {}).get("replications")
    groups = []
    if kind == "network":
        station_def = schema["$defs"]["network"]["properties"]["stations"]["additionalProperties"]
        groups = [(f"stations/{name}", metrics, station_def) for name, metrics in doc.get("stations", {}).items()]
        if len(doc.get("runs", [])) != replications:
            P.error(f"{rel(path, base)}: runs has {len(doc.get('runs', []))} entries for {replications} replications")
    elif kind in ("onsale", "service", "contention"):
        groups = [("metrics", doc.get("metrics", {}), schema["$defs"][kind]["properties"]["metrics"])]
    for where, metrics, definition in groups:
        for key, metric in metrics.items():
            if not documented(definition, key):
                P.error(f"{rel(path, base)}: {where}/{key}: metric not documented in schemas/summary.schema.json ({kind})")
            if isinstance(metric, dict) and metric.get("n", 0) + metric.get("undefined", 0) != replications:
                P.error(f"{rel(path, base)}: {where}/{key}: n + undefined = {metric.get('n')} + {metric.get('undefined')}, "
                        f"not {replications} replications")
    return doc


def shape(doc):
    """Keys and metric shapes, for comparing R = 1 with R > 1."""
    keys = {"top": sorted(doc)}
    if "metrics" in doc:
        keys["metrics"] = {k: sorted(v) for k, v in doc["metrics"].items()}
    for name, metrics in doc.get("stations", {}).items():
        keys[f"stations/{name}"] = {k: sorted(v) for k, v in metrics.items()}
    keys["provenance"] = sorted(doc.get("provenance", {}))
    return keys


# ---------- CSV ----------

def anchor_of(spec):
    return "<" + re.split(r"[ .]", spec["from"])[-1] + ">"


def expected_columns(schema, header, names_by_source):
    """The header the schema expects, and each column's field or generated spec."""
    generated = defaultdict(list)
    for spec in schema.get("x-generated", []):
        generated[spec["after"]].append(spec)
    expected, specs = [], {}

    def add_generated(anchor):
        group = generated.get(anchor, [])
        if not group:
            return
        source = group[0]["from"]
        if source in names_by_source:
            for name in names_by_source[source]:
                expected.append(name)
                specs[name] = group[0]
            add_generated(anchor_of(group[0]))
        else:  # matched by pattern, where the header has them
            index = len(expected)
            while index < len(header):
                match = next((s for s in group if re.match(s["pattern"], header[index])), None)
                if match is None:
                    break
                expected.append(header[index])
                specs[header[index]] = match
                index += 1

    for field in schema["fields"]:
        if field.get("x-optional") and field["name"] not in header:
            continue
        expected.append(field["name"])
        specs[field["name"]] = field
        add_generated(field["name"])
    return expected, specs


def check_cell(file, name, row, value, spec, schema_name, missing):
    required = spec.get("constraints", {}).get("required", False)
    kind = spec["type"]
    key = (file, name)
    if value == "" or value in missing:
        if required:
            P.error(f"{file}: column {name!r} row {row}: {value!r}: missing in a required {kind} column", key + ("missing",))
        elif value == "NaN" and kind != "number":
            P.error(f"{file}: column {name!r} row {row}: 'NaN' in a {kind} column", key + ("nan",))
        return
    ok = {
        "integer": lambda v: INTEGER.match(v),
        "number": lambda v: FLOAT.match(v) or v in INFINITE,
        "boolean": lambda v: v in ("true", "false"),
        "string": lambda v: True,
    }[kind](value)
    if not ok:
        unstable = next((where for (schema, pattern), where in KNOWN_UNSTABLE.items()
                         if schema == schema_name and re.search(pattern, name)), None)
        if kind == "number" and INTEGER.match(value) and unstable:
            P.warn(f"KNOWN UNSTABLE {file}: column {name!r} row {row}: {value!r} is integer-looking in a number column "
                   f"({unstable})", (schema_name, "unstable"))
        else:
            why = " (integer-looking: pandas reads an all-whole column as int64)" if kind == "number" and INTEGER.match(value) else ""
            P.error(f"{file}: column {name!r} row {row}: {value!r} is not a {kind}{why} (schemas/csv/{schema_name}.json)",
                    key + ("type",))
    enum = spec.get("constraints", {}).get("enum")
    if enum and value not in enum:
        P.error(f"{file}: column {name!r} row {row}: {value!r} is not one of {enum}", key + ("enum",))


def check_csv(path, schema_name, base, names_by_source=None):
    schema = load(SCHEMAS / "csv" / f"{schema_name}.json")
    file = rel(path, base)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        P.error(f"{file}: empty file (no header)")
        return None
    header, body = rows[0], rows[1:]
    expected, specs = expected_columns(schema, header, names_by_source or {})
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        P.error(f"{file}: header does not match schemas/csv/{schema_name}.json: missing {missing}, "
                f"undocumented {extra}" + ("" if missing or extra else f", order {header} vs {expected}"))
        return header
    missing_values = schema.get("missingValues", [""])
    for index, row in enumerate(body, start=2):
        if len(row) != len(header):
            P.error(f"{file}: row {index}: {len(row)} values for {len(header)} columns", (file, "width"))
    body = [row for row in body if len(row) == len(header)]
    for column, name in enumerate(header):
        # Each distinct value once, at the first row (counting the header as row 1) that has it.
        first_row = {}
        for index, row in enumerate(body, start=2):
            first_row.setdefault(row[column], index)
        for value, index in sorted(first_row.items(), key=lambda item: item[1]):
            check_cell(file, name, index, value, specs[name], schema_name, missing_values)
    # A parameter column must not mix integer- and float-looking values.
    for name in header:
        if specs[name].get("from", "").endswith("parameters"):
            column = [row[header.index(name)] for row in body]
            looks = {("int" if INTEGER.match(v) else "float" if FLOAT.match(v) else "text") for v in column if v}
            if {"int", "float"} <= looks:
                P.error(f"{file}: parameter column {name!r} mixes integer- and float-looking values: {sorted(set(column))[:6]}")
    VALIDATED[f"csv/{schema_name}.json"].append(path)
    return header


# ---------- README: dictionary tables and the pandas snippet ----------

def render_dictionary():
    summary = load(SCHEMAS / "summary.schema.json")
    out = []

    def table(title, rows):
        out.append(f"#### {title}\n")
        out.append("| name | type | unit | meaning |")
        out.append("|---|---|---|---|")
        out.extend(f"| `{n}` | {t} | {u} | {d} |" for n, t, u, d in rows)
        out.append("")

    defs = summary["$defs"]
    kinds = [("onsale", "On-sale `metrics`", defs["onsale"]["properties"]["metrics"]),
             ("service", "Service `metrics`", defs["service"]["properties"]["metrics"]),
             ("contention", "Contention `metrics`", defs["contention"]["properties"]["metrics"]),
             ("network", "Network `stations.<station>` metrics", defs["network"]["properties"]["stations"]["additionalProperties"])]
    for _, title, definition in kinds:
        rows = []
        for name, prop in definition["properties"].items():
            always = name in definition["required"]
            rows.append((name, "metric" if always else "metric, not always", prop["x-unit"], prop["description"]))
        for prop in definition.get("patternProperties", {}).values():
            rows.append((prop["x-name"], "metric, per scheduled fault", prop["x-unit"], prop["description"]))
        table(f"summary.json: {title}", rows)
    trigger = defs["trigger"]["properties"]
    table("summary.json: service `triggers[]`",
          [(n, "/".join(p["type"]) if isinstance(p["type"], list) else p["type"], p.get("x-unit", ""), p["description"])
           for n, p in trigger.items()])
    for name in ["timeseries-onsale", "timeseries-service", "timeseries-network", "timeseries-contention",
                 "incidents", "journeys", "runs", "sweep-summary", "paired"]:
        schema = load(SCHEMAS / "csv" / f"{name}.json")
        rows = []
        for field in schema["fields"]:
            notes = []
            if not field.get("constraints", {}).get("required"):
                notes.append("may be empty/NaN")
            if field.get("x-optional"):
                notes.append(field["x-optional"])
            rows.append((field["name"], field["type"] + (f" ({'; '.join(notes)})" if notes else ""),
                         field["unit"], field["description"]))
        for spec in schema.get("x-generated", []):
            rows.append((f"/{spec['pattern']}/", f"{spec['type']}, generated after `{spec['after']}` from {spec['from']}",
                         spec["unit"], spec["description"]))
        table(f"{schema['title']} ([csv/{name}.json](csv/{name}.json)): {schema['description']}", rows)
    return "\n".join(out).replace("|  |", "| |")


BEGIN, END = "<!-- dictionary:begin (rendered by tests/schemas.py --write-readme) -->", "<!-- dictionary:end -->"


def readme_sections():
    text = README.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text, start, end


def write_readme():
    text, start, end = readme_sections()
    README.write_text(text[:start] + "\n\n" + render_dictionary() + "\n" + text[end:])


def check_readme():
    text, start, end = readme_sections()
    if text[start:end].strip() != render_dictionary().strip():
        P.error("schemas/README.md: the data dictionary tables are not those of the schemas: "
                "run python3 tests/schemas.py --write-readme")


def pandas_snippet():
    text = README.read_text()
    match = re.search(r"<!-- pandas-snippet -->\s*```python\n(.*?)```", text, re.S)
    if not match:
        P.error("schemas/README.md: no ```python block after <!-- pandas-snippet -->")
        return None
    scope = {}
    exec(match.group(1), scope)  # noqa: S102 - our own README's example
    return scope.get("read_table")


def check_pandas(csv_files, base):
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("note: pandas not installed: the README's pandas snippet was not run")
        return 0
    read_table = pandas_snippet()
    if read_table is None:
        return 0
    want = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "string"}
    count = 0
    for path, schema_name in csv_files:
        schema_path = SCHEMAS / "csv" / f"{schema_name}.json"
        try:
            frame = read_table(path, schema_path)
        except Exception as error:  # noqa: BLE001 - report any reader failure
            P.error(f"{rel(path, base)}: the README's pandas snippet fails: {error}")
            continue
        for field in load(schema_path)["fields"]:
            if field["name"] in frame.columns and str(frame[field["name"]].dtype) != want[field["type"]]:
                P.error(f"{rel(path, base)}: pandas reads column {field['name']!r} as {frame[field['name']].dtype}, "
                        f"not {want[field['type']]}")
        count += 1
    return count


# ---------- main ----------

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin")
    parser.add_argument("--keep", help="write outputs here (kept) instead of a temporary directory")
    parser.add_argument("--reuse", action="store_true", help="with --keep: validate the outputs already there, without running sellout")
    parser.add_argument("--write-readme", action="store_true", help="rewrite the dictionary tables of schemas/README.md")
    args = parser.parse_args()
    if args.write_readme:
        write_readme()
        print(f"wrote the data dictionary into {README.relative_to(ROOT)}")
        return
    started = time.monotonic()
    binary = find_bin(args.bin)
    with tempfile.TemporaryDirectory(prefix="sellout-schemas-") as scratch:
        tmp = Path(args.keep) if args.keep else Path(scratch)
        if args.keep and not args.reuse:
            shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True, exist_ok=True)
        runs, sweeps, plans = produce(binary, tmp, run=not (args.reuse and args.keep))
        produced = time.monotonic() - started
        csv_files = []
        shapes = defaultdict(dict)
        for name, (out, model, reps, kind) in sorted(runs.items()):
            doc = check_summary(out / "summary.json", tmp)
            if doc.get("kind") != kind:
                P.error(f"{rel(out / 'summary.json', tmp)}: kind {doc.get('kind')!r}, the model says {kind!r}")
            sources = {}
            header = check_csv(out / "timeseries.csv", f"timeseries-{kind}", tmp, sources)
            csv_files.append((out / "timeseries.csv", f"timeseries-{kind}"))
            if kind == "network" and header:
                stations = {re.sub(r"_queue$", "", c) for c in header if c.endswith("_queue")}
                if stations != set(doc.get("stations", {})):
                    P.error(f"{rel(out / 'timeseries.csv', tmp)}: stations {sorted(stations)} but summary.json has "
                            f"{sorted(doc.get('stations', {}))}")
            check_csv(out / "incidents.csv", "incidents", tmp)
            csv_files.append((out / "incidents.csv", "incidents"))
            if (out / "journeys.csv").exists():
                check_csv(out / "journeys.csv", "journeys", tmp)
                csv_files.append((out / "journeys.csv", "journeys"))
            shapes[model.stem][reps] = (shape(doc), header)
        for model, by_reps in sorted(shapes.items()):
            (first_shape, first_header) = by_reps[1]
            for reps, (other_shape, other_header) in by_reps.items():
                if reps == 1:
                    continue
                for part in sorted(set(first_shape) | set(other_shape)):
                    if first_shape.get(part) != other_shape.get(part):
                        a, b = first_shape.get(part), other_shape.get(part)
                        if isinstance(a, dict) and isinstance(b, dict):
                            diff = sorted(set(a) ^ set(b)) or sorted(k for k in a if a[k] != b.get(k))
                        else:
                            diff = (a, b)
                        P.error(f"{model}: {part} differs between -r 1 and -r {reps}: {diff}")
                if first_header != other_header:
                    P.error(f"{model}: timeseries.csv columns differ between -r 1 and -r {reps}")
        for name, out in sweeps.items():
            manifest = validate_json(out / "sweep.json", "sweep.schema.json", tmp)
            layout = manifest.get("layout", {})
            sources = {"sweep.json layout.parameters": layout.get("parameters", []),
                       "sweep.json layout.metrics": layout.get("metrics", [])}
            for file, schema_name in [("runs.csv", "runs"), ("summary.csv", "sweep-summary"), ("paired.csv", "paired")]:
                check_csv(out / file, schema_name, tmp, sources)
                csv_files.append((out / file, schema_name))
            with open(out / "runs.csv", newline="") as f:
                rows = sum(1 for _ in csv.reader(f)) - 1
            if rows != manifest.get("runs"):
                P.error(f"{rel(out / 'runs.csv', tmp)}: {rows} rows, sweep.json says runs = {manifest.get('runs')}")
        for name, out in plans.items():
            validate_json(out / "plan.json", "plan.schema.json", tmp)
        # an incidents.csv with the header only (network and contention runs write one)
        empty = [(p, s) for p, s in csv_files if s == "incidents" and len(p.read_text().splitlines()) == 1]
        if not empty:
            P.error("no header-only incidents.csv was produced to check the empty case")
        read = check_pandas(csv_files, tmp)
        check_readme()

    elapsed = time.monotonic() - started
    for schema_name, files in sorted(VALIDATED.items()):
        print(f"  {len(files):3d} file(s)  schemas/{schema_name}")
    print(f"  {read:3d} CSV file(s) read with the README's pandas snippet and the declared dtypes "
          f"({len(empty)} header-only incidents.csv)")
    for warning in P.warnings:
        print(f"warning: {warning}")
    total = sum(len(v) for v in VALIDATED.values())
    print(f"{total} files validated in {elapsed:.0f} s ({produced:.0f} s running sellout)")
    if P.errors:
        for error in P.errors:
            print(f"FAIL {error}")
        suppressed = sum(n - 3 for k, n in P.per_key.items() if n > 3 and k[0] != "warn")
        if suppressed:
            print(f"     ({suppressed} more like these not shown)")
        print(f"schemas: 0 passed, {len(P.errors)} failed")
        sys.exit(1)
    print(f"schemas: {total} passed, 0 failed")


if __name__ == "__main__":
    main()
