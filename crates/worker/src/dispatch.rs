//! Which file answers a query, and how: one exhaustive `match` over
//! [`Query`] (no catch-all arm, so a new query does not compile until it is
//! answered here). It picks the open file by role, keeps the session's
//! caches, asks the core through [`HeapView`], and leaves the wire shape to
//! [`crate::convert`].

use heapscope_core::analysis::aggregate::{AggregateOptions, GroupBy};
use heapscope_core::analysis::cycles::CycleFilter;
use heapscope_core::analysis::diff;
use heapscope_core::analysis::growth::{self, GrowthOptions, SeriesHeap};
use heapscope_core::analysis::tracemalloc as tm;
use heapscope_core::HeapView;
use heapscope_protocol::{AllocationGrouping, Answer, FileRole, FromWorker, Grouping, Query, RequestId};

use crate::convert::{self, MAX_LISTED, MAX_PATHS};
use crate::flame;
use crate::session::{Content, Session};

/// Why a heap query has no answer while no heap snapshot is open.
pub const NO_HEAP: &str = "no heap snapshot is open";
/// Why an allocation query has no answer.
pub const NO_TRACES: &str = "no tracemalloc traces are open";
/// Why a query about one object or cycle has no answer.
pub const NO_SUCH_OBJECT: &str = "no such object";
pub const NO_SUCH_CYCLE: &str = "no such cycle";
/// Why Compare has no answer.
pub const NO_BASELINE: &str = "open two heap snapshots of the same process to compare them";
/// Why Growth has no answer.
pub const NO_SERIES: &str = "open two or more heap snapshots of one process (oldest first) to see what grows";
/// Why the Timeline has no answer.
pub const NO_MPROF: &str = "no memory_profiler `mprof run` file (mprofile_*.dat) is open";
/// Why the Line report has no answer.
pub const NO_LINE_REPORT: &str = "no memory_profiler @profile report is open";

/// Answers `query` about the files open in `session`, under `request`.
pub fn query(session: &mut Session, request: RequestId, query: Query) -> FromWorker {
    FromWorker::Answer { request, answer: answer(session, query) }
}

