//! The heap commands: summary, types, retainers, dominators, cycles,
//! suspects, search and diff. Each computes once, then prints either text
//! (through [`Out::line`], which escapes control characters) or one JSON
//! document of the [`wire`] format. Every fact comes from the core's
//! [`HeapView`] (names, rankings, totals) and sizes from
//! `heapscope_core::units`; this module only picks the shape.

use anyhow::{bail, Context, Result};
use heapscope_core::analysis::aggregate::{AggregateOptions, GroupBy};
use heapscope_core::analysis::cycles::CycleFilter;
use heapscope_core::analysis::retainers::{step, Step, SHOWN_HEAD_STEPS};
use heapscope_core::analysis::search::parse_address;
use heapscope_core::analysis::strong_view::Exclusions;
use heapscope_core::analysis::suspects::SuspectKind;
use heapscope_core::analysis::Analysis;
use heapscope_core::graph::ObjIdx;
use heapscope_core::model::{Heap, Snapshot};
use heapscope_core::units::{format_bytes, format_bytes_delta, format_count};
use heapscope_core::HeapView;

use crate::out::Out;
use crate::table;
use crate::wire;
use crate::{gate, MaxGrowth, Opened};

/// Referrers listed by `retainers` (all are counted).
const REFERRERS_SHOWN: usize = 20;
/// Member types listed per cycle in JSON (all are counted).
const CYCLE_TYPES_SHOWN: usize = 20;
/// Member types named per cycle in text.
const CYCLE_TYPES_PRINTED: usize = 4;
/// Nodes `dominators` prints at most (`--limit` and `--depth` multiply).
const MAX_DOMINATOR_NODES: usize = 100_000;
/// Indentation stops growing here; deeper levels show their number.
const MAX_INDENT_LEVEL: usize = 32;

/// Analyses the file's heap; fails for a file without one.
/// Kept until the process ends (`kept_until_exit`).
fn analyse(o: &Opened) -> Result<&'static Analysis> {
    analyse_with(o, Analysis::of_heap)
}

/// [`analyse`], to the depth of [`Analysis::retention_only`].
fn analyse_retention(o: &Opened) -> Result<&'static Analysis> {
    analyse_with(o, Analysis::retention_only)
}

fn analyse_with(o: &Opened, analysis: fn(&Snapshot, &Heap) -> Analysis) -> Result<&'static Analysis> {
    let Some(heap) = o.snapshot.heap.as_ref() else {
        bail!("{}: this {} has no object graph (tracemalloc only); try `heapscope tracemalloc`", o.name, o.snapshot.format.describe())
    };
    enough_memory_for(&o.name, heap)?;
    Ok(crate::kept_until_exit(analysis(&o.snapshot, heap)))
}

/// Fails when the analysis of `heap` could not allocate what it needs (an
/// address-space limit): a clear refusal instead of an abort midway.
pub fn enough_memory_for(name: &str, heap: &Heap) -> Result<()> {
    let need = Analysis::memory_estimate(heap);
    if !heapscope_core::load::can_allocate(need) {
        bail!(
            "{name}: not enough memory to analyse this heap (about {} MiB more for {} objects and {} references)",
            need >> 20,
            heap.object_count(),
            heap.reference_count()
        );
    }
    Ok(())
}

/// The file's heap with its analysis (from [`analyse`]).
fn view<'a>(o: &'a Opened, analysis: &'a Analysis) -> Result<HeapView<'a>> {
    HeapView::new(&o.snapshot, analysis).with_context(|| format!("{}: no object graph", o.name))
}

fn object(x: &HeapView, o: ObjIdx) -> wire::Object {
    wire::Object {
        index: o,
        address: x.address_hex(o),
        type_name: x.type_name(o).to_string(),
        description: x.snapshot.strings.get(x.heap.description[o as usize]).map(str::to_string),
        size_bytes: x.heap.size_bytes[o as usize],
        retained_bytes: x.retained_bytes(o),
        distance: x.analysis.distances.get(o),
    }
}

