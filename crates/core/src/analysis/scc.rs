//! Strongly connected components of the strong-reference graph, by an
//! iterative Tarjan (heaps are deep: no recursion). Only the components that
//! hold a cycle are kept: two or more objects, or one that refers to itself.
//!
//! petgraph's `tarjan_scc` is recursive (its documentation says so) and
//! overflows the stack on a 10^5-long chain, so it serves only as the test
//! oracle.

use crate::analysis::strong_view::{BitSet, StrongView};
use crate::graph::{EdgeIdx, ObjIdx};

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
pub fn cyclic_components(view: &StrongView) -> Components {
    let n = view.node_count();
    let g = view.graph;
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0u32; n];
    let mut on_stack = BitSet::new(n);
    let mut stack: Vec<ObjIdx> = Vec::new();
    // (node, next edge to look at, end of its edges)
    let mut call: Vec<(ObjIdx, EdgeIdx, EdgeIdx)> = Vec::new();
    let mut counter = 0u32;
    let mut out = Components { members: Vec::new(), offsets: vec![0] };
    for start in 0..n as ObjIdx {
        if index[start as usize] != UNVISITED || view.exclusions.excludes_object(start) {
            continue;
        }
        let visit = |v: ObjIdx, index: &mut [u32], low: &mut [u32], counter: &mut u32| {
            index[v as usize] = *counter;
            low[v as usize] = *counter;
            *counter += 1;
        };
        visit(start, &mut index, &mut low, &mut counter);
        stack.push(start);
        on_stack.insert(start as usize);
        let r = g.out_edges(start);
        call.push((start, r.start, r.end));
        while let Some(frame) = call.last_mut() {
            let (v, cursor, end) = *frame;
            if cursor < end {
                frame.1 += 1;
                if !view.edge_ok(v, cursor) {
                    continue;
                }
                let w = g.target(cursor);
                if index[w as usize] == UNVISITED {
                    visit(w, &mut index, &mut low, &mut counter);
                    stack.push(w);
                    on_stack.insert(w as usize);
                    let r = g.out_edges(w);
                    call.push((w, r.start, r.end));
                } else if on_stack.contains(w as usize) {
                    low[v as usize] = low[v as usize].min(index[w as usize]);
                }
                continue;
            }
            call.pop();
            if let Some(&(parent, _, _)) = call.last() {
                low[parent as usize] = low[parent as usize].min(low[v as usize]);
            }
            if low[v as usize] == index[v as usize] {
                let Some(at) = stack.iter().rposition(|&x| x == v) else { continue };
                let size = stack.len() - at;
                let cyclic = size > 1 || view.successors(v).any(|t| t == v);
                for &m in &stack[at..] {
                    on_stack.remove(m as usize);
                }
                if cyclic {
                    out.members.extend_from_slice(&stack[at..]);
                    out.offsets.push(out.members.len() as u32);
                }
                stack.truncate(at);
            }
        }
    }
    out
}
