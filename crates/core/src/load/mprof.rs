//! memory_profiler's `mprof run` files (`mprofile_*.dat`), one record a line:
//!
//! * `CMDLINE <command line>` (may come last; a command with newlines in it
//!   spills onto lines of its own, which are skipped with a warning);
//! * `MEM <MiB> <unix time>` — a sample of the process's memory;
//! * `FUNC <name> <MiB> <time> <MiB> <time> [level]` — a call of a
//!   `@profile`d function: memory and time at entry and exit, and its stack
//!   level;
//! * `CHLD <pid> <MiB> <time>` — a sample of a child process
//!   (`--multiprocess`).
//!
//! Fields are separated by blanks (memory_profiler writes one space; tabs
//! are read too), and lines end with `\n`, `\r\n` or a lone `\r`. A file
//! with a second CMDLINE line is several runs joined together: it is an
//! error naming the line (each run is read from a file of its own).
//! A line that does not parse is a warning naming the line, and so is a
//! FUNC record that ends before it starts (it is left out: its growth
//! would have no direction). Samples that go back in time (a clock stepped
//! back, files joined out of order) are kept and put in time order, so the
//! timeline, the peak's time and the growth rate read them as they
//! happened; one warning per file says how many went back and where the
//! first is. A file with no sample and no function at all is an error.
//! Never panics.

use crate::diagnostic::{LoadError, Location, Warnings};

/// Memory at a moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Seconds since the Unix epoch (mprof's `time.time()`).
    pub time_s: f64,
    pub mem_mib: f64,
}