fn find(o: &Opened, x: &HeapView, address: &str) -> Result<ObjIdx> {
    let name = &o.name;
    let a = parse_address(address).with_context(|| format!("{name}: `{address}` is not an address (0x… or decimal)"))?;
    x.find_address(a).with_context(|| format!("{name}: no object has address {a:#x}"))
}

fn reference(s: &Step) -> wire::Reference {
    wire::Reference {
        from_index: s.from,
        to_index: s.to,
        edge: s.edge,
        kind: s.kind.format_name(),
        label: s.label.clone(),
        strong: s.strong,
    }
}

pub fn summary(o: &Opened, out: &mut Out, json: bool) -> Result<()> {
    let s = &o.snapshot;
    let mut rows = vec![vec!["format".to_string(), s.format.describe().to_string()]];
    let mut doc = wire::Summary {
        file: o.name.clone(),
        format: s.format.describe().to_string(),
        warnings: o.warnings,
        heap: None,
        tracemalloc: None,
    };
    if s.heap.is_some() {
        let analysis = analyse(o)?;
        let f = view(o, analysis)?.overview();
        doc.heap = Some(wire::HeapSummary {
            objects: f.object_count,
            references: f.reference_count,
            roots: f.root_count,
            types: f.type_count,
            total_size_bytes: f.total_size_bytes,
            reachable_size_bytes: f.reachable_bytes,
            unreachable_objects: f.unreachable_count,
            max_distance: f.max_distance,
            cycles: f.cycle_count,
            garbage_cycles: f.garbage_cycle_count,
            owners: f
                .owners
                .iter()
                .map(|(w, t)| wire::OwnerTotals { owner: w.describe(), objects: t.objects, size_bytes: t.size_bytes })
                .collect(),
        });
        rows.extend([
            vec!["objects".into(), f.object_count.to_string()],
            vec!["references".into(), f.reference_count.to_string()],
            vec!["roots".into(), f.root_count.to_string()],
            vec!["types".into(), f.type_count.to_string()],
            vec!["total size".into(), format_bytes(f.total_size_bytes)],
            vec!["reachable size".into(), format_bytes(f.reachable_bytes)],
            vec!["unreachable objects".into(), f.unreachable_count.to_string()],
            vec!["deepest object".into(), format!("{} references from a root", f.max_distance)],
            vec!["cycles".into(), format!("{} ({} garbage)", f.cycle_count, f.garbage_cycle_count)],
        ]);
        for (w, t) in f.owners {
            rows.push(vec![format!("owned by {}", w.describe()), format!("{} in {} objects", format_bytes(t.size_bytes), t.objects)]);
        }
    }
    if let Some(t) = &s.tracemalloc {
        let total: u64 = t.traces.iter().map(|t| t.size_bytes).sum();
        doc.tracemalloc =
            Some(wire::TracemallocSummary { traces: t.traces.len() as u64, total_size_bytes: total, traceback_limit: t.traceback_limit });
        rows.push(vec!["traces".into(), t.traces.len().to_string()]);
        rows.push(vec!["traced size".into(), format_bytes(total)]);
    }
    if json {
        return Ok(out.json(&doc)?);
    }
    for key in ["python_version", "pid", "time"] {
        if let Some(v) = s.process.get(key) {
            rows.push(vec![key.replace('_', " "), v.to_string()]);
        }
    }
    table::print(out, &rows)?;
    Ok(())
}

pub fn types(o: &Opened, out: &mut Out, by_module: bool, fold_dicts: bool, limit: usize, json: bool) -> Result<()> {
    let analysis = analyse(o)?;
    let x = view(o, analysis)?;
    let options = AggregateOptions { group_by: if by_module { GroupBy::Module } else { GroupBy::Type }, fold_instance_dicts: fold_dicts };
    let rows = if by_module || fold_dicts { x.analysis.aggregate(x.heap, options) } else { x.analysis.by_type.clone() };
    if json {
        let doc = wire::Types {
            group_by: if by_module { "module" } else { "type" },
            fold_dicts,
            total: rows.len() as u64,
            rows: rows
                .iter()
                .take(limit)
                .map(|r| wire::TypeRow {
                    name: r.name.clone(),
                    count: r.count,
                    shallow_bytes: r.shallow_bytes,
                    retained_bytes: r.retained_bytes,
                })
                .collect(),
        };
        return Ok(out.json(&doc)?);
    }
    let mut t = vec![vec![if by_module { "module" } else { "type" }.to_string(), "count".into(), "shallow".into(), "retained".into()]];
    t.extend(
        rows.iter()
            .take(limit)
            .map(|r| vec![r.name.clone(), r.count.to_string(), format_bytes(r.shallow_bytes), format_bytes(r.retained_bytes)]),
    );
    table::print(out, &t)?;
    if rows.len() > limit {
        out.line(&format!("… {} more", rows.len() - limit))?;
    }
    Ok(())
}

