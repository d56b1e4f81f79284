//! Helpers shared by the integration tests that run real Python programs.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `job` on every item, two at a time, and returns the results in the
/// items' order. Each job is its own Python process writing its own files,
/// read back by this process alone: no result depends on which jobs share
/// the machine, or in which order they end.
pub fn two_at_a_time<T: Sync, R: Send>(items: &[T], job: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(k) else { return mine };
                        mine.push((k, job(item)));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a worker panicked (its message is above)")).collect()
    });
    done.sort_by_key(|&(k, _)| k);
    done.into_iter().map(|(_, r)| r).collect()
}
