//! Reference cycles: the strongly connected components that hold a cycle,
//! described for a reader, with a suggested reference to break.
//!
//! Break rule. The cycle's *entry* is the member nearest the roots (for
//! garbage: the member with the most references from outside the cycle,
//! then the lowest index). The suggestion is the reference that leads back
//! into the entry from the member farthest from it inside the cycle — the
//! "child → parent" back link that usually should be a weakref. If removing
//! that reference still leaves a loop among the members and the cycle is
//! small (≤ 200 references), the first reference whose removal leaves the
//! members acyclic is suggested instead; if none does, the back link stays
//! and `breaks_all` says so.

use crate::analysis::distance::Distances;
use crate::analysis::dominators::DominatorTree;
use crate::analysis::owner::{Owner, Owners};
use crate::analysis::scc::Components;
use crate::analysis::strong_view::StrongView;
use crate::analysis::suspects::naming::Ctx;
use crate::analysis::types::TypeIndex;
use crate::analysis::work;
use crate::graph::{EdgeIdx, ObjIdx};
use crate::model::{flags, Heap, RefKind, Snapshot};

/// References listed per cycle at most (all are counted).
pub const MAX_LISTED_REFERENCES: usize = 1000;
/// Larger cycles skip the "does removing this edge break every loop" test
/// by class attribute.
const MAX_TESTED_REFERENCES: usize = 200;
/// The "does removing this one reference break every loop" test costs the
/// cycle's members plus references per reference tried; a cycle is tested
/// when that sum stays within this (a cycle of 200 references and 200
/// members: 200 tries).
const MAX_BREAK_CHECK_WORK: usize = 80_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakSuggestion {
    pub from: ObjIdx,
    pub edge: EdgeIdx,
    pub to: ObjIdx,
    /// Removing this reference leaves no loop among the members.
    pub breaks_all: bool,
    pub reason: String,
    /// The reference in Python syntax (`TreeNode.parent`), when it is an
    /// attribute, a dict entry of an instance, a closure variable or a bound
    /// method's `self`.
    pub python: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Cycle {
    /// Members in discovery order.
    pub members: Vec<ObjIdx>,
    pub shallow_bytes: u64,
    /// Bytes freed if the whole cycle went away: the retained sizes of the
    /// members no other member dominates. For garbage, the shallow size.
    pub retained_bytes: u64,
    /// Whether a root reaches it (otherwise it is garbage waiting for the
    /// cycle collector, or kept by something outside the graph).
    pub reachable: bool,
    /// Member types with their counts, most common first.
    pub types: Vec<(String, u32)>,
    /// The strong references between members (at most [`MAX_LISTED_REFERENCES`]).
    pub references: Vec<EdgeIdx>,
    pub reference_count: usize,
    pub suggested_break: Option<BreakSuggestion>,
    /// Who owns it: the application when a member is the application's
    /// (see [`crate::analysis::owner`]); interpreter-internal cycles (only
    /// classes, modules, functions and their dicts and descriptors, nothing
    /// of a class defined outside the interpreter) count as the interpreter's.
    pub owner: Owner,
    /// Made only of the interpreter's machinery (classes, modules, functions, descriptors).
    pub internal: bool,
    /// The one-line fix, in Python terms.
    pub fix: String,
}

impl Cycle {
    /// The most common member types, the one spelling every front shows:
    /// `app.Node ×2, builtins.dict ×2` (at most `max` types).
    pub fn type_summary(&self, max: usize) -> String {
        self.types.iter().take(max).map(|(t, n)| format!("{t} ×{n}")).collect::<Vec<_>>().join(", ")
    }
}

/// Which cycles a list shows: every front applies it to the whole ranked
/// list before cutting it to a display limit, so a matching cycle ranked
/// past the limit is still listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CycleFilter {
    /// Only cycles no root reaches.
    pub garbage_only: bool,
    /// No interpreter-internal cycles (modules, classes, functions and their dicts).
    pub hide_internal: bool,
}

impl CycleFilter {
    pub fn keeps(&self, c: &Cycle) -> bool {
        (!self.garbage_only || !c.reachable) && (!self.hide_internal || !c.internal)
    }

    /// The cycles kept, each with its rank in the whole list (its index,
    /// which names it: `#/cycles/3`), in the list's order.
    pub fn apply(self, cycles: &[Cycle]) -> impl Iterator<Item = (usize, &Cycle)> {
        cycles.iter().enumerate().filter(move |(_, c)| self.keeps(c))
    }
}

