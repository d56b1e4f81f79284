//! The core's results converted by hand into protocol types (the core's own
//! types never cross the boundary). Knows nothing of the session: every
//! function takes a [`HeapView`] or a core result and returns protocol data.
//! The facts themselves (names, rankings, totals) come from the view; this
//! module only caps lists and picks the wire shape.

use heapscope_core::analysis::aggregate::AggregateRow;
use heapscope_core::analysis::cycles::Cycle;
use heapscope_core::analysis::diff::HeapDiff;
use heapscope_core::analysis::growth::{self, FindingKind, Growth, SeriesHeap};
use heapscope_core::analysis::retainers::{self, RetainerPaths, Step, SHOWN_HEAD_STEPS, SHOWN_TAIL_STEPS};
use heapscope_core::analysis::search::Found;
use heapscope_core::analysis::strong_view::Exclusions;
use heapscope_core::analysis::suspects::{Suspect, SuspectKind};
use heapscope_core::analysis::tracemalloc as tm;
use heapscope_core::graph::ObjIdx;
use heapscope_core::load::line_report::{self, LineReport, LineRow};
use heapscope_core::load::mprof::{self, MprofRun, Sample};
use heapscope_core::view::Ranked;
use heapscope_core::{HeapView, Location};
use heapscope_protocol::{
    AllocationRow, CycleDetail, CycleRow, ErrorLocation, HeapComparison, Ignored, LeftOut, ObjectDetail, ObjectRow, Overview, OwnerRow,
    Reference, RetainerPath, SearchHit, SuggestedBreak, SuspectRow, TypeDeltaRow, TypeRow,
};
use heapscope_protocol::{
    ChildLine, FuncSpanData, FunctionGrowthRow, GrewMostRow, GrowingHolderRow, GrowthFinding, GrowthReport, LineFunction, LineReportData,
    LineRowData, LineTableData, MprofRunData, SeriesPoint, SurvivorRow, TimePoint, TypeGrowthRow,
};

/// Lists sent to the UI are capped here; totals say how many there were.
pub const MAX_LISTED: usize = 500;
/// Descriptions are cut to this many characters.
pub const MAX_DESCRIPTION_CHARS: usize = 160;
/// Dominator chains are listed this far up.
const MAX_CHAIN: usize = 50;
/// Retainer paths asked for at most.
pub const MAX_PATHS: usize = 50;
/// Member types named in a cycle's summary.
const CYCLE_TYPES_SHOWN: usize = 4;
/// Rows of a heap comparison's type table at most.
pub const MAX_TYPE_DELTAS: usize = 5000;
/// Warnings kept per memory_profiler file (then a count of the rest).
pub const MAX_WARNINGS: usize = 100;
/// Rows of a line report sent at most (per report).
pub const MAX_LINE_ROWS: usize = 20_000;
/// `FUNC` spans of a run sent at most.
pub const MAX_SPANS: usize = 5000;

pub fn row(v: &HeapView, o: ObjIdx) -> ObjectRow {
    ObjectRow {
        id: o,
        type_name: v.type_name(o).to_string(),
        address: v.address_hex(o),
        description: v.description(o).chars().take(MAX_DESCRIPTION_CHARS).collect(),
        shallow_bytes: v.heap.size_bytes[o as usize],
        retained_bytes: v.retained_bytes(o),
        distance: v.analysis.distances.get(o),
        root: v.root_label(o),
    }
}

pub fn reference(v: &HeapView, step: &Step) -> Reference {
    Reference {
        from: row(v, step.from),
        to: row(v, step.to),
        index: step.edge - v.heap.graph.out_edges(step.from).start,
        kind: step.kind.format_name().to_string(),
        label: step.label.clone(),
        weak: !step.strong,
    }
}

