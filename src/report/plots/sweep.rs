//! Sweep charts, read from a sweep's output directory: each metric against the
//! swept parameter with 95% bands (one line per variant), the fraction of runs
//! meeting the SLO, and the distribution of sell-out times per variant.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::PlotError;
use super::band_chart::{BandChart, BandSeries};
use super::distribution::{Distribution, Group};
use super::figure::render;
use super::palette;
use super::sweep_table::{SweepTables, read_sweep};

/// Metric whose per-run distribution is drawn.
const SOLD_OUT_METRIC: &str = "first_sold_out_s";

/// Reads `dir/summary.csv` and `dir/runs.csv` and writes, as PNG and SVG,
/// `sweep_<metric>` for every metric, `sweep_slo_met` when the sweep has an
/// SLO, and `sweep_first_sold_out` when runs record `first_sold_out_s`.
/// Returns the files written, in that order.
pub fn sweep_plots(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    Ok(write_sweep_plots(dir)?)
}

fn write_sweep_plots(dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    let tables = read_sweep(dir)?;
    let axis = Axis::choose(&tables);
    let mut written = Vec::new();
    let mut metrics: Vec<&str> = Vec::new();
    for row in &tables.summary {
        if !metrics.contains(&row.metric.as_str()) {
            metrics.push(&row.metric);
        }
    }
    for metric in &metrics {
        let chart = metric_chart(&tables, &axis, metric);
        written.extend(render(
            &chart,
            dir,
            &format!("sweep_{}", file_stem(metric)),
        )?);
    }
    if tables
        .summary
        .iter()
        .any(|row| row.slo_met_fraction.is_finite())
    {
        written.extend(render(&slo_chart(&tables, &axis), dir, "sweep_slo_met")?);
    }
    if let Some(chart) = sold_out_chart(&tables, &axis) {
        written.extend(render(&chart, dir, "sweep_first_sold_out")?);
    }
    Ok(written)
}

/// The x axis: the first parameter that is numeric and varies. Lines are the
/// variants, split further by any other parameter that varies.
struct Axis {
    /// Index of the x parameter, or `None` to use the grid point index.
    x: Option<usize>,
    names: Vec<String>,
    varying: Vec<usize>,
}

impl Axis {
    fn choose(tables: &SweepTables) -> Axis {
        let values = |index: usize| {
            tables
                .summary
                .iter()
                .map(move |row| row.parameters[index].as_str())
        };
        let varying: Vec<usize> = (0..tables.parameters.len())
            .filter(|&index| {
                values(index).any(|value| value != tables.summary[0].parameters[index])
            })
            .collect();
        let x = varying
            .iter()
            .copied()
            .find(|&index| values(index).all(|value| value.trim().parse::<f64>().is_ok()));
        Axis {
            x,
            names: tables.parameters.clone(),
            varying,
        }
    }

    fn x_desc(&self) -> String {
        self.x.map_or_else(
            || "grid point".to_owned(),
            |index| self.names[index].clone(),
        )
    }

    fn x_value(&self, point: usize, parameters: &[String]) -> f64 {
        self.x.map_or(point as f64, |index| {
            parameters[index].trim().parse().unwrap_or(f64::NAN)
        })
    }

    /// "variant" or "variant, other=value": the line a row belongs to.
    fn series_key(&self, variant: &str, parameters: &[String]) -> String {
        let mut key = variant.to_owned();
        for &index in self.varying.iter().filter(|&&index| Some(index) != self.x) {
            key.push_str(&format!(", {}={}", self.names[index], parameters[index]));
        }
        key
    }
}