pub fn retainers(
    o: &Opened,
    out: &mut Out,
    type_name: Option<&str>,
    address: Option<&str>,
    k: usize,
    ignore: &[String],
    json: bool,
) -> Result<()> {
    let analysis = analyse(o)?;
    let x = view(o, analysis)?;
    let (target, note) = match (type_name, address) {
        (_, Some(a)) => (find(o, &x, a)?, None),
        (Some(t), None) => {
            let Some(largest) = x.largest_instance(t) else { bail!("{}: no object has type `{t}`", o.name) };
            (largest.object, Some(format!("{} instances of {t}; explaining the one that retains the most", largest.count)))
        }
        (None, None) => bail!("give --type NAME or --address ADDR"),
    };
    let mut exclusions = Exclusions::none();
    for a in ignore {
        let ignored = find(o, &x, a).with_context(|| format!("--ignore {a}"))?;
        if ignored == target {
            bail!("{}: --ignore {a} is the object being explained; ignore one of its retainers", o.name);
        }
        exclusions.exclude_object(ignored);
    }
    let paths = x.analysis.retainer_paths(x.snapshot, x.heap, target, k, &exclusions);
    // Ranked as the UI ranks them: strong first, nearest a root first.
    let refs = x.referrers(target, &exclusions, REFERRERS_SHOWN);
    if json {
        let doc = wire::Retainers {
            object: object(&x, target),
            note,
            referrers: wire::Referrers {
                total: refs.total as u64,
                shown: refs.steps.iter().map(|s| wire::Referrer { referrer: object(&x, s.from), reference: reference(s) }).collect(),
            },
            paths: paths
                .paths
                .iter()
                .map(|p| wire::Path { root: object(&x, p.root), steps: p.steps.iter().map(reference).collect() })
                .collect(),
            reachable: paths.reachable,
            paths_truncated: paths.truncated,
            search_steps: paths.work,
        };
        return Ok(out.json(&doc)?);
    }
    if let Some(n) = &note {
        out.line(n)?;
    }
    out.line(&x.describe(target))?;
    out.line(&format!("  size {}, retains {}", format_bytes(x.heap.size_bytes[target as usize]), format_bytes(x.retained_bytes(target))))?;
    out.blank()?;
    out.line(&format!("referred to by ({}):", refs.total))?;
    for s in &refs.steps {
        out.line(&format!("  {} via {}{}", x.describe(s.from), s.label, if s.strong { "" } else { " (weak)" }))?;
    }
    if refs.total > refs.steps.len() {
        out.line(&format!("  … {} more", refs.total - refs.steps.len()))?;
    }
    if paths.paths.is_empty() && !paths.truncated {
        out.blank()?;
        out.line("no strong path from a root: the object is garbage or held from outside the graph")?;
    }
    for (i, p) in paths.paths.iter().enumerate() {
        out.blank()?;
        out.line(&format!("path {} ({} steps):", i + 1, p.steps.len()))?;
        out.line(&format!("  {}", x.describe(p.root)))?;
        // A linked list's path shows its two ends (`--json` has every step).
        let left_out = p.left_out_when_shown();
        for (j, s) in p.steps.iter().enumerate() {
            if left_out > 0 && j == SHOWN_HEAD_STEPS {
                out.line(&format!("    … {} more references (--json lists them) …", format_count(left_out as u64)))?;
            }
            if left_out > 0 && (SHOWN_HEAD_STEPS..SHOWN_HEAD_STEPS + left_out).contains(&j) {
                continue;
            }
            out.line(&format!("    {} → {}", s.label, x.describe(s.to)))?;
        }
    }
    if paths.truncated {
        out.blank()?;
        if paths.step_bound_reached {
            let listed: usize = paths.paths.iter().map(|p| p.steps.len()).sum();
            out.line(&format!(
                "(the path search stopped after {} path{}: {} {} references, the most one answer lists; there may be more paths)",
                paths.paths.len(),
                if paths.paths.len() == 1 { "" } else { "s" },
                if paths.paths.len() == 1 { "it holds" } else { "they hold" },
                format_count(listed as u64)
            ))?;
        } else {
            out.line(&format!(
                "(the path search stopped early after {} steps, its budget for a heap this size; there may be more paths)",
                paths.work
            ))?;
        }
    }
    Ok(())
}

