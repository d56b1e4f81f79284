//! Answers to the UI's queries: the core's results converted by hand into
//! protocol types (the core's own types never cross the boundary).

use heapscope_core::analysis::aggregate::{AggregateOptions, GroupBy};
use heapscope_core::analysis::retainers::{self, Step};
use heapscope_core::analysis::search::{self, Matched};
use heapscope_core::analysis::strong_view::Exclusions;
use heapscope_core::analysis::suspects::SuspectKind;
use heapscope_core::analysis::tracemalloc as tm;
use heapscope_core::analysis::{diff, Analysis};
use heapscope_core::graph::ObjIdx;
use heapscope_core::model::flags;
use heapscope_core::{Heap, RootKind, Snapshot};
use heapscope_protocol::{
    AllocationGrouping, AllocationRow, Answer, CycleDetail, CycleRow, FileRole, Grouping, HeapComparison, Ignored, ObjectDetail, ObjectRow,
    Overview, Query, Reference, SearchHit, SuspectRow, TypeDeltaRow, TypeRow,
};

use crate::flame;
use crate::session::{OpenFile, Session};

/// Lists sent to the UI are capped here; totals say how many there were.
const MAX_LISTED: usize = 500;
/// Referrers read before ranking them (a hub with 10^6 referrers is not
/// described in full).
const REFERRERS_RANKED: usize = 10_000;
/// Descriptions are cut to this many characters.
const MAX_DESCRIPTION_CHARS: usize = 160;

pub(crate) fn answer(session: &mut Session, query: Query) -> Answer {
    match query {
        Query::Allocations { grouping, cumulative, compare, limit } => allocations(session, grouping, cumulative, compare, limit as usize),
        Query::AllocationTree { max_nodes } => {
            match session.with_role(FileRole::Allocations).and_then(|f| f.snapshot.tracemalloc.as_ref().map(|t| (f, t))) {
                Some((f, t)) => Answer::AllocationTree { root: flame::tree(t, &f.snapshot.strings, max_nodes as usize) },
                None => unavailable("no tracemalloc traces are open"),
            }
        }
        Query::CompareHeaps { limit } => compare_heaps(session, limit as usize),
        Query::Instances { type_name, start, count } => instances(session, type_name, start, count),
        Query::Cycles { limit } => with_cycles(session, |_, cycles| Answer::Cycles {
            total: cycles.len() as u32,
            rows: cycles.iter().take(limit as usize).enumerate().map(|(i, c)| cycle_row(i, c)).collect(),
        }),
        Query::Cycle { index } => with_cycles(session, |ctx, cycles| match cycles.get(index as usize) {
            Some(c) => Answer::Cycle(Box::new(cycle_detail(ctx, index as usize, c))),
            None => unavailable("no such cycle"),
        }),
        other => match Ctx::of(session) {
            Some(ctx) => heap_answer(&ctx, other),
            None => unavailable("no heap snapshot is open"),
        },
    }
}

fn unavailable(reason: &str) -> Answer {
    Answer::Unavailable { reason: reason.to_string() }
}

/// The explored heap snapshot and its analysis.
pub(crate) struct Ctx<'a> {
    pub snapshot: &'a Snapshot,
    pub heap: &'a Heap,
    pub analysis: &'a Analysis,
}

