//! A fast path for rows whose seat ranks fall and then rise along the row (every
//! straight row ranked by distance to a point does; explicit ranks may not).
//!
//! For such a row the sum of a window of `q` seats, as a function of its start, also
//! falls and then rises (it is "weakly unimodal"), so the best window inside a free run
//! is found in O(1) from static data instead of scanning every start:
//! * the lowest and highest start of the row's best windows (`best_starts`), and
//! * for each start, where the plateau of equal window sums it ends began
//!   (`plateau_start`), to find the lowest start among equal sums.
//!
//! The tidy best (no single seat stranded) differs from the best only when the best
//! start is one of the two starts that strand a seat; then the answer is the nearest
//! allowed start on either side.

use crate::venue::Venue;

#[derive(Clone, Debug, Default)]
pub(crate) struct RowShapes {
    max_quantity: usize,
    /// Per row: `Some(offset)` into the tables below if the row is unimodal.
    base: Vec<Option<u32>>,
    /// Per unimodal row and quantity: (lowest, highest) start of a best window.
    best_starts: Vec<(u16, u16)>,
    /// Per unimodal row, quantity `q` and start `s`, at `base * max_quantity + (q - 1) *
    /// len + s`: the lowest start `p <= s` with equal window sums on `p..=s`.
    plateau_start: Vec<u16>,
    plateau_base: Vec<u32>,
}

/// A window's rank sum and start; compared as a pair, so ties go to the lower start.
pub(crate) type Window = (u32, u32);

fn is_unimodal(ranks: &[u32]) -> bool {
    let turn = ranks
        .windows(2)
        .position(|w| w[1] > w[0])
        .unwrap_or(ranks.len());
    ranks[turn.min(ranks.len())..]
        .windows(2)
        .all(|w| w[1] >= w[0])
}

impl RowShapes {
    pub(crate) fn new(venue: &Venue, max_quantity: usize) -> RowShapes {
        let mut shapes = RowShapes {
            max_quantity,
            ..RowShapes::default()
        };
        for (row_id, row) in venue.rows.iter().enumerate() {
            let first = row.first_seat.index();
            let ranks = &venue.seat_ranks[first..first + row.len as usize];
            if !is_unimodal(ranks) {
                shapes.base.push(None);
                continue;
            }
            shapes
                .base
                .push(Some(shapes.best_starts.len() as u32 / max_quantity as u32));
            shapes.plateau_base.push(shapes.plateau_start.len() as u32);
            let prefix = &venue.rank_prefix[first + row_id..][..row.len as usize + 1];
            for quantity in 1..=max_quantity {
                shapes.add_quantity(prefix, row.len as usize, quantity);
            }
        }
        shapes
    }

    fn add_quantity(&mut self, prefix: &[u32], len: usize, quantity: usize) {
        let sum = |s: usize| prefix[s + quantity].wrapping_sub(prefix[s]);
        let starts = (len + 1).saturating_sub(quantity);
        // Starts fit u16: rows are at most ROW_LENGTH_MAX (10,000) seats long.
        let mut plateau = vec![0u16; len];
        let (mut lowest, mut highest) = (0u16, 0u16);
        for s in 0..starts {
            plateau[s] = if s > 0 && sum(s) == sum(s - 1) {
                plateau[s - 1]
            } else {
                s as u16
            };
            if sum(s) < sum(lowest as usize) {
                (lowest, highest) = (s as u16, s as u16);
            } else if sum(s) == sum(lowest as usize) {
                highest = s as u16;
            }
        }
        self.best_starts.push((lowest, highest));
        self.plateau_start.extend_from_slice(&plateau);
    }

    /// The static shape of a unimodal row, or `None` if the row is not unimodal.
    pub(crate) fn row(&self, row: u32, len: u32) -> Option<RowShape<'_>> {
        let index = self.base[row as usize]? as usize;
        let best_starts = &self.best_starts[index * self.max_quantity..][..self.max_quantity];
        let plateau_base = self.plateau_base[index] as usize;
        let plateaus = &self.plateau_start[plateau_base..][..self.max_quantity * len as usize];
        Some(RowShape {
            len,
            best_starts,
            plateaus,
        })
    }
}

/// One unimodal row's static shape.
pub(crate) struct RowShape<'a> {
    len: u32,
    best_starts: &'a [(u16, u16)],
    plateaus: &'a [u16],
}

impl RowShape<'_> {
    /// Best window and best tidy window of `quantity` seats in the free run `a..b` (row
    /// offsets). `prefix` is the row's rank prefix sums.
    pub(crate) fn best_in_run(
        &self,
        prefix: &[u32],
        quantity: u32,
        (a, b): (u32, u32),
    ) -> (Option<Window>, Option<Window>) {
        if b - a < quantity {
            return (None, None);
        }
        let q = quantity as usize - 1;
        let (lowest, highest) = self.best_starts[q];
        let (lowest, highest) = (u32::from(lowest), u32::from(highest));
        let plateaus = &self.plateaus[q * self.len as usize..][..self.len as usize];
        let plateau = |s: u32| u32::from(plateaus[s as usize]);
        let sum = |s: u32| prefix[(s + quantity) as usize].wrapping_sub(prefix[s as usize]);
        let (lo, hi) = (a, b - quantity);
        // The run's best start: the lowest start with the smallest sum within lo..=hi.
        let best = if hi < lowest {
            lo.max(plateau(hi))
        } else if lo > highest {
            lo
        } else {
            lo.max(lowest)
        };
        let strands = |s: u32| s - a == 1 || hi - s == 1;
        let best_window = Some((sum(best), best));
        if !strands(best) {
            return (best_window, best_window);
        }
        // Sums fall towards `best` from the left and rise away from it on the right, so
        // the nearest allowed start on each side is that side's best; on the left, the
        // lowest allowed start of its plateau.
        let left = (best.saturating_sub(3).max(lo)..best)
            .rev()
            .find(|&s| !strands(s));
        let left = left.map(|l| {
            let start = (lo.max(plateau(l))..=l).find(|&s| !strands(s)).unwrap_or(l);
            (sum(l), start)
        });
        let right = (best + 1..=hi.min(best + 3)).find(|&s| !strands(s));
        let right = right.map(|r| (sum(r), r));
        let tidy = match (left, right) {
            (Some(l), Some(r)) => Some(l.min(r)),
            (l, r) => l.or(r),
        };
        (best_window, tidy)
    }
}

#[cfg(test)]
mod tests {
    use super::is_unimodal;

    #[test]
    fn unimodal_means_falling_then_rising() {
        assert!(is_unimodal(&[5, 3, 3, 1, 2, 2, 9]));
        assert!(is_unimodal(&[1, 1, 1]));
        assert!(is_unimodal(&[3, 2, 1]));
        assert!(!is_unimodal(&[1, 3, 2]));
        assert!(!is_unimodal(&[2, 1, 2, 1]));
    }
}
