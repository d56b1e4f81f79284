//! memory_profiler's `@profile` line-by-line reports: for each file, a
//! `Filename: …` line, a header (`Line #  Mem usage  Increment  Occurrences
//! Line Contents`; versions before 0.58 have no `Occurrences`), a rule of
//! `=`, then one row per source line:
//!
//! ```text
//!      5     71.9 MiB     21.2 MiB       20003       chunk = [bytearray(1024) …]
//!      4                                         def grow(n):
//! ```
//!
//! A report may hold several tables (several files, or one table per call
//! of a function that was profiled more than once); a table holds every
//! profiled function of its file. Rows are assigned to the function whose
//! `def` line precedes them; a `def` indented deeper than that function's
//! own (a function defined in its body) does not start a function, its
//! rows are the enclosing function's. A row that does not parse is a warning naming
//! its line. A row whose numbers are `nan` (memory_profiler prints them
//! when it could not measure a line) is kept without numbers, and one
//! warning counts them and names the line of the first. A text without any
//! table, or whose tables hold no row that parses, is an error. Never
//! panics.

use crate::diagnostic::{LoadError, Location, Warnings};

#[derive(Debug, Clone, PartialEq)]
pub struct LineRow {
    pub lineno: u32,
    /// Memory after the line ran (MiB), when it ran.
    pub mem_mib: Option<f64>,
    pub increment_mib: Option<f64>,
    pub occurrences: Option<u64>,
    pub contents: String,
    /// The function whose `def` precedes the row in its table.
    pub function: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineTable {
    pub filename: String,
    /// The header has an `Occurrences` column (memory_profiler ≥ 0.58).
    pub has_occurrences: bool,
    pub rows: Vec<LineRow>,
}

impl LineTable {
    /// The table's rows per function, in order: each run of rows that
    /// belongs to one function, its decorator lines (`@profile`) included
    /// (rows before any `def` have none).
    pub fn functions(&self) -> Vec<(Option<&str>, &[LineRow])> {
        let rows = &self.rows;
        // A decorator row belongs to the function of the next row that is not one.
        let mut owner: Vec<Option<&str>> = rows.iter().map(|r| r.function.as_deref()).collect();
        for i in (0..rows.len()).rev() {
            if rows[i].contents.trim_start().starts_with('@') && i + 1 < rows.len() {
                owner[i] = owner[i + 1];
            }
        }
        let mut out: Vec<(Option<&str>, &[LineRow])> = Vec::new();
        let mut start = 0;
        for i in 1..=rows.len() {
            if i == rows.len() || owner[i] != owner[start] {
                out.push((owner[start], &rows[start..i]));
                start = i;
            }
        }
        out
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineReport {
    pub tables: Vec<LineTable>,
    /// Lines left out (each a warning; the note about rows without
    /// numbers, when there is one, comes before them).
    pub skipped_lines: u64,
}

/// Whether `bytes` look like a line report: a `Filename:` line, then a
/// `Line #` header, within the first 4 KiB.
pub fn looks_like(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let mut lines = super::mprof::lines(&text).map(str::trim).filter(|l| !l.is_empty());
    lines.next().is_some_and(|l| l.starts_with("Filename:")) && lines.next().is_some_and(|l| l.starts_with("Line #"))
}

/// Parses a report (module doc).
pub fn parse(bytes: &[u8]) -> Result<(LineReport, Warnings), LoadError> {
    let text = String::from_utf8_lossy(bytes);
    let mut report = LineReport::default();
    let mut warnings = Warnings::default();
    // Inside a table: after its `=` rule.
    let mut in_rows = false;
    // The current function, and the indentation of its `def` line.
    let mut function: Option<(String, usize)> = None;
    // Rows with `nan` numbers, and the line of the first.
    let mut unmeasured: (u64, usize) = (0, 0);
    for (i, raw) in super::mprof::lines(&text).enumerate() {
        let at = Some(Location::LineColumn { line: i + 1, column: 1 });
        let line = raw.trim_end_matches('\r');
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix("Filename:") {
            report.tables.push(LineTable { filename: name.trim().to_string(), has_occurrences: false, rows: Vec::new() });
            in_rows = false;
            function = None;
            continue;
        }
        let Some(table) = report.tables.last_mut() else {
            if !trimmed.is_empty() {
                warnings.push(format!("text before the first `Filename:` line: `{}`", clip(trimmed)), at);
            }
            continue;
        };
        if trimmed.starts_with("Line #") {
            table.has_occurrences = trimmed.contains("Occurrences");
            continue;
        }
        if !trimmed.is_empty() && trimmed.chars().all(|c| c == '=') {
            in_rows = true;
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        if !in_rows {
            warnings.push(format!("expected the `Line #` header and its `=` rule, found `{}`", clip(trimmed)), at);
            continue;
        }
        match row(line, table.has_occurrences) {
            Ok((mut r, unknown)) => {
                let code = r.contents.trim_start();
                let indent = r.contents.len() - code.len();
                let def = code.strip_prefix("async def ").or_else(|| code.strip_prefix("def "));
                // A `def` indented deeper than the current function's is a
                // function defined in its body: its rows are the current one's.
                let nested = function.as_ref().is_some_and(|(_, outer)| indent > *outer);
                if let Some(def) = def.filter(|_| !nested) {
                    let name: String = def.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    function = (!name.is_empty()).then_some((name, indent));
                }
                r.function = function.as_ref().map(|(name, _)| name.clone());
                if unknown {
                    if unmeasured.0 == 0 {
                        unmeasured.1 = i + 1;
                    }
                    unmeasured.0 += 1;
                }
                table.rows.push(r);
            }
            Err(message) => warnings.push(message, at),
        }
    }
    // Every warning so far is a line left out.
    report.skipped_lines = warnings.total;
    if report.tables.is_empty() {
        return Err(LoadError::new(
            "not a memory_profiler line report: no `Filename:` line (expected the text `@profile` prints)",
            Some(Location::Byte(0)),
        ));
    }
    if report.tables.iter().all(|t| t.rows.is_empty()) {
        let why = match warnings.kept.first() {
            Some(w) => format!("{} line(s) did not parse; the first: {w}", report.skipped_lines),
            None => "its tables end after their header".to_string(),
        };
        return Err(LoadError::new(format!("no usable row in this @profile report: {why}"), None));
    }
    if unmeasured.0 > 0 {
        let message = format!(
            "{} row(s) have `nan` memory (memory_profiler could not measure them): kept without numbers, left out of the lines that grew most",
            unmeasured.0
        );
        warnings.push_front(message, Some(Location::LineColumn { line: unmeasured.1, column: 1 }));
    }
    Ok((report, warnings))
}

/// Width of the columns before the contents: `{:>6} {:>12} {:>12}  {:>10}   `
/// (without the occurrences: `{:>6} {:>12} {:>12}   `).
fn contents_column(has_occurrences: bool) -> usize {
    if has_occurrences {
        47
    } else {
        35
    }
}

/// `<float> <unit>` at the start of `s` (after blanks), in MiB (`None`
/// for `nan`, which memory_profiler prints for a line it could not
/// measure), and the rest; `Ok(None)` when `s` starts with no amount, an
/// error when its number is out of range (`1e400 MiB`, or past 2^1024 MiB
/// in MiB).
fn amount(s: &str) -> Result<Option<(Option<f64>, &str)>, String> {
    let s = s.trim_start();
    let Some((num, rest)) = s.split_once(' ') else { return Ok(None) };
    let Ok(value) = num.parse::<f64>() else { return Ok(None) };
    let rest = rest.trim_start();
    let (unit, rest) = rest.split_at(rest.find(' ').unwrap_or(rest.len()));
    let scale = match unit {
        "B" => 1.0 / (1024.0 * 1024.0),
        "KiB" => 1.0 / 1024.0,
        "MiB" => 1.0,
        "GiB" => 1024.0,
        "TiB" => 1024.0 * 1024.0,
        _ => return Ok(None),
    };
    if value.is_nan() {
        return Ok(Some((None, rest)));
    }
    let mib = value * scale;
    if !mib.is_finite() {
        return Err(format!("`{} {unit}` is out of range", clip(num)));
    }
    Ok(Some((Some(mib), rest)))
}

/// A row, and whether its numbers are `nan`.
fn row(line: &str, has_occurrences: bool) -> Result<(LineRow, bool), String> {
    let body = line.trim_start();
    let digits = body.find(|c: char| !c.is_ascii_digit()).unwrap_or(body.len());
    let lineno: u32 = body[..digits].parse().map_err(|_| format!("a row must start with a line number: `{}`", clip(line)))?;
    let after_no = &body[digits..];
    let col = contents_column(has_occurrences);
    // A line that did not run: blanks up to the contents column.
    let mem = amount(after_no).map_err(|e| format!("line {lineno}: memory usage {e}: `{}`", clip(line)))?;
    let Some((mem, rest)) = mem else {
        let contents = match line.get(col..) {
            Some(c) if line[..col].trim().chars().all(|ch| ch.is_ascii_digit()) => c.to_string(),
            _ => after_no.trim_start().to_string(),
        };
        return Ok((LineRow { lineno, mem_mib: None, increment_mib: None, occurrences: None, contents, function: None }, false));
    };
    let (inc, rest) = amount(rest)
        .map_err(|e| format!("line {lineno}: increment {e}: `{}`", clip(line)))?
        .ok_or_else(|| format!("line {lineno}: memory usage without an increment: `{}`", clip(line)))?;
    let (occurrences, rest) = if has_occurrences {
        let r = rest.trim_start();
        let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
        let n: u64 = r[..end].parse().map_err(|_| format!("line {lineno}: occurrences is not a count: `{}`", clip(line)))?;
        (Some(n), &r[end..])
    } else {
        (None, rest)
    };
    // The contents follow three blanks; the rest of the indentation is the code's.
    let contents = rest.strip_prefix("   ").unwrap_or(rest.trim_start()).to_string();
    let unknown = mem.is_none() || inc.is_none();
    Ok((LineRow { lineno, mem_mib: mem, increment_mib: inc, occurrences, contents, function: None }, unknown))
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// A row of a report with the table it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct GrewMost<'a> {
    pub table: usize,
    pub filename: &'a str,
    pub row: &'a LineRow,
    /// Tables in which this (file, line) appears.
    pub tables: usize,
}

/// The rows with the largest increment, one per (file, line) (its largest
/// increment across tables), largest first. A function's `@profile` /
/// `def` line is left out: memory_profiler puts the memory at entry there
/// as its "increment".
pub fn grew_most(report: &LineReport, limit: usize) -> Vec<GrewMost<'_>> {
    let mut best: Vec<GrewMost> = Vec::new();
    // Each (file, line) once, however many tables show it.
    let mut seen: std::collections::HashMap<(&str, u32), usize> = std::collections::HashMap::new();
    for (t, table) in report.tables.iter().enumerate() {
        for r in &table.rows {
            let Some(inc) = r.increment_mib else { continue };
            let code = r.contents.trim_start();
            if code.starts_with('@') || code.starts_with("def ") || code.starts_with("async def ") {
                continue;
            }
            match seen.get(&(table.filename.as_str(), r.lineno)).map(|&i| &mut best[i]) {
                Some(g) => {
                    g.tables += 1;
                    if inc > g.row.increment_mib.unwrap_or(f64::NEG_INFINITY) {
                        g.table = t;
                        g.row = r;
                    }
                }
                None => {
                    seen.insert((&table.filename, r.lineno), best.len());
                    best.push(GrewMost { table: t, filename: &table.filename, row: r, tables: 1 });
                }
            }
        }
    }
    best.sort_by(|a, b| {
        b.row.increment_mib.unwrap_or(0.0).total_cmp(&a.row.increment_mib.unwrap_or(0.0)).then(a.row.lineno.cmp(&b.row.lineno))
    });
    best.truncate(limit);
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: &str = "Filename: app.py\n\nLine #    Mem usage    Increment  Occurrences   Line Contents\n\
=============================================================\n\
     3     38.8 MiB     38.8 MiB           1   @profile\n\
     4                                         def my_func():\n\
     5     46.5 MiB      7.7 MiB           1       a = [1] * (10 ** 6)\n\
     7     46.6 MiB   -152.5 MiB           1       del b\n";

    const OLD: &str = "Filename: old.py\n\nLine #    Mem usage    Increment   Line Contents\n\
================================================\n\
     1   10.000 MiB   10.000 MiB   @profile\n\
     2                             def f():\n\
     3   20.500 MiB   10.500 MiB       x = list(range(10))\n";

    #[test]
    fn reads_new_and_old_layouts() {
        let (r, w) = parse(format!("{NEW}\n\n{OLD}").as_bytes()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.tables.len(), 2);
        let t = &r.tables[0];
        assert!(t.has_occurrences);
        assert_eq!(
            t.rows[1],
            LineRow {
                lineno: 4,
                mem_mib: None,
                increment_mib: None,
                occurrences: None,
                contents: "def my_func():".into(),
                function: Some("my_func".into())
            }
        );
        assert_eq!(t.rows[2].contents, "    a = [1] * (10 ** 6)");
        assert_eq!(t.rows[3].increment_mib, Some(-152.5));
        let o = &r.tables[1];
        assert!(!o.has_occurrences);
        assert_eq!((o.rows[2].mem_mib, o.rows[2].occurrences, o.rows[2].function.as_deref()), (Some(20.5), None, Some("f")));
        let groups: Vec<(Option<&str>, Vec<u32>)> =
            t.functions().into_iter().map(|(f, rows)| (f, rows.iter().map(|r| r.lineno).collect())).collect();
        assert_eq!(groups, vec![(Some("my_func"), vec![3, 4, 5, 7])]);
        let two = parse(
            format!(
                "{NEW}     9     1.0 MiB     0.0 MiB           1   @profile\n    10                                         def other():\n"
            )
            .as_bytes(),
        )
        .unwrap()
        .0;
        let names: Vec<(Option<&str>, usize)> = two.tables[0].functions().into_iter().map(|(f, rows)| (f, rows.len())).collect();
        assert_eq!(names, vec![(Some("my_func"), 4), (Some("other"), 2)]);
        let top = grew_most(&r, 2);
        assert_eq!((top[0].row.lineno, top[0].filename), (3, "old.py"));
        assert_eq!((top[1].row.lineno, top[1].filename), (5, "app.py"));
    }

    /// Tables as memory_profiler prints them (its `show_results` templates):
    /// 0.61 with `Occurrences` (`{:>6} {:>12} {:>12}  {:>10}   {}`), and
    /// versions before 0.58 without (`{:>6} {:>12} {:>12}   {}`), at the
    /// default precision and at `precision=3`; a line that did not run is
    /// blank up to the contents column, which is 47 or 35.
    const REAL_NEW: &str = concat!(
        "Filename: app.py\n",
        "\n",
        "Line #    Mem usage    Increment  Occurrences   Line Contents\n",
        "=============================================================\n",
        "     1     38.8 MiB      0.0 MiB           1   @profile\n",
        "     2                                         def my_func():\n",
        "     3     46.4 MiB      7.6 MiB           1       a = [1] * (10 ** 6)\n",
        "     4                                         \n",
        "     5                                             # comment\n",
        "     6    199.0 MiB    152.6 MiB           1       b = [2] * (2 * 10 ** 7)\n",
        "     7     46.5 MiB   -152.5 MiB           1       del b\n",
    );
    const REAL_OLD: &str = concat!(
        "Filename: app.py\n",
        "\n",
        "Line #    Mem usage    Increment   Line Contents\n",
        "================================================\n",
        "     1     38.8 MiB      0.0 MiB   @profile\n",
        "     2                             def my_func():\n",
        "     3     46.4 MiB      7.6 MiB       a = [1] * (10 ** 6)\n",
        "     4                             \n",
        "     5                                 # comment\n",
        "     6    199.0 MiB    152.6 MiB       b = [2] * (2 * 10 ** 7)\n",
        "     7     46.5 MiB   -152.5 MiB       del b\n",
    );
    const REAL_OLD_PRECISION_3: &str = concat!(
        "Filename: app.py\n",
        "\n",
        "Line #    Mem usage    Increment   Line Contents\n",
        "================================================\n",
        "     1   38.800 MiB    0.000 MiB   @profile\n",
        "     2                             def my_func():\n",
        "     3   46.400 MiB    7.600 MiB       a = [1] * (10 ** 6)\n",
        "     4                             \n",
        "     5                                 # comment\n",
        "     6  199.000 MiB  152.600 MiB       b = [2] * (2 * 10 ** 7)\n",
        "     7   46.500 MiB -152.500 MiB       del b\n",
    );

    #[test]
    fn reads_real_tables_with_and_without_occurrences() {
        type Row<'a> = (u32, Option<f64>, Option<f64>, Option<u64>, &'a str, Option<&'a str>);
        for (text, occurrences) in [(REAL_NEW, Some(1)), (REAL_OLD, None), (REAL_OLD_PRECISION_3, None)] {
            let (r, w) = parse(text.as_bytes()).unwrap();
            assert!(w.is_empty(), "{w:?}");
            let t = &r.tables[0];
            assert_eq!(t.has_occurrences, occurrences.is_some());
            let rows: Vec<Row> = t
                .rows
                .iter()
                .map(|r| (r.lineno, r.mem_mib, r.increment_mib, r.occurrences, r.contents.as_str(), r.function.as_deref()))
                .collect();
            let f = Some("my_func");
            let expected: Vec<Row> = vec![
                (1, Some(38.8), Some(0.0), occurrences, "@profile", None),
                (2, None, None, None, "def my_func():", f),
                (3, Some(46.4), Some(7.6), occurrences, "    a = [1] * (10 ** 6)", f),
                (4, None, None, None, "", f),
                (5, None, None, None, "    # comment", f),
                (6, Some(199.0), Some(152.6), occurrences, "    b = [2] * (2 * 10 ** 7)", f),
                (7, Some(46.5), Some(-152.5), occurrences, "    del b", f),
            ];
            assert_eq!(rows, expected, "{text}");
            // An editor that strips trailing blanks changes nothing.
            let stripped: String = text.lines().map(|l| format!("{}\n", l.trim_end())).collect();
            assert_eq!(parse(stripped.as_bytes()).unwrap().0, r);
            // Nor do Windows or classic Mac line ends.
            for end in ["\r\n", "\r"] {
                let other: String = text.lines().map(|l| format!("{l}{end}")).collect();
                assert!(looks_like(other.as_bytes()), "{end:?}");
                assert_eq!(parse(other.as_bytes()).unwrap().0, r, "{end:?}");
            }
        }
    }

    /// memory_profiler prints `nan MiB` for a line it could not measure:
    /// the row is kept without numbers, and one warning counts such rows.
    #[test]
    fn rows_of_nan_are_kept_without_numbers_and_counted() {
        let new = format!(
            "{REAL_NEW}     8      nan MiB      nan MiB           1       return a\n     9      nan MiB      nan MiB           2       pass\n"
        );
        let old = format!("{REAL_OLD}     8      nan MiB      nan MiB       return a\n     9      nan MiB      nan MiB       pass\n");
        for (text, occurrences) in [(new, Some(2)), (old, None)] {
            let (r, w) = parse(text.as_bytes()).unwrap();
            let rows = &r.tables[0].rows;
            assert_eq!(rows.len(), 9);
            let last = &rows[8];
            assert_eq!(
                (last.lineno, last.mem_mib, last.increment_mib, last.occurrences, last.contents.as_str()),
                (9, None, None, occurrences, "    pass")
            );
            assert_eq!((w.total, r.skipped_lines), (1, 0), "{w:?}");
            let note = w.kept[0].to_string();
            assert!(note.starts_with("2 row(s) have `nan` memory") && note.contains("(at line 12, column 1)"), "{note}");
            assert!(grew_most(&r, 10).iter().all(|g| g.row.lineno < 8));
        }
    }

    /// A function defined in the profiled function's body (memory_profiler
    /// shows its lines in the enclosing function's table) does not take
    /// over the rows after it; a `def` back at the header's indentation
    /// (another profiled method of the class) starts a function again.
    #[test]
    fn a_nested_def_is_a_row_of_the_enclosing_function() {
        let text = concat!(
            "Filename: app.py\n",
            "\n",
            "Line #    Mem usage    Increment  Occurrences   Line Contents\n",
            "=============================================================\n",
            "     3     40.0 MiB     40.0 MiB           1   @profile\n",
            "     4                                         def outer():\n",
            "     5     40.0 MiB      0.0 MiB           1       def helper(x):\n",
            "     6     40.0 MiB      0.0 MiB           0           return x\n",
            "     7    540.0 MiB    500.0 MiB           1       big = [0] * 10**8\n",
            "     8    540.0 MiB      0.0 MiB           1       return big\n",
            "\n\n",
            "Filename: app.py\n",
            "\n",
            "Line #    Mem usage    Increment  Occurrences   Line Contents\n",
            "=============================================================\n",
            "    11     40.0 MiB     40.0 MiB           1       @profile\n",
            "    12                                             def load(self):\n",
            "    13     40.0 MiB      0.0 MiB           1           async def fetch():\n",
            "    14                                                 pass\n",
            "    15     41.0 MiB      1.0 MiB           1           self.x = [0] * 1000\n",
            "    16     41.0 MiB      0.0 MiB           1       @profile\n",
            "    17                                             def save(self):\n",
            "    18     42.0 MiB      1.0 MiB           1           self.y = [0] * 1000\n",
        );
        let (r, w) = parse(text.as_bytes()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        let owners = |t: &LineTable| -> Vec<(u32, Option<String>)> { t.rows.iter().map(|r| (r.lineno, r.function.clone())).collect() };
        let f = |n: &str| Some(n.to_string());
        assert_eq!(owners(&r.tables[0]), (3..=8).map(|l| (l, if l == 3 { None } else { f("outer") })).collect::<Vec<_>>());
        let second: Vec<Option<String>> = owners(&r.tables[1]).into_iter().map(|(_, o)| o).collect();
        assert_eq!(second, [None, f("load"), f("load"), f("load"), f("load"), f("load"), f("save"), f("save")]);
        let groups: Vec<(Option<&str>, usize)> = r.tables[1].functions().into_iter().map(|(f, rows)| (f, rows.len())).collect();
        assert_eq!(groups, [(Some("load"), 5), (Some("save"), 3)]);
        let top = grew_most(&r, 1);
        assert_eq!((top[0].row.lineno, top[0].row.function.as_deref()), (7, Some("outer")));
    }

    /// A report whose every row is skipped says why instead of showing nothing.
    #[test]
    fn a_report_without_a_usable_row_is_an_error() {
        let header =
            "Filename: app.py\n\nLine #    Mem usage    Increment   Line Contents\n================================================\n";
        let e = parse(format!("{header}garbage\n     x MiB\n").as_bytes()).unwrap_err().to_string();
        assert!(e.starts_with("no usable row in this @profile report: 2 line(s) did not parse; the first: a row must start"), "{e}");
        assert!(e.contains("line 5"), "{e}");
        let e = parse(header.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("no usable row") && e.contains("end after their header"), "{e}");
        // One usable row is enough.
        assert!(parse(format!("{header}     2                             def f():\ngarbage\n").as_bytes()).is_ok());
    }

    /// A number too large for a float (`1e400`) is a damaged row, not a
    /// line memory_profiler could not measure (`nan`).
    #[test]
    fn an_amount_out_of_range_is_a_bad_row_not_nan() {
        let text = format!(
            "{REAL_NEW}     8     1e400 MiB      1.0 MiB           1       z = 2\n     9     40.0 MiB     -inf MiB           1       w = 3\n\
                  10     40.0 MiB      1e308 TiB           1       v = 4\n"
        );
        let (r, w) = parse(text.as_bytes()).unwrap();
        assert_eq!((r.tables[0].rows.len(), r.skipped_lines, w.total), (7, 3, 3), "{w:?}");
        let w: Vec<String> = w.kept.iter().map(|w| w.to_string()).collect();
        assert!(w[0].starts_with("line 8: memory usage `1e400 MiB` is out of range") && w[0].contains("line 12,"), "{w:?}");
        assert!(w[1].starts_with("line 9: increment `-inf MiB` is out of range"), "{w:?}");
        assert!(w[2].starts_with("line 10: increment `1e308 TiB` is out of range"), "{w:?}");
    }

    #[test]
    fn bad_rows_are_warnings_and_no_table_is_an_error() {
        let (r, w) = parse(format!("{NEW}    9     1.0 MiB\nxx garbage\n").as_bytes()).unwrap();
        assert_eq!(r.tables[0].rows.len(), 4);
        assert_eq!(w.total, 2, "{w:?}");
        let w = w.kept;
        assert!(w[0].to_string().contains("without an increment") && w[0].to_string().contains("line 9"), "{}", w[0]);
        assert!(w[1].to_string().contains("line number"));
        assert!(parse(b"hello\n").unwrap_err().to_string().contains("no `Filename:` line"));
    }
}
