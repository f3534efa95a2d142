//! Sweep charts, read from a sweep's output directory: each metric against the
//! swept parameter with 95% bands (one line per variant), the fraction of runs
//! meeting the SLO, the distribution of sell-out times per variant, and, when
//! two numeric parameters vary, a phase map of each metric over both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::PlotError;
use super::band_chart::{BandChart, BandSeries};
use super::distribution::{Distribution, Group};
use super::figure::render;
use super::palette;
use super::phase_map::{Cell, PhaseMap};
use super::sweep_table::{SummaryRow, SweepTables, read_sweep};

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
    if let Some((x, y)) = map_axes(&tables, &axis) {
        for (stem, map) in phase_maps(&tables, &metrics, x, y) {
            written.extend(render(&map, dir, &stem)?);
        }
    }
    Ok(written)
}

/// A parameter value as a number: a plain number, or a duration in seconds.
fn numeric(value: &str) -> Option<f64> {
    let value = value.trim().trim_matches('"');
    value
        .parse::<f64>()
        .ok()
        .or_else(|| crate::model::parse_duration(value).map(|d| d.as_secs_f64()))
        .filter(|v| v.is_finite())
}

/// True when parameter `index` takes more than one value inside some variant.
fn varies_within_a_variant(tables: &SweepTables, index: usize) -> bool {
    let mut first: BTreeMap<&str, &str> = BTreeMap::new();
    tables.summary.iter().any(|row| {
        let value = row.parameters[index].as_str();
        *first.entry(row.variant.as_str()).or_insert(value) != value
    })
}

/// The first two parameters that vary within a variant and whose every value
/// is a number or a duration (a parameter a variant sets is not an axis).
fn map_axes(tables: &SweepTables, axis: &Axis) -> Option<(usize, usize)> {
    let mut numeric_axes = axis.varying.iter().copied().filter(|&index| {
        tables
            .summary
            .iter()
            .all(|row| numeric(&row.parameters[index]).is_some())
    });
    Some((numeric_axes.next()?, numeric_axes.next()?))
}

/// The distinct values of parameter `index` among `rows`, in numeric order.
fn axis_values(rows: &[&SummaryRow], index: usize) -> Vec<String> {
    let mut values: Vec<(f64, String)> = Vec::new();
    for row in rows {
        let text = row.parameters[index].trim().to_owned();
        if !values.iter().any(|(_, seen)| *seen == text) {
            values.push((numeric(&text).unwrap_or(f64::NAN), text));
        }
    }
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    values.into_iter().map(|(_, text)| text).collect()
}

/// One map per metric (and the SLO) and variant, on one colour scale per
/// metric; a variant where more than the two parameters vary gets none.
fn phase_maps(
    tables: &SweepTables,
    metrics: &[&str],
    x: usize,
    y: usize,
) -> Vec<(String, PhaseMap)> {
    let mut variants: Vec<&str> = Vec::new();
    for row in &tables.summary {
        if !variants.contains(&row.variant.as_str()) {
            variants.push(&row.variant);
        }
    }
    let has_slo = tables
        .summary
        .iter()
        .any(|r| r.slo_met_fraction.is_finite());
    let slo = has_slo.then_some("slo_met");
    let mut maps = Vec::new();
    for metric in metrics.iter().copied().chain(slo) {
        let value = |row: &SummaryRow| match metric {
            "slo_met" => row.slo_met_fraction,
            _ => row.mean,
        };
        let rows_of = |variant: &str| -> Vec<&SummaryRow> {
            let wanted = if metric == "slo_met" {
                metrics[0]
            } else {
                metric
            };
            tables
                .summary
                .iter()
                .filter(|row| row.variant == variant && row.metric == wanted)
                .collect()
        };
        let all: Vec<f64> = variants
            .iter()
            .flat_map(|v| rows_of(v).into_iter().map(value))
            .filter(|v| v.is_finite())
            .collect();
        let (low, high) = all
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(*v), h.max(*v))
            });
        let bounds = if low >= 0.0 && high <= 1.0 {
            (0.0, 1.0)
        } else {
            (low, high)
        };
        for variant in &variants {
            let rows = rows_of(variant);
            let (columns, lines) = (axis_values(&rows, x), axis_values(&rows, y));
            if columns.len() * lines.len() != rows.len() {
                continue;
            }
            let position = |values: &[String], text: &str| {
                values.iter().position(|v| v == text.trim()).unwrap_or(0)
            };
            let cells = rows
                .iter()
                .map(|row| Cell {
                    column: position(&columns, &row.parameters[x]),
                    row: position(&lines, &row.parameters[y]),
                    value: value(row),
                })
                .collect();
            let title = match (metric, variants.len()) {
                ("slo_met", _) => "fraction of runs meeting the SLO".to_owned(),
                (_, 1) => format!("{metric}: mean across replications"),
                _ => format!("{metric} ({variant}): mean across replications"),
            };
            let stem = if variants.len() == 1 {
                format!("sweep_map_{}", file_stem(metric))
            } else {
                format!("sweep_map_{}_{}", file_stem(metric), file_stem(variant))
            };
            let map = PhaseMap {
                title,
                x: (tables.parameters[x].clone(), columns),
                y: (tables.parameters[y].clone(), lines),
                bounds: if bounds.0.is_finite() {
                    bounds
                } else {
                    (0.0, 1.0)
                },
                cells,
            };
            maps.push((stem, map));
        }
    }
    maps
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
        // A parameter a variant sets names the variant already: only those
        // that vary within a variant are axes or split its line.
        let varying: Vec<usize> = (0..tables.parameters.len())
            .filter(|&index| {
                values(index).any(|value| value != tables.summary[0].parameters[index])
                    && varies_within_a_variant(tables, index)
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