/// The UI's "ignore this retainer" list as the core's exclusions; entries
/// naming no object or reference of this heap are skipped.
pub fn exclusions(v: &HeapView, ignored: &[Ignored]) -> Exclusions {
    let mut ex = Exclusions::none();
    for i in ignored {
        match *i {
            Ignored::Object(o) => {
                if v.contains(o) {
                    ex.exclude_object(o)
                }
            }
            Ignored::Reference { from, index } => {
                if v.contains(from) {
                    if let Some(edge) = v.heap.graph.out_edges(from).nth(index as usize) {
                        ex.exclude_edge(&v.heap.graph, edge);
                    }
                }
            }
        }
    }
    ex
}

pub fn type_row(r: &AggregateRow) -> TypeRow {
    TypeRow { type_name: r.name.clone(), count: r.count, shallow_bytes: r.shallow_bytes, retained_bytes: r.retained_bytes }
}

pub fn overview(v: &HeapView, suspects: &[Suspect]) -> Overview {
    let facts = v.overview();
    Overview {
        object_count: facts.object_count,
        reference_count: facts.reference_count,
        total_size_bytes: facts.total_size_bytes,
        unreachable_count: facts.unreachable_count,
        unreachable_bytes: facts.unreachable_bytes,
        cycle_count: facts.cycle_count,
        garbage_cycle_count: facts.garbage_cycle_count,
        root_count: facts.root_count,
        top_types: v.analysis.by_type.iter().take(10).map(type_row).collect(),
        suspects: suspects.iter().map(|s| suspect(v, s)).collect(),
        owners: facts
            .owners
            .iter()
            .map(|(w, t)| OwnerRow { owner: w.describe().to_string(), object_count: t.objects, size_bytes: t.size_bytes })
            .collect(),
    }
}

fn suspect(v: &HeapView, s: &Suspect) -> SuspectRow {
    let (object, type_name) = match &s.kind {
        SuspectKind::Object(o) => (Some(row(v, *o)), None),
        SuspectKind::Type(t) => (None, Some(t.clone())),
        SuspectKind::Accumulation { container, type_name, .. } => (Some(row(v, *container)), Some(type_name.clone())),
        SuspectKind::Garbage { type_name, example, .. } => (Some(row(v, *example)), Some(type_name.clone())),
    };
    SuspectRow {
        object,
        type_name,
        retained_bytes: s.retained_bytes,
        share: s.share,
        reason: s.reason.clone(),
        pattern: s.pattern.name().to_string(),
        holder: s.holder.to_string(),
        fix: s.fix.clone(),
    }
}

pub fn object_detail(v: &HeapView, o: ObjIdx, traceback: Vec<String>) -> ObjectDetail {
    let referrers = v.referrers(o, &Exclusions::none(), MAX_LISTED);
    ObjectDetail {
        object: row(v, o),
        flags: v.flag_names(o).into_iter().map(str::to_string).collect(),
        traceback,
        outgoing_total: v.heap.graph.out_edges(o).len() as u32,
        outgoing: v.outgoing(o, MAX_LISTED).iter().map(|s| reference(v, s)).collect(),
        referrers: referrers.steps.iter().map(|s| reference(v, s)).collect(),
        referrers_total: referrers.total as u32,
        dominators: v.analysis.dominators.chain(o).take(MAX_CHAIN).map(|d| row(v, d)).collect(),
    }
}

pub fn referrers(v: &HeapView, ranked: &Ranked) -> Vec<Reference> {
    ranked.steps.iter().map(|s| reference(v, s)).collect()
}

/// The paths found; a long one (a linked list's) as its ends and the count
/// between (the core's `SHOWN_HEAD_STEPS`/`SHOWN_TAIL_STEPS`), so the page
/// never lays out or expands 10^5 levels.
pub fn retainer_paths(v: &HeapView, found: &RetainerPaths) -> Vec<RetainerPath> {
    found
        .paths
        .iter()
        .map(|p| {
            let (n, left_out) = (p.steps.len(), p.left_out_when_shown());
            if left_out == 0 {
                return RetainerPath { steps: p.steps.iter().map(|s| reference(v, s)).collect(), left_out: None };
            }
            let kept = p.steps[..SHOWN_HEAD_STEPS].iter().chain(&p.steps[n - SHOWN_TAIL_STEPS..]);
            let count = left_out.min(u32::MAX as usize) as u32;
            RetainerPath { steps: kept.map(|s| reference(v, s)).collect(), left_out: Some(LeftOut { at: SHOWN_HEAD_STEPS as u32, count }) }
        })
        .collect()
}

