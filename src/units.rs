//! Number formatting for people: sizes and counts (the core's, shared with
//! the CLI), and the read rate while loading (the UI's own).

/// Sizes and counts read the same in the UI, the CLI and suspect reasons:
/// one formatter, in the core.
pub use heapscope_core::units::{format_bytes, format_bytes_delta, format_count};

/// Throughput of a read, e.g. `"12.3 MB/s"`; empty until time has passed.
pub fn format_rate(bytes: u64, elapsed_ms: f64) -> String {
    if elapsed_ms <= 0.0 {
        return String::new();
    }
    format!("{:.1} MB/s", bytes as f64 / 1e6 / (elapsed_ms / 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(format_rate(10_000_000, 1000.0), "10.0 MB/s");
        assert_eq!(format_rate(5, 0.0), "");
    }
}