/// The answer to one query.
pub fn answer(session: &mut Session, query: Query) -> Answer {
    match query {
        Query::Overview => with_heap(session, |v| {
            let suspects = v.analysis.suspects(v.snapshot, v.heap, 8);
            Answer::Overview(convert::overview(&v, &suspects))
        }),
        Query::Types { grouping, fold_dicts } => with_heap(session, |v| {
            let group_by = match grouping {
                Grouping::Type => GroupBy::Type,
                Grouping::Module => GroupBy::Module,
            };
            let rows = v.analysis.aggregate(v.heap, AggregateOptions { group_by, fold_instance_dicts: fold_dicts });
            Answer::Types { rows: rows.iter().map(convert::type_row).collect() }
        }),
        Query::Instances { type_name, start, count } => instances(session, type_name, start as usize, count as usize),
        Query::Object { object } => with_object(session, object, |v| {
            let traceback = tm::allocation_site(v.snapshot, v.heap, object)
                .map(|frames| frames.iter().map(|fr| format!("{}:{}", fr.filename, fr.lineno)).collect())
                .unwrap_or_default();
            Answer::Object(Box::new(convert::object_detail(&v, object, traceback)))
        }),
        Query::Referrers { object, ignored } => with_object(session, object, |v| {
            let ranked = v.referrers(object, &convert::exclusions(&v, &ignored), MAX_LISTED);
            Answer::Referrers { object, total: ranked.total as u32, referrers: convert::referrers(&v, &ranked) }
        }),
        Query::RetainerPaths { object, k, ignored } => with_object(session, object, |v| {
            let found =
                v.analysis.retainer_paths(v.snapshot, v.heap, object, (k as usize).min(MAX_PATHS), &convert::exclusions(&v, &ignored));
            Answer::RetainerPaths {
                object,
                paths: convert::retainer_paths(&v, &found),
                truncated: found.truncated,
                is_root: v.analysis.is_root.contains(object as usize),
                reachable: found.reachable,
            }
        }),
        Query::DominatorChildren { object, limit } => with_heap(session, |v| {
            // The core keeps children largest retained first.
            let children = match object {
                None => v.analysis.dominators.top_level(),
                Some(o) if v.contains(o) => v.analysis.dominators.children(o),
                Some(_) => return unavailable(NO_SUCH_OBJECT),
            };
            let shown = (limit as usize).min(MAX_LISTED);
            Answer::DominatorChildren {
                object,
                total: children.len() as u32,
                children: children.iter().take(shown).map(|&c| convert::row(&v, c)).collect(),
            }
        }),
        Query::Cycles { limit, garbage_only, hide_internal } => with_cycles(session, |_, cycles| {
            let kept: Vec<_> = CycleFilter { garbage_only, hide_internal }.apply(cycles).collect();
            Answer::Cycles {
                total: cycles.len() as u32,
                matching: kept.len() as u32,
                rows: kept.iter().take(limit as usize).map(|&(i, c)| convert::cycle_row(i, c)).collect(),
            }
        }),
        Query::Cycle { index } => with_cycles(session, |v, cycles| match cycles.get(index as usize) {
            Some(c) => Answer::Cycle(Box::new(convert::cycle_detail(&v, index as usize, c))),
            None => unavailable(NO_SUCH_CYCLE),
        }),
        Query::Allocations { grouping, cumulative, compare, limit } => allocations(session, grouping, cumulative, compare, limit as usize),
        Query::AllocationTree { max_nodes } => match session.with_role(FileRole::Allocations).and_then(|f| f.traces()) {
            Some((t, strings)) => Answer::AllocationTree { root: flame::tree(t, strings, max_nodes as usize) },
            None => unavailable(NO_TRACES),
        },
        Query::CompareHeaps { limit } => compare_heaps(session, limit as usize),
        Query::Search { text, limit } => with_heap(session, |v| {
            let found = v.analysis.search(v.snapshot, v.heap, &text, (limit as usize).min(MAX_LISTED));
            Answer::Search { total: found.total as u32, hits: convert::search_hits(&v, &found), text }
        }),
        Query::Growth { from, to, limit } => growth(session, from, to, limit),
        Query::Explore { heap, baseline } => match session.explore(heap as usize, baseline.map(|b| b as usize)) {
            Ok(summary) => Answer::Explored { summary: Box::new(summary) },
            Err(reason) => unavailable(&reason),
        },
        Query::Timeline { max_points } => {
            let runs: Vec<_> = session
                .files
                .iter()
                .filter_map(|f| match &f.content {
                    Content::MprofRun(run) => Some(convert::mprof_run(&f.name, run, &f.warnings, max_points as usize)),
                    _ => None,
                })
                .collect();
            if runs.is_empty() {
                unavailable(NO_MPROF)
            } else {
                Answer::Timeline { runs }
            }
        }
        Query::LineReport { limit } => {
            let reports: Vec<_> = session
                .files
                .iter()
                .filter_map(|f| match &f.content {
                    Content::LineReport(r) => Some(convert::line_report(&f.name, r, &f.warnings, limit as usize)),
                    _ => None,
                })
                .collect();
            if reports.is_empty() {
                unavailable(NO_LINE_REPORT)
            } else {
                Answer::LineReport { reports }
            }
        }
    }
}

/// Growth across the series range `from..=to`, answered from the cache
/// when the same range was asked before.
fn growth(session: &mut Session, from: Option<u32>, to: Option<u32>, limit: u32) -> Answer {
    let series = session.heap_series();
    if series.len() < 2 {
        return unavailable(NO_SERIES);
    }
    let last = series.len() - 1;
    let (from, to) = (from.map_or(0, |f| f as usize), to.map_or(last, |t| t as usize));
    if from >= to || to > last {
        return unavailable(&format!("no such range of the series: snapshots {} to {} of {}", from + 1, to + 1, series.len()));
    }
    let key = (from, to, limit);
    if let Some((k, answer)) = &session.growth_cache {
        if *k == key {
            return answer.clone();
        }
    }
    let views: Vec<HeapView> = series.iter().filter_map(|&i| session.files[i].view()).collect();
    let heaps: Vec<SeriesHeap> = views.iter().map(|v| SeriesHeap { snapshot: v.snapshot, heap: v.heap, analysis: v.analysis }).collect();
    let names: Vec<&str> = series.iter().map(|&i| session.files[i].name.as_str()).collect();
    let options = GrowthOptions { holder_limit: limit as usize, survivor_limit: limit as usize, type_limit: limit.max(100) as usize };
    let answer = match growth::growth(&heaps[from..=to], &options) {
        Ok(g) => Answer::Growth(Box::new(convert::growth_report(&heaps, &names, from, to, &views[to], &g, limit as usize))),
        Err(e) => unavailable(&e.to_string()),
    };
    session.growth_cache = Some((key, answer.clone()));
    answer
}

fn unavailable(reason: &str) -> Answer {
    Answer::Unavailable { reason: reason.to_string() }
}