pub fn search_hits(v: &HeapView, found: &Found) -> Vec<SearchHit> {
    found.hits.iter().map(|h| SearchHit { object: row(v, h.object), matched: h.matched.as_str().to_string() }).collect()
}

pub fn cycle_row(index: usize, c: &Cycle) -> CycleRow {
    CycleRow {
        index: index as u32,
        member_count: c.members.len() as u32,
        shallow_bytes: c.shallow_bytes,
        retained_bytes: c.retained_bytes,
        garbage: !c.reachable,
        types: c.type_summary(CYCLE_TYPES_SHOWN),
        owner: c.owner.describe().to_string(),
        internal: c.internal,
        break_python: c.suggested_break.as_ref().and_then(|b| b.python.clone()),
        fix: c.fix.clone(),
    }
}

pub fn cycle_detail(v: &HeapView, index: usize, c: &Cycle) -> CycleDetail {
    let step = |from, edge| retainers::step(v.snapshot, v.heap, from, edge);
    let references: Vec<Reference> =
        c.references.iter().take(MAX_LISTED).filter_map(|&e| v.heap.graph.source(e).map(|from| reference(v, &step(from, e)))).collect();
    CycleDetail {
        row: cycle_row(index, c),
        members: c.members.iter().take(MAX_LISTED).map(|&m| row(v, m)).collect(),
        references,
        reference_total: c.reference_count as u32,
        suggested: c
            .suggested_break
            .as_ref()
            .map(|b| SuggestedBreak { reference: reference(v, &step(b.from, b.edge)), reason: b.reason.clone() }),
    }
}

/// A statistic or a difference as a row; grouped by file, tracemalloc keys
/// carry line 0, so the file is shown alone.
pub fn allocation_row(key: &tm::TracebackKey, by: tm::GroupBy, size_bytes: u64, count: u64, diff: Option<(i64, i64)>) -> AllocationRow {
    // Oldest first, as `Traceback.format()` lists them; the first is what
    // `str(Statistic)` shows.
    let frames = key
        .iter()
        .rev()
        .map(|f| if by == tm::GroupBy::Filename { f.filename.to_string() } else { format!("{}:{}", f.filename, f.lineno) })
        .collect();
    let (size_diff_bytes, count_diff) = diff.unwrap_or((0, 0));
    AllocationRow { frames, size_bytes, count, size_diff_bytes, count_diff }
}

/// `after` is the explored heap; new objects come ranked by retained size.
pub fn heap_comparison(after: &HeapView, baseline_file: &str, d: &HeapDiff, limit: usize) -> HeapComparison {
    let mut new_objects = d.new_objects.clone();
    after.sort_by_retained(&mut new_objects);
    HeapComparison {
        baseline_file: baseline_file.to_string(),
        types: d
            .types
            .iter()
            .take(limit.min(MAX_TYPE_DELTAS))
            .map(|t| TypeDeltaRow {
                type_name: t.type_name.clone(),
                count_before: t.count_before,
                count_after: t.count_after,
                size_before_bytes: t.size_before_bytes,
                size_after_bytes: t.size_after_bytes,
                count_delta: t.count_delta(),
                size_delta_bytes: t.size_delta_bytes(),
            })
            .collect(),
        new_object_count: d.new_objects.len() as u64,
        new_objects: new_objects.iter().take(limit.min(MAX_LISTED)).map(|&o| row(after, o)).collect(),
        freed_count: d.freed_count,
    }
}

pub fn location(l: &Location) -> ErrorLocation {
    match l {
        Location::Byte(offset) => ErrorLocation::Byte { offset: *offset },
        Location::LineColumn { line, column } => ErrorLocation::LineColumn { line: *line as u64, column: *column as u64 },
        Location::Record { section, index } => ErrorLocation::Record { section: section.to_string(), index: *index },
    }
}

