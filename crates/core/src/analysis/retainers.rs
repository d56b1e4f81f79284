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
use std::collections::{BinaryHeap, HashMap};

use crate::analysis::distance::{Distances, UNREACHABLE};
use crate::analysis::strong_view::{BitSet, StrongView};
use crate::graph::{EdgeIdx, ObjIdx};
use crate::model::{Heap, RefKind, Snapshot};

/// Search states kept before giving up on finding more paths (the memory
/// bound): this many, plus [`SEARCH_STATES_PER_OBJECT`] per object of the
/// heap, so that a few paths as long as the heap is deep always fit.
pub const MAX_SEARCH_STATES: usize = 200_000;
pub const SEARCH_STATES_PER_OBJECT: usize = 1;
/// The search's work budget: [`WORK_PER_ELEMENT`] steps per object and
/// reference of the heap, plus this. A step is one referrer looked at or one
/// suffix entry walked, so the search is linear in the graph however many
/// equally short paths it holds (a "ladder" has exponentially many).
pub const BASE_SEARCH_WORK: u64 = 2_000_000;
pub const WORK_PER_ELEMENT: u64 = 1;
/// References described in the paths returned, all paths together: the
/// first path is returned whole however long it is, a following one only
/// while the total stays within this (the output's memory bound: a path
/// down a linked list of 10^6 nodes is 10^6 steps, and K of them K·10^6).
pub const MAX_PATH_STEPS: usize = 1_000_000;
/// An object with more strong references than this is a hub: the step
/// from it to the next object of a path is found in an index of its
/// references built once per search, not by scanning them again per path.
const HUB_OUT_DEGREE: usize = 64;

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

/// A long path (a linked list's: one of 10^5 nodes is 10^5 references) is
/// shown — on the page, in the CLI's text — as its first `SHOWN_HEAD_STEPS`
/// references (where it is held), the count left out, and its last
/// `SHOWN_TAIL_STEPS` (what holds the object). JSON output keeps every step.
pub const SHOWN_HEAD_STEPS: usize = 8;
pub const SHOWN_TAIL_STEPS: usize = 24;

