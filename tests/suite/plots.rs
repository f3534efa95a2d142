//! Charts: the dashboard and sweep plots exist, are non-trivial, carry their axis
//! labels as SVG text, draw fault windows and incident markers, and are
//! byte-identical when drawn twice.

use std::path::Path;

use sellout::report::plots::{
    IncidentKind, Layout, Timeseries, dashboard, fault_windows, read_incidents,
};

use crate::cli::scratch;

/// A small on-sale: ten minutes before the opening to twenty after, with a
/// spike at T, a latency storm from T+2m to T+6m and a sell-out at T+15m, as
/// the `timeseries.csv` a run would write (a subset of its columns).
fn series() -> Timeseries {
    let mut csv = String::from(
        "t_s,arrivals,waiting_room_entries,admitted,app_utilization,database_utilization,\
         replica_utilization,hold_p50_s,hold_p99_s,event_page_p50_s,event_page_p99_s,errors,\
         responses,holds_active,tickets_sold,inventory_left\n",
    );
    for t_s in -600_i64..1200 {
        let after = t_s.max(0) as f64;
        let storm = (120..360).contains(&t_s);
        let arrivals = if t_s < 0 {
            5
        } else {
            (200.0 * (-after / 90.0).exp()) as u64 + 1
        };
        let sold = (after as u64 * 20).min(18_000);
        let row = [
            t_s.to_string(),
            arrivals.to_string(),
            ((t_s + 600).min(900) * 10).to_string(),
            (if t_s < 0 { 0 } else { 30 }).to_string(),
            (if storm { 1.0 } else { 0.3 }).to_string(),
            "0.5".into(),
            "0.2".into(),
            (if t_s < 0 { 0.0 } else { 0.03 }).to_string(),
            (if storm {
                12.0
            } else if t_s < 0 {
                0.0
            } else {
                0.2
            })
            .to_string(),
            "0.04".into(),
            "0.3".into(),
            (if storm { 50 } else { 0 }).to_string(),
            "500".into(),
            (if t_s < 0 { 0 } else { 300 }).to_string(),
            sold.to_string(),
            (18_000 - sold).to_string(),
        ];
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    Timeseries::parse(Path::new("timeseries.csv"), csv.as_bytes()).expect("rows parse")
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
    let series = series();
    let written = dashboard(&dir, Layout::Onsale, "test · seed 1", &series, &incidents)
        .expect("dashboard draws");
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
    let series = series();
    let mut outputs = Vec::new();
    for name in ["plots-determinism-a", "plots-determinism-b"] {
        let dir = scratch(name);
        write_incidents(&dir);
        let incidents = read_incidents(&dir).expect("incidents parse");
        dashboard(&dir, Layout::Onsale, "determinism", &series, &incidents)
            .expect("dashboard draws");
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
    dashboard(&dir, Layout::Onsale, "autoscaling", &series, &[]).expect("dashboard draws");
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

/// A sweep over `app.servers` with two variants and three replications, in the
/// exact formats `sellout sweep` writes.
fn write_sweep_fixture(dir: &Path) {
    let mut runs = String::from(
        "point,variant,replication,seed,app.servers,error_rate,first_sold_out_s,slo_met\n",
    );
    let mut summary = String::from(
        "point,variant,app.servers,metric,n,mean,std_dev,ci95_low,ci95_high,p5,p50,p95,slo_met_fraction\n",
    );
    let mut point = 0;
    for variant in ["no-backoff", "jittered-backoff"] {
        for servers in [10, 20, 40] {
            let base = if variant == "no-backoff" { 0.2 } else { 0.1 } / f64::from(servers) * 10.0;
            let mut met = 0;
            for replication in 0..3 {
                let error_rate = base * (1.0 + 0.1 * f64::from(replication));
                let sold_out = if servers == 10 && replication == 2 {
                    "NaN".to_owned()
                } else {
                    format!(
                        "{}",
                        600.0 + 400.0 / f64::from(servers) * 10.0 + 20.0 * f64::from(replication)
                    )
                };
                let ok = error_rate < 0.06;
                met += u32::from(ok);
                runs.push_str(&format!(
                    "{point},{variant},{replication},{},{servers},{error_rate},{sold_out},{ok}\n",
                    100 + replication
                ));
            }
            let fraction = f64::from(met) / 3.0;
            summary.push_str(&format!(
                "{point},{variant},{servers},error_rate,3,{m},0.01,{l},{h},{l},{m},{h},{fraction}\n",
                m = base * 1.1,
                l = base * 0.95,
                h = base * 1.25
            ));
            summary.push_str(&format!(
                "{point},{variant},{servers},first_sold_out_s,3,{m},20,{l},{h},{l},{m},{h},{fraction}\n",
                m = 620.0 + 4000.0 / f64::from(servers),
                l = 560.0 + 4000.0 / f64::from(servers),
                h = 680.0 + 4000.0 / f64::from(servers)
            ));
            point += 1;
        }
    }
    std::fs::write(dir.join("runs.csv"), runs).expect("write runs.csv");
    std::fs::write(dir.join("summary.csv"), summary).expect("write summary.csv");
}

#[test]
fn sweep_plots_draw_metrics_slo_fraction_and_sell_out_distributions() {
    let dir = scratch("plots-sweep");
    write_sweep_fixture(&dir);
    let written = sellout::report::sweep_plots(&dir).expect("sweep plots draw");
    let names: Vec<String> = written
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "sweep_error_rate.png",
            "sweep_error_rate.svg",
            "sweep_first_sold_out_s.png",
            "sweep_first_sold_out_s.svg",
            "sweep_slo_met.png",
            "sweep_slo_met.svg",
            "sweep_first_sold_out.png",
            "sweep_first_sold_out.svg",
        ]
    );
    for path in &written {
        let size = std::fs::metadata(path).expect("exists").len();
        assert!(size > 10_000, "{} is only {size} bytes", path.display());
    }
    let metric = svg_text(&dir.join("sweep_error_rate.svg"));
    for label in [
        "app.servers",
        "error_rate",
        "no-backoff",
        "jittered-backoff",
        "95% confidence",
    ] {
        assert!(
            metric.contains(label),
            "sweep_error_rate.svg lacks {label:?}"
        );
    }
    let slo = svg_text(&dir.join("sweep_slo_met.svg"));
    assert!(slo.contains("SLO met (fraction of runs)"));
    let sold_out = svg_text(&dir.join("sweep_first_sold_out.svg"));
    for label in [
        "no-backoff @ app.servers=10 (1/3 never)",
        "jittered-backoff @ app.servers=40",
        "T+12m",
    ] {
        assert!(
            sold_out.contains(label),
            "sweep_first_sold_out.svg lacks {label:?}"
        );
    }
}

#[test]
fn sweep_plots_name_the_missing_file() {
    let dir = scratch("plots-sweep-empty");
    let message = format!(
        "{:#}",
        sellout::report::sweep_plots(&dir).expect_err("no files")
    );
    assert!(message.contains("summary.csv"), "{message}");
}

/// Two numeric parameters (a rate and a duration) vary: each metric and the SLO
/// get a phase map with a cell per grid point, axes in numeric order (2s before
/// 10s), the mean written in the cell and "n/a" where it is undefined.
#[test]
fn two_swept_parameters_draw_a_phase_map_per_metric() {
    let dir = scratch("plots-sweep-map");
    let mut runs = String::from("point,variant,replication,seed,rate,duration,recovered,slo_met\n");
    let mut summary = String::from(
        "point,variant,rate,duration,metric,n,mean,std_dev,ci95_low,ci95_high,p5,p50,p95,slo_met_fraction\n",
    );
    let mut point = 0;
    for rate in [60, 80, 100] {
        for duration in ["10s", "2s"] {
            let mean = match (rate, duration) {
                (100, "10s") => "NaN".to_owned(),
                _ => format!("{}", 1.0 - f64::from(rate - 60) / 100.0),
            };
            runs.push_str(&format!("{point},base,0,1,{rate},{duration},{mean},true\n"));
            summary.push_str(&format!(
                "{point},base,{rate},{duration},recovered,1,{mean},NaN,NaN,NaN,{mean},{mean},{mean},0.5\n"
            ));
            point += 1;
        }
    }
    std::fs::write(dir.join("runs.csv"), runs).unwrap();
    std::fs::write(dir.join("summary.csv"), summary).unwrap();
    let written = sellout::report::sweep_plots(&dir).expect("sweep plots draw");
    let names: Vec<String> = written
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for name in ["sweep_map_recovered.png", "sweep_map_slo_met.svg"] {
        assert!(
            names.contains(&name.to_owned()),
            "{name} missing: {names:?}"
        );
    }
    let map = svg_text(&dir.join("sweep_map_recovered.svg"));
    for label in ["rate", "duration", "0.80", "0.60", "n/a", "pale = 0.00"] {
        assert!(
            map.contains(label),
            "sweep_map_recovered.svg lacks {label:?}"
        );
    }
    let (two, ten) = (map.find("\n2s\n").unwrap(), map.find("\n10s\n").unwrap());
    assert!(two < ten, "durations should read in numeric order");
}
