//! Arrival times in order, as a radix sort of packed keys: oasis-2025 draws
//! 10.6M arrivals, and a comparison sort of (time, is_bot) pairs (with its
//! scratch half as large again) was 2% of the run.

use crate::engine::Time;

/// Bits per radix digit: 2048 counters per digit stay in L1.
const DIGIT_BITS: u32 = 11;

/// The arrivals at or before `horizon`, in order of (time, humans before
/// bots), and how many came later. `times[..humans]` are humans, the rest bots.
/// Equal pairs are interchangeable, so this is the order a stable sort by time
/// of humans-then-bots gives.
pub fn in_order(mut times: Vec<Time>, humans: usize, horizon: Time) -> (Arrivals, usize) {
    let total = times.len();
    let mut index = 0;
    let mut kept_humans = 0;
    times.retain(|time| {
        let keep = *time <= horizon;
        kept_humans += usize::from(keep && index < humans);
        index += 1;
        keep
    });
    let late = total - times.len();
    let (Some(&earliest), Some(&latest)) = (times.iter().min(), times.iter().max()) else {
        return (Arrivals::Pairs(Vec::new().into_iter()), late);
    };
    // Offsets from the earliest arrival, shifted to make room for the bot
    // bit; a span too wide for that (no real model) falls back to a sort.
    if latest.0.abs_diff(earliest.0) >= 1 << 62 {
        let mut pairs: Vec<(Time, bool)> = times
            .into_iter()
            .enumerate()
            .map(|(index, time)| (time, index >= kept_humans))
            .collect();
        pairs.sort_unstable();
        return (Arrivals::Pairs(pairs.into_iter()), late);
    }
    let mut keys: Vec<u64> = times
        .into_iter()
        .enumerate()
        .map(|(index, time)| (time.0.abs_diff(earliest.0) << 1) | u64::from(index >= kept_humans))
        .collect();
    radix_sort(&mut keys);
    let keys = keys.into_iter();
    (Arrivals::Keys { earliest, keys }, late)
}

/// The sorted arrivals as (time, is_bot), decoded from their keys one at a
/// time (a decoded copy of 10.6M would be 170 MB more to touch).
pub enum Arrivals {
    /// Offsets from `earliest` with the bot bit, sorted.
    Keys {
        earliest: Time,
        keys: std::vec::IntoIter<u64>,
    },
    /// Sorted pairs, when the span of times is too wide for keys.
    Pairs(std::vec::IntoIter<(Time, bool)>),
}

impl Iterator for Arrivals {
    type Item = (Time, bool);

    fn next(&mut self) -> Option<(Time, bool)> {
        match self {
            Arrivals::Keys { earliest, keys } => keys
                .next()
                .map(|key| (Time(earliest.0 + (key >> 1) as i64), key & 1 == 1)),
            Arrivals::Pairs(pairs) => pairs.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Arrivals::Keys { keys, .. } => keys.size_hint(),
            Arrivals::Pairs(pairs) => pairs.size_hint(),
        }
    }
}

impl ExactSizeIterator for Arrivals {}

/// Sorts `keys` ascending: least significant digit first, each pass a stable
/// counting sort; a digit every key shares is skipped.
fn radix_sort(keys: &mut Vec<u64>) {
    let digits = 64u32.div_ceil(DIGIT_BITS) as usize;
    let radix = 1usize << DIGIT_BITS;
    let mut counts = vec![0usize; digits * radix];
    for key in keys.iter() {
        for digit in 0..digits {
            counts[digit * radix + digit_of(*key, digit)] += 1;
        }
    }
    let mut scratch = vec![0u64; keys.len()];
    for digit in 0..digits {
        let count = &mut counts[digit * radix..(digit + 1) * radix];
        if count.contains(&keys.len()) {
            continue;
        }
        let mut next = 0;
        for slot in count.iter_mut() {
            let here = *slot;
            *slot = next;
            next += here;
        }
        for key in keys.iter() {
            let slot = &mut count[digit_of(*key, digit)];
            scratch[*slot] = *key;
            *slot += 1;
        }
        std::mem::swap(keys, &mut scratch);
    }
}

fn digit_of(key: u64, digit: usize) -> usize {
    ((key >> (digit as u32 * DIGIT_BITS)) & ((1 << DIGIT_BITS) - 1)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same pairs and late count as the stable sort by time it
        /// replaced, ties and negative times included.
        #[test]
        fn matches_a_stable_sort_of_humans_then_bots(
            times in prop::collection::vec(-40i64..40, 0..300),
            bots in 0usize..300,
            horizon in -50i64..50,
        ) {
            let humans = times.len().saturating_sub(bots);
            let times: Vec<Time> = times.into_iter().map(|t| Time(t * 1_000_003)).collect();
            let mut reference: Vec<(Time, bool)> = times
                .iter()
                .enumerate()
                .map(|(index, time)| (*time, index >= humans))
                .collect();
            reference.sort_by_key(|(time, _)| *time);
            let horizon = Time(horizon * 1_000_003);
            let late = reference.iter().filter(|(time, _)| *time > horizon).count();
            reference.truncate(reference.len() - late);
            let (arrivals, got_late) = in_order(times, humans, horizon);
            prop_assert_eq!(arrivals.collect::<Vec<_>>(), reference);
            prop_assert_eq!(got_late, late);
        }
    }

    #[test]
    fn keys_sort_across_every_digit() {
        let mut keys: Vec<u64> = (0..5000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 1)
            .collect();
        let mut reference = keys.clone();
        reference.sort_unstable();
        radix_sort(&mut keys);
        assert_eq!(keys, reference);
    }

    #[test]
    fn a_span_too_wide_for_keys_still_sorts() {
        let times = vec![Time(i64::MAX), Time(i64::MIN), Time(0)];
        let (arrivals, late) = in_order(times, 2, Time(i64::MAX));
        assert_eq!(late, 0);
        assert_eq!(
            arrivals.collect::<Vec<_>>(),
            vec![
                (Time(i64::MIN), false),
                (Time(0), true),
                (Time(i64::MAX), false)
            ]
        );
    }
}
