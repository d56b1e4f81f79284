//! A snapshot's `time` (ISO 8601, as the exporter writes it:
//! `2026-11-28T10:04:05Z`) as a point in time, so that two files written in
//! different time zones (`…T11:04:05+01:00`) compare by when they were
//! written, not as text.

/// Seconds since 1970-01-01T00:00:00Z of `YYYY-MM-DD[T or space]HH:MM[:SS[.frac]]`
/// followed by `Z`, `±HH:MM`, `±HHMM`, `±HH` or nothing (then UTC);
/// `None` for anything else.
pub fn seconds_since_epoch(text: &str) -> Option<f64> {
    let b = text.trim().as_bytes();
    let num = |s: &[u8]| -> Option<i64> {
        (!s.is_empty() && s.iter().all(u8::is_ascii_digit)).then(|| s.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0')))
    };
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' {
        return None;
    }
    let (year, month, day) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
    let (hour, minute) = (num(&b[11..13])?, num(&b[14..16])?);
    let mut rest = &b[16..];
    let mut second = 0.0;
    if let [b':', s1, s2, tail @ ..] = rest {
        second = num(&[*s1, *s2])? as f64;
        rest = tail;
        if let [b'.' | b',', tail @ ..] = rest {
            let digits = tail.iter().take_while(|d| d.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            let frac: f64 = std::str::from_utf8(&tail[..digits.min(9)]).ok()?.parse().ok()?;
            second += frac / 10f64.powi(digits.min(9) as i32);
            rest = &tail[digits..];
        }
    }
    let offset_minutes = match rest {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), zone @ ..] => {
            let (h, m) = match zone {
                [h1, h2] => (num(&[*h1, *h2])?, 0),
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => (num(&[*h1, *h2])?, num(&[*m1, *m2])?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'-' {
                -(h * 60 + m)
            } else {
                h * 60 + m
            }
        }
        _ => return None,
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 24 || minute > 59 || second >= 61.0 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + hour * 3600 + (minute - offset_minutes) * 60) as f64 + second)
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_any_zone_read_as_one_instant() {
        assert_eq!(seconds_since_epoch("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(seconds_since_epoch("2000-03-01T00:00:00Z"), Some(951_868_800.0));
        let utc = seconds_since_epoch("2026-11-28T10:04:05Z").unwrap();
        assert_eq!(utc, 1_795_860_245.0);
        for same in ["2026-11-28T11:04:05+01:00", "2026-11-28T05:34:05-04:30", "2026-11-28 10:04:05", "2026-11-28T1104:05+0100"] {
            if same.contains("1104") {
                assert_eq!(seconds_since_epoch(same), None, "{same}");
            } else {
                assert_eq!(seconds_since_epoch(same), Some(utc), "{same}");
            }
        }
        assert_eq!(seconds_since_epoch("2026-11-28T10:04:05.25Z"), Some(utc + 0.25));
        assert_eq!(seconds_since_epoch("2026-11-28T10:04Z"), Some(utc - 5.0));
        assert_eq!(seconds_since_epoch("2026-11-28T10:04:05+01"), Some(utc - 3600.0));
        // Written an hour later in a zone an hour behind: the same text order, the other way round in time.
        assert!(seconds_since_epoch("2026-11-28T10:30:00+01:00") < seconds_since_epoch("2026-11-28T10:00:00Z"));
        for bad in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-11-28T10:04:05+25:00",
            "2026-11-28T10:04:05 UTC",
            "2026-11-28T10:04:05.Z",
            "２０２６-11-28T10:04:05Z",
        ] {
            assert_eq!(seconds_since_epoch(bad), None, "{bad}");
        }
    }
}
