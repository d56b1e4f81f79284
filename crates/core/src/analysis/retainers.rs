//! Who keeps an object alive: its immediate referrers, and the K shortest
//! strong paths from the roots to it.
//!
//! Paths are searched backwards from the object, best-first, with the exact
//! distance from the roots as the heuristic, so the first path found is a
//! shortest one and the following ones come in order of length. A path ends
//! at the first root met; paths differ as object sequences (when one object
//! refers to the next in several ways, the first strong reference is shown).
//! To "ignore a retainer", compute distances with that edge or object in
//! [`Exclusions`](crate::analysis::strong_view::Exclusions) and search again.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::analysis::distance::{Distances, UNREACHABLE};
use crate::analysis::strong_view::{BitSet, StrongView};
use crate::graph::{EdgeIdx, ObjIdx};
use crate::model::{Heap, RefKind, Snapshot};

/// Search states explored before giving up on finding more paths.
pub const MAX_SEARCH_STATES: usize = 200_000;

/// One reference of a path or referrer list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub from: ObjIdx,
    pub edge: EdgeIdx,
    pub to: ObjIdx,
    pub kind: RefKind,
    /// How the reference reads, e.g. `['req-42']`, `.cache`, `[3]`.
    pub label: String,
    pub strong: bool,
}

/// A path from a root (`steps[0].from`) to the object (`steps.last().to`).
/// A root's own path has no steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetainerPath {
    pub root: ObjIdx,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Default)]
pub struct RetainerPaths {
    pub paths: Vec<RetainerPath>,
    /// The search stopped at [`MAX_SEARCH_STATES`]; more paths may exist.
    pub truncated: bool,
    /// Whether any root reaches the target through the references searched
    /// (with ignored retainers left out).
    pub reachable: bool,
}

/// Describes edge `edge` (`from → to`).
pub fn step(snapshot: &Snapshot, heap: &Heap, from: ObjIdx, edge: EdgeIdx) -> Step {
    let label = heap.graph.label(edge);
    let name = snapshot.strings.get(label.name());
    Step { from, edge, to: heap.graph.target(edge), kind: label.kind(), label: label.kind().display(name), strong: label.is_strong() }
}

/// Every reference to `object`, weak ones included, in referrer order.
pub fn referrers(snapshot: &Snapshot, heap: &Heap, object: ObjIdx) -> Vec<Step> {
    if object as usize >= heap.object_count() {
        return Vec::new();
    }
    heap.graph.incoming(object).map(|(from, edge)| step(snapshot, heap, from, edge)).collect()
}

/// The `k` shortest strong paths from a root to `target` in `view`;
/// `distances` must have been computed over the same view.
pub fn retainer_paths(
    snapshot: &Snapshot,
    heap: &Heap,
    view: &StrongView,
    distances: &Distances,
    is_root: &BitSet,
    target: ObjIdx,
    k: usize,
) -> RetainerPaths {
    let mut out = RetainerPaths { reachable: distances.get(target).is_some(), ..RetainerPaths::default() };
    if k == 0 || !out.reachable {
        return out;
    }
    let depth = |o: ObjIdx| distances.depth[o as usize];
    let mut states = vec![SearchState { node: target, next: u32::MAX, len: 0, min_depth: depth(target) }];
    // (f = depth + suffix length, deeper suffix first, state)
    let mut queue = BinaryHeap::new();
    queue.push(Reverse((depth(target), Reverse(0u32), 0u32)));
    while let Some(Reverse((_, _, s))) = queue.pop() {
        let (node, len, min_depth) = (states[s as usize].node, states[s as usize].len, states[s as usize].min_depth);
        if is_root.contains(node as usize) {
            out.paths.push(materialize(snapshot, heap, view, &states, s));
            if out.paths.len() >= k {
                break;
            }
            continue;
        }
        if states.len() >= MAX_SEARCH_STATES {
            out.truncated = true;
            break;
        }
        let mut previous = u32::MAX;
        for y in view.predecessors(node) {
            if y == previous {
                continue;
            }
            previous = y;
            let dy = depth(y);
            if dy == UNREACHABLE {
                continue;
            }
            if dy >= min_depth {
                // y may already be on this suffix: walk it.
                let mut at = s;
                let mut seen = false;
                while at != u32::MAX {
                    if states[at as usize].node == y {
                        seen = true;
                        break;
                    }
                    at = states[at as usize].next;
                }
                if seen {
                    continue;
                }
            }
            let id = states.len() as u32;
            states.push(SearchState { node: y, next: s, len: len + 1, min_depth: min_depth.min(dy) });
            queue.push(Reverse((dy + len + 1, Reverse(len + 1), id)));
        }
    }
    out
}

/// A suffix of a candidate path: `node`, then the suffix `next`.
struct SearchState {
    node: ObjIdx,
    /// The state this one extends (towards the target), or `u32::MAX`.
    next: u32,
    len: u32,
    /// Least distance among the nodes of this suffix: a node with a smaller
    /// distance cannot be on it.
    min_depth: u32,
}

fn materialize(snapshot: &Snapshot, heap: &Heap, view: &StrongView, states: &[SearchState], start: u32) -> RetainerPath {
    let root = states[start as usize].node;
    let mut steps = Vec::new();
    let mut at = start;
    loop {
        let next = states[at as usize].next;
        if next == u32::MAX {
            break;
        }
        let (from, to) = (states[at as usize].node, states[next as usize].node);
        if let Some(edge) = view.edge_between(from, to) {
            steps.push(step(snapshot, heap, from, edge));
        }
        at = next;
    }
    RetainerPath { root, steps }
}