/// What grows across the series range `from..=to`; `series` is the whole
/// series (the timeline), `last` the range's last heap (objects are its).
pub fn growth_report(
    series: &[SeriesHeap],
    names: &[&str],
    from: usize,
    to: usize,
    last: &HeapView,
    g: &Growth,
    limit: usize,
) -> GrowthReport {
    let n = to - from + 1;
    GrowthReport {
        series: series
            .iter()
            .zip(names)
            .enumerate()
            .map(|(i, (&s, name))| {
                let t = growth::snapshot_totals(s);
                SeriesPoint {
                    index: i as u32,
                    file_name: name.to_string(),
                    time: t.time,
                    objects: t.objects,
                    total_bytes: t.total_bytes,
                    reachable_bytes: t.reachable_bytes,
                    application_bytes: t.application_bytes,
                    rss_bytes: t.rss_bytes,
                }
            })
            .collect(),
        from: from as u32,
        to: to as u32,
        findings: g
            .findings
            .iter()
            .take(limit)
            .map(|f| {
                let index = match f.kind {
                    FindingKind::Holder(i) | FindingKind::Survivors(i) | FindingKind::Type(i) | FindingKind::Garbage(i) => i,
                };
                GrowthFinding {
                    kind: f.kind.name().to_string(),
                    index: index as u32,
                    reason: f.reason.clone(),
                    growth_bytes: f.growth_bytes,
                    fix: f.fix.clone(),
                }
            })
            .collect(),
        finding_total: g.findings.len() as u32,
        holders: g
            .holders
            .iter()
            .take(limit)
            .map(|h| GrowingHolderRow {
                object: row(last, h.object),
                name: h.name.clone(),
                holder_type: h.holder_type.clone(),
                item_type: h.item_type.as_ref().map(|(t, _)| t.clone()),
                lengths: h.lengths.clone(),
                lengths_in_bytes: h.lengths_in_bytes,
                retained_bytes: h.retained_bytes.clone(),
                own_growth_bytes: h.own_growth_bytes,
                retained_growth_bytes: h.retained_growth_bytes(),
                monotonic: h.monotonic,
                program: h.home == growth::naming::Home::Program,
                reason: growth::holder_reason(h),
                fix: growth::holder_fix(h),
            })
            .collect(),
        holder_total: g.holders.len() as u32,
        survivors: g
            .survivors
            .iter()
            .take(limit)
            .map(|c| SurvivorRow {
                representative: row(last, c.representative),
                count: c.count,
                object_count: c.object_count,
                retained_bytes: c.retained_bytes,
                entry_type: c.entry_type.clone(),
                holder: format!("{}{}", c.holder, c.step),
                program: c.home == growth::naming::Home::Program,
                reason: growth::survivor_reason(n, c),
            })
            .collect(),
        survivor_total: g.survivors.len() as u32,
        types: g
            .types
            .iter()
            .take(limit)
            .map(|t| TypeGrowthRow {
                type_name: t.type_name.clone(),
                counts: t.counts.clone(),
                sizes_bytes: t.sizes_bytes.clone(),
                count_growth: t.count_growth(),
                size_growth_bytes: t.size_growth_bytes(),
                monotonic: t.monotonic,
            })
            .collect(),
        type_total: g.types.len() as u32,
        warnings: g.warnings.clone(),
    }
}

/// At most `max` of `items`, evenly spaced, the first and last kept.
fn thinned<T: Copy>(items: &[T], max: usize) -> Vec<T> {
    let max = max.max(2);
    if items.len() <= max {
        return items.to_vec();
    }
    let step = (items.len() - 1) as f64 / (max - 1) as f64;
    (0..max).map(|i| items[((i as f64 * step).round() as usize).min(items.len() - 1)]).collect()
}