/// Describes every cyclic component: the application's first (its garbage
/// before what is reachable), then third-party code's, then the
/// interpreter's; largest retained size first within each.
#[allow(clippy::too_many_arguments)]
pub fn cycles(
    snapshot: &Snapshot,
    heap: &Heap,
    view: &StrongView,
    types: &TypeIndex,
    components: &Components,
    distances: &Distances,
    tree: &DominatorTree,
    owners: &Owners,
) -> Vec<Cycle> {
    let cx = Ctx::new(snapshot, heap, types, tree, owners);
    let mut out: Vec<Cycle> = components
        .iter()
        .map(|c| {
            let mut cycle = describe(heap, view, types, c, distances, tree);
            explain(&cx, &mut cycle);
            cycle
        })
        .collect();
    out.sort_by_key(|c| (c.owner, c.reachable, std::cmp::Reverse((c.retained_bytes, c.members.len()))));
    out
}

/// Fills in who owns a cycle, its break in Python syntax and its fix.
pub(crate) fn explain(cx: &Ctx, c: &mut Cycle) {
    let heap = cx.heap;
    let machinery = |m: ObjIdx| {
        heap.flags[m as usize] & (flags::TYPE | flags::MODULE | flags::FUNCTION) != 0
            || matches!(
                cx.type_name(m),
                "builtins.getset_descriptor" | "builtins.member_descriptor" | "builtins.method_descriptor" | "builtins.wrapper_descriptor"
            )
    };
    // Namespaces refer to each other by design (module ↔ function globals,
    // class ↔ its dict and descriptors, instance → its class): a component
    // with a module in it, or only such machinery, is the interpreter's.
    let has_module = c.members.iter().any(|&m| cx.is_module(m));
    let foreign_instance = c.members.iter().any(|&m| cx.owners.of_type(cx.types.type_of(m)) != Owner::Interpreter && !machinery(m));
    c.internal = has_module || (!foreign_instance && c.members.iter().any(|&m| machinery(m)));
    c.owner = if c.internal { Owner::Interpreter } else { c.members.iter().map(|&m| cx.owners.of(m)).min().unwrap_or(Owner::Interpreter) };
    if !c.internal {
        attribute_break(cx, c);
    }
    if let Some(b) = c.suggested_break.as_mut() {
        if b.python.is_none() {
            b.python = python_reference(cx, b.from, b.edge);
        }
    }
    let python = c.suggested_break.as_ref().and_then(|b| b.python.clone());
    let bound_method =
        c.suggested_break.as_ref().is_some_and(|b| cx.type_name(b.from) == "builtins.method" || cx.type_name(b.to) == "builtins.method");
    c.fix = match (python, bound_method) {
        (Some(p), true) => format!("store weakref.WeakMethod(...) in `{p}` instead of the bound method, or drop it when done"),
        (Some(p), false) => format!("make `{p}` a weakref (weakref.ref or weakref.proxy), or clear it when done"),
        (None, _) if c.internal => "nothing to fix: modules, classes and functions refer to each other by design".to_string(),
        (None, _) => "make the suggested reference a weakref, or clear it when the objects are done".to_string(),
    };
}

