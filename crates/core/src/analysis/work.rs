//! A work counter for tests: the loops that used to be quadratic call
//! [`tick`] once per unit of work, and unit tests assert that the count stays
//! within a constant times the input size as inputs grow (no clocks in tests).
//! Outside `cfg(test)` it compiles to nothing.

#[cfg(test)]
thread_local! {
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts `n` units of work (a comparison, a visited entry).
#[inline(always)]
pub(crate) fn tick(n: u64) {
    #[cfg(test)]
    STEPS.with(|s| s.set(s.get() + n));
    #[cfg(not(test))]
    let _ = n;
}

/// The work counted on this thread since the last call, and resets it.
#[cfg(test)]
pub(crate) fn take() -> u64 {
    STEPS.with(|s| s.replace(0))
}