pub fn dominators(o: &Opened, out: &mut Out, limit: usize, depth: usize, json: bool) -> Result<()> {
    // Prints retention only: no cycles, per-type table or owners to compute.
    let analysis = analyse_retention(o)?;
    let x = view(o, analysis)?;
    let tree = &x.analysis.dominators;
    let reachable = tree.reachable_bytes();
    let share = |o: ObjIdx| tree.retained_bytes(o) as f64 / reachable.max(1) as f64;
    // Preorder, iteratively (a chain may be as deep as the heap is large):
    // (object, level, parent).
    let mut stack: Vec<(ObjIdx, usize, Option<ObjIdx>)> = tree.top_level().iter().take(limit).rev().map(|&o| (o, 0, None)).collect();
    let mut nodes = Vec::new();
    let mut truncated = false;
    while let Some((o, level, parent)) = stack.pop() {
        if nodes.len() >= MAX_DOMINATOR_NODES {
            truncated = true;
            break;
        }
        nodes.push((o, level, parent));
        if level + 1 < depth {
            stack.extend(tree.children(o).iter().take(limit).rev().map(|&c| (c, level + 1, Some(o))));
        }
    }
    if json {
        let doc = wire::Dominators {
            reachable_size_bytes: reachable,
            nodes: nodes
                .iter()
                .map(|&(o, level, parent)| wire::DominatorNode {
                    object: object(&x, o),
                    depth: level as u32,
                    parent_index: parent,
                    child_count: tree.children(o).len() as u64,
                    share: share(o),
                })
                .collect(),
            truncated,
        };
        return Ok(out.json(&doc)?);
    }
    out.line(&format!("reachable: {}", format_bytes(reachable)))?;
    for &(o, level, _) in &nodes {
        let indent = "  ".repeat(level.min(MAX_INDENT_LEVEL));
        let deep = if level > MAX_INDENT_LEVEL { format!("[{level}] ") } else { String::new() };
        let line = format!("{indent}{deep}{:>10} {:5.1}%  {}", format_bytes(tree.retained_bytes(o)), 100.0 * share(o), x.describe(o));
        out.line(&line)?;
    }
    if truncated {
        out.line(&format!("… stopped after {MAX_DOMINATOR_NODES} nodes; lower --limit or --depth"))?;
    }
    Ok(())
}

