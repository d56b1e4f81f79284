//! Distance of every object from the roots: a breadth-first search over
//! strong references from all roots at once.

use crate::analysis::strong_view::StrongView;
use crate::graph::ObjIdx;
use crate::prefetch::prefetch;

/// The distance of an object no root reaches.
pub const UNREACHABLE: u32 = u32::MAX;

#[derive(Debug, Clone, Default)]
pub struct Distances {
    /// References on the shortest strong path from any root (roots: 0), or
    /// [`UNREACHABLE`].
    pub depth: Vec<u32>,
    pub reachable_count: usize,
    pub max_depth: u32,
}

impl Distances {
    pub fn get(&self, object: ObjIdx) -> Option<u32> {
        self.depth.get(object as usize).copied().filter(|&d| d != UNREACHABLE)
    }

    pub fn is_reachable(&self, object: ObjIdx) -> bool {
        self.get(object).is_some()
    }

    /// Objects that no root reaches through strong references, in index order.
    pub fn unreachable(&self) -> impl Iterator<Item = ObjIdx> + '_ {
        self.depth.iter().enumerate().filter(|(_, &d)| d == UNREACHABLE).map(|(i, _)| i as ObjIdx)
    }
}

/// BFS from `roots` (out-of-range or excluded roots are skipped).
pub fn distances(view: &StrongView, roots: &[ObjIdx]) -> Distances {
    let n = view.node_count();
    let mut depth = vec![UNREACHABLE; n];
    // Every reached object once: sized once (see the dominator tree's `vertex`).
    let mut queue: Vec<ObjIdx> = Vec::with_capacity(n);
    for &r in roots {
        if (r as usize) < n && depth[r as usize] == UNREACHABLE && !view.exclusions.excludes_object(r) {
            depth[r as usize] = 0;
            queue.push(r);
        }
    }
    let mut head = 0;
    let mut max_depth = 0;
    let (targets, _) = view.graph.out_columns();
    let out_offsets = view.graph.out_offsets();
    while head < queue.len() {
        // Prefetch ahead in the queue: the edge offsets of the object 16
        // places on, the targets of the one 12 places on, then the depths of
        // the first targets of the one 8 places on.
        if let Some(&ahead) = queue.get(head + 16) {
            prefetch(out_offsets, ahead as usize);
        }
        if let Some(&ahead) = queue.get(head + 12) {
            prefetch(targets, out_offsets[ahead as usize] as usize);
        }
        if let Some(&ahead) = queue.get(head + 8) {
            let start = out_offsets[ahead as usize] as usize;
            let end = (out_offsets[ahead as usize + 1] as usize).min(start + 8);
            for &t in &targets[start..end] {
                prefetch(&depth, t as usize);
            }
        }
        let v = queue[head];
        head += 1;
        let d = depth[v as usize] + 1;
        for t in view.successors(v) {
            if depth[t as usize] == UNREACHABLE {
                depth[t as usize] = d;
                max_depth = d;
                queue.push(t);
            }
        }
    }
    Distances { reachable_count: queue.len(), depth, max_depth }
}
