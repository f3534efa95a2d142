//! A cache hint for models whose records are too many to stay in cache.
//!
//! An on-sale's fan records (64 bytes each, 680 MB for oasis-2025) are read
//! in the random order their timers fire, so nearly every event starts with
//! a cache miss. The run loop tells the model whose record the next event
//! reads ([`super::Model::upcoming`], from the subject a heap entry carries
//! beside its slab slot), and the model asks for that record's line while
//! it handles the current event: eras-2022 (the model file before issue 16)
//! ran in 0.90× the time and oasis-2025 at 0.3 in 0.87×, byte-identical.

/// Asks the CPU to start loading the cache line holding `value`, so that a
/// read of it soon after does not wait for memory. Only a hint: it changes
/// no result, and does nothing off x86-64.
#[inline]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 is a hint. It never faults, reads nothing into the
    // program's state and writes nothing; the address comes from a live
    // reference. (`_mm_prefetch` is unsafe only for its pointer argument.)
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
