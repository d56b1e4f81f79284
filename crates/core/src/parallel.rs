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

#[cfg(test)]
mod tests {
    #[test]
    fn both_results_come_back() {
        let data: Vec<u64> = (0..10_000).collect();
        let (a, b) = super::join(|| data.iter().sum::<u64>(), || data.len());
        assert_eq!((a, b), (49_995_000, 10_000));
    }
}