/// Groups summary rows of `metric` into lines, keeping first-seen order.
fn lines(
    tables: &SweepTables,
    axis: &Axis,
    metric: Option<&str>,
    value: impl Fn(&super::sweep_table::SummaryRow) -> (f64, f64, f64),
) -> Vec<BandSeries> {
    let mut order: Vec<String> = Vec::new();
    let mut points: BTreeMap<String, Vec<(f64, f64, f64, f64)>> = BTreeMap::new();
    let mut seen_points = Vec::new();
    for row in &tables.summary {
        if metric.is_some_and(|metric| row.metric != metric)
            || (metric.is_none() && seen_points.contains(&row.point))
        {
            continue;
        }
        seen_points.push(row.point);
        let key = axis.series_key(&row.variant, &row.parameters);
        if !order.contains(&key) {
            order.push(key.clone());
        }
        let (mean, low, high) = value(row);
        points.entry(key).or_default().push((
            axis.x_value(row.point, &row.parameters),
            mean,
            low,
            high,
        ));
    }
    order
        .into_iter()
        .enumerate()
        .map(|(index, label)| {
            let mut points = points.remove(&label).unwrap_or_default();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            BandSeries {
                label: if label.is_empty() {
                    "all".to_owned()
                } else {
                    label
                },
                color: palette::series(index),
                points,
            }
        })
        .collect()
}

fn metric_chart(tables: &SweepTables, axis: &Axis, metric: &str) -> BandChart {
    BandChart {
        title: format!("{metric}: mean and 95% confidence interval across replications"),
        x_desc: axis.x_desc(),
        y_desc: metric.to_owned(),
        y_bounds: None,
        series: lines(tables, axis, Some(metric), |row| {
            (row.mean, row.ci95.0, row.ci95.1)
        }),
    }
}

fn slo_chart(tables: &SweepTables, axis: &Axis) -> BandChart {
    BandChart {
        title: "Fraction of runs meeting the SLO".to_owned(),
        x_desc: axis.x_desc(),
        y_desc: "SLO met (fraction of runs)".to_owned(),
        y_bounds: Some((0.0, 1.05)),
        series: lines(tables, axis, None, |row| {
            (row.slo_met_fraction, f64::NAN, f64::NAN)
        }),
    }
}

/// One row per line and x value, with the per-run `first_sold_out_s`.
fn sold_out_chart(tables: &SweepTables, axis: &Axis) -> Option<Distribution> {
    let column = tables
        .metrics
        .iter()
        .position(|metric| metric == SOLD_OUT_METRIC)?;
    let mut groups: Vec<(String, usize, Vec<f64>)> = Vec::new();
    for run in &tables.runs {
        let mut label = axis.series_key(&run.variant, &run.parameters);
        if let Some(index) = axis.x {
            label.push_str(&format!(
                " @ {}={}",
                axis.names[index], run.parameters[index]
            ));
        }
        let value = run.metrics[column];
        match groups.iter_mut().find(|group| group.0 == label) {
            Some(group) => group.2.push(value),
            None => groups.push((label, run.point, vec![value])),
        }
    }
    groups.sort_by_key(|group| group.1);
    let variants: Vec<&str> =
        tables
            .runs
            .iter()
            .map(|run| run.variant.as_str())
            .fold(Vec::new(), |mut seen, variant| {
                if !seen.contains(&variant) {
                    seen.push(variant);
                }
                seen
            });
    Some(Distribution {
        title: "First sell-out time per run".to_owned(),
        x_desc: "first sold out (time from the opening)".to_owned(),
        groups: groups
            .into_iter()
            .map(|(label, point, values)| {
                let never = values.iter().filter(|value| !value.is_finite()).count();
                let variant = tables
                    .runs
                    .iter()
                    .find(|run| run.point == point)
                    .map_or("", |run| run.variant.as_str());
                let color =
                    palette::series(variants.iter().position(|v| *v == variant).unwrap_or(0));
                let label = if never > 0 {
                    format!("{label} ({never}/{} never)", values.len())
                } else {
                    label
                };
                Group {
                    label,
                    color,
                    values,
                }
            })
            .collect(),
    })
}

/// Metric names become file names: anything but letters, digits, `_` and `-` becomes `_`.
fn file_stem(metric: &str) -> String {
    metric
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
