//! A network run's `timeseries.csv`: per station, the time-averaged number of
//! customers waiting and fraction of servers busy, and the arrival rate, over
//! intervals sized so that a run has at most about 1,000 rows (1 s rows for a
//! 15-minute run, 15 min rows for M/M/1's 200 h). Levels change only at events,
//! so the recorder adds up level × time at each change and closes an interval
//! at the first event after its end: no extra events, and the same random draws.

use crate::engine::{Span, Time};

/// At most about this many rows per run.
const MAX_ROWS: u64 = 1000;

/// Row widths to choose from, seconds: the first that keeps the run under
/// [`MAX_ROWS`], then whole days.
const WIDTHS_S: [u64; 18] = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
];

/// What a station holds at an instant.
#[derive(Clone, Copy, Debug)]
pub struct Levels {
    /// Customers waiting for a server.
    pub waiting: usize,
    /// Servers busy.
    pub busy: u32,
}

#[derive(Clone, Debug)]
struct Accumulator {
    servers: f64,
    /// When the levels were last added up.
    since: Time,
    /// ∫ waiting dt over the current row, customer-nanoseconds.
    waiting_area: f64,
    /// ∫ busy dt over the current row, server-nanoseconds.
    busy_area: f64,
    arrivals: u64,
}

/// Records rows while a network runs.
#[derive(Clone, Debug)]
pub struct Recorder {
    interval: Span,
    /// End of the row being recorded.
    row_end: Time,
    stations: Vec<Accumulator>,
    /// Row-major: per row, per station, [waiting, utilization, arrivals per s].
    values: Vec<f64>,
    rows: usize,
}

/// The rows of a finished run, ready to write.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetworkTimeseries {
    stations: Vec<String>,
    interval_s: f64,
    values: Vec<f64>,
    rows: usize,
}

impl Recorder {
    /// A recorder for a run of `horizon` over stations with these server counts.
    pub fn new(horizon: Span, servers: impl IntoIterator<Item = u32>) -> Recorder {
        let interval = row_width(horizon);
        Recorder {
            interval,
            row_end: Time::OPENING + interval,
            stations: servers
                .into_iter()
                .map(|servers| Accumulator {
                    servers: f64::from(servers.max(1)),
                    since: Time::OPENING,
                    waiting_area: 0.0,
                    busy_area: 0.0,
                    arrivals: 0,
                })
                .collect(),
            values: Vec::new(),
            rows: 0,
        }
    }

    /// Closes every row that ended by `now`, before the event at `now` changes
    /// a level. `levels(i)` is station i's levels, unchanged since its last change.
    #[inline]
    pub fn advance(&mut self, now: Time, levels: impl Fn(usize) -> Levels) {
        while self.row_end <= now {
            let row_end = self.row_end;
            let width = self.interval.0 as f64;
            for (index, station) in self.stations.iter_mut().enumerate() {
                station.add_up(row_end, levels(index));
                self.values.extend([
                    station.waiting_area / width,
                    station.busy_area / width / station.servers,
                    station.arrivals as f64 / self.interval.as_secs_f64(),
                ]);
                station.waiting_area = 0.0;
                station.busy_area = 0.0;
                station.arrivals = 0;
            }
            self.rows += 1;
            self.row_end = row_end + self.interval;
        }
    }

    /// Station `index`'s levels are about to change at `now` (after [`Recorder::advance`]).
    #[inline]
    pub fn on_change(&mut self, index: usize, now: Time, before: Levels) {
        self.stations[index].add_up(now, before);
    }

    /// A customer arrives at station `index` (blocked or not).
    #[inline]
    pub fn on_arrival(&mut self, index: usize) {
        self.stations[index].arrivals += 1;
    }

    /// The rows that ended by `end`; a last partial row is left out.
    pub fn finish(
        mut self,
        end: Time,
        names: Vec<String>,
        levels: impl Fn(usize) -> Levels,
    ) -> NetworkTimeseries {
        self.advance(end, levels);
        NetworkTimeseries {
            stations: names,
            interval_s: self.interval.as_secs_f64(),
            values: self.values,
            rows: self.rows,
        }
    }
}

impl Accumulator {
    fn add_up(&mut self, now: Time, levels: Levels) {
        let elapsed = now.since(self.since).0 as f64;
        self.waiting_area += elapsed * levels.waiting as f64;
        self.busy_area += elapsed * f64::from(levels.busy);
        self.since = now;
    }
}

impl NetworkTimeseries {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// `timeseries.csv`: `t_s` (end of the row), then per station
    /// `<station>_queue`, `<station>_utilization`, `<station>_arrivals_per_s`.
    pub fn to_csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["t_s".to_owned()];
        for station in &self.stations {
            for suffix in ["queue", "utilization", "arrivals_per_s"] {
                header.push(format!("{station}_{suffix}"));
            }
        }
        writer.write_record(&header)?;
        let width = self.stations.len() * 3;
        for row in 0..self.rows {
            let mut record = vec![((row + 1) as f64 * self.interval_s).to_string()];
            record.extend(
                self.values[row * width..(row + 1) * width]
                    .iter()
                    // Debug keeps `7.0` a float, so the column's type never
                    // depends on whether its values happen to be whole.
                    .map(|value| format!("{value:?}")),
            );
            writer.write_record(&record)?;
        }
        writer
            .into_inner()
            .map_err(|error| error.into_error().into())
    }
}

/// The narrowest row width in [`WIDTHS_S`] (or whole days) that gives at most
/// [`MAX_ROWS`] rows over `horizon`.
fn row_width(horizon: Span) -> Span {
    let horizon_s = u64::try_from(horizon.0 / 1_000_000_000).unwrap_or(0);
    let needed_s = (horizon_s + 1).div_ceil(MAX_ROWS);
    let seconds = WIDTHS_S
        .into_iter()
        .find(|&width| width >= needed_s)
        .unwrap_or_else(|| needed_s.div_ceil(86_400).saturating_mul(86_400));
    Span::from_secs(seconds.min(i64::MAX as u64 / 1_000_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sized_to_the_horizon() {
        assert_eq!(row_width(Span::from_secs(600)), Span::from_secs(1));
        assert_eq!(row_width(Span::from_secs(200 * 3600)), Span::from_secs(900));
        assert_eq!(row_width(Span::from_secs(40 * 3600)), Span::from_secs(300));
        assert!(row_width(Span(i64::MAX / 2)) > Span::from_secs(86_400));
    }

    #[test]
    fn levels_are_averaged_over_time_within_each_row() {
        let mut recorder = Recorder::new(Span::from_secs(100), [2]);
        let idle = Levels {
            waiting: 0,
            busy: 0,
        };
        let levels = |waiting, busy| move |_: usize| Levels { waiting, busy };
        // Busy 1 of 2 servers from 0.5 s, and 4 waiting from 0.75 s.
        let at = |ms: i64| Time::OPENING + Span(ms * 1_000_000);
        recorder.advance(at(500), levels(0, 0));
        recorder.on_arrival(0);
        recorder.on_change(0, at(500), idle);
        recorder.advance(at(750), levels(0, 1));
        recorder.on_change(
            0,
            at(750),
            Levels {
                waiting: 0,
                busy: 1,
            },
        );
        let series = recorder.finish(at(2000), vec!["desk".into()], levels(4, 1));
        assert_eq!(series.len(), 2);
        let csv = String::from_utf8(series.to_csv().expect("csv")).expect("utf-8");
        assert_eq!(
            csv,
            "t_s,desk_queue,desk_utilization,desk_arrivals_per_s\n1,1.0,0.25,1.0\n2,4.0,0.5,0.0\n"
        );
    }
}