/// One call of a `@profile`d function.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncSpan {
    pub name: String,
    pub start: Sample,
    pub end: Sample,
    /// Stack level, when the file records it: memory_profiler counts the
    /// `@profile`d calls in progress, this one included (1 outermost).
    pub level: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChildSeries {
    /// The child's id as written (its pid, or an index in older versions).
    pub id: String,
    pub samples: Vec<Sample>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MprofRun {
    pub cmdline: Option<String>,
    /// In time order (the file's order, unless some went back in time).
    pub samples: Vec<Sample>,
    /// In file order.
    pub functions: Vec<FuncSpan>,
    /// Each child's samples in time order.
    pub children: Vec<ChildSeries>,
    /// Lines left out: no record, or a record that cannot be right. Each is
    /// a warning; the warnings about samples out of time order (kept, not
    /// skipped) come before them.
    pub skipped_lines: u64,
}

impl MprofRun {
    /// When the run starts: its first sample, or the earliest record when
    /// there is no `MEM` line.
    pub fn start_s(&self) -> Option<f64> {
        self.samples.first().map(|s| s.time_s).or_else(|| {
            let functions = self.functions.iter().map(|f| f.start.time_s);
            functions.chain(self.children.iter().flat_map(|c| c.samples.iter().map(|s| s.time_s))).reduce(f64::min)
        })
    }
}

/// The lines of `text`, each ended by `\n`, `\r\n` or a `\r` alone (a
/// file with classic Mac line ends is read line by line too); memory
/// profiler's line reports are read by it as well.
pub(super) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let s = rest?;
        match s.find(['\n', '\r']) {
            Some(end) => {
                let next = if s[end..].starts_with("\r\n") { end + 2 } else { end + 1 };
                rest = Some(&s[next..]).filter(|r| !r.is_empty());
                Some(&s[..end])
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

/// Whether `bytes` look like an `mprof run` file: the first non-blank line
/// starts with one of its record names.
pub fn looks_like(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let first = lines(&text).find(|l| !l.trim().is_empty()).and_then(|l| l.split_whitespace().next());
    matches!(first, Some("CMDLINE" | "MEM" | "FUNC" | "CHLD"))
}

/// Parses an `mprof run` file (module doc).
/// Its warnings: one for the MEM samples and one for the CHLD samples that
/// go back in time, first, then one per line left out (the first
/// [`Warnings::LIMIT`] kept; `skipped_lines` counts these).
pub fn parse(bytes: &[u8]) -> Result<(MprofRun, Warnings), LoadError> {
    let text = String::from_utf8_lossy(bytes);
    let mut run = MprofRun::default();
    let mut warnings = Warnings::default();
    // Child series by id (a file may name many children), keyed by the
    // text's own slices: one copy of each id, in its series.
    let mut children: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut main_back = Backwards::default();
    let mut child_back = Backwards::default();
    // Children with a sample that goes back in time (their series are sorted).
    let mut unordered_children: Vec<usize> = Vec::new();
    // The line of the first CMDLINE.
    let mut cmdline_at: Option<usize> = None;
    for (i, line) in lines(&text).enumerate() {
        let at = Some(Location::LineColumn { line: i + 1, column: 1 });
        let line = line.trim_start();
        if line.is_empty() {
            continue;
        }
        // memory_profiler separates fields with a space; any blank will do.
        let (field, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let values: Vec<&str> = rest.split_whitespace().collect();
        let result = match field {
            "CMDLINE" => {
                if let Some(first) = cmdline_at {
                    return Err(LoadError::new(
                        format!(
                            "two runs in one file: a second CMDLINE line (the first is line {first}); `mprof run` writes one \
                             per file, so this is files joined together — split it into one file per run and give each"
                        ),
                        at,
                    ));
                }
                cmdline_at = Some(i + 1);
                run.cmdline = Some(rest.trim().to_string());
                Ok(())
            }
            "MEM" => sample(&values[..values.len().min(2)], 2).map(|s| {
                main_back.check(run.samples.last(), s, i + 1, None);
                run.samples.push(s);
            }),
            "FUNC" => func(&values).map(|f| run.functions.push(f)),
            "CHLD" => match values.split_first() {
                Some((id, rest)) => sample(rest, 2).map(|s| match children.get(*id) {
                    Some(&c) => {
                        let series = &mut run.children[c];
                        if child_back.check(series.samples.last(), s, i + 1, Some(&series.id)) && unordered_children.last() != Some(&c) {
                            unordered_children.push(c);
                        }
                        series.samples.push(s);
                    }
                    None => {
                        children.insert(id, run.children.len());
                        run.children.push(ChildSeries { id: id.to_string(), samples: vec![s] });
                    }
                }),
                None => Err("a CHLD line needs a child id, MiB and a time".to_string()),
            },
            _ => Err(format!("not an mprof record (expected CMDLINE, MEM, FUNC or CHLD): `{}`", clip(line))),
        };
        if let Err(message) = result {
            run.skipped_lines += 1;
            warnings.push(message, at);
        }
    }
    // Stable sorts: samples at the same time keep their file order.
    let by_time = |a: &Sample, b: &Sample| a.time_s.total_cmp(&b.time_s);
    if main_back.count > 0 {
        run.samples.sort_by(by_time);
    }
    unordered_children.sort_unstable();
    unordered_children.dedup();
    for &c in &unordered_children {
        run.children[c].samples.sort_by(by_time);
    }
    // Notes go first, in this order (each `push_front` goes before the last).
    if let Some(note) = child_back.note("CHLD", unordered_children.len()) {
        warnings.push_front(note.0, note.1);
    }
    if let Some(note) = main_back.note("MEM", 0) {
        warnings.push_front(note.0, note.1);
    }
    if run.samples.is_empty() && run.functions.is_empty() && run.children.is_empty() {
        let why = match warnings.kept.first() {
            Some(w) => format!("; first problem: {w}"),
            None => String::new(),
        };
        return Err(LoadError::new(format!("no memory samples (MEM, FUNC or CHLD lines) in this mprof file{why}"), None));
    }
    Ok((run, warnings))
}

/// Samples of one kind that are earlier than the sample before them (of
/// the same process).
#[derive(Default)]
struct Backwards {
    count: u64,
    /// The first: its line, how far back it went (s), and its child's id.
    first: Option<(usize, f64, Option<String>)>,
}

impl Backwards {
    /// Counts `s` when it is earlier than `previous`; whether it is.
    fn check(&mut self, previous: Option<&Sample>, s: Sample, line: usize, child: Option<&str>) -> bool {
        let Some(p) = previous.filter(|p| s.time_s < p.time_s) else { return false };
        self.count += 1;
        if self.first.is_none() {
            self.first = Some((line, p.time_s - s.time_s, child.map(str::to_string)));
        }
        true
    }

    /// The warning, when some sample went back (`children`: how many
    /// children's series did, for CHLD).
    fn note(&self, record: &str, children: usize) -> Option<(String, Option<Location>)> {
        let (line, back_s, child) = self.first.as_ref()?;
        let of = match child {
            Some(id) => format!(" in {children} child process(es) (the first of child {id})"),
            None => String::new(),
        };
        let message = format!(
            "{} {record} sample(s) go back in time{of}: the first is {back_s:.3} s earlier than the one before it; \
             they are read in time order",
            self.count
        );
        Some((message, Some(Location::LineColumn { line: *line, column: 1 })))
    }
}

/// The largest magnitude a time (s) or a memory (MiB) may have: past it
/// (10^12 MiB, or 30,000 years) a value is a damaged line, and sums and
/// differences of such values overflow to infinity.
const MAX_MAGNITUDE: f64 = 1e12;

fn number(text: &str, what: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= MAX_MAGNITUDE => Ok(v),
        Ok(v) if v.is_finite() => Err(format!("{what} `{}` is not believable", clip(text))),
        _ => Err(format!("{what} `{}` is not a number", clip(text))),
    }
}

/// `<MiB> <time>`.
fn sample(values: &[&str], need: usize) -> Result<Sample, String> {
    if values.len() < need {
        return Err(format!("expected MiB and a time, found {} value(s)", values.len()));
    }
    let mem_mib = number(values[0], "memory")?;
    if mem_mib < 0.0 {
        return Err(format!("memory `{}` is negative", clip(values[0])));
    }
    Ok(Sample { mem_mib, time_s: number(values[1], "time")? })
}

/// `<name> <MiB> <time> <MiB> <time> [level]`.
fn func(values: &[&str]) -> Result<FuncSpan, String> {
    if values.len() < 5 {
        return Err(format!("a FUNC line needs a name and two (MiB, time) pairs, found {} value(s)", values.len()));
    }
    let level = match values.get(5) {
        Some(l) => Some(l.parse::<u32>().map_err(|_| format!("stack level `{}` is not a count", clip(l)))?),
        None => None,
    };
    let (start, end) = (sample(&values[1..3], 2)?, sample(&values[3..5], 2)?);
    if end.time_s < start.time_s {
        return Err(format!(
            "FUNC `{}` ends {:.3} s before it starts (at {} s, started at {} s): left out",
            clip(values[0]),
            start.time_s - end.time_s,
            end.time_s,
            start.time_s
        ));
    }
    Ok(FuncSpan { name: values[0].to_string(), start, end, level })
}

/// At most 60 characters of a line, for messages.
fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// What a run says at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct MprofSummary {
    pub sample_count: usize,
    pub duration_s: f64,
    /// The largest sample (of the main process).
    pub peak: Option<Sample>,
    /// Least-squares slope of memory over time, MiB per second.
    pub slope_mib_per_s: Option<f64>,
    /// The fitted line's value at the first sample (MiB), to draw the slope.
    pub fit_start_mib: Option<f64>,
    /// Per function name, largest total growth first.
    pub functions: Vec<FunctionGrowth>,
    /// Per child process, largest peak first.
    pub children: Vec<ChildSummary>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChildSummary {
    pub id: String,
    pub sample_count: usize,
    /// The child's largest sample.
    pub peak: Option<Sample>,
}

/// A function's calls. A call made inside another call of the same
/// function (recursion: its span lies within the other's and, when the
/// file records levels, its level is deeper) is *nested*: it is counted in
/// `calls` and `nested_calls`, but its growth is already part of the
/// enclosing call's, so the growths are those of the outermost calls only.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionGrowth {
    pub name: String,
    /// Every call, nested ones included.
    pub calls: u64,
    /// Calls made inside another call of the same function.
    pub nested_calls: u64,
    /// Sum over the outermost calls of memory at exit minus memory at entry.
    pub total_growth_mib: f64,
    /// The largest growth of an outermost call.
    pub max_growth_mib: f64,
}

pub fn summarize(run: &MprofRun) -> MprofSummary {
    let first = run.samples.iter().map(|s| s.time_s).fold(f64::INFINITY, f64::min);
    let last = run.samples.iter().map(|s| s.time_s).fold(f64::NEG_INFINITY, f64::max);
    let peak = peak_of(&run.samples);
    // Each function's calls, in order of their start (outer before inner at the same time).
    let mut calls: Vec<(&str, Vec<&FuncSpan>)> = Vec::new();
    let mut by_name: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for f in &run.functions {
        let i = *by_name.entry(f.name.as_str()).or_insert_with(|| {
            calls.push((f.name.as_str(), Vec::new()));
            calls.len() - 1
        });
        calls[i].1.push(f);
    }
    let mut functions: Vec<FunctionGrowth> = Vec::with_capacity(calls.len());
    for (name, mut spans) in calls {
        spans.sort_by(|a, b| {
            a.start.time_s.total_cmp(&b.start.time_s).then(a.level.cmp(&b.level)).then(b.end.time_s.total_cmp(&a.end.time_s))
        });
        let mut g = FunctionGrowth {
            name: name.to_string(),
            calls: spans.len() as u64,
            nested_calls: 0,
            total_growth_mib: 0.0,
            max_growth_mib: f64::NEG_INFINITY,
        };
        // The outermost call in progress: a nested call lies within it.
        let mut outer: Option<&FuncSpan> = None;
        for f in spans {
            let inside = outer.is_some_and(|o| {
                let deeper = match (o.level, f.level) {
                    (Some(lo), Some(lf)) => lf > lo,
                    _ => true,
                };
                deeper && f.start.time_s >= o.start.time_s && f.end.time_s <= o.end.time_s
            });
            if inside {
                g.nested_calls += 1;
                continue;
            }
            outer = Some(f);
            let growth = f.end.mem_mib - f.start.mem_mib;
            g.total_growth_mib += growth;
            g.max_growth_mib = g.max_growth_mib.max(growth);
        }
        functions.push(g);
    }
    functions.sort_by(|a, b| b.total_growth_mib.total_cmp(&a.total_growth_mib).then(a.name.cmp(&b.name)));
    let fit = fit(&run.samples);
    let mut children: Vec<ChildSummary> =
        run.children.iter().map(|c| ChildSummary { id: c.id.clone(), sample_count: c.samples.len(), peak: peak_of(&c.samples) }).collect();
    let peak_mib = |c: &ChildSummary| c.peak.map_or(f64::NEG_INFINITY, |p| p.mem_mib);
    // Ids are distinct: an unstable sort gives the one order.
    children.sort_unstable_by(|a, b| peak_mib(b).total_cmp(&peak_mib(a)).then_with(|| a.id.cmp(&b.id)));
    MprofSummary {
        sample_count: run.samples.len(),
        duration_s: if run.samples.is_empty() { 0.0 } else { last - first },
        peak,
        slope_mib_per_s: fit.map(|(slope, _)| slope),
        fit_start_mib: fit.map(|(_, start)| start),
        functions,
        children,
    }
}

/// The largest sample (the earliest of equal ones).
fn peak_of(samples: &[Sample]) -> Option<Sample> {
    samples.iter().copied().fold(None, |best: Option<Sample>, s| match best {
        Some(b) if b.mem_mib >= s.mem_mib => Some(b),
        _ => Some(s),
    })
}

/// Least-squares line of memory over time: its slope (MiB/s) and its value
/// at the first sample; `None` below two distinct times.
fn fit(samples: &[Sample]) -> Option<(f64, f64)> {
    if samples.len() < 2 {
        return None;
    }
    let n = samples.len() as f64;
    let t0 = samples[0].time_s;
    let mean_t = samples.iter().map(|s| s.time_s - t0).sum::<f64>() / n;
    let mean_m = samples.iter().map(|s| s.mem_mib).sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for s in samples {
        let dt = s.time_s - t0 - mean_t;
        num += dt * (s.mem_mib - mean_m);
        den += dt * dt;
    }
    let slope = (den > 0.0).then(|| num / den).filter(|v| v.is_finite())?;
    Some((slope, mean_m - slope * mean_t)).filter(|(_, start)| start.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Many children, many functions: each found by name, not by a search
    /// of those before it.
    #[test]
    fn many_children_and_functions() {
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!("CHLD {i} 1.0 {i}.5\nCHLD {i} 2.0 {i}.7\nFUNC f{} 1.0 {i}.0 2.0 {i}.1\n", i % 5000));
        }
        let (run, warnings) = parse(text.as_bytes()).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(run.children.len(), 20_000);
        assert!(run.children.iter().enumerate().all(|(i, c)| c.id == i.to_string() && c.samples.len() == 2));
        let s = summarize(&run);
        assert_eq!(s.functions.len(), 5000);
        assert!(s.functions.iter().all(|f| f.calls == 4));
    }

    #[test]
    fn reads_records_and_warns_per_line() {
        let text = "CMDLINE python app.py\nMEM 10.5 100.0\nMEM 12.5 101.0\nFUNC __main__.f 10.0 100.1 12.0 100.9 1\n\
                    FUNC __main__.g 10.0 100.1 11.0 100.2\nCHLD 42 3.0 100.5\nMEM x 102\nBOGUS 1\nFUNC f 1 2\nMEM 14.5 102.0\n";
        let (run, warnings) = parse(text.as_bytes()).unwrap();
        assert_eq!(run.cmdline.as_deref(), Some("python app.py"));
        assert_eq!(run.samples.len(), 3);
        assert_eq!(run.functions[0].level, Some(1));
        assert_eq!(run.functions[1].level, None);
        assert_eq!(run.children[0].id, "42");
        let lines: Vec<String> = warnings.kept.iter().map(|w| w.to_string()).collect();
        // Damaged values: infinite sums come from believable-looking text.
        let (_, w) = parse(b"MEM 1 1\nMEM 1e308 2\nMEM -3 3\nMEM 2 -1e300\n").unwrap();
        let damaged: Vec<String> = w.kept.iter().map(|w| w.to_string()).collect();
        assert_eq!(damaged.len(), 3, "{damaged:?}");
        assert!(damaged[0].contains("not believable") && damaged[1].contains("negative") && damaged[2].contains("time"), "{damaged:?}");
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].contains("memory `x` is not a number") && lines[0].contains("line 7"), "{lines:?}");
        assert!(lines[1].contains("not an mprof record") && lines[1].contains("line 8"));
        assert!(lines[2].contains("FUNC line needs"));
        let s = summarize(&run);
        assert_eq!(s.peak.unwrap().mem_mib, 14.5);
        assert!((s.slope_mib_per_s.unwrap() - 2.0).abs() < 1e-9);
        // Samples (0 s, 10.5), (1 s, 12.5), (2 s, 14.5): the fitted line starts at 10.5.
        assert!((s.fit_start_mib.unwrap() - 10.5).abs() < 1e-9);
        assert_eq!(s.functions[0].name, "__main__.f");
        assert!((s.functions[0].total_growth_mib - 2.0).abs() < 1e-9);
    }

    /// A sample earlier than the one before it: kept, put in time order,
    /// and one warning names the first; the start, the peak's time and
    /// the slope read the samples as they happened.
    #[test]
    fn samples_that_go_back_in_time_are_read_in_time_order() {
        let text = "MEM 10.0 103.0\nMEM 12.0 104.0\nMEM 13.0 101.5\nMEM 14.0 105.0\nMEM 9.0 100.0\nMEM 15.0 106.0\n\
                    CHLD 7 1.0 100.0\nCHLD 7 2.0 99.0\nCHLD 8 5.0 100.0\n";
        let (run, warnings) = parse(text.as_bytes()).unwrap();
        let times: Vec<f64> = run.samples.iter().map(|s| s.time_s).collect();
        assert_eq!(times, [100.0, 101.5, 103.0, 104.0, 105.0, 106.0]);
        assert_eq!(run.start_s(), Some(100.0));
        assert_eq!(run.children[0].samples.iter().map(|s| s.time_s).collect::<Vec<_>>(), [99.0, 100.0]);
        assert_eq!((warnings.total, run.skipped_lines), (2, 0));
        let notes: Vec<String> = warnings.kept.iter().map(|w| w.to_string()).collect();
        assert!(
            notes[0].starts_with("2 MEM sample(s) go back in time: the first is 2.500 s earlier") && notes[0].contains("line 3"),
            "{notes:?}"
        );
        assert!(notes[1].contains("1 CHLD sample(s) go back in time in 1 child process(es) (the first of child 7)"), "{notes:?}");
        assert!(notes[1].contains("line 8"), "{notes:?}");
        let s = summarize(&run);
        assert_eq!(s.peak.map(|p| p.time_s - run.start_s().unwrap()), Some(6.0));
        // Memory rises with time once the samples are in order.
        assert!(s.slope_mib_per_s.unwrap() > 0.5, "{s:?}");
        assert!((s.fit_start_mib.unwrap() - 9.0).abs() < 1.0, "{s:?}");
        // In order: no note.
        let (_, w) = parse(b"MEM 1 1\nMEM 1 1\nMEM 2 2\n").unwrap();
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn a_function_that_ends_before_it_starts_is_left_out() {
        let text = "MEM 1.0 100.0\nFUNC m.f 1.0 100.5 5.0 100.2 0\nFUNC m.g 1.0 100.1 2.0 100.3\n";
        let (run, warnings) = parse(text.as_bytes()).unwrap();
        assert_eq!(run.functions.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["m.g"]);
        assert_eq!(run.skipped_lines, 1);
        let w = warnings.kept[0].to_string();
        assert!(w.contains("FUNC `m.f` ends 0.300 s before it starts") && w.contains("left out") && w.contains("line 2"), "{w}");
        assert_eq!(summarize(&run).functions.len(), 1);
    }

    /// memory_profiler writes a recursive function's calls with growing
    /// stack levels, each spanning the ones inside it: one allocation of
    /// 100 MiB is counted once, in the outermost call; the calls nested in
    /// it are counted as such. Calls one after another are all outermost,
    /// even at the same instant.
    #[test]
    fn a_recursive_function_counts_its_outermost_calls_growth() {
        let mut text = String::from("CMDLINE python app.py\nMEM 50 1000\nMEM 150 1010\n");
        for level in 1..=10 {
            let (start, end) = (1000.0 + level as f64 * 0.1, 1019.0 - level as f64 * 0.1);
            text.push_str(&format!("FUNC __main__.rec 50.0000 {start:.4} 150.0000 {end:.4} {level}\n"));
        }
        // Two later calls one after another (the second starts as the first ends), and one at the same instant.
        text.push_str("FUNC __main__.rec 150.0 1020.0 160.0 1021.0 1\nFUNC __main__.rec 160.0 1021.0 165.0 1021.0 1\n");
        text.push_str("FUNC __main__.rec 165.0 1021.0 166.0 1021.0 1\n");
        // Another function inside the recursion, and the same shape without levels.
        text.push_str("FUNC __main__.leaf 60.0 1005.0 150.0 1006.0 11\n");
        text.push_str("FUNC m.old 10.0 1.0 30.0 9.0\nFUNC m.old 10.0 2.0 30.0 8.0\nFUNC m.old 30.0 10.0 31.0 11.0\n");
        let (run, w) = parse(text.as_bytes()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        let s = summarize(&run);
        let got: Vec<(&str, u64, u64, f64, f64)> =
            s.functions.iter().map(|f| (f.name.as_str(), f.calls, f.nested_calls, f.total_growth_mib, f.max_growth_mib)).collect();
        assert_eq!(got, [("__main__.rec", 13, 9, 116.0, 100.0), ("__main__.leaf", 1, 0, 90.0, 90.0), ("m.old", 3, 1, 21.0, 20.0)]);
    }

    #[test]
    fn children_are_summarized_by_peak() {
        let (run, _) = parse(b"MEM 1 100\nCHLD 11 5.0 100.5\nCHLD 12 9.0 100.6\nCHLD 11 7.0 101.0\nCHLD 12 3.0 101.2\n").unwrap();
        let s = summarize(&run);
        let got: Vec<(&str, usize, Option<f64>)> =
            s.children.iter().map(|c| (c.id.as_str(), c.sample_count, c.peak.map(|p| p.mem_mib))).collect();
        assert_eq!(got, [("12", 2, Some(9.0)), ("11", 2, Some(7.0))]);
        assert_eq!(s.children[0].peak.unwrap().time_s, 100.6);
    }

    /// Two runs joined (`cat a.dat b.dat`) would read as one run with the
    /// second command only and a growth fitted across both processes.
    #[test]
    fn a_second_cmdline_is_an_error_naming_its_line() {
        let e = parse(b"CMDLINE python a.py\nMEM 10 100\nMEM 20 101\nCMDLINE python b.py\nMEM 500 5000\nMEM 100 5001\n").unwrap_err();
        let e = e.to_string();
        assert!(e.starts_with("two runs in one file: a second CMDLINE line (the first is line 1)"), "{e}");
        assert!(e.contains("line 4"), "{e}");
        // CMDLINE last (as some versions write it) is one run.
        let (run, w) = parse(b"MEM 10 100\nMEM 20 101\nCMDLINE python a.py\n").unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((run.cmdline.as_deref(), run.samples.len()), (Some("python a.py"), 2));
    }

    /// Tab-separated fields and `\r`-only or `\r\n` line ends read as the
    /// space-separated, `\n`-ended file does; line numbers count each line.
    #[test]
    fn tabs_and_carriage_returns_are_read() {
        let plain = "CMDLINE python app.py\nMEM 12.5 1000.0\nMEM 13.5 1001.0\nFUNC m.f 12.5 1000.0 13.5 1001.0 1\nCHLD 7 1.0 1000.5\n";
        let (expected, w) = parse(plain.as_bytes()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        // The command line is the command's text, blanks and all.
        let blanks = |sep: &str| plain.replace(' ', sep).replace(&format!("python{sep}app.py"), "python app.py");
        for text in [blanks("\t"), plain.replace('\n', "\r"), plain.replace('\n', "\r\n"), blanks(" \t ")] {
            assert!(looks_like(text.as_bytes()), "{text:?}");
            let (run, w) = parse(text.as_bytes()).unwrap();
            assert!(w.is_empty(), "{text:?}: {w:?}");
            assert_eq!(run, expected, "{text:?}");
        }
        let (_, w) = parse(b"CMDLINE x\rMEM 1 1\rMEM x 2\r\rMEM 3 3\r").unwrap();
        assert_eq!(w.total, 1);
        assert!(w.kept[0].to_string().contains("line 3"), "{w:?}");
    }

    #[test]
    fn refuses_files_without_samples() {
        let e = parse(b"CMDLINE x\nhello world\n").unwrap_err().to_string();
        assert!(e.contains("no memory samples") && e.contains("line 2"), "{e}");
        assert!(parse(b"").is_err());
        assert!(parse(b"MEM inf 1\n").is_err());
    }
}
