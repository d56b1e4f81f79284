//! The strong-reference view of a heap: the graph with weak references and
//! any user-chosen exclusions ("ignore this retainer") left out.
//!
//! Every analysis walks the graph through this view. It also implements
//! petgraph's visit traits so petgraph's algorithms run on it unchanged (the
//! tests use them as oracles).

use std::collections::HashSet;

use petgraph::visit::{
    GraphBase, GraphRef, IntoNeighbors, IntoNeighborsDirected, IntoNodeIdentifiers, NodeCount, NodeIndexable, Visitable,
};
use petgraph::Direction;

use crate::graph::{EdgeIdx, Graph, ObjIdx};

/// Objects and references to leave out of an analysis, as if they did not
/// exist (an excluded object neither holds nor is held).
#[derive(Debug, Clone, Default)]
pub struct Exclusions {
    objects: HashSet<ObjIdx>,
    edges: HashSet<EdgeIdx>,
    /// `(from, to)` of each excluded edge, to filter incoming lists quickly.
    pairs: HashSet<(ObjIdx, ObjIdx)>,
}

impl Exclusions {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty() && self.edges.is_empty()
    }

    pub fn exclude_object(&mut self, object: ObjIdx) {
        self.objects.insert(object);
    }

    /// Excludes one reference. Out-of-range edges are ignored.
    pub fn exclude_edge(&mut self, graph: &Graph, edge: EdgeIdx) {
        if let Some(from) = graph.source(edge) {
            self.edges.insert(edge);
            self.pairs.insert((from, graph.target(edge)));
        }
    }

    pub fn excludes_object(&self, object: ObjIdx) -> bool {
        !self.objects.is_empty() && self.objects.contains(&object)
    }

    pub fn excludes_edge(&self, edge: EdgeIdx) -> bool {
        !self.edges.is_empty() && self.edges.contains(&edge)
    }
}

/// The graph restricted to strong, non-excluded references.
#[derive(Debug, Clone, Copy)]
pub struct StrongView<'a> {
    pub graph: &'a Graph,
    pub exclusions: &'a Exclusions,
}

impl<'a> StrongView<'a> {
    pub fn new(graph: &'a Graph, exclusions: &'a Exclusions) -> Self {
        StrongView { graph, exclusions }
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Whether edge `edge` (leaving `from`) is part of the view.
    #[inline(always)]
    pub fn edge_ok(&self, from: ObjIdx, edge: EdgeIdx) -> bool {
        let g = self.graph;
        !g.is_weak_edge(edge)
            && (self.exclusions.is_empty()
                || !(self.exclusions.excludes_edge(edge)
                    || self.exclusions.excludes_object(from)
                    || self.exclusions.excludes_object(g.target(edge))))
    }

    /// `(edge, target)` of each strong reference leaving `node`.
    pub fn out_edges(&self, node: ObjIdx) -> impl Iterator<Item = (EdgeIdx, ObjIdx)> + 'a {
        let this = *self;
        self.graph.out_edges(node).filter(move |&e| this.edge_ok(node, e)).map(move |e| (e, this.graph.target(e)))
    }

    pub fn successors(&self, node: ObjIdx) -> impl Iterator<Item = ObjIdx> + 'a {
        self.out_edges(node).map(|(_, t)| t)
    }

    /// Sources of strong references to `node`, one entry per reference.
    pub fn predecessors(&self, node: ObjIdx) -> impl Iterator<Item = ObjIdx> + 'a {
        let this = *self;
        let excluded_target = self.exclusions.excludes_object(node);
        self.graph.strong_predecessors(node).filter(move |&src| {
            if excluded_target || this.exclusions.is_empty() {
                return !excluded_target;
            }
            if this.exclusions.excludes_object(src) {
                return false;
            }
            if this.exclusions.pairs.contains(&(src, node)) {
                // Some reference src → node was excluded; keep src if another is not.
                return this.out_edges(src).any(|(_, t)| t == node);
            }
            true
        })
    }

    /// The first strong reference `from → to` in the view, if any.
    pub fn edge_between(&self, from: ObjIdx, to: ObjIdx) -> Option<EdgeIdx> {
        self.out_edges(from).find(|&(_, t)| t == to).map(|(e, _)| e)
    }
}

impl GraphBase for StrongView<'_> {
    type NodeId = ObjIdx;
    type EdgeId = EdgeIdx;
}

impl GraphRef for StrongView<'_> {}

impl NodeCount for StrongView<'_> {
    fn node_count(&self) -> usize {
        self.graph.node_count()
    }
}

impl NodeIndexable for StrongView<'_> {
    fn node_bound(&self) -> usize {
        self.graph.node_count()
    }
    fn to_index(&self, a: ObjIdx) -> usize {
        a as usize
    }
    fn from_index(&self, i: usize) -> ObjIdx {
        i as ObjIdx
    }
}

impl<'a> IntoNeighbors for StrongView<'a> {
    type Neighbors = Box<dyn Iterator<Item = ObjIdx> + 'a>;
    fn neighbors(self, a: ObjIdx) -> Self::Neighbors {
        Box::new(self.successors(a))
    }
}

impl<'a> IntoNeighborsDirected for StrongView<'a> {
    type NeighborsDirected = Box<dyn Iterator<Item = ObjIdx> + 'a>;
    fn neighbors_directed(self, a: ObjIdx, d: Direction) -> Self::NeighborsDirected {
        match d {
            Direction::Outgoing => Box::new(self.successors(a)),
            Direction::Incoming => Box::new(self.predecessors(a)),
        }
    }
}

impl IntoNodeIdentifiers for StrongView<'_> {
    type NodeIdentifiers = std::ops::Range<ObjIdx>;
    fn node_identifiers(self) -> Self::NodeIdentifiers {
        0..self.graph.node_count() as ObjIdx
    }
}

impl Visitable for StrongView<'_> {
    type Map = fixedbitset::FixedBitSet;
    fn visit_map(&self) -> Self::Map {
        fixedbitset::FixedBitSet::with_capacity(self.graph.node_count())
    }
    fn reset_map(&self, map: &mut Self::Map) {
        map.clear();
        map.grow(self.graph.node_count());
    }
}

/// A growable bit set over object indices.
#[derive(Debug, Clone, Default)]
pub struct BitSet(Vec<u64>);

impl BitSet {
    pub fn new(len: usize) -> Self {
        BitSet(vec![0; len.div_ceil(64)])
    }
    #[inline]
    pub fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    #[inline]
    pub fn remove(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
    #[inline]
    pub fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}
