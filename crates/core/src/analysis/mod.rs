//! Heap analyses: small, pure functions over a loaded [`Heap`], and
//! [`Analysis`], the results computed once after load that every query
//! reuses.
//!
//! All of them walk strong references only ([`strong_view`]): a weak
//! reference never keeps anything alive.

pub mod aggregate;
pub mod cycles;
pub mod diff;
pub mod distance;
pub mod dominators;
pub mod growth;
pub mod owner;
pub mod retainers;
pub mod scc;
pub mod search;
pub mod strong_view;
pub mod suspects;
pub mod tracemalloc;
pub mod types;
pub(crate) mod work;

use crate::graph::ObjIdx;
use crate::model::{Heap, Snapshot};

use aggregate::{AggregateOptions, AggregateRow};
use cycles::Cycle;
use distance::Distances;
use dominators::DominatorTree;
use owner::Owners;
use retainers::RetainerPaths;
use scc::Components;
use strong_view::{BitSet, Exclusions, StrongView};
use suspects::Suspect;
use types::TypeIndex;

/// What is computed once per heap: distances, the dominator tree with
/// retained sizes, the cyclic components and the per-type table.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Distinct root objects in root order.
    pub roots: Vec<ObjIdx>,
    pub is_root: BitSet,
    pub types: TypeIndex,
    pub distances: Distances,
    pub dominators: DominatorTree,
    pub components: Components,
    /// Per-type rows (no `__dict__` folding), largest retained first.
    pub by_type: Vec<AggregateRow>,
    /// Who owns each object: the application, third-party code or the interpreter.
    pub owners: Owners,
}

/// How much of the analysis [`Analysis::of_heap_to`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Depth {
    Everything,
    Retention,
}

impl Analysis {
    /// Bytes an analysis of `heap` allocates beyond the loaded heap, at
    /// least (docs/perf-native.md: ≈ 160 B per object in all, at 4.7
    /// references per object, of which ≈ 90 are the loaded heap).
    pub fn memory_estimate(heap: &Heap) -> u64 {
        heap.object_count() as u64 * 96 + heap.reference_count() as u64 * 8
    }

    /// Analyses the snapshot's heap; `None` when it has none (tracemalloc only).
    pub fn compute(snapshot: &Snapshot) -> Option<Analysis> {
        snapshot.heap.as_ref().map(|heap| Analysis::of_heap(snapshot, heap))
    }

    pub fn of_heap(snapshot: &Snapshot, heap: &Heap) -> Analysis {
        Analysis::of_heap_to(snapshot, heap, Depth::Everything)
    }

    /// What a command that prints only retention needs — roots, types,
    /// distances and the dominator tree with retained sizes (what memlab's
    /// full-heap analysis computes): `components`, `by_type` and `owners`
    /// are left empty, so the cycle, per-type and ownership queries must not
    /// be asked of it.
    pub fn retention_only(snapshot: &Snapshot, heap: &Heap) -> Analysis {
        Analysis::of_heap_to(snapshot, heap, Depth::Retention)
    }

    fn of_heap_to(snapshot: &Snapshot, heap: &Heap, depth: Depth) -> Analysis {
        let n = heap.object_count();
        let mut is_root = BitSet::new(n);
        let mut roots = Vec::new();
        for r in &heap.roots {
            if (r.object as usize) < n && !is_root.contains(r.object as usize) {
                is_root.insert(r.object as usize);
                roots.push(r.object);
            }
        }
        let none = Exclusions::none();
        let view = StrongView::new(&heap.graph, &none);
        // The dominator tree is the longest step; natively it runs beside the
        // others (the browser worker has one thread and runs them in turn).
        let everything = depth == Depth::Everything;
        let ((types, distances, components), dominators) = crate::parallel::join(
            || {
                let components = if everything { scc::cyclic_components(&view) } else { Components::default() };
                (TypeIndex::new(&snapshot.strings, heap), distance::distances(&view, &roots), components)
            },
            || dominators::dominator_tree(&view, &roots, &heap.size_bytes),
        );
        // Both read the dominator tree: side by side as well.
        let (by_type, owners) = if everything {
            crate::parallel::join(
                || aggregate::aggregate(heap, &types, &dominators, None, AggregateOptions::default()),
                || Owners::compute(snapshot, heap, &types, &distances, &dominators),
            )
        } else {
            (Vec::new(), Owners::default())
        };
        Analysis { roots, is_root, types, distances, dominators, components, by_type, owners }
    }

    /// The `k` shortest strong paths from a root to `target`, ignoring the
    /// excluded objects and references (distances are recomputed then).
    pub fn retainer_paths(&self, snapshot: &Snapshot, heap: &Heap, target: ObjIdx, k: usize, exclusions: &Exclusions) -> RetainerPaths {
        let view = StrongView::new(&heap.graph, exclusions);
        if exclusions.is_empty() {
            retainers::retainer_paths(snapshot, heap, &view, &self.distances, &self.is_root, target, k)
        } else {
            let distances = distance::distances(&view, &self.roots);
            retainers::retainer_paths(snapshot, heap, &view, &distances, &self.is_root, target, k)
        }
    }

    /// The dominator tree as it would be without the excluded objects and
    /// references ("what does this retainer cost?").
    pub fn dominators_without(&self, heap: &Heap, exclusions: &Exclusions) -> DominatorTree {
        let view = StrongView::new(&heap.graph, exclusions);
        dominators::dominator_tree(&view, &self.roots, &heap.size_bytes)
    }

    pub fn cycles(&self, snapshot: &Snapshot, heap: &Heap) -> Vec<Cycle> {
        let none = Exclusions::none();
        let view = StrongView::new(&heap.graph, &none);
        cycles::cycles(snapshot, heap, &view, &self.types, &self.components, &self.distances, &self.dominators, &self.owners)
    }

    pub fn suspects(&self, snapshot: &Snapshot, heap: &Heap, limit: usize) -> Vec<Suspect> {
        suspects::suspects(snapshot, heap, self, limit)
    }

    pub fn aggregate(&self, heap: &Heap, options: AggregateOptions) -> Vec<AggregateRow> {
        aggregate::aggregate(heap, &self.types, &self.dominators, Some(&self.owners), options)
    }

    pub fn search(&self, snapshot: &Snapshot, heap: &Heap, query: &str, limit: usize) -> search::Found {
        search::search(snapshot, heap, &self.types, query, limit)
    }
}
