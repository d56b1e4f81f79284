//! `heapscope mprof FILE…`: memory_profiler files — `mprof run` data (peak,
//! growth rate, the functions that grew most) and `@profile` reports (the
//! lines that grew most).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use heapscope_core::load::line_report::{self, grew_most};
use heapscope_core::load::mprof::{self, summarize};
use heapscope_core::load::{detect_profile, ProfileKind};
use serde::Serialize;

use crate::out::Out;

#[derive(Serialize)]
struct MprofDoc {
    files: Vec<FileDoc>,
}

#[derive(Serialize)]
struct FileDoc {
    file: String,
    /// `mprof_run` or `line_report`.
    kind: &'static str,
    /// Warnings (the first 100): notes about the file as a whole (samples
    /// out of time order, rows without numbers) first, then one per line
    /// that was left out.
    warnings: Vec<String>,
    /// Lines left out, all of them.
    skipped_lines: u64,
    /// How many of `warnings` are notes (the rest are skipped lines).
    #[serde(skip)]
    notes: usize,
    /// Rows of a line report, all tables.
    #[serde(skip)]
    rows: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<RunDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<Vec<LineDoc>>,
}

#[derive(Serialize)]
struct RunDoc {
    cmdline: Option<String>,
    samples: u64,
    duration_s: f64,
    peak_mib: Option<f64>,
    /// Seconds after the first sample.
    peak_at_s: Option<f64>,
    /// Least-squares slope over the samples.
    growth_mib_per_s: Option<f64>,
    /// Child processes (`CHLD` samples, `mprof run --multiprocess`).
    children: u64,
    /// Per child, largest peak first (at most `--limit`).
    child_processes: Vec<ChildDoc>,
    /// Largest total growth first.
    functions: Vec<FunctionDoc>,
}

#[derive(Serialize)]
struct ChildDoc {
    /// The child's pid as mprof wrote it.
    id: String,
    samples: u64,
    peak_mib: Option<f64>,
    /// Seconds after the run's start (its first sample).
    peak_at_s: Option<f64>,
}

#[derive(Serialize)]
struct FunctionDoc {
    name: String,
    calls: u64,
    /// Calls made inside another call of the same function (recursion):
    /// their growth is part of the enclosing call's, counted once.
    nested_calls: u64,
    total_growth_mib: f64,
    max_growth_mib: f64,
}

#[derive(Serialize)]
struct LineDoc {
    filename: String,
    line: u32,
    function: Option<String>,
    increment_mib: f64,
    mem_mib: Option<f64>,
    occurrences: Option<u64>,
    contents: String,
    /// Tables (calls or files) in which the line appears.
    tables: u64,
}

const NOT_A_PROFILE: &str =
    "not a memory_profiler file (expected `mprof run` data — MEM/FUNC/CHLD/CMDLINE lines — or an @profile report starting with `Filename:`)";