impl<'a> Ctx<'a> {
    fn of(session: &'a Session) -> Option<Ctx<'a>> {
        Self::of_file(session.with_role(FileRole::Heap)?)
    }

    fn of_file(file: &'a OpenFile) -> Option<Ctx<'a>> {
        Some(Ctx { snapshot: &file.snapshot, heap: file.snapshot.heap.as_ref()?, analysis: file.analysis.as_ref()? })
    }

    fn valid(&self, object: u32) -> bool {
        (object as usize) < self.heap.object_count()
    }

    fn row(&self, o: ObjIdx) -> ObjectRow {
        let description: String = self.snapshot.str(self.heap.description[o as usize]).chars().take(MAX_DESCRIPTION_CHARS).collect();
        ObjectRow {
            id: o,
            type_name: self.analysis.types.name_of(o).to_string(),
            address: format!("{:#x}", self.heap.address[o as usize]),
            description,
            shallow_bytes: self.heap.size_bytes[o as usize],
            retained_bytes: self.analysis.dominators.retained_bytes(o),
            distance: self.analysis.distances.get(o),
            root: self.root_label(o),
        }
    }

    fn root_label(&self, o: ObjIdx) -> Option<String> {
        if !self.analysis.is_root.contains(o as usize) {
            return None;
        }
        let root = self.heap.roots.iter().find(|r| r.object == o)?;
        let name = self.snapshot.strings.get(root.name).unwrap_or("");
        Some(match root.kind {
            RootKind::Module => format!("module {name}"),
            RootKind::Thread => format!("thread {name}"),
            RootKind::Builtins => "builtins".to_string(),
            RootKind::Native => format!("held natively (+{} refs)", root.excess),
            RootKind::Unknown => format!("root of unknown kind {name}"),
        })
    }

    fn reference(&self, step: &Step) -> Reference {
        Reference {
            from: self.row(step.from),
            to: self.row(step.to),
            index: step.edge - self.heap.graph.out_edges(step.from).start,
            kind: step.kind.format_name().to_string(),
            label: step.label.clone(),
            weak: !step.strong,
        }
    }

    fn exclusions(&self, ignored: &[Ignored]) -> Exclusions {
        let mut ex = Exclusions::none();
        for i in ignored {
            match *i {
                Ignored::Object(o) if self.valid(o) => ex.exclude_object(o),
                Ignored::Reference { from, index } if self.valid(from) => {
                    let edges = self.heap.graph.out_edges(from);
                    if let Some(edge) = edges.clone().nth(index as usize) {
                        ex.exclude_edge(&self.heap.graph, edge);
                    }
                }
                _ => {}
            }
        }
        ex
    }
}

fn heap_answer(ctx: &Ctx, query: Query) -> Answer {
    let (heap, analysis) = (ctx.heap, ctx.analysis);
    match query {
        Query::Overview => overview(ctx),
        Query::Types { grouping, fold_dicts } => {
            let group_by = match grouping {
                Grouping::Type => GroupBy::Type,
                Grouping::Module => GroupBy::Module,
            };
            let rows = analysis.aggregate(heap, AggregateOptions { group_by, fold_instance_dicts: fold_dicts });
            Answer::Types {
                rows: rows
                    .into_iter()
                    .map(|r| TypeRow {
                        type_name: r.name,
                        count: r.count,
                        shallow_bytes: r.shallow_bytes,
                        retained_bytes: r.retained_bytes,
                    })
                    .collect(),
            }
        }
        Query::Object { object } if ctx.valid(object) => Answer::Object(Box::new(object_detail(ctx, object))),
        Query::Referrers { object, ignored } if ctx.valid(object) => {
            let ex = ctx.exclusions(&ignored);
            let mut steps: Vec<Step> = retainers::referrers(ctx.snapshot, heap, object, REFERRERS_RANKED)
                .steps
                .into_iter()
                .filter(|s| !ex.excludes_object(s.from) && !ex.excludes_edge(s.edge))
                .collect();
            // Nearest to a root first; unreachable referrers last; weak ones after strong.
            steps.sort_by_key(|s| (!s.strong, analysis.distances.get(s.from).unwrap_or(u32::MAX)));
            steps.truncate(MAX_LISTED);
            Answer::Referrers { object, referrers: steps.iter().map(|s| ctx.reference(s)).collect() }
        }
        Query::RetainerPaths { object, k, ignored } if ctx.valid(object) => {
            let ex = ctx.exclusions(&ignored);
            let found = analysis.retainer_paths(ctx.snapshot, heap, object, (k as usize).min(50), &ex);
            Answer::RetainerPaths {
                object,
                paths: found.paths.iter().map(|p| p.steps.iter().map(|s| ctx.reference(s)).collect()).collect(),
                truncated: found.truncated,
                is_root: analysis.is_root.contains(object as usize),
                reachable: found.reachable,
            }
        }
        Query::DominatorChildren { object, limit } => {
            let children = match object {
                None => analysis.dominators.top_level(),
                Some(o) if ctx.valid(o) => analysis.dominators.children(o),
                Some(_) => return unavailable("no such object"),
            };
            let mut sorted = children.to_vec();
            sorted.sort_by_key(|&c| std::cmp::Reverse(analysis.dominators.retained_bytes(c)));
            sorted.truncate((limit as usize).min(MAX_LISTED));
            Answer::DominatorChildren { object, total: children.len() as u32, children: sorted.iter().map(|&c| ctx.row(c)).collect() }
        }
        Query::Search { text, limit } => {
            let hits = analysis.search(ctx.snapshot, heap, &text, (limit as usize).min(MAX_LISTED));
            let hits = hits
                .into_iter()
                .map(|h| SearchHit {
                    object: ctx.row(h.object),
                    matched: match h.matched {
                        Matched::Address => "address",
                        Matched::Type => "type",
                        Matched::Description => "description",
                    }
                    .to_string(),
                })
                .collect();
            Answer::Search { text, hits }
        }
        _ => unavailable("no such object"),
    }
}

fn overview(ctx: &Ctx) -> Answer {
    let (heap, analysis) = (ctx.heap, ctx.analysis);
    let (mut unreachable_count, mut unreachable_bytes) = (0u64, 0u64);
    for o in analysis.distances.unreachable() {
        unreachable_count += 1;
        unreachable_bytes += heap.size_bytes[o as usize];
    }
    let garbage_cycle_count =
        analysis.components.iter().filter(|c| c.first().is_some_and(|&m| analysis.distances.get(m).is_none())).count() as u64;
    let suspects = analysis
        .suspects(ctx.snapshot, heap, 8)
        .into_iter()
        .map(|s| {
            let (object, type_name) = match &s.kind {
                SuspectKind::Object(o) => (Some(ctx.row(*o)), None),
                SuspectKind::Type(t) => (None, Some(t.clone())),
                SuspectKind::Accumulation { container, type_name, .. } => (Some(ctx.row(*container)), Some(type_name.clone())),
            };
            SuspectRow { object, type_name, retained_bytes: s.retained_bytes, share: s.share, reason: s.reason }
        })
        .collect();
    Answer::Overview(Overview {
        object_count: heap.object_count() as u64,
        reference_count: heap.reference_count() as u64,
        total_size_bytes: heap.total_size_bytes(),
        unreachable_count,
        unreachable_bytes,
        cycle_count: analysis.components.len() as u64,
        garbage_cycle_count,
        root_count: analysis.roots.len() as u64,
        top_types: analysis
            .by_type
            .iter()
            .take(10)
            .map(|r| TypeRow {
                type_name: r.name.clone(),
                count: r.count,
                shallow_bytes: r.shallow_bytes,
                retained_bytes: r.retained_bytes,
            })
            .collect(),
        suspects,
    })
}

fn object_detail(ctx: &Ctx, o: ObjIdx) -> ObjectDetail {
    let heap = ctx.heap;
    let f = heap.flags[o as usize];
    let names = [
        (flags::GC_TRACKED, "gc tracked"),
        (flags::MODULE, "module"),
        (flags::TYPE, "class"),
        (flags::FRAME, "frame"),
        (flags::FUNCTION, "function"),
        (flags::FINALIZER, "has __del__"),
        (flags::GARBAGE, "in gc.garbage"),
    ];
    let traceback = tm::allocation_site(ctx.snapshot, heap, o)
        .map(|frames| frames.iter().map(|fr| format!("{}:{}", fr.filename, fr.lineno)).collect())
        .unwrap_or_default();
    let out_edges = heap.graph.out_edges(o);
    let outgoing: Vec<Reference> =
        out_edges.clone().take(MAX_LISTED).map(|e| ctx.reference(&retainers::step(ctx.snapshot, heap, o, e))).collect();
    let found = retainers::referrers(ctx.snapshot, heap, o, REFERRERS_RANKED);
    let referrers_total = found.total as u32;
    let mut referrers = found.steps;
    referrers.sort_by_key(|s| (!s.strong, ctx.analysis.distances.get(s.from).unwrap_or(u32::MAX)));
    referrers.truncate(MAX_LISTED);
    ObjectDetail {
        object: ctx.row(o),
        flags: names.iter().filter(|(bit, _)| f & bit != 0).map(|(_, n)| n.to_string()).collect(),
        traceback,
        outgoing_total: out_edges.len() as u32,
        outgoing,
        referrers: referrers.iter().map(|s| ctx.reference(s)).collect(),
        referrers_total,
        dominators: ctx.analysis.dominators.chain(o).take(50).map(|d| ctx.row(d)).collect(),
    }
}

fn instances(session: &mut Session, type_name: String, start: u32, count: u32) -> Answer {
    let Some(ctx) = Ctx::of(session) else { return unavailable("no heap snapshot is open") };
    let cached = session.instances_cache.as_ref().is_some_and(|(t, _)| *t == type_name);
    if !cached {
        let mut objects = search::objects_of_type(&ctx.analysis.types, &type_name);
        objects.sort_by_key(|&o| (std::cmp::Reverse(ctx.analysis.dominators.retained_bytes(o)), o));
        session.instances_cache = Some((type_name.clone(), objects));
    }
    let Some(ctx) = Ctx::of(session) else { return unavailable("no heap snapshot is open") };
    let objects = session.instances_cache.as_ref().map(|(_, o)| o.as_slice()).unwrap_or(&[]);
    let start_at = (start as usize).min(objects.len());
    let end = (start_at + (count as usize).min(MAX_LISTED)).min(objects.len());
    Answer::Instances {
        type_name,
        total: objects.len() as u32,
        start: start_at as u32,
        rows: objects[start_at..end].iter().map(|&o| ctx.row(o)).collect(),
    }
}

fn with_cycles(session: &mut Session, f: impl FnOnce(&Ctx, &[heapscope_core::analysis::cycles::Cycle]) -> Answer) -> Answer {
    let Some(i) = session.index_with_role(FileRole::Heap) else { return unavailable("no heap snapshot is open") };
    let file = &mut session.files[i];
    if file.cycles.is_none() {
        if let (Some(heap), Some(analysis)) = (file.snapshot.heap.as_ref(), file.analysis.as_ref()) {
            file.cycles = Some(analysis.cycles(heap));
        }
    }
    let file = &session.files[i];
    match (Ctx::of_file(file), &file.cycles) {
        (Some(ctx), Some(cycles)) => f(&ctx, cycles),
        _ => unavailable("no heap snapshot is open"),
    }
}

fn cycle_row(index: usize, c: &heapscope_core::analysis::cycles::Cycle) -> CycleRow {
    CycleRow {
        index: index as u32,
        member_count: c.members.len() as u32,
        shallow_bytes: c.shallow_bytes,
        retained_bytes: c.retained_bytes,
        garbage: !c.reachable,
        types: c.types.iter().take(4).map(|(t, n)| format!("{t} ×{n}")).collect::<Vec<_>>().join(", "),
    }
}

fn cycle_detail(ctx: &Ctx, index: usize, c: &heapscope_core::analysis::cycles::Cycle) -> CycleDetail {
    let heap = ctx.heap;
    let references: Vec<Reference> = c
        .references
        .iter()
        .take(MAX_LISTED)
        .filter_map(|&e| heap.graph.source(e).map(|from| ctx.reference(&retainers::step(ctx.snapshot, heap, from, e))))
        .collect();
    let suggested =
        c.suggested_break.as_ref().map(|b| (ctx.reference(&retainers::step(ctx.snapshot, heap, b.from, b.edge)), b.reason.clone()));
    CycleDetail {
        row: cycle_row(index, c),
        members: c.members.iter().take(MAX_LISTED).map(|&m| ctx.row(m)).collect(),
        references,
        reference_total: c.reference_count as u32,
        suggested,
    }
}

fn allocations(session: &Session, grouping: AllocationGrouping, cumulative: bool, compare: bool, limit: usize) -> Answer {
    let Some(file) = session.with_role(FileRole::Allocations) else { return unavailable("no tracemalloc traces are open") };
    let Some(t) = file.snapshot.tracemalloc.as_ref() else { return unavailable("no tracemalloc traces are open") };
    let by = match grouping {
        AllocationGrouping::Filename => tm::GroupBy::Filename,
        AllocationGrouping::Lineno => tm::GroupBy::Lineno,
        AllocationGrouping::Traceback => tm::GroupBy::Traceback,
    };
    // Grouped by file, tracemalloc keys carry line 0: show the file alone.
    let frames = |key: &tm::TracebackKey| {
        key.iter()
            .map(|f| if by == tm::GroupBy::Filename { f.filename.clone() } else { format!("{}:{}", f.filename, f.lineno) })
            .collect::<Vec<_>>()
    };
    let total_bytes = t.traces.iter().map(|tr| tr.size_bytes).sum();
    let total_count = t.traces.len() as u64;
    let baseline =
        session.with_role(FileRole::AllocationsBaseline).and_then(|f| f.snapshot.tracemalloc.as_ref().map(|t| (t, &f.snapshot.strings)));
    let result = match baseline.filter(|_| compare) {
        Some(old) => tm::compare_to((t, &file.snapshot.strings), old, by, cumulative).map(|diffs| {
            let rows = diffs
                .iter()
                .take(limit)
                .map(|d| AllocationRow {
                    frames: frames(&d.traceback),
                    size_bytes: d.size_bytes,
                    count: d.count,
                    size_diff_bytes: d.size_diff,
                    count_diff: d.count_diff,
                })
                .collect();
            Answer::Allocations { rows, total_bytes, total_count, compared: true }
        }),
        None => tm::statistics(t, &file.snapshot.strings, by, cumulative).map(|stats| {
            let rows = stats
                .iter()
                .take(limit)
                .map(|s| AllocationRow {
                    frames: frames(&s.traceback),
                    size_bytes: s.size_bytes,
                    count: s.count,
                    size_diff_bytes: 0,
                    count_diff: 0,
                })
                .collect();
            Answer::Allocations { rows, total_bytes, total_count, compared: false }
        }),
    };
    result.unwrap_or_else(|e| unavailable(&e.to_string()))
}

fn compare_heaps(session: &Session, limit: usize) -> Answer {
    let (Some(after), Some(before)) = (session.with_role(FileRole::Heap), session.with_role(FileRole::Baseline)) else {
        return unavailable("open two heap snapshots of the same process to compare them");
    };
    let (Some(ctx), Some(before_heap)) = (Ctx::of_file(after), before.snapshot.heap.as_ref()) else {
        return unavailable("open two heap snapshots of the same process to compare them");
    };
    let d = diff::diff(&before.snapshot, before_heap, ctx.snapshot, ctx.heap);
    let mut new_objects = d.new_objects.clone();
    new_objects.sort_by_key(|&o| std::cmp::Reverse(ctx.analysis.dominators.retained_bytes(o)));
    Answer::CompareHeaps(Box::new(HeapComparison {
        baseline_file: before.name.clone(),
        types: d
            .types
            .iter()
            .take(limit.min(5000))
            .map(|t| TypeDeltaRow {
                type_name: t.type_name.clone(),
                count_before: t.count_before,
                count_after: t.count_after,
                size_before_bytes: t.size_before_bytes,
                size_after_bytes: t.size_after_bytes,
            })
            .collect(),
        new_object_count: d.new_objects.len() as u64,
        new_objects: new_objects.iter().take(limit.min(MAX_LISTED)).map(|&o| ctx.row(o)).collect(),
        freed_count: d.freed_count,
    }))
}
