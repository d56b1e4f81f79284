//! Sizes and counts as people read them: the one formatter behind suspect
//! reasons, the CLI's tables and the UI (a size reads the same everywhere).
//!
//! tracemalloc's own statistics are the one exception: the CLI prints them
//! the way CPython's `tracemalloc` does, so they compare line by line.

/// `1536` → `"1.5 KiB"`: whole bytes below 1 KiB, one decimal below 100 of a
/// unit, none above (`"300 MiB"`). Exact bytes belong beside it (a tooltip,
/// a JSON field).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = u;
    }
    if value >= 100.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}

/// A change in size with its sign: `"+1.5 KiB"`, `"-300 B"`, `"0 B"`.
pub fn format_bytes_delta(delta: i64) -> String {
    let magnitude = format_bytes(delta.unsigned_abs());
    match delta.signum() {
        1 => format!("+{magnitude}"),
        -1 => format!("-{magnitude}"),
        _ => magnitude,
    }
}

/// `1234567` → `"1,234,567"`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes() {
        for (bytes, text) in [
            (0, "0 B"),
            (1023, "1023 B"),
            (1024, "1.0 KiB"),
            (1536, "1.5 KiB"),
            (20_000, "19.5 KiB"),
            (213_000, "208 KiB"),
            (1_468_006, "1.4 MiB"),
            (50 << 20, "50.0 MiB"),
            (300 << 20, "300 MiB"),
            (3 << 30, "3.0 GiB"),
            (u64::MAX, "16384 PiB"),
        ] {
            assert_eq!(format_bytes(bytes), text, "{bytes}");
        }
    }

    #[test]
    fn deltas_carry_their_sign() {
        assert_eq!(format_bytes_delta(1536), "+1.5 KiB");
        assert_eq!(format_bytes_delta(-300), "-300 B");
        assert_eq!(format_bytes_delta(0), "0 B");
        assert_eq!(format_bytes_delta(i64::MIN), "-8192 PiB");
    }

    #[test]
    fn counts() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1000), "1,000");
        assert_eq!(format_count(1234567), "1,234,567");
    }
}
