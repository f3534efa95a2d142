//! The best-available index: for every row and every quantity `q` up to the per-order
//! limit, the row's best block of `q` adjacent free seats, kept in a segment tree of
//! minimums over the rows; plus each row's best single seat, for split seating.
//!
//! A key packs `untidy << 63 | (sum of the block's seat ranks) << 32 | row id`. A row
//! offers its best block that strands no single free seat ("tidy") if it has one, and
//! otherwise its best block with the `untidy` bit set; so the minimum key over any set
//! of rows is the best tidy block if one exists there, else the best block of any kind —
//! the two best-available phases in one lane. Ties go to the lower row id; within a row
//! to the lowest start. Leaves are ordered by (price level, section, row), which makes
//! each (section, price level) zone a contiguous leaf range: section and price filters
//! become a few range-minimum queries. Holding or freeing seats touches one row: the row
//! is recomputed from its free runs and the change climbs `log2(rows)` nodes, stopping
//! early where nothing changed.

use crate::free_set::FreeSet;
use crate::ids::SeatId;
use crate::row_shape::{RowShape, RowShapes};
use crate::venue::{SectionKind, Venue};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;
use std::sync::Arc;

/// No block: compares greater than every real key.
pub(crate) const EMPTY: u64 = u64::MAX;

/// Set on keys of blocks that strand a single free seat.
const UNTIDY: u64 = 1 << 63;

/// Quantities evaluated together in the leaf computation (one SIMD-friendly chunk).
const LANES: usize = 4;

#[derive(Clone, Debug)]
pub(crate) struct BestIndex {
    max_quantity: usize,
    /// Keys per node: one per quantity, then the best single seat.
    width: usize,
    /// Leaves in the tree (a power of two, at least the number of rows).
    leaves: usize,
    /// Lines of 8 keys per node: `width.div_ceil(8)`.
    lines_per_node: usize,
    /// Node `n` (1-based heap layout) owns lines `n * lines_per_node..`; slot `k` is
    /// lane `k % 8` of its line `k / 8`. Fixed-size lines let the compiler unroll the
    /// per-node minimum and comparison.
    keys: Vec<[u64; 8]>,
    /// Scratch lines for recomputing a leaf.
    fresh: Vec<[u64; 8]>,
    /// Per row and slot, the offset in the row where the best block starts.
    starts: Vec<u32>,
    leaf_of_row: Vec<u32>,
    row_of_leaf: Vec<u32>,
    /// Per zone, its leaf range (empty for GA zones).
    zone_leaves: Vec<Range<u32>>,
    /// Static data for the O(1)-per-run fast path of unimodal rows.
    shapes: Arc<RowShapes>,
}

impl BestIndex {
    pub(crate) fn new(venue: &Venue, max_quantity: u32, free: &FreeSet) -> BestIndex {
        let max_quantity = max_quantity as usize;
        let width = max_quantity + 1;
        let rows = venue.rows.len();
        let leaves = rows.max(1).next_power_of_two();
        let mut order: Vec<u32> = (0..rows as u32).collect();
        order.sort_by_key(|&row| {
            let r = &venue.rows[row as usize];
            (r.price_level, r.section, row)
        });
        let mut leaf_of_row = vec![0; rows];
        for (leaf, &row) in order.iter().enumerate() {
            leaf_of_row[row as usize] = leaf as u32;
        }
        let zone_leaves = zone_leaf_ranges(venue, &leaf_of_row);
        let mut index = BestIndex {
            max_quantity,
            width,
            leaves,
            lines_per_node: width.div_ceil(8),
            keys: vec![[EMPTY; 8]; 2 * leaves * width.div_ceil(8)],
            fresh: vec![[EMPTY; 8]; width.div_ceil(8)],
            starts: vec![0; rows * width],
            leaf_of_row,
            row_of_leaf: order,
            zone_leaves,
            shapes: Arc::new(RowShapes::new(venue, max_quantity)),
        };
        for row in 0..rows as u32 {
            index.write_leaf(venue, free, row);
        }
        for node in (1..leaves).rev() {
            index.pull(node);
        }
        index
    }

