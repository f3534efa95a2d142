//! Transparent huge pages for the few allocations that are read at random.
//!
//! An on-sale's fan records (680 MB for oasis-2025 in full) are read in the
//! random order timers fire. With 4 KiB pages nearly every such read also
//! misses the TLB and walks the page table; with 2 MiB pages the TLB covers
//! far more of the array. Linux gives huge pages to a mapping only when asked
//! (`/sys/kernel/mm/transparent_hugepage/enabled` is `madvise` by default on
//! Debian), so the fan array asks before its pages are first touched.

use std::mem::MaybeUninit;

/// Asks the kernel to back `region` (memory not yet touched, such as a new
/// `Vec`'s spare capacity) with huge pages. Only a hint: it changes no
/// result, a kernel that refuses is ignored, and off Linux it does nothing.
pub fn advise_huge_pages<T>(region: &mut [MaybeUninit<T>]) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = region.as_mut_ptr() as usize;
        let end = start + std::mem::size_of_val(region);
        // madvise wants page-aligned bounds: advise the whole pages inside.
        let first = start.next_multiple_of(PAGE);
        let last = end - end % PAGE;
        if last > first {
            // SAFETY: MADV_HUGEPAGE only changes how the kernel backs these
            // pages (they stay zero-filled on first touch, contents are
            // kept); the range lies inside an allocation this slice borrows
            // mutably, so nothing else uses it meanwhile. The result is a
            // hint's: ignored.
            let _ = unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_HUGEPAGE,
                )
            };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = region;
}
