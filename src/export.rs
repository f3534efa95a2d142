//! Exports of an on-sale run to the tools the people who run on-sales use:
//! load-test scripts (k6, Locust) shaped like the simulated traffic, the
//! per-second series as OpenMetrics for Prometheus, the model's alerts as
//! Prometheus rules, and a Grafana dashboard over those metrics.
//!
//! ```text
//! run dir ──RunOutput::read──▶ RunOutput (summary, timeseries, alerts)
//!                                 │
//!              catalogue: one metric per timeseries column (and the PromQL
//!              that gives the column back), shared by openmetrics, rules, grafana
//!              curve: per-endpoint request rates as bounded load-test stages,
//!              shared by k6 and locust
//!                                 │
//!                     export(run, format, options) ──▶ bytes
//! ```
//!
//! Exporters return bytes; the CLI writes them. Same run directory and options
//! ⇒ byte-identical export.

mod catalogue;
mod curve;
mod error;
mod grafana;
mod k6;
mod locust;
mod openmetrics;
mod options;
mod prometheus_rules;
mod run_output;

pub use catalogue::{Metric, MetricKind, catalogue, column_query};
pub use curve::{Curve, MAX_STAGES, Stage};
pub use error::ExportError;
pub use options::{DEFAULT_START, ExportOptions, parse_rfc3339};
pub use run_output::{RunOutput, model_alerts, requests_column};

/// What `sellout export --format` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// A k6 script: one `ramping-arrival-rate` scenario per endpoint.
    K6,
    /// A locustfile with a `LoadTestShape` and one task per endpoint.
    Locust,
    /// The per-second series as OpenMetrics text with timestamps.
    OpenMetrics,
    /// The model's alerts as Prometheus alerting rules.
    PrometheusRules,
    /// A provisionable Grafana dashboard over the OpenMetrics metrics.
    Grafana,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 5] = [
        Format::K6,
        Format::Locust,
        Format::OpenMetrics,
        Format::PrometheusRules,
        Format::Grafana,
    ];

    /// The name given to `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::K6 => "k6",
            Format::Locust => "locust",
            Format::OpenMetrics => "openmetrics",
            Format::PrometheusRules => "prometheus-rules",
            Format::Grafana => "grafana",
        }
    }

    /// The file name written when `--out` is not given.
    pub fn default_file(self) -> &'static str {
        match self {
            Format::K6 => "k6.js",
            Format::Locust => "locustfile.py",
            Format::OpenMetrics => "metrics.om.txt",
            Format::PrometheusRules => "alerts.rules.yml",
            Format::Grafana => "grafana-dashboard.json",
        }
    }

    /// The format called `name`.
    pub fn parse(name: &str) -> Result<Format, ExportError> {
        Format::ALL
            .into_iter()
            .find(|format| format.name() == name)
            .ok_or_else(|| ExportError::Option {
                flag: "--format",
                value: name.to_owned(),
                allowed: Format::ALL.map(Format::name).join(", "),
            })
    }
}

/// The export of `run` in `format`.
pub fn export(
    run: &RunOutput,
    format: Format,
    options: &ExportOptions,
) -> Result<Vec<u8>, ExportError> {
    let text = match format {
        Format::K6 => k6::script(run, options)?,
        Format::Locust => locust::locustfile(run, options)?,
        Format::OpenMetrics => openmetrics::exposition(run, options),
        Format::PrometheusRules => prometheus_rules::rules(run)?,
        Format::Grafana => grafana::dashboard(run, options),
    };
    Ok(text.into_bytes())
}
