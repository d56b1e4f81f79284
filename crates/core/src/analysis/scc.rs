//! Strongly connected components of the strong-reference graph, by an
//! iterative Tarjan (heaps are deep: no recursion). Only the components that
//! hold a cycle are kept: two or more objects, or one that refers to itself.
//!
//! petgraph's `tarjan_scc` is recursive (its documentation says so) and
//! overflows the stack on a 10^5-long chain, so it serves only as the test
//! oracle.

use crate::analysis::strong_view::StrongView;
use crate::graph::{EdgeIdx, ObjIdx};
use crate::prefetch::prefetch;

const UNVISITED: u32 = u32::MAX;

/// The cyclic components, flattened: component `c` is
/// `members[offsets[c]..offsets[c + 1]]`.
#[derive(Debug, Clone, Default)]
pub struct Components {
    members: Vec<ObjIdx>,
    offsets: Vec<u32>,
}

impl Components {
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, c: usize) -> &[ObjIdx] {
        &self.members[self.offsets[c] as usize..self.offsets[c + 1] as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = &[ObjIdx]> + '_ {
        (0..self.len()).map(move |c| self.get(c))
    }
}

/// Every strongly connected component that contains a cycle.
///
/// One random-access array per object (`index`), in the manner of Pearce's
/// space-efficient variant: a vertex's low-link lives in its call frame
/// (it is only read while the vertex is being explored), and a vertex whose
/// component is complete gets the index [`DONE`], larger than every live
/// index, so `min(low, index[w])` ignores it without an on-stack set. Same
/// depth-first order, stack and components as the textbook algorithm.
pub fn cyclic_components(view: &StrongView) -> Components {
    let n = view.node_count();
    let g = view.graph;
    let mut index = vec![UNVISITED; n];
    let mut stack: Vec<ObjIdx> = Vec::new();
    let mut call: Vec<Frame> = Vec::new();
    let mut counter = 0u32;
    let mut out = Components { members: Vec::new(), offsets: vec![0] };
    let (targets, _) = g.out_columns();
    let out_offsets = g.out_offsets();
    for start in 0..n as ObjIdx {
        if index[start as usize] != UNVISITED || view.exclusions.excludes_object(start) {
            continue;
        }
        call.push(Frame::enter(start, &mut index, &mut counter, &mut stack, g.out_edges(start)));
        while let Some(frame) = call.last_mut() {
            if frame.cursor < frame.end {
                let (v, cursor) = (frame.vertex, frame.cursor);
                frame.cursor += 1;
                // The index and edge offsets of the target 4 edges on: misses
                // of their own on heaps larger than the caches (a hint only).
                if cursor.saturating_add(4) < frame.end {
                    let t = targets[(cursor + 4) as usize] as usize;
                    prefetch(&index, t);
                    prefetch(out_offsets, t);
                }
                if !view.edge_ok(v, cursor) {
                    continue;
                }
                let w = g.target(cursor);
                let iw = index[w as usize];
                if iw == UNVISITED {
                    call.push(Frame::enter(w, &mut index, &mut counter, &mut stack, g.out_edges(w)));
                } else {
                    // A vertex of a completed component has index DONE, above every low-link.
                    frame.low = frame.low.min(iw);
                    frame.self_loop |= w == v;
                }
                continue;
            }
            let done = *frame;
            call.pop();
            if let Some(parent) = call.last_mut() {
                parent.low = parent.low.min(done.low);
            }
            if done.low == done.index {
                let at = done.at as usize;
                let size = stack.len() - at;
                for &m in &stack[at..] {
                    index[m as usize] = DONE;
                }
                if size > 1 || done.self_loop {
                    out.members.extend_from_slice(&stack[at..]);
                    out.offsets.push(out.members.len() as u32);
                }
                stack.truncate(at);
            }
        }
    }
    out
}

/// The index of a vertex whose component is complete: above every index a
/// live vertex can have (there are fewer than `u32::MAX - 1` objects).
const DONE: u32 = UNVISITED - 1;

/// A vertex being explored: its next edge, its low-link and where it sits on
/// the component stack.
#[derive(Debug, Clone, Copy)]
struct Frame {
    vertex: ObjIdx,
    cursor: EdgeIdx,
    end: EdgeIdx,
    index: u32,
    low: u32,
    /// Position of the vertex on the component stack.
    at: u32,
    /// Whether the vertex refers to itself.
    self_loop: bool,
}

