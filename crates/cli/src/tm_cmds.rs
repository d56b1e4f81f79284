//! The `tracemalloc` command: statistics and comparisons printed like
//! CPython prints `Statistic` and `StatisticDiff`.

use anyhow::{bail, Result};
use heapscope_core::analysis::tracemalloc::{compare_to, filter_traces, statistics, GroupBy, TraceFilter, TracebackKey};
use serde_json::{json, Value};

use crate::table::size;
use crate::Opened;

fn frames_json(tb: &TracebackKey) -> Value {
    Value::Array(tb.iter().map(|f| json!({"filename": f.filename, "lineno": f.lineno})).collect())
}

fn where_(tb: &TracebackKey) -> String {
    tb.first().map_or("<no frame>".to_string(), |f| format!("{}:{}", f.filename, f.lineno))
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

pub fn tracemalloc(
    o: &Opened,
    older: Option<&Opened>,
    group_by: &str,
    cumulative: bool,
    filters: &[TraceFilter],
    limit: usize,
    json: bool,
) -> Result<()> {
    let Some(by) = GroupBy::parse(group_by) else { bail!("--group-by must be lineno, filename or traceback") };
    let traces = |x: &Opened| match &x.snapshot.tracemalloc {
        Some(t) => Ok(filter_traces(t, &x.snapshot.strings, filters)),
        None => bail!("{}: this {} has no tracemalloc traces", x.name, x.snapshot.format.describe()),
    };
    let new = traces(o)?;
    let show_traceback = by == GroupBy::Traceback;
    if let Some(old_file) = older {
        let old = traces(old_file)?;
        let diffs = compare_to((&new, &o.snapshot.strings), (&old, &old_file.snapshot.strings), by, cumulative)?;
        if json {
            let v: Vec<Value> = diffs
                .iter()
                .take(limit)
                .map(|d| json!({"traceback": frames_json(&d.traceback), "size": d.size_bytes, "size_diff": d.size_diff, "count": d.count, "count_diff": d.count_diff}))
                .collect();
            println!("{}", serde_json::to_string_pretty(&v)?);
            return Ok(());
        }
        for d in diffs.iter().take(limit) {
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
            println!("{line}");
            if show_traceback {
                for f in &d.traceback {
                    println!("    {}:{}", f.filename, f.lineno);
                }
            }
        }
        return Ok(());
    }
    let stats = statistics(&new, &o.snapshot.strings, by, cumulative)?;
    if json {
        let v: Vec<Value> = stats
            .iter()
            .take(limit)
            .map(|s| json!({"traceback": frames_json(&s.traceback), "size": s.size_bytes, "count": s.count}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    for s in stats.iter().take(limit) {
        let mut line = format!("{}: size={}, count={}", where_(&s.traceback), size(s.size_bytes as f64, false), s.count);
        if s.count > 0 {
            line.push_str(&format!(", average={}", size(s.size_bytes as f64 / s.count as f64, false)));
        }
        println!("{line}");
        if show_traceback {
            for f in &s.traceback {
                println!("    {}:{}", f.filename, f.lineno);
            }
        }
    }
    Ok(())
}
