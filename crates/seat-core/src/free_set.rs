//! One bit per reserved seat: set while the seat is free. Rows are consecutive seat ids,
//! so a row's free runs are found a word (64 seats) at a time.

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FreeSet {
    words: Vec<u64>,
}

impl FreeSet {
    /// Every one of `seats` seats free.
    pub(crate) fn all_free(seats: u32) -> FreeSet {
        let mut words = vec![u64::MAX; (seats as usize).div_ceil(64)];
        if !seats.is_multiple_of(64) {
            let last = words.len() - 1;
            words[last] = (1u64 << (seats % 64)) - 1;
        }
        FreeSet { words }
    }

    pub(crate) fn is_free(&self, seat: u32) -> bool {
        self.words[(seat / 64) as usize] >> (seat % 64) & 1 == 1
    }

    pub(crate) fn set_free(&mut self, seat: u32) {
        self.words[(seat / 64) as usize] |= 1 << (seat % 64);
    }

    pub(crate) fn set_taken(&mut self, seat: u32) {
        self.words[(seat / 64) as usize] &= !(1 << (seat % 64));
    }

    /// First seat in `from..end` whose bit equals `free`, or `end`.
    fn next_with(&self, from: u32, end: u32, free: bool) -> u32 {
        let mut position = from;
        while position < end {
            let word = self.words[(position / 64) as usize];
            let word = if free { word } else { !word };
            let bits = word >> (position % 64);
            if bits != 0 {
                return (position + bits.trailing_zeros()).min(end);
            }
            position = (position / 64 + 1) * 64;
        }
        end
    }

    /// Maximal runs of free seats within `start..end`, as `(first, end)` pairs, in order.
    pub(crate) fn runs(&self, start: u32, end: u32) -> Runs<'_> {
        Runs {
            set: self,
            position: start,
            end,
        }
    }
}

/// Iterator over the free runs of a seat range.
pub(crate) struct Runs<'a> {
    set: &'a FreeSet,
    position: u32,
    end: u32,
}

impl Iterator for Runs<'_> {
    type Item = (u32, u32);

    fn next(&mut self) -> Option<(u32, u32)> {
        let first = self.set.next_with(self.position, self.end, true);
        if first >= self.end {
            self.position = self.end;
            return None;
        }
        let end = self.set.next_with(first, self.end, false);
        self.position = end;
        Some((first, end))
    }
}

#[cfg(test)]
mod tests {
    use super::FreeSet;

    #[test]
    fn runs_cross_word_boundaries() {
        let mut set = FreeSet::all_free(200);
        for seat in [3, 4, 63, 64, 130] {
            set.set_taken(seat);
        }
        let runs: Vec<_> = set.runs(0, 200).collect();
        assert_eq!(runs, vec![(0, 3), (5, 63), (65, 130), (131, 200)]);
        let runs: Vec<_> = set.runs(60, 66).collect();
        assert_eq!(runs, vec![(60, 63), (65, 66)]);
    }

    #[test]
    fn all_free_has_no_bits_past_the_end() {
        let set = FreeSet::all_free(70);
        assert_eq!(set.runs(0, 70).collect::<Vec<_>>(), vec![(0, 70)]);
        assert!(!set.is_free(70));
    }
}