impl Frame {
    #[inline(always)]
    fn enter(v: ObjIdx, index: &mut [u32], counter: &mut u32, stack: &mut Vec<ObjIdx>, edges: std::ops::Range<EdgeIdx>) -> Frame {
        let i = *counter;
        *counter += 1;
        index[v as usize] = i;
        let at = stack.len() as u32;
        stack.push(v);
        Frame { vertex: v, cursor: edges.start, end: edges.end, index: i, low: i, at, self_loop: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::strong_view::{BitSet, Exclusions};
    use crate::graph::{EdgeLabel, Graph};
    use crate::model::RefKind;
    use crate::strings::NO_STRING;

    /// The textbook recursive Tarjan (low-link array, on-stack set), starts
    /// in index order: the order the components and their members must keep.
    fn textbook(view: &StrongView) -> Vec<Vec<ObjIdx>> {
        struct T<'a> {
            view: &'a StrongView<'a>,
            index: Vec<u32>,
            low: Vec<u32>,
            on_stack: BitSet,
            stack: Vec<ObjIdx>,
            counter: u32,
            out: Vec<Vec<ObjIdx>>,
        }
        fn visit(t: &mut T, v: ObjIdx) {
            t.index[v as usize] = t.counter;
            t.low[v as usize] = t.counter;
            t.counter += 1;
            t.stack.push(v);
            t.on_stack.insert(v as usize);
            for w in t.view.successors(v).collect::<Vec<_>>() {
                if t.index[w as usize] == UNVISITED {
                    visit(t, w);
                    t.low[v as usize] = t.low[v as usize].min(t.low[w as usize]);
                } else if t.on_stack.contains(w as usize) {
                    t.low[v as usize] = t.low[v as usize].min(t.index[w as usize]);
                }
            }
            if t.low[v as usize] == t.index[v as usize] {
                let at = t.stack.iter().rposition(|&x| x == v).unwrap();
                let members = t.stack.split_off(at);
                for &m in &members {
                    t.on_stack.remove(m as usize);
                }
                if members.len() > 1 || t.view.successors(v).any(|x| x == v) {
                    t.out.push(members);
                }
            }
        }
        let n = view.node_count();
        let mut t =
            T { view, index: vec![UNVISITED; n], low: vec![0; n], on_stack: BitSet::new(n), stack: vec![], counter: 0, out: vec![] };
        for v in 0..n as ObjIdx {
            if t.index[v as usize] == UNVISITED && !view.exclusions.excludes_object(v) {
                visit(&mut t, v);
            }
        }
        t.out
    }

    /// Components and their members come out in the textbook algorithm's
    /// order (cycles and suspects list them in it), on random graphs with
    /// self-references, weak references, references into completed
    /// components and excluded objects.
    #[test]
    fn components_keep_the_textbook_order() {
        let mut rng = crate::test_rng::Lcg::new(0x2545_f491_4f6c_dd1d);
        let mut next = |m: u32| rng.below(u64::from(m)) as u32;
        let mut cyclic = 0;
        for round in 0..40 {
            let n = 20 + next(200);
            let m = next(3 * n);
            let (mut from, mut to, mut labels) = (vec![], vec![], vec![]);
            for _ in 0..m {
                let f = next(n);
                let t = if next(8) == 0 { f } else { next(n) };
                from.push(f);
                to.push(t);
                labels.push(EdgeLabel::new(if next(6) == 0 { RefKind::Weak } else { RefKind::Index }, NO_STRING));
            }
            let graph = Graph::from_edges(n as usize, from, to, labels);
            let mut exclusions = Exclusions::none();
            if round % 2 == 1 {
                exclusions.exclude_object(next(n));
                exclusions.exclude_edge(&graph, next(m.max(1)));
            }
            let view = StrongView::new(&graph, &exclusions);
            let got: Vec<Vec<ObjIdx>> = cyclic_components(&view).iter().map(<[ObjIdx]>::to_vec).collect();
            assert_eq!(got, textbook(&view), "round {round}");
            cyclic += got.iter().filter(|c| c.len() > 1).count();
        }
        assert!(cyclic > 20, "the graphs have cycles ({cyclic})");
    }
}
