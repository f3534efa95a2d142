//! A k6 script: one `ramping-arrival-rate` scenario per endpoint whose stages
//! follow that endpoint's simulated request rate. Arrival-rate executors are
//! open-model (iterations start on schedule whatever the system answers), which
//! is how fans behave at an opening; one iteration is one request.

use std::fmt::Write as _;

use super::curve::{Curve, Stage};
use super::run_output::RunOutput;
use super::{ExportError, ExportOptions};
use crate::onsale::Endpoint;

/// Generous VU head-room: each iteration holds a VU for one response, so a
/// scenario needs about rate × latency VUs; a slow system under test needs more.
const VUS_PER_REQUEST_PER_S: f64 = 2.0;
const MAX_VUS_FACTOR: u64 = 5;

/// The script's text.
pub fn script(run: &RunOutput, options: &ExportOptions) -> Result<String, ExportError> {
    let mut out = String::new();
    header(&mut out, run, options);
    let endpoints = run.endpoints();
    paths(&mut out, &endpoints);
    out.push_str("export const options = {\n  discardResponseBodies: true,\n  scenarios: {\n");
    for endpoint in &endpoints {
        let curve = Curve::new(run.endpoint_requests(*endpoint), options, 1);
        scenario(&mut out, *endpoint, &curve);
    }
    out.push_str("  },\n};\n\n");
    functions(&mut out, &endpoints);
    Ok(out)
}

fn header(out: &mut String, run: &RunOutput, options: &ExportOptions) {
    let _ = writeln!(
        out,
        "// k6 load test shaped like the simulated on-sale {:?} (seed {}), written by `sellout export --format k6`.\n\
         // Each endpoint's scenario follows its simulated request rate, second by second\n\
         // (averaged into at most {} stages), played {}x faster at {}x the simulated rate.\n\
         // Run: k6 run -e BASE_URL=https://staging.example.com script.js",
        run.model_name(),
        run.seed(),
        super::MAX_STAGES,
        options.speed,
        options.rate_scale
    );
    out.push_str("import http from 'k6/http';\n\n");
    out.push_str("// The system under test; override with `k6 run -e BASE_URL=...`.\n");
    out.push_str("const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';\n\n");
}

/// The path map: edit it to match the system under test.
fn paths(out: &mut String, endpoints: &[Endpoint]) {
    out.push_str(
        "// Method and path of each endpoint of the system under test.\nconst PATHS = {\n",
    );
    for endpoint in endpoints {
        let (method, path) = route(*endpoint);
        let _ = writeln!(
            out,
            "  {}: {{ method: '{method}', path: '{path}' }},",
            endpoint.name()
        );
    }
    out.push_str("};\n\n");
}

/// A default method and path per endpoint, to be edited to the real API.
pub fn route(endpoint: Endpoint) -> (&'static str, &'static str) {
    match endpoint {
        Endpoint::EventPage => ("GET", "/event"),
        Endpoint::SeatMap => ("GET", "/event/seats"),
        Endpoint::Hold => ("POST", "/holds"),
        Endpoint::Payment => ("POST", "/payments"),
        Endpoint::Confirm => ("POST", "/orders"),
        Endpoint::AccessCode => ("POST", "/access-codes"),
    }
}

fn scenario(out: &mut String, endpoint: Endpoint, curve: &Curve) {
    let peak_per_s = curve.peak_per_minute() as f64 / 60.0;
    let vus = ((peak_per_s * VUS_PER_REQUEST_PER_S).ceil() as u64).max(1);
    let name = endpoint.name();
    let _ = writeln!(
        out,
        "    {name}: {{\n      executor: 'ramping-arrival-rate',\n      exec: '{name}',\n      \
         startRate: 0,\n      timeUnit: '1m',\n      preAllocatedVUs: {vus},\n      maxVUs: {},\n      \
         stages: [",
        vus * MAX_VUS_FACTOR
    );
    for stage in &curve.stages {
        let _ = writeln!(out, "        {},", stage_text(stage));
    }
    out.push_str("      ],\n    },\n");
}

/// A step: jump to the rate (a zero-length stage), then hold it. k6 ramps
/// linearly within a stage, so holding needs the jump first.
fn stage_text(stage: &Stage) -> String {
    format!(
        "{{ target: {rate}, duration: '0s' }}, {{ target: {rate}, duration: '{}ms' }}",
        stage.duration_ms,
        rate = stage.per_minute
    )
}

fn functions(out: &mut String, endpoints: &[Endpoint]) {
    out.push_str(
        "function call(endpoint) {\n  const { method, path } = PATHS[endpoint];\n  \
         http.request(method, BASE_URL + path, null, { tags: { endpoint } });\n}\n",
    );
    for endpoint in endpoints {
        let _ = writeln!(
            out,
            "\nexport function {0}() {{\n  call('{0}');\n}}",
            endpoint.name()
        );
    }
}
