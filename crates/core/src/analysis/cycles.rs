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
use crate::analysis::scc::Components;
use crate::analysis::strong_view::StrongView;
use crate::analysis::types::TypeIndex;
use crate::analysis::work;
use crate::graph::{EdgeIdx, ObjIdx};
use crate::model::Heap;

/// References listed per cycle at most (all are counted).
pub const MAX_LISTED_REFERENCES: usize = 1000;
/// Larger cycles skip the "does removing this edge break every loop" test.
const MAX_TESTED_REFERENCES: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakSuggestion {
    pub from: ObjIdx,
    pub edge: EdgeIdx,
    pub to: ObjIdx,
    /// Removing this reference leaves no loop among the members.
    pub breaks_all: bool,
    pub reason: String,
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
}

impl Cycle {
    /// The most common member types, the one spelling every front shows:
    /// `app.Node ×2, builtins.dict ×2` (at most `max` types).
    pub fn type_summary(&self, max: usize) -> String {
        self.types.iter().take(max).map(|(t, n)| format!("{t} ×{n}")).collect::<Vec<_>>().join(", ")
    }
}

/// Describes every cyclic component, largest retained size first.
pub fn cycles(
    heap: &Heap,
    view: &StrongView,
    types: &TypeIndex,
    components: &Components,
    distances: &Distances,
    tree: &DominatorTree,
) -> Vec<Cycle> {
    let mut out: Vec<Cycle> = components.iter().map(|c| describe(heap, view, types, c, distances, tree)).collect();
    out.sort_by_key(|c| std::cmp::Reverse((c.retained_bytes, c.members.len())));
    out
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
    // Distance from the entry inside the cycle.
    let mut dist = vec![u32::MAX; sorted.len()];
    let mut queue = vec![entry];
    dist[local(entry)?] = 0;
    let mut head = 0;
    while head < queue.len() {
        let v = queue[head];
        head += 1;
        let lv = local(v)?;
        let dv = dist[lv];
        let (start, end) = ranges[lv];
        for &(_, _, t) in &intra[start as usize..end as usize] {
            let lt = local(t)?;
            if dist[lt] == u32::MAX {
                dist[lt] = dv + 1;
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
    let breaks = |skip: EdgeIdx| acyclic_without(sorted, intra, skip);
    if intra.len() <= MAX_TESTED_REFERENCES {
        if breaks(back.1) {
            return Some(BreakSuggestion {
                from: back.0,
                edge: back.1,
                to: back.2,
                breaks_all: true,
                reason: format!(
                    "the back reference into the cycle's entry ({where_}); removing it (e.g. making it a weakref) breaks the cycle"
                ),
            });
        }
        if let Some(&(f, e, t)) = intra.iter().find(|&&(_, e, _)| breaks(e)) {
            return Some(BreakSuggestion {
                from: f,
                edge: e,
                to: t,
                breaks_all: true,
                reason: "the only reference whose removal leaves the members without a loop".to_string(),
            });
        }
        return Some(BreakSuggestion {
            from: back.0,
            edge: back.1,
            to: back.2,
            breaks_all: false,
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
        reason: format!("the back reference into the cycle's entry ({where_}); the cycle is too large to check that this alone breaks it"),
    })
}

/// Whether the members are acyclic once edge `skip` is removed (Kahn's algorithm).
fn acyclic_without(sorted: &[ObjIdx], intra: &[(ObjIdx, EdgeIdx, ObjIdx)], skip: EdgeIdx) -> bool {
    let local = |o: ObjIdx| sorted.binary_search(&o).unwrap_or(0);
    let mut indegree = vec![0u32; sorted.len()];
    for &(_, e, t) in intra {
        if e != skip {
            indegree[local(t)] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..sorted.len()).filter(|&i| indegree[i] == 0).collect();
    let mut done = 0;
    while let Some(i) = ready.pop() {
        done += 1;
        let v = sorted[i];
        for &(_, e, t) in intra.iter().filter(|(f, _, _)| *f == v) {
            if e != skip {
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
            let cycles = a.cycles(heap);
            let steps = work::take();
            assert_eq!((cycles.len(), cycles[0].types.len()), (1, n));
            assert!(steps <= 4 * (2 * n as u64), "{steps} steps for a ring of {n}");
        }
    }
}
