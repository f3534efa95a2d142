//! A provisionable Grafana dashboard over the OpenMetrics export: the panels
//! of the run's own dashboard (`dashboard.svg`), each line a PromQL query from
//! the catalogue, with the time range set to the run.

use serde_json::{Value, json};

use super::ExportOptions;
use super::catalogue::column_query;
use super::options::format_rfc3339;
use super::run_output::RunOutput;
use crate::report::plots::{Timeseries, any_nonzero, pool_columns};

/// A panel: its title (as the run's dashboard names it), y unit and lines.
#[derive(Clone, Debug, PartialEq)]
pub struct GrafanaPanel {
    /// Title, the same as the run dashboard's.
    pub title: String,
    /// Grafana unit id (`s`, `percentunit`, `short`).
    pub unit: &'static str,
    /// Logarithmic y axis.
    pub log: bool,
    /// (PromQL, legend) per line.
    pub targets: Vec<(String, String)>,
}

/// The dashboard JSON.
pub fn dashboard(run: &RunOutput, options: &ExportOptions) -> String {
    let panels: Vec<Value> = panels(&run.series)
        .iter()
        .enumerate()
        .map(|(index, panel)| panel_json(index, panel))
        .collect();
    let t = run.t_s();
    let from = options.start_unix_s + t.first().copied().unwrap_or(0.0) as i64 - 1;
    let to = options.start_unix_s + t.last().copied().unwrap_or(0.0) as i64;
    let document = json!({
        "title": format!("sellout: {} (seed {})", run.model_name(), run.seed()),
        "uid": uid(run.model_name()),
        "tags": ["sellout", "onsale"],
        "timezone": "utc",
        "schemaVersion": 39,
        "editable": true,
        "time": { "from": format_rfc3339(from), "to": format_rfc3339(to) },
        "templating": { "list": [{
            "name": "datasource",
            "label": "Prometheus",
            "type": "datasource",
            "query": "prometheus",
        }]},
        "panels": panels,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The run dashboard's on-sale panels (see `report::plots::layout`), leaving
/// out those whose columns the run lacks, as the run dashboard does.
pub fn panels(series: &Timeseries) -> Vec<GrafanaPanel> {
    let lines = |columns: &[(&str, &str)]| -> Vec<(String, String)> {
        columns
            .iter()
            .filter_map(|(column, legend)| {
                Some((column_query(series, column)?, (*legend).to_owned()))
            })
            .collect()
    };
    let panel = |title: &str, unit, targets| GrafanaPanel {
        title: title.to_owned(),
        unit,
        log: false,
        targets,
    };
    let mut panels = vec![
        panel(
            "Arrivals and admissions",
            "short",
            lines(&[
                ("arrivals", "fans and bots arriving"),
                ("admitted", "admitted from the waiting room"),
            ]),
        ),
        panel(
            "Waiting room",
            "short",
            lines(&[
                ("waiting_room_entries", "entries in the queue"),
                ("visitors_waiting", "visitors waiting"),
            ]),
        ),
        panel(
            "Tickets",
            "short",
            lines(&[
                ("tickets_sold", "sold"),
                ("inventory_left", "inventory left"),
            ]),
        ),
        GrafanaPanel {
            log: true,
            ..panel(
                "Latency per endpoint: p99 thick, p50 thin",
                "s",
                latency_lines(series),
            )
        },
        panel(
            "System errors (rejections and timeouts)",
            "short",
            lines(&[("errors", "system errors")]),
        ),
        panel(
            "Queue status polls",
            "short",
            if any_nonzero(series, "queue_polls") {
                lines(&[
                    ("queue_polls", "status polls"),
                    ("queue_poll_errors", "failed polls"),
                ])
            } else {
                Vec::new()
            },
        ),
        panel("Utilization", "percentunit", utilization_lines(series)),
        panel(
            "Live holds",
            "short",
            lines(&[("holds_active", "live holds")]),
        ),
        panel(
            "Queues",
            "short",
            lines(&[("app_queue", "app servers"), ("database_queue", "database")]),
        ),
    ];
    let instances = series.column("app_instances").unwrap_or(&[]);
    if instances.windows(2).any(|pair| pair[0] != pair[1]) {
        panels.push(panel(
            "App instances (autoscaling)",
            "short",
            lines(&[("app_instances", "app instances")]),
        ));
    }
    panels.retain(|panel| !panel.targets.is_empty());
    panels
}

fn latency_lines(series: &Timeseries) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    for name in series.names() {
        let Some(endpoint) = name.strip_suffix("_p99_s") else {
            continue;
        };
        for quantile in ["p99", "p50"] {
            let column = format!("{endpoint}_{quantile}_s");
            if let Some(query) = column_query(series, &column) {
                lines.push((query, format!("{} {quantile}", endpoint.replace('_', " "))));
            }
        }
    }
    lines
}

fn utilization_lines(series: &Timeseries) -> Vec<(String, String)> {
    pool_columns(series)
        .into_iter()
        .filter_map(|(column, label)| Some((column_query(series, &column)?, label)))
        .collect()
}

fn panel_json(index: usize, panel: &GrafanaPanel) -> Value {
    let targets: Vec<Value> = panel
        .targets
        .iter()
        .enumerate()
        .map(|(line, (expr, legend))| {
            json!({
                "refId": ref_id(line),
                "datasource": { "type": "prometheus", "uid": "${datasource}" },
                "expr": expr,
                "legendFormat": legend,
                "interval": "1s",
            })
        })
        .collect();
    let scale = if panel.log {
        json!({ "type": "log", "log": 10 })
    } else {
        json!({ "type": "linear" })
    };
    json!({
        "id": index + 1,
        "type": "timeseries",
        "title": panel.title,
        "datasource": { "type": "prometheus", "uid": "${datasource}" },
        "gridPos": { "h": 9, "w": 12, "x": (index % 2) * 12, "y": (index / 2) * 9 },
        "fieldConfig": { "defaults": { "unit": panel.unit, "custom": { "scaleDistribution": scale } }, "overrides": [] },
        "targets": targets,
    })
}

/// A, B, ..., Z, AA, AB, ...: Grafana's query ids.
fn ref_id(index: usize) -> String {
    let letter = |i: usize| char::from(b'A' + (i % 26) as u8);
    if index < 26 {
        letter(index).to_string()
    } else {
        format!("{}{}", letter(index / 26 - 1), letter(index))
    }
}

/// A stable dashboard uid (Grafana allows 40 characters).
fn uid(model: &str) -> String {
    let clean: String = model
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(32)
        .collect();
    format!("sellout-{clean}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::Layout;
    use std::path::Path;

    fn series(header: &str, rows: &[&str]) -> Timeseries {
        let text = format!("{header}\n{}\n", rows.join("\n"));
        Timeseries::parse(Path::new("t.csv"), text.as_bytes()).unwrap()
    }

    #[test]
    fn panels_are_the_run_dashboards_even_when_columns_come_and_go() {
        let full = "t_s,arrivals,requests,waiting_room_entries,admitted,app_queue,app_utilization,app_instances,database_queue,database_utilization,replica_utilization,hold_p50_s,hold_p99_s,responses,errors,holds_active,tickets_sold,inventory_left,hold_requests";
        let scaled = series(full, &[&vec!["1"; 19].join(","), &vec!["2"; 19].join(",")]);
        let bare = series("t_s,arrivals,requests,errors,hold_requests", &["1,1,1,0,1"]);
        let polled = series(
            "t_s,arrivals,errors,queue_polls,queue_poll_errors,visitors_waiting",
            &["1,1,0,0,0,5", "2,1,0,900,300,5"],
        );
        let calm = series(
            "t_s,arrivals,errors,queue_polls,queue_poll_errors",
            &["1,1,0,0,0"],
        );
        for series in [scaled, bare, polled, calm] {
            let titles: Vec<String> = panels(&series).into_iter().map(|p| p.title).collect();
            assert_eq!(titles, Layout::Onsale.panel_titles(&series));
        }
    }

    #[test]
    fn ref_ids_are_distinct() {
        let ids: std::collections::BTreeSet<String> = (0..100).map(ref_id).collect();
        assert_eq!(ids.len(), 100);
    }
}