/// Prefers a break that is one attribute of a class: when removing every
/// reference of one attribute (`TreeNode.parent`) leaves the members
/// without a loop, making that attribute a weakref fixes the cycle for
/// every instance. Back references are tried first: an attribute by which
/// many members point to one (children to their parent), then one that
/// points toward the cycle's entry.
fn attribute_break(cx: &Ctx, c: &mut Cycle) {
    let Some(entry) = c.suggested_break.as_ref().map(|b| b.to) else { return };
    let g = &cx.heap.graph;
    if c.references.len() != c.reference_count || c.reference_count > MAX_TESTED_REFERENCES * 4 {
        return;
    }
    let mut sorted = c.members.clone();
    sorted.sort_unstable();
    let local = |o: ObjIdx| sorted.binary_search(&o).ok();
    let edges: Vec<(usize, EdgeIdx, usize)> =
        c.references.iter().filter_map(|&e| Some((local(g.source(e)?)?, e, local(g.target(e))?))).collect();
    // Distance from the entry inside the cycle (breadth-first over the members' references).
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); sorted.len()];
    for &(f, _, t) in &edges {
        out[f].push(t);
    }
    let mut dist = vec![u32::MAX; sorted.len()];
    let Some(start) = local(entry) else { return };
    dist[start] = 0;
    let mut queue = vec![start];
    let mut head = 0;
    while head < queue.len() {
        let v = queue[head];
        head += 1;
        for &t in &out[v] {
            if dist[t] == u32::MAX {
                dist[t] = dist[v] + 1;
                queue.push(t);
            }
        }
    }
    // Candidate attributes: each reference named `Class.attr`, grouped.
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, &(f, e, _)) in edges.iter().enumerate() {
        let Some(name) = python_attribute(cx, sorted[f], e) else { continue };
        if let Some((_, v)) = groups.iter_mut().find(|(n, _)| *n == name) {
            v.push(i);
        } else if groups.len() < 8 {
            groups.push((name, vec![i]));
        }
    }
    // A back reference points toward the entry, or many members point to
    // one (children → their parent).
    let backward = |ids: &[usize]| ids.iter().all(|&i| dist[edges[i].2] < dist[edges[i].0]);
    let fan_in = |ids: &[usize]| {
        let mut targets: Vec<usize> = ids.iter().map(|&i| edges[i].2).collect();
        targets.sort_unstable();
        targets.dedup();
        targets.len() < ids.len()
    };
    groups.sort_by_key(|(_, ids)| (!fan_in(ids), !backward(ids)));
    for (name, ids) in groups {
        let removed = |i: usize| ids.contains(&i);
        if acyclic_without_all(sorted.len(), &edges, &removed) {
            let into_entry = ids.iter().copied().find(|&i| edges[i].2 == start).unwrap_or(ids[0]);
            let (f, e, t) = edges[into_entry];
            let all = if ids.len() > 1 { format!(" (all {} such references)", ids.len()) } else { String::new() };
            c.suggested_break = Some(BreakSuggestion {
                from: sorted[f],
                edge: e,
                to: sorted[t],
                breaks_all: true,
                reason: format!("`{name}`{all}: without it the members have no loop"),
                python: Some(name),
            });
            return;
        }
    }
}

