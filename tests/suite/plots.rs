//! Charts: the dashboard and sweep plots exist, are non-trivial, carry their axis
//! labels as SVG text, draw fault windows and incident markers, and are
//! byte-identical when drawn twice.

use std::path::Path;

use sellout::onsale::SecondRow;
use sellout::report::plots::{IncidentKind, Timeseries, dashboard, fault_windows, read_incidents};

use crate::cli::scratch;

/// A small on-sale: ten minutes before the opening to twenty after, with a
/// spike at T, a latency storm from T+2m to T+6m and a sell-out at T+15m.
fn rows() -> Vec<SecondRow> {
    (-600..1200)
        .map(|t_s: i64| {
            let after = t_s.max(0) as f64;
            let storm = (120..360).contains(&t_s);
            SecondRow {
                t_s,
                arrivals: if t_s < 0 {
                    5
                } else {
                    (200.0 * (-after / 90.0).exp()) as u64 + 1
                },
                waiting_room_entries: (t_s + 600).min(900) as u64 * 10,
                admitted: if t_s < 0 { 0 } else { 30 },
                app_utilization: if storm { 1.0 } else { 0.3 },
                database_utilization: 0.5,
                replica_utilization: 0.2,
                hold_p50_s: if t_s < 0 { 0.0 } else { 0.03 },
                hold_p99_s: if storm {
                    12.0
                } else if t_s < 0 {
                    0.0
                } else {
                    0.2
                },
                event_page_p50_s: 0.04,
                event_page_p99_s: 0.3,
                errors: if storm { 50 } else { 0 },
                responses: 500,
                holds_active: if t_s < 0 { 0 } else { 300 },
                tickets_sold: (after as u64 * 20).min(18_000),
                inventory_left: 18_000 - (after as u64 * 20).min(18_000),
                ..SecondRow::default()
            }
        })
        .collect()
}

/// The example `incidents.csv`: one fault window, alerts, an action, a
/// breaker, sell-out, recovery and an SLO breach, with quoted commas in detail.
pub const INCIDENTS: &str = "t_s,kind,component,detail
120,fault_start,database,\"primary failover, 4 min\"
125,slo_breach,hold,p99 > 2 s
150,alert_firing,app,HoldLatencyHigh
200,action,app,scale out to 20 servers
230,breaker,payment,open
360,fault_end,database,\"primary failover, 4 min\"
400,alert_resolved,app,HoldLatencyHigh
420,recovery,,error rate below 1% for 60 s
900,sold_out,inventory,
";

fn write_incidents(dir: &Path) {
    std::fs::write(dir.join("incidents.csv"), INCIDENTS).expect("write incidents.csv");
}

fn svg_text(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read svg")
}

#[test]
fn dashboard_draws_panels_axis_labels_fault_windows_and_markers() {
    let dir = scratch("plots-dashboard");
    write_incidents(&dir);
    let incidents = read_incidents(&dir).expect("incidents.csv parses");
    assert_eq!(incidents.len(), 9);
    let windows = fault_windows(&incidents, 1199.0);
    assert_eq!(windows.len(), 1);
    assert_eq!((windows[0].start_s, windows[0].end_s), (120.0, 360.0));
    let series = Timeseries::from_rows(&rows()).expect("rows convert");
    let written = dashboard(&dir, "test · seed 1", &series, &incidents).expect("dashboard draws");
    assert_eq!(
        written,
        vec![dir.join("dashboard.png"), dir.join("dashboard.svg")]
    );
    let png = std::fs::metadata(dir.join("dashboard.png"))
        .expect("png exists")
        .len();
    assert!(png > 50_000, "dashboard.png is only {png} bytes");
    let svg = svg_text(&dir.join("dashboard.svg"));
    for label in [
        "Arrivals and admissions",
        "Waiting room",
        "Tickets",
        "Latency per endpoint",
        "System errors",
        "Utilization",
        "busy fraction",
        "seconds (log)",
        "errors per s",
        "T+0",
        "T+5m",
        "T-5m",
        "fault window",
        "alert firing",
        "action",
        "sold out",
    ] {
        assert!(
            svg.contains(label),
            "dashboard.svg lacks the text {label:?}"
        );
    }
    // The fault window is a translucent red rectangle on every panel.
    let shaded = svg
        .matches("fill=\"#D62728\" fill-opacity=\"0.13\"")
        .count()
        + svg.matches("opacity=\"0.13\" fill=\"#D62728\"").count();
    assert!(
        shaded >= 8,
        "expected a shaded fault window on each panel, found {shaded}"
    );
    assert!(
        !svg.contains("App instances"),
        "no app_instances column, so no instances panel"
    );
}

#[test]
fn dashboard_is_byte_identical_when_drawn_twice() {
    let series = Timeseries::from_rows(&rows()).expect("rows convert");
    let mut outputs = Vec::new();
    for name in ["plots-determinism-a", "plots-determinism-b"] {
        let dir = scratch(name);
        write_incidents(&dir);
        let incidents = read_incidents(&dir).expect("incidents parse");
        dashboard(&dir, "determinism", &series, &incidents).expect("dashboard draws");
        let png = std::fs::read(dir.join("dashboard.png")).expect("png");
        outputs.push((png, svg_text(&dir.join("dashboard.svg"))));
    }
    assert!(
        outputs[0].0 == outputs[1].0,
        "dashboard.png differs between two draws"
    );
    assert!(
        outputs[0].1 == outputs[1].1,
        "dashboard.svg differs between two draws"
    );
}

#[test]
fn instances_panel_appears_when_the_app_instances_column_does() {
    let csv = "t_s,arrivals,app_utilization,app_instances\n0,5,0.5,10\n1,6,0.9,10\n2,7,0.95,12\n3,2,0.6,12\n";
    let series = Timeseries::parse(Path::new("timeseries.csv"), csv.as_bytes()).expect("parses");
    let dir = scratch("plots-instances");
    dashboard(&dir, "autoscaling", &series, &[]).expect("dashboard draws");
    let svg = svg_text(&dir.join("dashboard.svg"));
    assert!(svg.contains("App instances"), "instances panel missing");
    assert!(svg.contains("fault window (none in this run)"));
}

#[test]
fn incidents_csv_errors_name_the_line_and_the_allowed_kinds() {
    let dir = scratch("plots-bad-incidents");
    std::fs::write(
        dir.join("incidents.csv"),
        "t_s,kind,component,detail\n1,fault_start,db,x\n2,explosion,db,x\n",
    )
    .expect("write");
    let message = read_incidents(&dir)
        .expect_err("unknown kind is an error")
        .to_string();
    assert!(
        message.contains("line 3") && message.contains("explosion"),
        "{message}"
    );
    for kind in IncidentKind::ALL {
        assert!(message.contains(kind.name()), "{message}");
    }
    let missing = scratch("plots-no-incidents");
    assert!(
        read_incidents(&missing)
            .expect("absent file is fine")
            .is_empty()
    );
}