pub fn cycles(o: &Opened, out: &mut Out, limit: usize, garbage_only: bool, hide_internal: bool, json: bool) -> Result<()> {
    let analysis = analyse(o)?;
    let x = view(o, analysis)?;
    let all = x.analysis.cycles(x.snapshot, x.heap);
    let garbage = x.overview().garbage_cycle_count;
    let cycles: Vec<_> = CycleFilter { garbage_only, hide_internal }.apply(&all).map(|(_, c)| c).collect();
    if json {
        let doc = wire::Cycles {
            total: all.len() as u64,
            garbage: garbage as u64,
            listed: cycles.len() as u64,
            cycles: cycles
                .iter()
                .take(limit)
                .map(|c| wire::Cycle {
                    members: c.members.len() as u64,
                    shallow_bytes: c.shallow_bytes,
                    retained_bytes: c.retained_bytes,
                    reachable: c.reachable,
                    owner: c.owner.describe(),
                    internal: c.internal,
                    fix: c.fix.clone(),
                    types: c
                        .types
                        .iter()
                        .take(CYCLE_TYPES_SHOWN)
                        .map(|(t, n)| wire::TypeCount { type_name: t.clone(), count: *n as u64 })
                        .collect(),
                    type_total: c.types.len() as u64,
                    references: c.reference_count as u64,
                    suggested_break: c.suggested_break.as_ref().map(|b| wire::Break {
                        from: object(&x, b.from),
                        to: object(&x, b.to),
                        reference: reference(&step(x.snapshot, x.heap, b.from, b.edge)),
                        python: b.python.clone(),
                        breaks_all: b.breaks_all,
                        reason: b.reason.clone(),
                    }),
                })
                .collect(),
        };
        return Ok(out.json(&doc)?);
    }
    out.line(&format!("{} cycles ({garbage} garbage); {} listed, the application's first", all.len(), cycles.len()))?;
    for c in cycles.iter().take(limit) {
        let mut types = c.type_summary(CYCLE_TYPES_PRINTED);
        if c.types.len() > CYCLE_TYPES_PRINTED {
            types.push_str(&format!(", … {} more types", c.types.len() - CYCLE_TYPES_PRINTED));
        }
        out.blank()?;
        out.line(&format!(
            "{} objects, {} shallow, {} retained, {}, {}{}: {}",
            c.members.len(),
            format_bytes(c.shallow_bytes),
            format_bytes(c.retained_bytes),
            if c.reachable { "reachable" } else { "garbage" },
            c.owner.describe(),
            if c.internal { " (interpreter-internal)" } else { "" },
            types
        ))?;
        if let Some(b) = &c.suggested_break {
            let label = step(x.snapshot, x.heap, b.from, b.edge).label;
            match &b.python {
                Some(p) => out.line(&format!("  break `{p}`: {} {} → {}", x.describe(b.from), label, x.describe(b.to)))?,
                None => out.line(&format!("  break {} {} → {}", x.describe(b.from), label, x.describe(b.to)))?,
            }
            out.line(&format!("    {}", b.reason))?;
        }
        out.line(&format!("  fix: {}", c.fix))?;
    }
    Ok(())
}

pub fn suspects(o: &Opened, out: &mut Out, limit: usize, json: bool) -> Result<()> {
    let analysis = analyse(o)?;
    let x = view(o, analysis)?;
    let list = x.analysis.suspects(x.snapshot, x.heap, limit);
    if json {
        let doc: Vec<wire::Suspect> = list
            .iter()
            .map(|s| {
                let (kind, object, type_name, instances) = match &s.kind {
                    SuspectKind::Object(o) => ("object", Some(object(&x, *o)), None, None),
                    SuspectKind::Type(t) => ("type", None, Some(t.clone()), None),
                    SuspectKind::Accumulation { container, type_name, instances } => {
                        ("accumulation", Some(object(&x, *container)), Some(type_name.clone()), Some(*instances as u64))
                    }
                    SuspectKind::Garbage { type_name, example, .. } => {
                        ("garbage", Some(object(&x, *example)), Some(type_name.clone()), None)
                    }
                };
                wire::Suspect {
                    kind,
                    object,
                    type_name,
                    instances,
                    pattern: s.pattern.name(),
                    holder: s.holder.to_string(),
                    owner: s.owner.describe(),
                    count: s.count,
                    items: s.items.clone(),
                    retained_bytes: s.retained_bytes,
                    share: s.share,
                    fix: s.fix.clone(),
                    reason: s.reason.clone(),
                }
            })
            .collect();
        return Ok(out.json(&doc)?);
    }
    if list.is_empty() {
        out.line("no suspects: nothing the application holds accumulates")?;
    }
    for s in &list {
        out.line(&format!("{:5.1}%  {}", 100.0 * s.share, s.reason))?;
        out.line(&format!("        fix: {}", s.fix))?;
    }
    Ok(())
}

