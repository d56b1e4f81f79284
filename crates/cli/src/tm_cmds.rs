//! The `tracemalloc` command: statistics and comparisons printed like
//! CPython prints `Statistic` and `StatisticDiff`.

use anyhow::{bail, Result};
use heapscope_core::analysis::tracemalloc::{compare_to, filter_traces, statistics, GroupBy, TraceFilter, TracebackKey};

use crate::out::Out;
use crate::table::size;
use crate::wire;
use crate::Opened;

fn frames(tb: &TracebackKey) -> Vec<wire::Frame> {
    tb.iter().map(|f| wire::Frame { filename: f.filename.to_string(), lineno: f.lineno }).collect()
}

/// What `str(Traceback)` shows: its oldest frame (`Traceback[0]`; the key
/// holds the frames most recent first, tracemalloc's internal order).
fn where_(tb: &TracebackKey) -> String {
    tb.last().map_or("<no frame>".to_string(), |f| format!("{}:{}", f.filename, f.lineno))
}

/// `tracemalloc.Filter`s by filename pattern and `DomainFilter`s, in that order.
pub fn filters(include: &[String], exclude: &[String], include_domain: &[u32], exclude_domain: &[u32]) -> Vec<TraceFilter> {
    let by_name = include.iter().map(|p| TraceFilter::filename(true, p)).chain(exclude.iter().map(|p| TraceFilter::filename(false, p)));
    let by_domain = include_domain
        .iter()
        .map(|&domain| TraceFilter::Domain { inclusive: true, domain })
        .chain(exclude_domain.iter().map(|&domain| TraceFilter::Domain { inclusive: false, domain }));
    by_name.chain(by_domain).collect()
}

/// What `tracemalloc` prints, options included.
pub struct Options<'a> {
    pub group_by: &'a str,
    pub cumulative: bool,
    pub filters: &'a [TraceFilter],
    pub limit: usize,
    pub json: bool,
}

pub fn tracemalloc(o: &Opened, older: Option<&Opened>, out: &mut Out, opts: &Options) -> Result<()> {
    let Some(by) = GroupBy::parse(opts.group_by) else { bail!("--group-by must be lineno, filename or traceback") };
    let traces = |x: &Opened| match &x.snapshot.tracemalloc {
        Some(t) => Ok(filter_traces(t, &x.snapshot.strings, opts.filters)),
        None => bail!("{}: this {} has no tracemalloc traces", x.name, x.snapshot.format.describe()),
    };
    let new = traces(o)?;
    let show_traceback = by == GroupBy::Traceback;
    let mut rows = Vec::new();
    if let Some(old_file) = older {
        let old = traces(old_file)?;
        let diffs = compare_to((&new, &o.snapshot.strings), (&old, &old_file.snapshot.strings), by, opts.cumulative)
            .map_err(|e| anyhow::anyhow!("{}: {e}", o.name))?;
        for d in diffs.iter().take(opts.limit) {
            let mut line = format!(
                "{}: size={} ({}), count={} ({:+})",
                where_(&d.traceback),
                size(d.size_bytes as f64, false),
                size(d.size_diff as f64, true),
                d.count,
                d.count_diff
            );
            if d.count > 0 {
                line.push_str(&format!(", average={}", size(d.size_bytes as f64 / d.count as f64, false)));
            }
            let stat = wire::Statistic {
                traceback: frames(&d.traceback),
                size_bytes: d.size_bytes,
                count: d.count,
                size_delta_bytes: Some(d.size_diff),
                count_delta: Some(d.count_diff),
            };
            rows.push((line, stat));
        }
    } else {
        let stats = statistics(&new, &o.snapshot.strings, by, opts.cumulative).map_err(|e| anyhow::anyhow!("{}: {e}", o.name))?;
        for s in stats.iter().take(opts.limit) {
            let mut line = format!("{}: size={}, count={}", where_(&s.traceback), size(s.size_bytes as f64, false), s.count);
            if s.count > 0 {
                line.push_str(&format!(", average={}", size(s.size_bytes as f64 / s.count as f64, false)));
            }
            let stat = wire::Statistic {
                traceback: frames(&s.traceback),
                size_bytes: s.size_bytes,
                count: s.count,
                size_delta_bytes: None,
                count_delta: None,
            };
            rows.push((line, stat));
        }
    }
    if opts.json {
        let doc: Vec<wire::Statistic> = rows.into_iter().map(|(_, s)| s).collect();
        return Ok(out.json(&doc)?);
    }
    if rows.is_empty() {
        let why = if opts.filters.is_empty() { "the snapshot has no traces" } else { "no trace passes the filters" };
        out.line(&format!("no statistics: {why}"))?;
    }
    for (line, stat) in &rows {
        out.line(line)?;
        if show_traceback {
            // Oldest first, as `Traceback.format()` lists them.
            for f in stat.traceback.iter().rev() {
                out.line(&format!("    {}:{}", f.filename, f.lineno))?;
            }
        }
    }
    Ok(())
}
