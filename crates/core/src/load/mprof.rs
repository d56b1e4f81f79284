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
//! A line that does not parse is a warning naming the line; a file with no
//! sample and no function at all is an error. Never panics.

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
    /// Stack level (0 outermost), when the file records it.
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
    /// In file order.
    pub samples: Vec<Sample>,
    pub functions: Vec<FuncSpan>,
    pub children: Vec<ChildSeries>,
}

/// Whether `bytes` look like an `mprof run` file: the first non-blank line
/// starts with one of its record names.
pub fn looks_like(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    text.lines().find(|l| !l.trim().is_empty()).is_some_and(|l| {
        let first = l.split_whitespace().next().unwrap_or("");
        matches!(first, "CMDLINE" | "MEM" | "FUNC" | "CHLD")
    })
}

/// Parses an `mprof run` file (module doc).
/// Its warnings: one per line that is no record (the first
/// [`Warnings::LIMIT`] kept).
pub fn parse(bytes: &[u8]) -> Result<(MprofRun, Warnings), LoadError> {
    let text = String::from_utf8_lossy(bytes);
    let mut run = MprofRun::default();
    let mut warnings = Warnings::default();
    // Child series by id (a file may name many children).
    let mut children: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let at = Some(Location::LineColumn { line: i + 1, column: 1 });
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let (field, rest) = line.split_once(' ').unwrap_or((line, ""));
        let values: Vec<&str> = rest.split_whitespace().collect();
        let result = match field {
            "CMDLINE" => {
                run.cmdline = Some(rest.to_string());
                Ok(())
            }
            "MEM" => sample(&values[..values.len().min(2)], 2).map(|s| run.samples.push(s)),
            "FUNC" => func(&values).map(|f| run.functions.push(f)),
            "CHLD" => match values.split_first() {
                Some((id, rest)) => sample(rest, 2).map(|s| match children.get(*id) {
                    Some(&c) => run.children[c].samples.push(s),
                    None => {
                        children.insert(id.to_string(), run.children.len());
                        run.children.push(ChildSeries { id: id.to_string(), samples: vec![s] });
                    }
                }),
                None => Err("a CHLD line needs a child id, MiB and a time".to_string()),
            },
            _ => Err(format!("not an mprof record (expected CMDLINE, MEM, FUNC or CHLD): `{}`", clip(line))),
        };
        if let Err(message) = result {
            warnings.push(message, at);
        }
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
    Ok(FuncSpan { name: values[0].to_string(), start: sample(&values[1..3], 2)?, end: sample(&values[3..5], 2)?, level })
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
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionGrowth {
    pub name: String,
    pub calls: u64,
    /// Sum over calls of memory at exit minus memory at entry.
    pub total_growth_mib: f64,
    pub max_growth_mib: f64,
}

pub fn summarize(run: &MprofRun) -> MprofSummary {
    let first = run.samples.iter().map(|s| s.time_s).fold(f64::INFINITY, f64::min);
    let last = run.samples.iter().map(|s| s.time_s).fold(f64::NEG_INFINITY, f64::max);
    let peak = run.samples.iter().copied().fold(None, |best: Option<Sample>, s| match best {
        Some(b) if b.mem_mib >= s.mem_mib => Some(b),
        _ => Some(s),
    });
    let mut functions: Vec<FunctionGrowth> = Vec::new();
    let mut by_name: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for f in &run.functions {
        let growth = f.end.mem_mib - f.start.mem_mib;
        match by_name.get(f.name.as_str()) {
            Some(&i) => {
                let g = &mut functions[i];
                g.calls += 1;
                g.total_growth_mib += growth;
                g.max_growth_mib = g.max_growth_mib.max(growth);
            }
            None => {
                by_name.insert(&f.name, functions.len());
                functions.push(FunctionGrowth { name: f.name.clone(), calls: 1, total_growth_mib: growth, max_growth_mib: growth });
            }
        }
    }
    functions.sort_by(|a, b| b.total_growth_mib.total_cmp(&a.total_growth_mib).then(a.name.cmp(&b.name)));
    let fit = fit(&run.samples);
    MprofSummary {
        sample_count: run.samples.len(),
        duration_s: if run.samples.is_empty() { 0.0 } else { last - first },
        peak,
        slope_mib_per_s: fit.map(|(slope, _)| slope),
        fit_start_mib: fit.map(|(_, start)| start),
        functions,
    }
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

    #[test]
    fn refuses_files_without_samples() {
        let e = parse(b"CMDLINE x\nhello world\n").unwrap_err().to_string();
        assert!(e.contains("no memory samples") && e.contains("line 2"), "{e}");
        assert!(parse(b"").is_err());
        assert!(parse(b"MEM inf 1\n").is_err());
    }
}