pub fn search(o: &Opened, out: &mut Out, query: &str, limit: usize, json: bool) -> Result<()> {
    let analysis = analyse(o)?;
    let x = view(o, analysis)?;
    let found = x.analysis.search(x.snapshot, x.heap, query, limit);
    if json {
        let doc: Vec<wire::SearchHit> =
            found.hits.iter().map(|h| wire::SearchHit { object: object(&x, h.object), matched: h.matched.as_str() }).collect();
        return Ok(out.json(&doc)?);
    }
    if found.hits.is_empty() {
        // Said on stdout: an empty answer is still an answer.
        out.line(&format!("no object's address, type or description contains `{}`", query))?;
    }
    for h in &found.hits {
        out.line(&format!("{}  ({})", x.describe(h.object), h.matched.as_str()))?;
    }
    if found.total > found.hits.len() {
        out.line(&format!("… {} more (of {} objects that match)", found.total - found.hits.len(), found.total))?;
    }
    Ok(())
}

/// Returns whether some type grew past its `--max-growth` limit.
/// A limit whose type is in neither snapshot could never fail: an error
/// (exit 2) naming the closest types.
pub fn diff(before: &Opened, after: &Opened, out: &mut Out, max_growth: &[MaxGrowth], limit: usize, json: bool) -> Result<bool> {
    let (Some(bh), Some(ah)) = (&before.snapshot.heap, &after.snapshot.heap) else {
        let which = if before.snapshot.heap.is_none() { &before.name } else { &after.name };
        bail!("{which}: diff needs two heap snapshots; for tracemalloc use `heapscope tracemalloc AFTER --compare BEFORE`")
    };
    if !max_growth.is_empty() {
        let mut types = gate::type_names(&before.snapshot, bh);
        types.extend(gate::type_names(&after.snapshot, ah));
        types.sort_unstable();
        types.dedup();
        for m in max_growth {
            if !types.iter().any(|t| gate::names(t, &m.type_name)) {
                let nothing = format!("no type `{}` in either snapshot (by full name or last component)", m.type_name);
                let close = gate::close_matches(&m.type_name, types.iter().copied());
                return Err(gate::never_trips(&format!("--max-growth `{}`", m.spec), &nothing, &close));
            }
        }
    }
    let d = heapscope_core::analysis::diff::diff(&before.snapshot, bh, &after.snapshot, ah);
    // A limit names a type exactly or by its last component (`Request` for `app.models.Request`).
    let mut failures = Vec::new();
    for m in max_growth {
        let grown: i64 = d.types.iter().filter(|r| gate::names(&r.type_name, &m.type_name)).map(|r| r.count_delta()).sum();
        if grown > m.max_objects {
            failures.push(format!("{} grew by {grown} objects (limit {})", m.type_name, m.max_objects));
        }
    }
    if json {
        let doc = wire::Diff {
            types: d
                .types
                .iter()
                .take(limit)
                .map(|r| wire::TypeDelta {
                    type_name: r.type_name.clone(),
                    count_before: r.count_before,
                    count_after: r.count_after,
                    count_delta: r.count_delta(),
                    size_before_bytes: r.size_before_bytes,
                    size_after_bytes: r.size_after_bytes,
                    size_delta_bytes: r.size_delta_bytes(),
                })
                .collect(),
            new_objects: d.new_objects.len() as u64,
            freed_objects: d.freed_count,
            failures: failures.clone(),
        };
        out.json(&doc)?;
    } else {
        let mut t = vec![vec!["type".to_string(), "count".into(), "Δcount".into(), "size".into(), "Δsize".into()]];
        t.extend(d.types.iter().take(limit).map(|r| {
            vec![
                r.type_name.clone(),
                r.count_after.to_string(),
                format!("{:+}", r.count_delta()),
                format_bytes(r.size_after_bytes),
                format_bytes_delta(r.size_delta_bytes()),
            ]
        }));
        table::print(out, &t)?;
        out.blank()?;
        out.line(&format!("{} new objects, {} freed", d.new_objects.len(), d.freed_count))?;
    }
    for f in &failures {
        crate::warn(f);
    }
    Ok(!failures.is_empty())
}
