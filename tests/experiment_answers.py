#!/usr/bin/env python3
"""Checks that a scaled-down run of an experiment still gives its README's answer.

usage: experiment_answers.py SWEEP_OUT_DIR NAME

tests/experiments.sh runs every experiment with 2 replications and calls this
on each output directory. The checks assert the direction and ordering of the
answer (which design wins, where the knee is), not exact values, with margins
wide enough for 2 replications: a check that fails means the answer changed.
Standard library only.
"""

import csv
import sys
from pathlib import Path


class Sweep:
    def __init__(self, directory: Path):
        with open(directory / "summary.csv", newline="") as file:
            self.rows = list(csv.DictReader(file))

    def mean(self, metric, variant=None, **parameters):
        """The mean of `metric` at the one point matching variant and parameters."""
        matches = [
            row
            for row in self.rows
            if row["metric"] == metric
            and (variant is None or row["variant"] == variant)
            and all(same(row[name], value) for name, value in parameters.items())
        ]
        if len(matches) != 1:
            raise SystemExit(
                f"expected one row of {metric} for {variant} {parameters}, found {len(matches)}"
            )
        return float(matches[0]["mean"])


def same(cell, value):
    """A parameter cell equals `value`: numbers by value (a float grid value
    is written 0.0, an integer one 0), anything else as text."""
    cell = cell.strip('"')
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(cell) == float(value)
        except ValueError:
            return False
    return cell == str(value)


def check(claim, ok):
    print(f"  {'ok ' if ok else 'FAIL'} {claim}")
    return ok


def waiting_room_outflow(s):
    p99 = lambda per_min: s.mean("latency_hold_p99_s", "randomized-prequeue", **{"waiting_room.outflow_per_min": per_min})
    sold = lambda per_min: s.mean("first_sold_out_s", "randomized-prequeue", **{"waiting_room.outflow_per_min": per_min})
    return [
        check("up to 4,000/min the hold p99 stays under 0.5 s", p99(4000) < 0.5),
        check("past the knee (6,000/min) the hold p99 is over 2 s", p99(6000) > 2.0),
        check("faster outflow sells out sooner (2,000 > 4,000 > 8,000/min)", sold(2000) > sold(4000) > sold(8000)),
        check("no waiting room fails over 20% of requests", s.mean("error_rate", "no-waiting-room") > 0.2),
    ]


def admission_policy(s):
    cap = lambda metric, active: s.mean(metric, "concurrency", **{"waiting_room.max_active": active})
    return [
        check("a cap of 3,000 keeps the hold p99 under 0.5 s", cap("latency_hold_p99_s", 3000) < 0.5),
        check("a cap of 6,000 breaks the SLO latency (p99 > 1 s)", cap("latency_hold_p99_s", 6000) > 1.0),
        check(
            "a cap of 3,000 sells out sooner than the shipped 2,000/min rate",
            cap("first_sold_out_s", 3000) < s.mean("first_sold_out_s", "rate-2000"),
        ),
    ]


def hold_ttl(s):
    at = lambda metric, ttl: s.mean(metric, **{"sale.hold_ttl": ttl})
    return [
        check("the first sell-out barely moves (3 vs 20 min within 10%)", abs(at("first_sold_out_s", "3m") / at("first_sold_out_s", "20m") - 1) < 0.1),
        check("a 3-min TTL ends the second wave sooner than 8 min", at("last_sale_s", "3m") < at("last_sale_s", "8m")),
        check("a 3-min TTL expires more tickets than 20 min", at("tickets_expired", "3m") > at("tickets_expired", "20m")),
    ]


def servers_vs_slo(s):
    p99 = lambda servers, connections: s.mean("latency_hold_p99_s", "static", **{"app.servers": servers, "database.connections": connections})
    return [
        check("5 app servers are too few (hold p99 > 1 s)", p99(5, 16) > 1.0),
        check("6 servers with 10 connections meet it (p99 < 0.5 s)", p99(6, 10) < 0.5),
        check("8 connections make the primary queue (p99 above 10's)", p99(6, 8) > p99(6, 10)),
    ]


def retry_policies(s):
    after = lambda variant: s.mean("goodput_after_per_s", variant)
    return [
        check("no retries recover (goodput after > 30/s)", after("none") > 30),
        check("immediate, exponential and full jitter stay collapsed (< 5/s)", max(after(v) for v in ("immediate", "exponential", "full-jitter")) < 5),
        check("full jitter with a budget recovers (> 30/s)", after("full-jitter-budget") > 30),
    ]


def backoff_jitter(s):
    calls = lambda variant, n: s.mean("calls", variant, clients=n)
    done = lambda variant, n: s.mean("completion_s", variant, clients=n)
    ratio = calls("no-backoff", 200) / calls("no-backoff", 100)
    return [
        check("without backoff work grows about as N^2 (100 -> 200 clients: x3 to x4.5)", 3.0 < ratio < 4.5),
        check("exponential without jitter is the slowest at 100 clients (over 5x full jitter)", done("exponential", 100) > 5 * done("full-jitter", 100)),
        check("full jitter does less work than exponential and decorrelated at 100", calls("full-jitter", 100) < min(calls("exponential", 100), calls("decorrelated-jitter", 100))),
        check("jitter halves the calls at 100 clients", calls("full-jitter", 100) < 0.5 * calls("exponential", 100)),
    ]


def metastability_boundary(s):
    recovered = lambda rate, duration: s.mean("recovered", **{"load.spikes[0].rate_per_s": rate, "load.spikes[0].duration": duration})
    return [
        check("a 60 calls/s spike of 40 s is absorbed", recovered(60, "40s") == 1.0),
        check("a 1 s spike to 120 calls/s is absorbed", recovered(120, "1s") == 1.0),
        check("a 10 s spike to 100 calls/s leaves it stuck", recovered(100, "10s") == 0.0),
    ]


def metastability_rescue(s):
    recovered = lambda variant, cut, until: s.mean("recovered", variant, **{"load.schedule[0].rate_per_s": cut, "load.schedule[1].at": until})
    return [
        check("stopping the load for 30 s rescues at 40/s and 50/s", recovered("at-40-per-s", 0, "180s") == 1.0 == recovered("at-50-per-s", 0, "180s")),
        check("a cut to 30/s never rescues", recovered("at-40-per-s", 30, "270s") == 0.0),
        check("at 40/s a 120 s cut to 20/s rescues", recovered("at-40-per-s", 20, "270s") == 1.0),
        check("at 50/s a 120 s cut to 20/s does not", recovered("at-50-per-s", 20, "270s") == 0.0),
    ]


CHECKS = {
    "waiting-room-outflow": waiting_room_outflow,
    "admission-policy": admission_policy,
    "hold-ttl": hold_ttl,
    "servers-vs-slo": servers_vs_slo,
    "retry-policies": retry_policies,
    "backoff-jitter": backoff_jitter,
    "metastability-boundary": metastability_boundary,
    "metastability-boundary-rescue": metastability_rescue,
}


def main():
    directory, name = Path(sys.argv[1]), sys.argv[2]
    if name not in CHECKS:
        raise SystemExit(f"no answer checks for experiment {name!r}: add them to {__file__}")
    results = CHECKS[name](Sweep(directory))
    if not all(results):
        raise SystemExit(f"{name}: the answer in its README no longer holds")


if __name__ == "__main__":
    main()