/// Runs `f` on the explored heap, or says none is open.
fn with_heap(session: &Session, f: impl FnOnce(HeapView) -> Answer) -> Answer {
    match session.with_role(FileRole::Heap).and_then(|file| file.view()) {
        Some(v) => f(v),
        None => unavailable(NO_HEAP),
    }
}

/// Runs `f` on the explored heap if `object` is one of its objects.
fn with_object(session: &Session, object: u32, f: impl FnOnce(HeapView) -> Answer) -> Answer {
    with_heap(session, |v| if v.contains(object) { f(v) } else { unavailable(NO_SUCH_OBJECT) })
}

fn instances(session: &mut Session, type_name: String, start: usize, count: usize) -> Answer {
    let Some(v) = session.with_role(FileRole::Heap).and_then(|file| file.view()) else { return unavailable(NO_HEAP) };
    let cached = session.instances_cache.as_ref().is_some_and(|(t, _)| *t == type_name);
    if !cached {
        let objects = v.instances_by_retained(&type_name);
        session.instances_cache = Some((type_name.clone(), objects));
    }
    let Some(v) = session.with_role(FileRole::Heap).and_then(|file| file.view()) else { return unavailable(NO_HEAP) };
    let objects = session.instances_cache.as_ref().map(|(_, o)| o.as_slice()).unwrap_or(&[]);
    let start_at = start.min(objects.len());
    let end = (start_at + count.min(MAX_LISTED)).min(objects.len());
    Answer::Instances {
        type_name,
        total: objects.len() as u32,
        start: start_at as u32,
        rows: objects[start_at..end].iter().map(|&o| convert::row(&v, o)).collect(),
    }
}

/// Runs `f` on the explored heap's cycles, described on first use.
fn with_cycles(session: &mut Session, f: impl FnOnce(HeapView, &[heapscope_core::analysis::cycles::Cycle]) -> Answer) -> Answer {
    let Some(i) = session.index_with_role(FileRole::Heap) else { return unavailable(NO_HEAP) };
    let file = &mut session.files[i];
    if file.cycles.is_none() {
        if let Some(v) = file.view() {
            file.cycles = Some(v.analysis.cycles(v.snapshot, v.heap));
        }
    }
    let file = &session.files[i];
    match (file.view(), &file.cycles) {
        (Some(v), Some(cycles)) => f(v, cycles),
        _ => unavailable(NO_HEAP),
    }
}

fn allocations(session: &Session, grouping: AllocationGrouping, cumulative: bool, compare: bool, limit: usize) -> Answer {
    let Some((t, strings)) = session.with_role(FileRole::Allocations).and_then(|f| f.traces()) else { return unavailable(NO_TRACES) };
    let by = match grouping {
        AllocationGrouping::Filename => tm::GroupBy::Filename,
        AllocationGrouping::Lineno => tm::GroupBy::Lineno,
        AllocationGrouping::Traceback => tm::GroupBy::Traceback,
    };
    let total_bytes = t.traces.iter().map(|tr| tr.size_bytes).sum();
    let total_count = t.traces.len() as u64;
    let baseline = session.with_role(FileRole::AllocationsBaseline).and_then(|f| f.traces());
    let result = match baseline.filter(|_| compare) {
        Some(old) => tm::compare_to((t, strings), old, by, cumulative).map(|diffs| {
            let rows = diffs
                .iter()
                .take(limit)
                .map(|d| convert::allocation_row(&d.traceback, by, d.size_bytes, d.count, Some((d.size_diff, d.count_diff))))
                .collect();
            Answer::Allocations { rows, total_bytes, total_count, compared: true }
        }),
        None => tm::statistics(t, strings, by, cumulative).map(|stats| {
            let rows = stats.iter().take(limit).map(|s| convert::allocation_row(&s.traceback, by, s.size_bytes, s.count, None)).collect();
            Answer::Allocations { rows, total_bytes, total_count, compared: false }
        }),
    };
    result.unwrap_or_else(|e| unavailable(&e.to_string()))
}

fn compare_heaps(session: &Session, limit: usize) -> Answer {
    let (Some(after), Some(before)) = (session.with_role(FileRole::Heap), session.with_role(FileRole::Baseline)) else {
        return unavailable(NO_BASELINE);
    };
    let (Some(v), Some(b)) = (after.view(), before.view()) else { return unavailable(NO_BASELINE) };
    let d = diff::diff(b.snapshot, b.heap, v.snapshot, v.heap);
    Answer::CompareHeaps(Box::new(convert::heap_comparison(&v, &before.name, &d, limit)))
}
