//! `replay.html`: one self-contained page that plays an on-sale run back, for
//! reviews and for incident-response drills. The run's data is embedded as
//! JSON; plain JavaScript draws the panels as inline SVG up to a clock that
//! plays at 1×, 10×, 60× or 600×, seeks with a scrubber or `#t=SECONDS`, and,
//! in drill mode (`#drill`), pauses at each alert to ask the trainee what they
//! would do, then scores the answers against what the runbook did. No network,
//! no libraries; the same run gives the same bytes.

mod data;
mod drill;

use serde_json::{Value, json};

use crate::report::plots::{Incident, Timeseries};

pub use self::data::MAX_POINTS;
pub use self::drill::{Drill, DrillAlert, RunbookAction, drill};

/// The page around the data: markup and CSS.
const PAGE: &str = include_str!("replay/page.html");
/// The player.
const SCRIPT: &str = include_str!("replay/replay.js");

/// What a replay is built from: the files of one on-sale run's output directory.
pub struct ReplayInput<'a> {
    /// Parsed `summary.json` (kind `onsale`).
    pub summary: &'a Value,
    /// `timeseries.csv` of replication 0.
    pub series: &'a Timeseries,
    /// `incidents.csv`, empty if the run had none.
    pub incidents: &'a [Incident],
}

/// `replay.html` as a string (the caller writes the file).
pub fn replay(input: &ReplayInput) -> String {
    let title = run_title(input.summary);
    let data = json!({
        "title": title,
        "series": data::series(input.series),
        "incidents": data::incidents(input.incidents),
        "drill": drill(input.incidents).to_json(),
    });
    fill(
        PAGE,
        &[
            ("{{title}}", &escape(&format!("Replay: {title}"))),
            ("{{script}}", SCRIPT),
            ("{{data}}", &embeddable(&data)),
        ],
    )
}

/// `template` with each placeholder replaced, in one pass, so text put in
/// (a model name, the data) is never searched for placeholders itself.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match values.iter().find(|(key, _)| rest.starts_with(key)) {
            Some((key, value)) => {
                out.push_str(value);
                rest = &rest[key.len()..];
            }
            None => {
                out.push_str("{{");
                rest = &rest[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// "db-failover · seed 1 · scale 0.1": what the dashboard and the replay show,
/// from the provenance (`scale` is an on-sale's).
pub fn run_title(summary: &Value) -> String {
    let provenance = &summary["provenance"];
    let mut title = format!(
        "{} · seed {}",
        provenance["model"].as_str().unwrap_or("run"),
        provenance["seed"]
    );
    if let Some(scale) = summary["scale"].as_f64().filter(|scale| *scale != 1.0) {
        title.push_str(&format!(" · scale {scale}"));
    }
    if provenance["replications"].as_u64().unwrap_or(1) > 1 {
        title.push_str(" · replication 0");
    }
    title
}

/// JSON that can sit inside `<script type="application/json">`: every `<` is
/// written as `\u003c`, so no `</script>` or `<!--` in a model name or an
/// incident's detail can end the element early. JSON strings read it back as `<`.
fn embeddable(data: &Value) -> String {
    data.to_string().replace('<', "\\u003c")
}

/// Text for HTML element content and attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::IncidentKind;
    use std::path::Path;

    fn series() -> Timeseries {
        let csv = "t_s,waiting_room_entries,errors,hold_p99_s,app_utilization,tickets_sold,inventory_left\n\
                   -1,5,0,0.0,0.1,0,10\n0,7,1,0.02,0.5,1,9\n1,3,2,0.5,0.9,3,7\n";
        Timeseries::parse(Path::new("timeseries.csv"), csv.as_bytes()).expect("parse")
    }

    #[test]
    fn embedded_data_cannot_close_the_script_element() {
        let incidents = [Incident {
            t_s: 0.0,
            kind: IncidentKind::Action,
            component: "operations".to_owned(),
            detail: "</script><script>alert(1)</script>".to_owned(),
        }];
        let summary = json!({ "provenance": { "model": "m</script>", "seed": 1 } });
        let page = replay(&ReplayInput {
            summary: &summary,
            series: &series(),
            incidents: &incidents,
        });
        let start = page.find("id=\"replay-data\"").expect("data element");
        let end = page[start..].find("</script>").expect("closed") + start;
        let embedded = &page[page[start..].find('>').unwrap() + start + 1..end];
        assert!(!embedded.contains('<'), "{embedded}");
        let parsed: Value = serde_json::from_str(embedded).expect("valid JSON");
        assert_eq!(parsed["incidents"][0]["detail"], incidents[0].detail);
        assert!(page.contains("<title>Replay: m&lt;/script&gt; · seed 1</title>"));
    }

    #[test]
    fn the_same_run_gives_the_same_page_with_nothing_fetched() {
        let summary = json!({ "provenance": { "model": "m", "seed": 1 }, "scale": 0.1 });
        let input = ReplayInput {
            summary: &summary,
            series: &series(),
            incidents: &[],
        };
        let page = replay(&input);
        assert_eq!(page, replay(&input));
        for fetch in ["src=", "href=", "url(", "@import", "<link", "https://"] {
            assert!(!page.contains(fetch), "replay.html fetches {fetch:?}");
        }
        // The one URI is SVG's namespace, an identifier that is never fetched.
        assert_eq!(
            page.matches("http://").count(),
            page.matches("http://www.w3.org/2000/svg").count()
        );
        for placeholder in ["{{title}}", "{{script}}", "{{data}}"] {
            assert!(!page.contains(placeholder));
        }
        assert!(page.contains("id=\"clock\""));
    }
}