    /// The leaf range of a zone (empty for GA zones).
    pub(crate) fn zone_leaves(&self, zone: usize) -> Range<u32> {
        self.zone_leaves[zone].clone()
    }

    /// Recomputes a row after its seats changed, and updates the tree above it.
    pub(crate) fn refresh_row(&mut self, venue: &Venue, free: &FreeSet, row: u32) {
        if !self.write_leaf(venue, free, row) {
            return;
        }
        let mut node = (self.leaves + self.leaf_of_row[row as usize] as usize) / 2;
        if self.lines_per_node == 1 {
            // The common case (limits up to 7 tickets): one line per node, no inner loop.
            let keys = &mut self.keys;
            while node >= 1 {
                let (left, right) = (keys[2 * node], keys[2 * node + 1]);
                let value: [u64; 8] = std::array::from_fn(|lane| left[lane].min(right[lane]));
                if !differ(&keys[node], &value) {
                    return;
                }
                keys[node] = value;
                node /= 2;
            }
            return;
        }
        while node >= 1 && self.pull(node) {
            node /= 2;
        }
    }

    /// Best block of `quantity` seats over the given leaf ranges (all rows if `ranges` is
    /// `None`): `(row, start offset)`. Tidy blocks win over untidy ones.
    pub(crate) fn best_block(
        &self,
        quantity: u32,
        ranges: Option<&[Range<u32>]>,
    ) -> Option<(u32, u32)> {
        if quantity == 0 || quantity as usize > self.max_quantity {
            return None;
        }
        let slot = quantity as usize - 1;
        let key = match ranges {
            None => self.key(1, slot),
            Some(ranges) => ranges
                .iter()
                .map(|r| self.range_min(r.clone(), slot))
                .min()
                .unwrap_or(EMPTY),
        };
        if key == EMPTY {
            return None;
        }
        let row = key as u32;
        Some((row, self.starts[row as usize * self.width + slot]))
    }

    /// The `count` best free seats, one at a time, ordered by (rank, row id, offset),
    /// without taking them: a best-first walk of the tree by each row's best single seat
    /// that opens a row's seats in rank order once the row reaches the front.
    pub(crate) fn best_singles(
        &self,
        venue: &Venue,
        free: &FreeSet,
        count: u32,
        ranges: Option<&[Range<u32>]>,
    ) -> Vec<SeatId> {
        let slot = self.max_quantity;
        let mut frontier: BinaryHeap<Reverse<(u64, Walk)>> = BinaryHeap::new();
        let everything = 0..self.leaves as u32;
        let all = std::slice::from_ref(&everything);
        for range in ranges.unwrap_or(all) {
            for node in canonical_nodes(self.leaves, range.clone()) {
                self.push_node(&mut frontier, node, slot);
            }
        }
        let mut seats = Vec::with_capacity(count as usize);
        while seats.len() < count as usize {
            let Some(Reverse((_, walk))) = frontier.pop() else {
                break;
            };
            match walk {
                Walk::Node(node) if node >= self.leaves => {
                    let row = self.row_of_leaf[node - self.leaves];
                    push_row_cursor(venue, free, &mut frontier, row, 0);
                }
                Walk::Node(node) => {
                    self.push_node(&mut frontier, 2 * node, slot);
                    self.push_node(&mut frontier, 2 * node + 1, slot);
                }
                Walk::Row { row, position } => {
                    let first = venue.rows[row as usize].first_seat.0;
                    let offset = venue.rank_order[first as usize + position as usize];
                    seats.push(SeatId(first + offset));
                    push_row_cursor(venue, free, &mut frontier, row, position + 1);
                }
            }
        }
        seats
    }

    fn push_node(&self, frontier: &mut BinaryHeap<Reverse<(u64, Walk)>>, node: usize, slot: usize) {
        let key = self.key(node, slot);
        if key != EMPTY {
            frontier.push(Reverse((key, Walk::Node(node))));
        }
    }

    fn range_min(&self, range: Range<u32>, slot: usize) -> u64 {
        canonical_nodes(self.leaves, range)
            .map(|node| self.key(node, slot))
            .min()
            .unwrap_or(EMPTY)
    }

