//! A locustfile: a `LoadTestShape` that follows the simulated request rate of
//! all endpoints together, and one task per endpoint weighted by the simulated
//! mix. Locust drives users, not requests, so each user is paced to a fixed
//! number of requests per second (`constant_throughput`) and the shape asks
//! for rate ÷ that many users. This holds while the system under test answers
//! within 1 ÷ USER_RATE seconds; a slower system gets fewer requests (Locust is
//! closed-model, unlike the k6 export).
//!
//! Locust applies a lower user count a beat late (its users fire on the same
//! whole seconds as its shape ticks), so each user holds a slot number and
//! skips its request while its slot is above the shape's current count.

use std::fmt::Write as _;

use super::curve::Curve;
use super::k6::route;
use super::run_output::RunOutput;
use super::{ExportError, ExportOptions};
use crate::onsale::Endpoint;

/// Task weights are per mille of the simulated requests: Locust repeats a task
/// in a list once per unit of weight, so raw counts would use gigabytes.
const WEIGHT_SCALE: f64 = 1000.0;

/// The locustfile's text.
pub fn locustfile(run: &RunOutput, options: &ExportOptions) -> Result<String, ExportError> {
    // Locust reads its shape once a second: shorter stages would be skipped.
    let min_bucket_s = options.speed.ceil() as usize;
    let curve = Curve::new(&run.total_requests(), options, min_bucket_s);
    let mut out = String::new();
    header(&mut out, run, options);
    stages(&mut out, &curve);
    out.push_str(SLOTS);
    user(&mut out, run);
    out.push_str(SHAPE);
    Ok(out)
}

fn header(out: &mut String, run: &RunOutput, options: &ExportOptions) {
    let _ = writeln!(
        out,
        "\"\"\"Locust load test shaped like the simulated on-sale {:?} (seed {}).\n\n\
         Written by `sellout export --format locust`: the shape follows the simulated\n\
         request rate of all endpoints, played {}x faster at {}x the simulated rate.\n\
         Each user makes USER_RATE requests per second, so the shape runs\n\
         rate / USER_RATE users; this holds while the system answers within\n\
         1 / USER_RATE seconds.\n\n\
         Run: locust -f locustfile.py --headless --host https://staging.example.com\n\
         \"\"\"\n\
         import heapq\n\
         import os\n\n\
         from locust import HttpUser, LoadTestShape, constant_throughput, task\n\n\
         # Requests per second of one user (override with SELLOUT_USER_RATE).\n\
         USER_RATE = float(os.environ.get(\"SELLOUT_USER_RATE\", \"1\"))\n\
         # Locust's ticks and its paced users' requests both fall on whole seconds:\n\
         # looking a quarter second ahead puts each beat in the stage it opens.\n\
         LEAD_S = 0.25",
        run.model_name(),
        run.seed(),
        options.speed,
        options.rate_scale
    );
}

fn stages(out: &mut String, curve: &Curve) {
    out.push_str(
        "\n# (end of stage in seconds since the start, requests per second)\nSTAGES = [\n",
    );
    let mut end_ms = 0;
    for stage in &curve.stages {
        end_ms += stage.duration_ms;
        let _ = writeln!(
            out,
            "    ({}, {}),",
            end_ms as f64 / 1000.0,
            stage.per_minute as f64 / 60.0
        );
    }
    out.push_str("]\n");
}

/// The users the shape wants at a run time, and the slots that let surplus
/// users skip their request until Locust stops them.
const SLOTS: &str = r#"

def target_users(run_time):
    """Users for the stage at run_time (0 after the last)."""
    for end_s, rate in STAGES:
        if run_time < end_s:
            return round(rate / USER_RATE)
    return 0


_free_slots = []  # slots of stopped users, lowest first
_slot_count = [0]


def take_slot():
    if _free_slots:
        return heapq.heappop(_free_slots)
    _slot_count[0] += 1
    return _slot_count[0] - 1
"#;

fn user(out: &mut String, run: &RunOutput) {
    let endpoints = run.endpoints();
    let totals: Vec<f64> = endpoints
        .iter()
        .map(|endpoint| run.endpoint_requests(*endpoint).iter().sum())
        .collect();
    let all: f64 = totals.iter().sum::<f64>().max(1.0);
    out.push_str(USER);
    for (endpoint, total) in endpoints.iter().zip(&totals) {
        if *total <= 0.0 {
            continue; // never called in the run
        }
        let weight = ((total / all * WEIGHT_SCALE).round() as u64).max(1);
        task(out, *endpoint, weight);
    }
}

const USER: &str = r#"

class OnsaleUser(HttpUser):
    """One paced user; tasks are weighted by the simulated mix (per mille of requests)."""

    wait_time = constant_throughput(USER_RATE)

    def on_start(self):
        self.slot = take_slot()

    def on_stop(self):
        heapq.heappush(_free_slots, self.slot)

    def surplus(self):
        """True while the shape wants fewer users than this one's slot. Locust
        stops users of any slot, so a surplus user moves down into a freed one."""
        shape = self.environment.shape_class
        if shape is None:
            return False
        target = target_users(shape.get_run_time() + LEAD_S)
        if self.slot >= target and _free_slots and _free_slots[0] < target:
            self.slot = heapq.heappushpop(_free_slots, self.slot)
        return self.slot >= target
"#;

fn task(out: &mut String, endpoint: Endpoint, weight: u64) {
    let (method, path) = route(endpoint);
    let _ = writeln!(
        out,
        "\n    @task({weight})\n    def {name}(self):\n        \
         if not self.surplus():\n            \
         self.client.request(\"{method}\", \"{path}\", name=\"{name}\")",
        name = endpoint.name()
    );
}

const SHAPE: &str = r#"

class OnsaleShape(LoadTestShape):
    """Users for the simulated request rate of the current stage; stops after the last."""

    def tick(self):
        run_time = self.get_run_time() + LEAD_S
        if run_time >= STAGES[-1][0]:
            return None
        users = target_users(run_time)
        # Spawn within about 50 ms: the rate steps, it does not ramp.
        return (users, max(20 * users, 1))
"#;