/// Whether the members are acyclic once the references `removed` says are gone.
fn acyclic_without_all(n: usize, edges: &[(usize, EdgeIdx, usize)], removed: &dyn Fn(usize) -> bool) -> bool {
    let mut indegree = vec![0u32; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &(f, _, t)) in edges.iter().enumerate() {
        if !removed(i) {
            indegree[t] += 1;
            out[f].push(t);
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut done = 0;
    while let Some(i) = ready.pop() {
        done += 1;
        for &t in &out[i] {
            indegree[t] -= 1;
            if indegree[t] == 0 {
                ready.push(t);
            }
        }
    }
    done == n
}

/// An attribute reference as `Class.attr` (slot or instance `__dict__` entry).
fn python_attribute(cx: &Ctx, from: ObjIdx, edge: EdgeIdx) -> Option<String> {
    let label = cx.heap.graph.label(edge);
    let name = cx.label_name(label)?;
    match label.kind() {
        RefKind::Attribute => Some(format!("{}.{name}", cx.class_name(from))),
        RefKind::DictValue => match cx.dict_owner(from) {
            Some(owner) if !cx.is_module(owner) => Some(format!("{}.{name}", cx.class_name(owner))),
            _ => None,
        },
        _ => None,
    }
}

/// A reference in Python syntax: `Class.attr`, `Class.attr[i]`, a closure variable, a bound method's `self`.
fn python_reference(cx: &Ctx, from: ObjIdx, edge: EdgeIdx) -> Option<String> {
    let g = &cx.heap.graph;
    let label = g.label(edge);
    let name = cx.label_name(label);
    match (label.kind(), name) {
        (RefKind::Attribute, Some(n)) => Some(format!("{}.{n}", cx.class_name(from))),
        (RefKind::DictValue, Some(n)) => match cx.dict_owner(from) {
            Some(owner) if !cx.is_module(owner) => Some(format!("{}.{n}", cx.class_name(owner))),
            _ => None,
        },
        (RefKind::Index, Some(i)) => {
            // An element of a list that is an attribute: `Parent.children[3]`.
            match cx.holder(from) {
                crate::analysis::suspects::Holder::InstanceAttribute { class, name } => Some(format!("{class}.{name}[{i}]")),
                crate::analysis::suspects::Holder::Within { inner, .. } => match *inner {
                    crate::analysis::suspects::Holder::InstanceAttribute { class, name } => Some(format!("{class}.{name}[{i}]")),
                    _ => None,
                },
                _ => None,
            }
        }
        (RefKind::Cell, Some(v)) | (RefKind::Closure, Some(v)) => Some(format!("the closure variable {v}")),
        (RefKind::Defaults, Some(p)) if !p.starts_with("__") => Some(format!("the default argument {p}")),
        (RefKind::Internal, Some(n)) if n == "__self__" => Some(format!("{}.__self__", cx.desc(from))),
        _ => None,
    }
}

/// Describes one component.
pub fn describe(
    heap: &Heap,
    view: &StrongView,
    types: &TypeIndex,
    members: &[ObjIdx],
    distances: &Distances,
    tree: &DominatorTree,
) -> Cycle {
    let mut sorted = members.to_vec();
    sorted.sort_unstable();
    let is_member = |o: ObjIdx| sorted.binary_search(&o).is_ok();
    let shallow_bytes = members.iter().map(|&m| heap.size_bytes[m as usize]).sum();
    let reachable = members.iter().any(|&m| distances.is_reachable(m));
    let retained_bytes = if reachable {
        members.iter().filter(|&&m| tree.idom(m).is_some_and(|d| !is_member(d))).map(|&m| tree.retained_bytes(m)).sum()
    } else {
        shallow_bytes
    };
    // Count member types by sorting their ids: n log n, however many distinct types.
    let mut ids: Vec<u32> = members.iter().map(|&m| types.type_of(m)).collect();
    ids.sort_unstable();
    work::tick(ids.len() as u64);
    let mut type_counts: Vec<(u32, u32)> = Vec::new();
    for t in ids {
        match type_counts.last_mut() {
            Some((x, c)) if *x == t => *c += 1,
            _ => type_counts.push((t, 1)),
        }
    }
    type_counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let type_list = type_counts.iter().map(|&(t, c)| (types.names[t as usize].clone(), c)).collect();

    let mut intra: Vec<(ObjIdx, EdgeIdx, ObjIdx)> = Vec::new();
    for &m in members {
        for (e, t) in view.out_edges(m) {
            if is_member(t) {
                intra.push((m, e, t));
            }
        }
    }
    let suggested_break = suggest_break(heap, &sorted, members, &intra, distances);
    Cycle {
        members: members.to_vec(),
        shallow_bytes,
        retained_bytes,
        reachable,
        types: type_list,
        references: intra.iter().take(MAX_LISTED_REFERENCES).map(|&(_, e, _)| e).collect(),
        reference_count: intra.len(),
        suggested_break,
        owner: Owner::Interpreter,
        internal: false,
        fix: String::new(),
    }
}

fn suggest_break(
    heap: &Heap,
    sorted: &[ObjIdx],
    members: &[ObjIdx],
    intra: &[(ObjIdx, EdgeIdx, ObjIdx)],
    distances: &Distances,
) -> Option<BreakSuggestion> {
    let local = |o: ObjIdx| sorted.binary_search(&o).ok();
    let reachable = members.iter().any(|&m| distances.is_reachable(m));
    let entry = if reachable {
        *members.iter().min_by_key(|&&m| (distances.get(m).unwrap_or(u32::MAX), m))?
    } else {
        *members.iter().max_by_key(|&&m| {
            let outside = heap.graph.predecessors(m).iter().filter(|&&p| local(p).is_none()).count();
            (outside, std::cmp::Reverse(m))
        })?
    };
    // Each member's run of `intra` (grouped by referrer).
    let mut ranges = vec![(0u32, 0u32); sorted.len()];
    let mut i = 0;
    while i < intra.len() {
        let from = intra[i].0;
        let j = i + intra[i..].iter().take_while(|x| x.0 == from).count();
        ranges[local(from)?] = (i as u32, j as u32);
        i = j;
    }
    // Distance from the entry inside the cycle, and the reference each
    // member is first reached by.
    let mut dist = vec![u32::MAX; sorted.len()];
    let mut parent = vec![u32::MAX; sorted.len()];
    let mut queue = vec![entry];
    dist[local(entry)?] = 0;
    let mut head = 0;
    while head < queue.len() {
        let v = queue[head];
        head += 1;
        let lv = local(v)?;
        let dv = dist[lv];
        let (start, end) = ranges[lv];
        for (i, &(_, _, t)) in intra.iter().enumerate().take(end as usize).skip(start as usize) {
            let lt = local(t)?;
            if dist[lt] == u32::MAX {
                dist[lt] = dv + 1;
                parent[lt] = i as u32;
                queue.push(t);
            }
        }
    }
    let back = intra
        .iter()
        .filter(|&&(_, _, t)| t == entry)
        .max_by_key(|&&(f, e, _)| (local(f).map_or(0, |l| dist[l]), std::cmp::Reverse(e)))
        .copied()?;
    let where_ = if reachable { "the member nearest the roots" } else { "the member most referred to from outside" };
    // A reference whose removal leaves no loop is on every loop, so on the
    // one through `back`: the breadth-first path from the entry to its
    // referrer, then `back` itself. A reference with a twin (the same
    // referrer and target) never breaks a loop alone.
    let back_at = intra.iter().position(|&x| x == back)?;
    let mut on_loop = vec![back_at];
    let mut at = local(back.0)?;
    while parent[at] != u32::MAX {
        let i = parent[at] as usize;
        on_loop.push(i);
        at = local(intra[i].0)?;
    }
    let twin = |i: usize| {
        let (f, _, t) = intra[i];
        let (start, end) = ranges[local(f).unwrap_or(0)];
        intra[start as usize..end as usize].iter().filter(|x| x.2 == t).nth(1).is_some()
    };
    on_loop.retain(|&i| !twin(i));
    on_loop.sort_unstable();
    let breaks = |i: usize| acyclic_without(sorted, intra, &ranges, i);
    if on_loop.len().saturating_mul(sorted.len() + intra.len()) <= MAX_BREAK_CHECK_WORK {
        if on_loop.contains(&back_at) && breaks(back_at) {
            return Some(BreakSuggestion {
                from: back.0,
                edge: back.1,
                to: back.2,
                breaks_all: true,
                python: None,
                reason: format!(
                    "the back reference into the cycle's entry ({where_}); removing it (e.g. making it a weakref) breaks the cycle"
                ),
            });
        }
        if let Some(&(f, e, t)) = on_loop.iter().find(|&&i| i != back_at && breaks(i)).map(|&i| &intra[i]) {
            return Some(BreakSuggestion {
                from: f,
                edge: e,
                to: t,
                breaks_all: true,
                python: None,
                reason: "the only reference whose removal leaves the members without a loop".to_string(),
            });
        }
        return Some(BreakSuggestion {
            from: back.0,
            edge: back.1,
            to: back.2,
            breaks_all: false,
            python: None,
            reason: format!(
                "the back reference into the cycle's entry ({where_}); the members form several loops, so more references must go"
            ),
        });
    }
    Some(BreakSuggestion {
        from: back.0,
        edge: back.1,
        to: back.2,
        breaks_all: false,
        python: None,
        reason: format!("the back reference into the cycle's entry ({where_}); the cycle is too large to check that this alone breaks it"),
    })
}

/// Whether the members are acyclic once reference `intra[skip]` is removed
/// (Kahn's algorithm; `ranges` holds each member's run of `intra`): linear
/// in the members and references.
fn acyclic_without(sorted: &[ObjIdx], intra: &[(ObjIdx, EdgeIdx, ObjIdx)], ranges: &[(u32, u32)], skip: usize) -> bool {
    let local = |o: ObjIdx| sorted.binary_search(&o).unwrap_or(0);
    work::tick((sorted.len() + intra.len()) as u64);
    let mut indegree = vec![0u32; sorted.len()];
    for (i, &(_, _, t)) in intra.iter().enumerate() {
        if i != skip {
            indegree[local(t)] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..sorted.len()).filter(|&i| indegree[i] == 0).collect();
    let mut done = 0;
    while let Some(v) = ready.pop() {
        done += 1;
        let (start, end) = ranges[v];
        for (i, &(_, _, t)) in intra.iter().enumerate().take(end as usize).skip(start as usize) {
            if i != skip {
                let lt = local(t);
                indegree[lt] -= 1;
                if indegree[lt] == 0 {
                    ready.push(lt);
                }
            }
        }
    }
    done == sorted.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{dominators, scc};
    use crate::graph::{EdgeLabel, Graph};
    use crate::model::{RefKind, Root, RootKind, Snapshot, SourceFormat};
    use crate::strings::{StringTable, NO_STRING};
    use crate::Analysis;

    /// One ring of `n` objects, each of its own type.
    fn ring(n: usize) -> Snapshot {
        let mut strings = StringTable::new();
        let type_name: Vec<u32> = (0..n).map(|i| strings.push(&format!("t{i}"))).collect();
        let from: Vec<u32> = (0..n as u32).collect();
        let to: Vec<u32> = (0..n as u32).map(|i| (i + 1) % n as u32).collect();
        let labels = vec![EdgeLabel::new(RefKind::Attribute, NO_STRING); n];
        let heap = Heap {
            address: (0..n as u64).collect(),
            type_name,
            size_bytes: vec![16; n],
            flags: vec![0; n],
            description: vec![NO_STRING; n],
            traceback: vec![u32::MAX; n],
            graph: Graph::from_edges(n, from, to, labels),
            roots: vec![Root { object: 0, kind: RootKind::Module, name: NO_STRING, excess: 0 }],
        };
        Snapshot { format: SourceFormat::HeapscopeV1, process: Default::default(), strings, heap: Some(heap), tracemalloc: None }
    }

    /// Describing one cycle whose members all have distinct types does work
    /// linear in its size (it used to compare every member with every type).
    #[test]
    fn many_member_types_cost_linear_work() {
        let _ = (dominators::SUPER_ROOT, scc::cyclic_components);
        for n in [1_000usize, 4_000, 16_000] {
            let s = ring(n);
            let heap = s.heap.as_ref().unwrap();
            let a = Analysis::of_heap(&s, heap);
            work::take();
            let cycles = a.cycles(&s, heap);
            let steps = work::take();
            assert_eq!((cycles.len(), cycles[0].types.len()), (1, n));
            assert!(steps <= 4 * (2 * n as u64), "{steps} steps for a ring of {n}");
        }
    }

    /// `count` separate cycles of `n` objects, each a ring (`i → i+1`) with
    /// chords (`i → i+2`): several loops, so no single reference breaks
    /// one, and trying every reference used to rescan all of them per
    /// member (5,000 such cycles of 99: 14.9 s). Now only the references on
    /// one loop are tried, each in linear time.
    #[test]
    fn cycles_of_several_loops_are_checked_in_linear_time_per_try() {
        let (count, n) = (300u32, 99u32);
        let mut edges = Vec::new();
        for c in 0..count {
            let at = |i: u32| 1 + c * n + i % n;
            edges.push((0, at(0)));
            for i in 0..n {
                edges.extend([(at(i), at(i + 1)), (at(i), at(i + 2))]);
            }
        }
        let s = crate::test_heap::snapshot_of_edges((1 + count * n) as usize, edges, 16);
        let heap = s.heap.as_ref().unwrap();
        let a = Analysis::of_heap(&s, heap);
        work::take();
        let cycles = a.cycles(&s, heap);
        let steps = work::take();
        assert_eq!(cycles.len(), count as usize);
        for c in &cycles {
            let b = c.suggested_break.as_ref().unwrap();
            assert!(!b.breaks_all && b.reason.contains("several loops"), "{}", b.reason);
        }
        // Each cycle: at most one try per member of one loop (here about
        // n/2), each try its members and references (3n).
        let per_cycle = 3 * u64::from(n) * u64::from(n);
        assert!(steps <= u64::from(count) * per_cycle, "{steps} steps for {count} cycles of {n}");
    }

    /// A cycle with one way back (a ring, then a chord forward): the break
    /// found is still a single reference, and the parallel references of a
    /// two-object cycle are not tried one by one.
    #[test]
    fn single_breaks_are_found_and_twins_are_not_tried() {
        let build = |objects: usize, edges: Vec<(u32, u32)>| crate::test_heap::snapshot_of_edges(objects, edges, 16);
        // 0 → 1 → 2 → 3 → 1, and 1 → 3: every loop goes through 3 → 1.
        let s = build(4, vec![(0, 1), (1, 2), (2, 3), (3, 1), (1, 3)]);
        let heap = s.heap.as_ref().unwrap();
        let cycles = Analysis::of_heap(&s, heap).cycles(&s, heap);
        let b = cycles[0].suggested_break.as_ref().unwrap();
        assert!(b.breaks_all && (b.from, b.to) == (3, 1), "{b:?}");
        // 0 → 1, and 1 ⇄ 2 by 50,000 references each way.
        let mut edges = vec![(0, 1)];
        edges.extend((0..50_000).flat_map(|_| [(1, 2), (2, 1)]));
        let s = build(3, edges);
        let heap = s.heap.as_ref().unwrap();
        let a = Analysis::of_heap(&s, heap);
        work::take();
        let cycles = a.cycles(&s, heap);
        let steps = work::take();
        let b = cycles[0].suggested_break.as_ref().unwrap();
        assert!(!b.breaks_all && b.reason.contains("several loops"), "{}", b.reason);
        assert!(steps < 1_000_000, "{steps} steps");
    }
}
