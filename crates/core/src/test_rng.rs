//! A small deterministic generator for the unit tests' random cases (the
//! same numbers on every run and machine).

/// A linear congruential generator (PCG's multiplier and increment), read
/// from its high bits.
pub(crate) struct Lcg(u64);

impl Lcg {
    pub(crate) fn new(seed: u64) -> Self {
        Lcg(seed)
    }

    /// The next number below `m`.
    pub(crate) fn below(&mut self, m: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % m
    }
}
