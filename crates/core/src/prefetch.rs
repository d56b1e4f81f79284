//! Software prefetch for the analyses' random-access loops.
//!
//! On heaps larger than the CPU caches the dominator tree, the distances, the
//! SCC search, the per-type aggregation, the graph's incoming lists and the
//! suspects' accumulation pass wait on one cache miss after another (`pre[v]`
//! of a referrer, the incoming list of the next object in preorder…). Where the
//! loop knows which element it will need a few iterations later, it asks for
//! it now, so that several misses are in flight at once. A hint only: it
//! never changes a result, and compiles to nothing off x86_64 (wasm32).

/// Hints that `slice[i]` will be read soon; out-of-range `i` is ignored.
#[inline(always)]
pub(crate) fn prefetch<T>(slice: &[T], i: usize) {
    prefetch_raw(slice.as_ptr(), slice.len(), i);
}

/// [`prefetch`] of element `i` of the `len` elements at `base` (memory
/// borrowed by the caller, possibly written by another thread meanwhile:
/// a prefetch reads nothing the program sees).
#[inline(always)]
pub(crate) fn prefetch_raw<T>(base: *const T, len: usize, i: usize) {
    #[cfg(target_arch = "x86_64")]
    if i < len {
        // SAFETY: the pointer is in bounds, and a prefetch never faults nor
        // changes memory.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(base.add(i) as *const i8) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (base, len, i);
}