impl RetainerPath {
    /// How many references in the middle are left out when it is shown
    /// (0 for a path of at most `SHOWN_HEAD_STEPS + SHOWN_TAIL_STEPS + 1`).
    pub fn left_out_when_shown(&self) -> usize {
        let n = self.steps.len();
        if n <= SHOWN_HEAD_STEPS + SHOWN_TAIL_STEPS + 1 {
            0
        } else {
            n - SHOWN_HEAD_STEPS - SHOWN_TAIL_STEPS
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct RetainerPaths {
    pub paths: Vec<RetainerPath>,
    /// The search stopped early (at its state or work budget, or at
    /// [`MAX_PATH_STEPS`]) before finding `k` paths; more paths may exist.
    pub truncated: bool,
    /// It stopped because the next path would pass [`MAX_PATH_STEPS`].
    pub step_bound_reached: bool,
    /// Steps the search took (referrers looked at, suffix entries walked,
    /// references scanned to describe a path).
    pub work: u64,
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

/// The references to an object: the first few, and how many there are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Referrers {
    /// At most the `limit` asked for, in referrer order.
    pub steps: Vec<Step>,
    /// Every reference to the object, weak ones included.
    pub total: usize,
}

/// The references to `object`, weak ones included, in referrer order: the
/// first `limit` are described, the rest only counted (an object with 10^6
/// referrers costs no more than one with `limit`).
pub fn referrers(snapshot: &Snapshot, heap: &Heap, object: ObjIdx, limit: usize) -> Referrers {
    if object as usize >= heap.object_count() {
        return Referrers::default();
    }
    let total = heap.graph.predecessors(object).len();
    let steps = heap.graph.incoming(object).take(limit).map(|(from, edge)| step(snapshot, heap, from, edge)).collect();
    Referrers { steps, total }
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
    let max_states = MAX_SEARCH_STATES + SEARCH_STATES_PER_OBJECT * heap.object_count();
    let budget = BASE_SEARCH_WORK + WORK_PER_ELEMENT * (heap.object_count() as u64 + heap.reference_count() as u64);
    let mut states = vec![SearchState { node: target, next: u32::MAX, len: 0, min_depth: depth(target) }];
    // (f = depth + suffix length, deeper suffix first, state)
    let mut queue = BinaryHeap::new();
    queue.push(Reverse((depth(target), Reverse(0u32), 0u32)));
    let mut edges = EdgeFinder::default();
    let mut steps_kept = 0usize;
    while let Some(Reverse((_, _, s))) = queue.pop() {
        let (node, len, min_depth, next) =
            (states[s as usize].node, states[s as usize].len, states[s as usize].min_depth, states[s as usize].next);
        // Paths are simple: a state whose node is already on its suffix is
        // dropped. Checked when popped, not when pushed (most pushed states
        // are never popped), and only when the node is not nearer the roots
        // than every node of the suffix (then it cannot be on it).
        if next != u32::MAX && depth(node) >= states[next as usize].min_depth {
            let mut at = next;
            let mut seen = false;
            while at != u32::MAX {
                out.work += 1;
                if states[at as usize].node == node {
                    seen = true;
                    break;
                }
                at = states[at as usize].next;
            }
            if seen {
                continue;
            }
        }
        if is_root.contains(node as usize) {
            if !out.paths.is_empty() && (steps_kept + len as usize > MAX_PATH_STEPS || out.work + u64::from(len) > budget) {
                out.truncated = true;
                out.step_bound_reached = steps_kept + len as usize > MAX_PATH_STEPS;
                break;
            }
            steps_kept += len as usize;
            out.paths.push(materialize(snapshot, heap, view, &states, s, &mut edges, &mut out.work));
            if out.paths.len() >= k {
                break;
            }
            continue;
        }
        if states.len() >= max_states || out.work >= budget {
            out.truncated = true;
            break;
        }
        let mut previous = u32::MAX;
        for y in view.predecessors(node) {
            out.work += 1;
            if y == previous {
                continue;
            }
            previous = y;
            let dy = depth(y);
            if dy == UNREACHABLE || y == node {
                continue;
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
    /// Least distance among the nodes of this suffix (this one included): a
    /// node with a smaller distance cannot be on it.
    min_depth: u32,
}

/// Finds the reference `from → to` that a path step stands for, counting
/// the references it scans as work.
#[derive(Default)]
struct EdgeFinder {
    /// Per hub: its first strong reference to each of its targets.
    hubs: HashMap<ObjIdx, HashMap<ObjIdx, EdgeIdx>>,
}

impl EdgeFinder {
    fn find(&mut self, view: &StrongView, from: ObjIdx, to: ObjIdx, work: &mut u64) -> Option<EdgeIdx> {
        let degree = view.graph.out_edges(from).len();
        if degree <= HUB_OUT_DEGREE {
            *work += degree as u64;
            return view.edge_between(from, to);
        }
        let index = self.hubs.entry(from).or_insert_with(|| {
            *work += degree as u64;
            let mut index = HashMap::new();
            for (e, t) in view.out_edges(from) {
                index.entry(t).or_insert(e);
            }
            index
        });
        *work += 1;
        index.get(&to).copied()
    }
}

fn materialize(
    snapshot: &Snapshot,
    heap: &Heap,
    view: &StrongView,
    states: &[SearchState],
    start: u32,
    edges: &mut EdgeFinder,
    work: &mut u64,
) -> RetainerPath {
    let root = states[start as usize].node;
    let mut steps = Vec::with_capacity(states[start as usize].len as usize);
    let mut at = start;
    loop {
        let next = states[at as usize].next;
        if next == u32::MAX {
            break;
        }
        let (from, to) = (states[at as usize].node, states[next as usize].node);
        if let Some(edge) = edges.find(view, from, to, work) {
            steps.push(step(snapshot, heap, from, edge));
        }
        at = next;
    }
    RetainerPath { root, steps }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::strong_view::Exclusions;
    use crate::Analysis;

    fn heap_of(count: usize, edges: Vec<(u32, u32)>) -> Snapshot {
        crate::test_heap::snapshot_of_edges(count, edges, 8)
    }

    /// A root over two chains `a` and `b` of `n` rungs, each rung joined both
    /// ways (`a_i ↔ b_i`), each step going up both chains (`a_i → a_i+1`,
    /// `b_i → b_i+1`): exponentially many paths, and every sideways step
    /// makes the search walk a long suffix.
    fn ladder(n: u32) -> Snapshot {
        let a = |i: u32| 1 + i;
        let b = |i: u32| 1 + n + i;
        let mut edges = vec![(0, a(0)), (0, b(0))];
        for i in 0..n {
            edges.extend([(a(i), b(i)), (b(i), a(i))]);
            if i + 1 < n {
                edges.extend([(a(i), a(i + 1)), (b(i), b(i + 1))]);
            }
        }
        heap_of((2 * n + 1) as usize, edges)
    }

    /// The path search's work stays within its linear budget on growing
    /// ladders (it used to walk a suffix per state: quadratic), still finds
    /// the shortest paths first, and says that it stopped early.
    #[test]
    fn ladder_search_work_is_linear_and_reported() {
        for n in [1_000u32, 4_000, 16_000] {
            let s = ladder(n);
            let heap = s.heap.as_ref().unwrap();
            let a = Analysis::of_heap(&s, heap);
            let target = n; // a_{n-1}
            let found = a.retainer_paths(&s, heap, target, 100_000, &Exclusions::none());
            let size = (heap.object_count() + heap.reference_count()) as u64;
            assert!(found.work <= BASE_SEARCH_WORK + WORK_PER_ELEMENT * size + size, "n={n}: {} steps for {size} elements", found.work);
            assert!(found.truncated, "n={n}: the search must say it stopped early");
            assert_eq!(found.paths[0].steps.len(), n as usize, "n={n}: the first path is a shortest one");
        }
    }

    /// The root refers to `middles` objects, each of which refers to the
    /// head of one chain of `chain` objects ending at the target: every path
    /// is `chain + 2` references long, and there are `middles` of them.
    /// Asking for many used to build them all (200 paths down a 10^6 chain:
    /// out of memory); now the paths listed hold at most `MAX_PATH_STEPS`
    /// references beyond the first, and the answer says it stopped.
    #[test]
    fn many_long_paths_are_listed_within_the_step_bound() {
        let (middles, chain) = (1_000u32, 100_000u32);
        let head = 1 + middles;
        let target = head + chain;
        let mut edges: Vec<(u32, u32)> = (1..=middles).flat_map(|m| [(0, m), (m, head)]).collect();
        edges.extend((head..target).map(|c| (c, c + 1)));
        let s = heap_of(target as usize + 1, edges);
        let heap = s.heap.as_ref().unwrap();
        let a = Analysis::of_heap(&s, heap);
        let found = a.retainer_paths(&s, heap, target, 200, &Exclusions::none());
        let longest = found.paths.iter().map(|p| p.steps.len()).max().unwrap();
        let total: usize = found.paths.iter().map(|p| p.steps.len()).sum();
        assert_eq!(longest, chain as usize + 2);
        assert!(found.paths.len() >= 2, "more than the first path fits: {}", found.paths.len());
        assert!(total <= MAX_PATH_STEPS + longest, "{total} steps listed");
        assert!(found.truncated && found.step_bound_reached, "the search must say it stopped before 200 paths, and why");
    }

    /// The root refers to 10^5 objects that all refer to the target: path
    /// `i` goes through the root's `i`-th reference. Describing the step
    /// out of the root scanned its references up to that one for each path
    /// (10^4 paths: 5×10^7 references, past the work budget, so the answer
    /// was cut short); the hub's index is built once.
    #[test]
    fn paths_through_a_hub_find_their_step_once() {
        let fan = 100_000u32;
        let target = fan + 1;
        let edges: Vec<(u32, u32)> = (1..=fan).flat_map(|m| [(0, m), (m, target)]).collect();
        let s = heap_of(target as usize + 1, edges);
        let heap = s.heap.as_ref().unwrap();
        let a = Analysis::of_heap(&s, heap);
        let found = a.retainer_paths(&s, heap, target, 10_000, &Exclusions::none());
        assert_eq!(found.paths.len(), 10_000);
        assert!(!found.truncated);
        assert!(found.work < 1_000_000, "{} steps", found.work);
        let middles: std::collections::HashSet<ObjIdx> = found.paths.iter().map(|p| p.steps[0].to).collect();
        assert_eq!(middles.len(), 10_000, "each path through another middle");
        assert!(found.paths.iter().all(|p| p.steps[0].from == 0 && p.steps[1].to == target));
    }
}