    fn key(&self, node: usize, slot: usize) -> u64 {
        self.keys[node * self.lines_per_node + slot / 8][slot % 8]
    }

    /// Sets node = min(children) slot by slot; true if anything changed.
    fn pull(&mut self, node: usize) -> bool {
        let lines = self.lines_per_node;
        let mut changed = false;
        for line in 0..lines {
            let left = self.keys[2 * node * lines + line];
            let right = self.keys[(2 * node + 1) * lines + line];
            let value: [u64; 8] = std::array::from_fn(|lane| left[lane].min(right[lane]));
            let parent = &mut self.keys[node * lines + line];
            changed |= differ(parent, &value);
            *parent = value;
        }
        changed
    }

    /// Recomputes a row's leaf; true if its keys changed.
    fn write_leaf(&mut self, venue: &Venue, free: &FreeSet, row: u32) -> bool {
        let (width, lines) = (self.width, self.lines_per_node);
        let leaf = self.leaves + self.leaf_of_row[row as usize] as usize;
        let fresh = &mut self.fresh.as_flattened_mut()[..width];
        let starts = &mut self.starts[row as usize * width..(row as usize + 1) * width];
        row_best_blocks(venue, free, &self.shapes, row, fresh, starts);
        let stored = &mut self.keys[leaf * lines..(leaf + 1) * lines];
        let changed = stored
            .iter()
            .zip(&self.fresh)
            .any(|(old, new)| differ(old, new));
        stored.copy_from_slice(&self.fresh);
        changed
    }