/// One `mprof run` as chart data; times count from the first sample (or
/// the earliest record when there is no `MEM` line).
pub fn mprof_run(file_name: &str, run: &MprofRun, warnings: &[String], max_points: usize) -> MprofRunData {
    let summary = mprof::summarize(run);
    let start = run.start_s().unwrap_or(0.0);
    let point = |s: Sample| TimePoint { seconds: s.time_s - start, mib: s.mem_mib };
    let points = |samples: &[Sample]| thinned(samples, max_points).into_iter().map(point).collect::<Vec<_>>();
    MprofRunData {
        file_name: file_name.to_string(),
        cmdline: run.cmdline.clone(),
        start_unix_s: start,
        samples: points(&run.samples),
        sample_total: run.samples.len() as u64,
        functions: run
            .functions
            .iter()
            .take(MAX_SPANS)
            .map(|f| FuncSpanData { name: f.name.clone(), start: point(f.start), end: point(f.end), level: f.level })
            .collect(),
        function_total: run.functions.len() as u64,
        children: run
            .children
            .iter()
            .map(|c| ChildLine { id: c.id.clone(), samples: points(&c.samples), sample_total: c.samples.len() as u64 })
            .collect(),
        peak: summary.peak.map(point),
        duration_s: summary.duration_s,
        slope_mib_per_s: summary.slope_mib_per_s,
        fit_start_mib: summary.fit_start_mib,
        grew_most: summary
            .functions
            .iter()
            .take(MAX_LISTED)
            .map(|f| FunctionGrowthRow {
                name: f.name.clone(),
                calls: f.calls,
                nested_calls: f.nested_calls,
                total_growth_mib: f.total_growth_mib,
                max_growth_mib: f.max_growth_mib,
            })
            .collect(),
        warnings: warnings.to_vec(),
    }
}

fn line_row(r: &LineRow) -> LineRowData {
    LineRowData {
        lineno: r.lineno,
        mem_mib: r.mem_mib,
        increment_mib: r.increment_mib,
        occurrences: r.occurrences,
        contents: r.contents.chars().take(MAX_DESCRIPTION_CHARS).collect(),
    }
}

/// One `@profile` report: its tables per function (at most
/// [`MAX_LINE_ROWS`] rows in all) and the `limit` lines that grew most.
pub fn line_report(file_name: &str, report: &LineReport, warnings: &[String], limit: usize) -> LineReportData {
    let mut budget = MAX_LINE_ROWS;
    let mut tables = Vec::new();
    for t in &report.tables {
        if budget == 0 {
            break;
        }
        let mut functions = Vec::new();
        for (name, rows) in t.functions() {
            let take = rows.len().min(budget);
            budget -= take;
            functions.push(LineFunction { name: name.map(str::to_string), rows: rows[..take].iter().map(line_row).collect() });
            if budget == 0 {
                break;
            }
        }
        tables.push(LineTableData { filename: t.filename.clone(), has_occurrences: t.has_occurrences, functions });
    }
    LineReportData {
        file_name: file_name.to_string(),
        tables,
        grew_most: line_report::grew_most(report, limit.min(MAX_LISTED))
            .iter()
            .map(|g| GrewMostRow {
                filename: g.filename.to_string(),
                function: g.row.function.clone(),
                row: line_row(g.row),
                tables: g.tables as u32,
            })
            .collect(),
        row_total: report.tables.iter().map(|t| t.rows.len() as u64).sum(),
        warnings: warnings.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recursive `@profile` function's row says how many of its calls
    /// were nested, as the CLI does: the page's column reads "10 (9 nested)".
    #[test]
    fn a_recursive_function_row_counts_its_nested_calls() {
        let mut text = String::from("CMDLINE python app.py\nMEM 50 1000\nMEM 150 1010\n");
        for level in 1..=10 {
            let (start, end) = (1000.0 + level as f64 * 0.1, 1009.0 - level as f64 * 0.1);
            text.push_str(&format!("FUNC __main__.rec 50.0000 {start:.4} 150.0000 {end:.4} {level}\n"));
        }
        let (run, _) = mprof::parse(text.as_bytes()).unwrap();
        let data = mprof_run("app.dat", &run, &[], 100);
        let row = &data.grew_most[0];
        assert_eq!((row.name.as_str(), row.calls, row.nested_calls), ("__main__.rec", 10, 9));
        assert!((row.total_growth_mib - 100.0).abs() < 1e-9, "{row:?}");
    }
}
