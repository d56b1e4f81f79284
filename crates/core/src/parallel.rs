//! Two computations side by side: natively one on a scoped thread and one
//! on the calling thread; on wasm32 (one thread), or when the system will
//! not start a thread, one after the other. No result depends on which.

/// Runs `side` and `here`, natively at the same time, and returns both.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn join<A: Send, B>(side: impl FnOnce() -> A + Send, here: impl FnOnce() -> B) -> (A, B) {
    // Held here so that it can still run on this thread if no thread starts.
    let slot = std::sync::Mutex::new(Some(side));
    let take = || slot.lock().ok().and_then(|mut s| s.take());
    #[cfg(not(target_arch = "wasm32"))]
    let (a, b) = std::thread::scope(|scope| {
        #[cfg(not(target_arch = "wasm32"))]
        let spawned = std::thread::Builder::new().spawn_scoped(scope, || take().map(|side| side()));
        let b = here();
        let a = spawned.ok().and_then(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        (a, b)
    });
    // Not started: run it here.
    let a = a.or_else(|| take().map(|side| side())).expect("ran on one thread or the other");
    (a, b)
}

/// Runs `side`, then `here` (the browser worker has one thread).
#[cfg(target_arch = "wasm32")]
pub(crate) fn join<A, B>(side: impl FnOnce() -> A, here: impl FnOnce() -> B) -> (A, B) {
    (side(), here())
}

/// Below this many references a pass is not cut in two (starting a thread
/// costs more than it saves). The crate's unit tests cut even small passes,
/// so that the two-thread paths meet their checks (the integration tests
/// see the real threshold).
#[cfg(not(test))]
const SPLIT_MIN_ITEMS: usize = 1 << 16;
#[cfg(test)]
const SPLIT_MIN_ITEMS: usize = 16;

/// Whether two passes over `items` items each are worth a thread: not on
/// wasm32 (one thread), not for small passes.
pub(crate) fn two_threads_for(items: usize) -> bool {
    !cfg!(target_arch = "wasm32") && items >= SPLIT_MIN_ITEMS
}

/// Runs `side` on another thread beside `here` when [`two_threads_for`]
/// `items`, else one after the other on this thread.
pub(crate) fn join_for<A: Send, B>(items: usize, side: impl FnOnce() -> A + Send, here: impl FnOnce() -> B) -> (A, B) {
    if two_threads_for(items) {
        join(side, here)
    } else {
        (side(), here())
    }
}

/// Where to cut `0..n` in two for a pass over the items of each index,
/// `offsets` being the CSR offsets (`n + 1` of them) of those items: the
/// first index of the second half, near the middle item — or `n` (no
/// second half) on wasm32, which has one thread, and for small passes.
pub(crate) fn halves(offsets: &[u32]) -> usize {
    let n = offsets.len().saturating_sub(1);
    let items = offsets.last().copied().unwrap_or(0) as usize;
    if !two_threads_for(items) {
        return n;
    }
    offsets.partition_point(|&o| (o as usize) < items / 2).min(n)
}

/// A slice written from two threads at once, each thread at slots the other
/// never touches (the graph's incoming lists, the dominator step's referrer
/// lists: each thread fills the lists of its own half of the objects).
pub(crate) struct DisjointSlots<'a, T> {
    base: *mut T,
    len: usize,
    _slice: std::marker::PhantomData<&'a mut [T]>,
}

// SAFETY: the slots are reached only through `write`, whose callers write
// each slot from one thread (its contract), and through prefetch hints.
unsafe impl<T: Send> Sync for DisjointSlots<'_, T> {}

impl<'a, T: Copy> DisjointSlots<'a, T> {
    pub(crate) fn new(slice: &'a mut [T]) -> Self {
        DisjointSlots { base: slice.as_mut_ptr(), len: slice.len(), _slice: std::marker::PhantomData }
    }

    /// Writes `value` at `i` (in bounds, or a panic).
    ///
    /// # Safety
    /// No other thread reads or writes slot `i` while the slice is shared.
    #[inline(always)]
    pub(crate) unsafe fn write(&self, i: usize, value: T) {
        assert!(i < self.len, "slot {i} out of {}", self.len);
        // SAFETY: in bounds (checked above) of the borrowed slice; exclusive
        // for this slot by the caller's contract.
        unsafe { self.base.add(i).write(value) }
    }

    /// Hints that slot `i` will be written soon.
    #[inline(always)]
    pub(crate) fn prefetch(&self, i: usize) {
        crate::prefetch::prefetch_raw(self.base as *const T, self.len, i);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_results_come_back() {
        let data: Vec<u64> = (0..10_000).collect();
        let (a, b) = super::join(|| data.iter().sum::<u64>(), || data.len());
        assert_eq!((a, b), (49_995_000, 10_000));
    }
}
