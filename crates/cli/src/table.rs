//! Plain-text output helpers: left/right-aligned tables, and byte sizes the
//! way CPython's tracemalloc prints them.
//!
//! Every other size the CLI prints comes from `heapscope_core::units`, the
//! formatter the UI and the suspect reasons share; tracemalloc statistics
//! keep CPython's own `_format_size` so they compare line by line with
//! `Snapshot.statistics()` output.

use unicode_width::UnicodeWidthStr;

use crate::out::{terminal_safe, Out};

/// tracemalloc's `_format_size`: `12.3 KiB`, `4096 B`, with `+` when `sign`.
pub fn size(bytes: f64, sign: bool) -> String {
    let mut size = bytes;
    for unit in ["B", "KiB", "MiB", "GiB", "TiB"] {
        if size.abs() < 100.0 && unit != "B" {
            return if sign { format!("{size:+.1} {unit}") } else { format!("{size:.1} {unit}") };
        }
        if size.abs() < 10.0 * 1024.0 || unit == "TiB" {
            return if sign { format!("{size:+.0} {unit}") } else { format!("{size:.0} {unit}") };
        }
        size /= 1024.0;
    }
    unreachable!("the TiB branch always returns")
}

/// A table: the first row is the header; columns after the first are
/// right-aligned. Cells are measured after escaping control characters, in
/// terminal columns (a combining mark takes none, a CJK character two).
pub fn print(out: &mut Out, rows: &[Vec<String>]) -> std::io::Result<()> {
    for line in lines(rows) {
        out.line(&line)?;
    }
    Ok(())
}

/// The lines [`print`] writes.
fn lines(rows: &[Vec<String>]) -> Vec<String> {
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| terminal_safe(c).into_owned()).collect()).collect();
    let Some(first) = rows.first() else { return Vec::new() };
    let widths: Vec<usize> = (0..first.len()).map(|c| rows.iter().map(|r| r.get(c).map_or(0, |s| s.width())).max().unwrap_or(0)).collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.width());
            if c == 0 {
                line.push_str(cell);
                if row.len() > 1 {
                    line.push_str(&" ".repeat(pad));
                }
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        out.push(line.trim_end().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_like_tracemalloc() {
        assert_eq!(super::size(512.0, false), "512 B");
        assert_eq!(super::size(20_000.0, false), "19.5 KiB");
        assert_eq!(super::size(-2048.0, true), "-2048 B");
        assert_eq!(super::size(5.0 * 1024.0 * 1024.0, true), "+5120 KiB");
        assert_eq!(super::size(50.0 * 1024.0 * 1024.0, false), "50.0 MiB");
    }

    /// Columns line up in terminal columns: a combining mark takes none, a
    /// CJK character two, an escaped character its escape.
    #[test]
    fn columns_line_up_on_screen() {
        let rows: Vec<Vec<String>> =
            [["type", "count"], ["app.Cafe\u{301}", "1"], ["app.\u{8868}\u{793a}", "22"], ["app.x\u{202e}", "333"]]
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
        let lines = super::lines(&rows);
        use unicode_width::UnicodeWidthStr;
        let widths: Vec<usize> = lines.iter().map(|l| l.width()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{lines:#?}");
        assert!(lines[3].contains("\\u{202e}"), "{lines:#?}");
    }
}
