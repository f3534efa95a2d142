//! A locustfile: a `LoadTestShape` that follows the simulated request rate of
//! all endpoints together, and one task per endpoint weighted by the simulated
//! mix. Locust drives users, not requests, so each user is paced to a fixed
//! number of requests per second (`constant_throughput`) and the shape asks
//! for rate ÷ that many users. This holds while the system under test answers
//! within 1 ÷ USER_RATE seconds; a slower system gets fewer requests (Locust is
//! closed-model, unlike the k6 export).

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
    user(&mut out, run);
    shape(&mut out, &curve);
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
         import os\n\n\
         from locust import HttpUser, LoadTestShape, constant_throughput, task\n\n\
         # Requests per second of one user (override with SELLOUT_USER_RATE).\n\
         USER_RATE = float(os.environ.get(\"SELLOUT_USER_RATE\", \"1\"))\n",
        run.model_name(),
        run.seed(),
        options.speed,
        options.rate_scale
    );
}

fn user(out: &mut String, run: &RunOutput) {
    let endpoints = run.endpoints();
    let totals: Vec<f64> = endpoints
        .iter()
        .map(|endpoint| run.endpoint_requests(*endpoint).iter().sum())
        .collect();
    let all: f64 = totals.iter().sum::<f64>().max(1.0);
    out.push_str(
        "\n\nclass OnsaleUser(HttpUser):\n    \
         \"\"\"One paced user; tasks are weighted by the simulated mix (per mille of requests).\"\"\"\n\n    \
         wait_time = constant_throughput(USER_RATE)\n",
    );
    for (endpoint, total) in endpoints.iter().zip(&totals) {
        if *total <= 0.0 {
            continue; // never called in the run
        }
        let weight = ((total / all * WEIGHT_SCALE).round() as u64).max(1);
        task(out, *endpoint, weight);
    }
}

fn task(out: &mut String, endpoint: Endpoint, weight: u64) {
    let (method, path) = route(endpoint);
    let _ = writeln!(
        out,
        "\n    @task({weight})\n    def {name}(self):\n        \
         self.client.request(\"{method}\", \"{path}\", name=\"{name}\")",
        name = endpoint.name()
    );
}

fn shape(out: &mut String, curve: &Curve) {
    out.push_str(
        "\n\n# (end of stage in seconds since the start, requests per second)\nSTAGES = [\n",
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
    out.push_str(
        "]\n\n\nclass OnsaleShape(LoadTestShape):\n    \
         \"\"\"Users for the simulated request rate of the current stage; stops after the last.\"\"\"\n\n    \
         def tick(self):\n        \
         run_time = self.get_run_time()\n        \
         for end_s, rate in STAGES:\n            \
         if run_time < end_s:\n                \
         users = round(rate / USER_RATE)\n                \
         # Spawn at once: the rate steps, it does not ramp.\n                \
         return (users, max(users, 1))\n        \
         return None\n",
    );
}