    /// Checks every leaf against a fresh computation and every inner node against its
    /// children.
    pub(crate) fn verify(&self, venue: &Venue, free: &FreeSet) -> Result<(), String> {
        let (width, lines) = (self.width, self.lines_per_node);
        let mut keys = vec![[EMPTY; 8]; lines];
        let mut starts = vec![0; width];
        for row in 0..venue.rows.len() as u32 {
            keys.fill([EMPTY; 8]);
            let flat = &mut keys.as_flattened_mut()[..width];
            row_best_blocks(venue, free, &self.shapes, row, flat, &mut starts);
            let leaf = self.leaves + self.leaf_of_row[row as usize] as usize;
            let stored_starts = &self.starts[row as usize * width..(row as usize + 1) * width];
            if self.keys[leaf * lines..(leaf + 1) * lines] != keys[..] || stored_starts != starts {
                return Err(format!(
                    "best-available entry of row {row} differs from a recomputation"
                ));
            }
        }
        for node in 1..self.leaves {
            for line in 0..lines {
                let (left, right) = (
                    self.keys[2 * node * lines + line],
                    self.keys[(2 * node + 1) * lines + line],
                );
                let expected: [u64; 8] = std::array::from_fn(|lane| left[lane].min(right[lane]));
                if self.keys[node * lines + line] != expected {
                    return Err(format!(
                        "best-available tree node {node} is not the minimum of its children"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Whether two lines differ: OR of XORs, which compiles to a few vector instructions
/// where `!=` on arrays calls `memcmp`.
fn differ(a: &[u64; 8], b: &[u64; 8]) -> bool {
    a.iter().zip(b).fold(0, |bits, (x, y)| bits | (x ^ y)) != 0
}

/// A best-first step: an inner node or leaf of the tree, or a row's seats in rank order
/// from `position`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Walk {
    Node(usize),
    Row { row: u32, position: u32 },
}

fn push_row_cursor(
    venue: &Venue,
    free: &FreeSet,
    frontier: &mut BinaryHeap<Reverse<(u64, Walk)>>,
    row: u32,
    from: u32,
) {
    let r = &venue.rows[row as usize];
    let first = r.first_seat.0;
    let order = &venue.rank_order[first as usize..(first + r.len) as usize];
    let next = (from..r.len).find(|&position| free.is_free(first + order[position as usize]));
    if let Some(position) = next {
        let seat = first + order[position as usize];
        let key = u64::from(venue.seat_ranks[seat as usize]) << 32 | u64::from(row);
        frontier.push(Reverse((key, Walk::Row { row, position })));
    }
}

/// The O(log n) disjoint nodes that exactly cover a leaf range.
fn canonical_nodes(leaves: usize, range: Range<u32>) -> impl Iterator<Item = usize> {
    let mut low = leaves + range.start as usize;
    let mut high = leaves + range.end as usize;
    let mut pending: Option<usize> = None;
    std::iter::from_fn(move || {
        loop {
            if let Some(node) = pending.take() {
                return Some(node);
            }
            if low >= high {
                return None;
            }
            let mut found = None;
            if low & 1 == 1 {
                found = Some(low);
                low += 1;
            }
            if high & 1 == 1 {
                high -= 1;
                pending = Some(high);
            }
            low >>= 1;
            high >>= 1;
            if found.is_some() {
                return found;
            }
        }
    })
}

/// The row's keys and block starts: per quantity its best tidy block (else its best
/// block, flagged untidy), and last its best single seat. Lowest rank sum wins, then
/// the lowest start.
fn row_best_blocks(
    venue: &Venue,
    free: &FreeSet,
    shapes: &RowShapes,
    row: u32,
    keys: &mut [u64],
    starts: &mut [u32],
) {
    let max_quantity = keys.len() - 1;
    keys.fill(EMPTY);
    starts.fill(0);
    let r = &venue.rows[row as usize];
    let first = r.first_seat.0;
    // `rank_prefix` is padded at the end, so lanes past the row read harmless values.
    let prefix = &venue.rank_prefix[first as usize + row as usize..];
    if let Some(shape) = shapes.row(row, r.len) {
        return unimodal_best_blocks(free, &shape, row, r.len, first, prefix, keys, starts);
    }
    for chunk in 0..max_quantity.div_ceil(LANES) {
        let mut best = ChunkBest::default();
        for (run_first, run_end) in free.runs(first, first + r.len) {
            best.scan_run(prefix, chunk, run_first - first, run_end - first);
        }
        for lane in 0..LANES.min(max_quantity - chunk * LANES) {
            let slot = chunk * LANES + lane;
            (keys[slot], starts[slot]) = best.key(lane, row);
        }
        if chunk == 0 && best.any_sums[0] != i32::MAX {
            keys[max_quantity] = (best.any_sums[0] as u64) << 32 | u64::from(row);
            starts[max_quantity] = best.any_starts[0] as u32;
        }
    }
}

/// `row_best_blocks` for a unimodal row: O(1) per run and quantity.
#[allow(clippy::too_many_arguments)]
fn unimodal_best_blocks(
    free: &FreeSet,
    shape: &RowShape<'_>,
    row: u32,
    len: u32,
    first: u32,
    prefix: &[u32],
    keys: &mut [u64],
    starts: &mut [u32],
) {
    let max_quantity = keys.len() - 1;
    // Best windows packed as `sum << 32 | start`, so `min` prefers the lower sum, then
    // the lower start. A small stack buffer covers the usual limits.
    let mut small = [EMPTY; 32];
    let mut large = Vec::new();
    let buffer: &mut [u64] = if max_quantity <= 16 {
        &mut small[..2 * max_quantity]
    } else {
        large.resize(2 * max_quantity, EMPTY);
        &mut large
    };
    let (tidy, any) = buffer.split_at_mut(max_quantity);
    let pack = |window: Option<(u32, u32)>| {
        window.map_or(EMPTY, |(sum, start)| {
            u64::from(sum) << 32 | u64::from(start)
        })
    };
    for (run_first, run_end) in free.runs(first, first + len) {
        let run = (run_first - first, run_end - first);
        for quantity in 1..=(run.1 - run.0).min(max_quantity as u32) {
            let q = quantity as usize - 1;
            let (run_any, run_tidy) = shape.best_in_run(prefix, quantity, run);
            any[q] = any[q].min(pack(run_any));
            tidy[q] = tidy[q].min(pack(run_tidy));
        }
    }
    let row_key = u64::from(row);
    for q in 0..max_quantity {
        (keys[q], starts[q]) = if tidy[q] != EMPTY {
            (tidy[q] & !0xffff_ffff | row_key, tidy[q] as u32)
        } else if any[q] != EMPTY {
            (UNTIDY | any[q] & !0xffff_ffff | row_key, any[q] as u32)
        } else {
            (EMPTY, 0)
        };
    }
    if any[0] != EMPTY {
        keys[max_quantity] = any[0] & !0xffff_ffff | row_key;
        starts[max_quantity] = any[0] as u32;
    }
}

/// Best rank sums and starts for quantities `chunk * LANES + 1..` of one row, tidy and
/// any. Sums are below 2^30 (see `RANK_MAX`), so `i32` holds them; `i32::MAX` = none.
struct ChunkBest {
    tidy_sums: [i32; LANES],
    tidy_starts: [i32; LANES],
    any_sums: [i32; LANES],
    any_starts: [i32; LANES],
}

impl Default for ChunkBest {
    fn default() -> ChunkBest {
        ChunkBest {
            tidy_sums: [i32::MAX; LANES],
            tidy_starts: [0; LANES],
            any_sums: [i32::MAX; LANES],
            any_starts: [0; LANES],
        }
    }
}

/// All ones if `condition`, else zero: a lane mask for branch-free selects.
fn mask(condition: bool) -> i32 {
    -i32::from(condition)
}

/// `when` ones: `new`; zeros: `old`.
fn select(when: i32, new: i32, old: i32) -> i32 {
    (new & when) | (old & !when)
}

impl ChunkBest {
    /// Every block starting in the free run `a..b` (row offsets). Written as masks and
    /// selects over the lanes, without branches, so the compiler vectorises it; strict
    /// `<` keeps the lowest start on ties.
    fn scan_run(&mut self, prefix: &[u32], chunk: usize, a: u32, b: u32) {
        let offset = chunk * LANES;
        let quantities: [i32; LANES] = std::array::from_fn(|lane| (offset + lane + 1) as i32);
        for start in a..b {
            let window: &[u32; LANES] = prefix[start as usize + offset + 1..][..LANES]
                .try_into()
                .expect("LANES long");
            let base = prefix[start as usize];
            let room = (b - start) as i32;
            let left_tidy = mask(start - a != 1);
            let at = start as i32;
            for lane in 0..LANES {
                let quantity = quantities[lane];
                let sum = window[lane].wrapping_sub(base) as i32;
                let fits = mask(quantity <= room);
                let better = fits & mask(sum < self.any_sums[lane]);
                self.any_sums[lane] = select(better, sum, self.any_sums[lane]);
                self.any_starts[lane] = select(better, at, self.any_starts[lane]);
                let tidy = fits & left_tidy & mask(room - quantity != 1);
                let better = tidy & mask(sum < self.tidy_sums[lane]);
                self.tidy_sums[lane] = select(better, sum, self.tidy_sums[lane]);
                self.tidy_starts[lane] = select(better, at, self.tidy_starts[lane]);
            }
        }
    }

    /// The key and start a lane offers: tidy if possible, else untidy, else none.
    fn key(&self, lane: usize, row: u32) -> (u64, u32) {
        if self.tidy_sums[lane] != i32::MAX {
            (
                (self.tidy_sums[lane] as u64) << 32 | u64::from(row),
                self.tidy_starts[lane] as u32,
            )
        } else if self.any_sums[lane] != i32::MAX {
            (
                UNTIDY | (self.any_sums[lane] as u64) << 32 | u64::from(row),
                self.any_starts[lane] as u32,
            )
        } else {
            (EMPTY, 0)
        }
    }
}

fn zone_leaf_ranges(venue: &Venue, leaf_of_row: &[u32]) -> Vec<Range<u32>> {
    let mut ranges = vec![0..0; venue.zones.len()];
    for section in &venue.sections {
        if let SectionKind::Reserved { rows } = &section.kind {
            for row in rows.clone() {
                let zone = venue.rows[row as usize].zone as usize;
                let leaf = leaf_of_row[row as usize];
                let range = &mut ranges[zone];
                *range = if range.start == range.end {
                    leaf..leaf + 1
                } else {
                    range.start.min(leaf)..range.end.max(leaf + 1)
                };
            }
        }
    }
    ranges
}