pub fn mprof(files: &[PathBuf], out: &mut Out, limit: usize, json: bool) -> Result<()> {
    let mut docs = Vec::new();
    for path in files {
        let name = path.display().to_string();
        // Within the load cap; a file whose first bytes are no profile is refused at once.
        let max = heapscope_core::load::MAX_DECOMPRESSED_BYTES;
        let mut bytes = crate::read_unseekable(path, &name, max, |head| {
            let known = head.starts_with(&[0x1f, 0x8b]) || detect_profile(head).is_some() || head.iter().all(u8::is_ascii_whitespace);
            (!known).then(|| anyhow::anyhow!(NOT_A_PROFILE))
        })?;
        if bytes.starts_with(&[0x1f, 0x8b]) {
            bytes = heapscope_core::load::gunzip(&bytes).with_context(|| name.clone())?;
        }
        let doc = match detect_profile(&bytes) {
            Some(ProfileKind::MprofRun) => {
                let (run, warnings) = mprof::parse(&bytes).with_context(|| name.clone())?;
                let s = summarize(&run);
                let t0 = run.start_s();
                FileDoc {
                    file: name,
                    kind: "mprof_run",
                    warnings: warnings.kept.iter().map(|w| w.to_string()).collect(),
                    skipped_lines: run.skipped_lines,
                    notes: (warnings.total - run.skipped_lines) as usize,
                    rows: 0,
                    run: Some(RunDoc {
                        cmdline: run.cmdline.clone(),
                        samples: s.sample_count as u64,
                        duration_s: s.duration_s,
                        peak_mib: s.peak.map(|p| p.mem_mib),
                        peak_at_s: s.peak.zip(t0).map(|(p, t0)| p.time_s - t0),
                        growth_mib_per_s: s.slope_mib_per_s,
                        children: run.children.len() as u64,
                        child_processes: s
                            .children
                            .iter()
                            .take(limit)
                            .map(|c| ChildDoc {
                                id: c.id.clone(),
                                samples: c.sample_count as u64,
                                peak_mib: c.peak.map(|p| p.mem_mib),
                                peak_at_s: c.peak.zip(t0).map(|(p, t0)| p.time_s - t0),
                            })
                            .collect(),
                        functions: s
                            .functions
                            .iter()
                            .take(limit)
                            .map(|f| FunctionDoc {
                                name: f.name.clone(),
                                calls: f.calls,
                                nested_calls: f.nested_calls,
                                total_growth_mib: f.total_growth_mib,
                                max_growth_mib: f.max_growth_mib,
                            })
                            .collect(),
                    }),
                    lines: None,
                }
            }
            Some(ProfileKind::LineReport) => {
                let (report, warnings) = line_report::parse(&bytes).with_context(|| name.clone())?;
                let lines = grew_most(&report, limit)
                    .into_iter()
                    .map(|g| LineDoc {
                        filename: g.filename.to_string(),
                        line: g.row.lineno,
                        function: g.row.function.clone(),
                        increment_mib: g.row.increment_mib.unwrap_or(0.0),
                        mem_mib: g.row.mem_mib,
                        occurrences: g.row.occurrences,
                        contents: g.row.contents.trim().to_string(),
                        tables: g.tables as u64,
                    })
                    .collect();
                FileDoc {
                    file: name,
                    kind: "line_report",
                    warnings: warnings.kept.iter().map(|w| w.to_string()).collect(),
                    skipped_lines: report.skipped_lines,
                    notes: (warnings.total - report.skipped_lines) as usize,
                    rows: report.tables.iter().map(|t| t.rows.len()).sum(),
                    run: None,
                    lines: Some(lines),
                }
            }
            None => bail!("{name}: {NOT_A_PROFILE}"),
        };
        let (notes, skipped) = doc.warnings.split_at(doc.notes.min(doc.warnings.len()));
        for note in notes {
            crate::warn(&format!("{}: {note}", doc.file));
        }
        if let Some(first) = skipped.first() {
            crate::warn(&format!("{}: {} line(s) skipped; first: {first}", doc.file, doc.skipped_lines));
        }
        docs.push(doc);
    }
    if json {
        out.json(&MprofDoc { files: docs })?;
        return Ok(());
    }
    for d in &docs {
        out.line(&format!("{} ({})", d.file, d.kind.replace('_', " ")))?;
        if let Some(r) = &d.run {
            if let Some(cmd) = &r.cmdline {
                out.line(&format!("  command: {}", cmd.trim()))?;
            }
            let peak = match (r.peak_mib, r.peak_at_s) {
                (Some(p), Some(t)) => format!("{p:.1} MiB at {t:.1} s"),
                _ => "none".to_string(),
            };
            out.line(&format!("  {} samples over {:.1} s; peak {peak}", r.samples, r.duration_s))?;
            if let Some(g) = r.growth_mib_per_s {
                out.line(&format!("  growth {g:+.2} MiB/s ({:+.1} MiB/min)", g * 60.0))?;
            }
            for f in &r.functions {
                let nested = if f.nested_calls > 0 {
                    format!(" ({} nested, counted in the calls around them)", f.nested_calls)
                } else {
                    String::new()
                };
                out.line(&format!(
                    "  {:+.1} MiB in {} call(s){nested} of {} (largest {:+.1} MiB)",
                    f.total_growth_mib, f.calls, f.name, f.max_growth_mib
                ))?;
            }
            for c in &r.child_processes {
                let peak = match (c.peak_mib, c.peak_at_s) {
                    (Some(p), Some(t)) => format!("peak {p:.1} MiB at {t:.1} s"),
                    _ => "no sample".to_string(),
                };
                out.line(&format!("  child {}: {} samples; {peak}", c.id, c.samples))?;
            }
            if r.children > r.child_processes.len() as u64 {
                out.line(&format!("  … {} more children", r.children - r.child_processes.len() as u64))?;
            }
        }
        if d.lines.as_ref().is_some_and(Vec::is_empty) {
            out.line(&format!(
                "  no line to rank: none of its {} row(s) has a measured increment other than a `@profile`/`def` line",
                d.rows
            ))?;
        }
        for l in d.lines.iter().flatten() {
            out.line(&format!(
                "  {:+.1} MiB  {}:{} {}  {}",
                l.increment_mib,
                l.filename,
                l.line,
                l.function.as_deref().map(|f| format!("in {f}()")).unwrap_or_default(),
                l.contents
            ))?;
        }
    }
    Ok(())
}
