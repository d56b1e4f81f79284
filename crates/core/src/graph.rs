//! The reference graph in compressed sparse row form.
//!
//! Objects are dense indices `0..n`. Outgoing references are stored per
//! object in file order (target + label, 8 bytes each); incoming references
//! keep only their source (4 bytes each): 12 bytes per reference in all. A
//! referrer's label is found by scanning the referrer's outgoing edges.
//!
//! The graph knows nothing of the rest of the model: [`RefKind`] lives here
//! (edge labels pack it), and `model` depends on `graph`, never the reverse.

use crate::prefetch::prefetch;
use crate::strings::{StrId, NO_STRING};

/// How one object refers to another (the format's `reference_kinds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum RefKind {
    Internal = 0,
    Attribute,
    DictValue,
    DictKey,
    Index,
    Cell,
    Local,
    Globals,
    Defaults,
    Closure,
    ClassDict,
    Mro,
    Bases,
    InstanceDict,
    Weak,
}

impl RefKind {
    pub const ALL: [RefKind; 15] = [
        RefKind::Internal,
        RefKind::Attribute,
        RefKind::DictValue,
        RefKind::DictKey,
        RefKind::Index,
        RefKind::Cell,
        RefKind::Local,
        RefKind::Globals,
        RefKind::Defaults,
        RefKind::Closure,
        RefKind::ClassDict,
        RefKind::Mro,
        RefKind::Bases,
        RefKind::InstanceDict,
        RefKind::Weak,
    ];

    pub fn from_index(i: u8) -> Option<RefKind> {
        Self::ALL.get(i as usize).copied()
    }

    /// The name used in the file format's `reference_kinds`.
    pub fn format_name(self) -> &'static str {
        match self {
            RefKind::Internal => "internal",
            RefKind::Attribute => "attribute",
            RefKind::DictValue => "dict_value",
            RefKind::DictKey => "dict_key",
            RefKind::Index => "index",
            RefKind::Cell => "cell",
            RefKind::Local => "local",
            RefKind::Globals => "globals",
            RefKind::Defaults => "defaults",
            RefKind::Closure => "closure",
            RefKind::ClassDict => "class_dict",
            RefKind::Mro => "mro",
            RefKind::Bases => "bases",
            RefKind::InstanceDict => "instance_dict",
            RefKind::Weak => "weak",
        }
    }

    pub fn from_format_name(name: &str) -> Option<RefKind> {
        Self::ALL.iter().copied().find(|k| k.format_name() == name)
    }

    /// How a path step reads, e.g. `['req-42']`, `.cache`, `[3]`.
    pub fn display(self, name: Option<&str>) -> String {
        match (self, name) {
            (RefKind::Attribute, Some(n)) => format!(".{n}"),
            (RefKind::DictValue, Some(n)) => format!("[{n}]"),
            (RefKind::DictValue, None) => "[…]".to_string(),
            (RefKind::DictKey, Some(n)) => format!("key {n}"),
            (RefKind::DictKey, None) => "key".to_string(),
            (RefKind::Index, Some(n)) => format!("[{n}]"),
            (RefKind::Index, None) => "element".to_string(),
            (RefKind::Cell, Some(n)) | (RefKind::Closure, Some(n)) => format!("cell {n}"),
            (RefKind::Local, Some(n)) => format!("local {n}"),
            (RefKind::Globals, _) => "__globals__".to_string(),
            // function → its `__defaults__` tuple / `__kwdefaults__` dict
            (RefKind::Defaults, Some(n)) if n.starts_with("__") => n.to_string(),
            // `__defaults__` tuple → a parameter's default value
            (RefKind::Defaults, Some(n)) => format!("default {n}"),
            (RefKind::Defaults, None) => "__defaults__".to_string(),
            (RefKind::ClassDict, _) | (RefKind::InstanceDict, _) => "__dict__".to_string(),
            (RefKind::Mro, _) => "__mro__".to_string(),
            (RefKind::Bases, _) => "__bases__".to_string(),
            (RefKind::Weak, _) => "weak".to_string(),
            (_, Some(n)) => format!("<{n}>"),
            (kind, None) => format!("<{}>", kind.format_name()),
        }
    }
}

/// Dense object index.
pub type ObjIdx = u32;

/// Position of a reference in the outgoing edge arrays.
pub type EdgeIdx = u32;

/// A reference's kind and name packed in 32 bits: kind in the top 4 bits, the
/// name's string id in the low 28 (all ones = no name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EdgeLabel(u32);

impl EdgeLabel {
    const NAME_BITS: u32 = 28;
    const NAME_MASK: u32 = (1 << Self::NAME_BITS) - 1;
    /// Largest string id a label can name.
    pub const MAX_NAME: StrId = Self::NAME_MASK - 1;

    /// Packs a label; names past [`Self::MAX_NAME`] are dropped.
    pub fn new(kind: RefKind, name: StrId) -> Self {
        let name = if name > Self::MAX_NAME { Self::NAME_MASK } else { name };
        EdgeLabel(((kind as u32) << Self::NAME_BITS) | name)
    }

    pub fn kind(self) -> RefKind {
        RefKind::from_index((self.0 >> Self::NAME_BITS) as u8).unwrap_or(RefKind::Internal)
    }

    pub fn name(self) -> StrId {
        let name = self.0 & Self::NAME_MASK;
        if name == Self::NAME_MASK {
            NO_STRING
        } else {
            name
        }
    }

    /// Whether this reference keeps its target alive (everything but weak refs).
    #[inline]
    pub fn is_strong(self) -> bool {
        self.0 >> Self::NAME_BITS != RefKind::Weak as u32
    }
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    out_offsets: Vec<u32>,
    out_targets: Vec<ObjIdx>,
    out_labels: Vec<EdgeLabel>,
    in_offsets: Vec<u32>,
    in_sources: Vec<ObjIdx>,
    /// One bit per incoming entry (parallel to `in_sources`): set when that
    /// reference is weak. Empty when the graph has no weak references.
    in_weak: Vec<u64>,
    /// One bit per outgoing edge (parallel to `out_targets`): set when that
    /// reference is weak. Empty when the graph has no weak references. The
    /// traversals test this instead of the edge's label: E/8 bytes stay in
    /// cache where the 4-byte labels of a vertex reached at random are a
    /// cache miss of their own (docs/perf-native.md).
    out_weak: Vec<u64>,
}

impl Graph {
    /// Builds the graph for `node_count` objects from parallel edge columns.
    /// Edges must already be valid (`from`, `to` < `node_count`). If `from` is
    /// sorted (the exporter writes references grouped by referrer) no edge is
    /// moved; otherwise edges are stably reordered by referrer.
    pub fn from_edges(node_count: usize, from: Vec<ObjIdx>, to: Vec<ObjIdx>, labels: Vec<EdgeLabel>) -> Graph {
        debug_assert!(from.len() == to.len() && to.len() == labels.len());
        let edge_count = from.len();
        // The offsets (and whether the edges come sorted by referrer: every
        // file the exporter writes) beside the weak bits in file order.
        let ((out_offsets, sorted), file_weak) = crate::parallel::join_for(
            edge_count,
            || (offsets_by(node_count, &from), from.windows(2).all(|w| w[0] <= w[1])),
            || weak_bits(&labels),
        );
        let (out_targets, out_labels) = if sorted {
            (to, labels)
        } else {
            let mut next: Vec<u32> = out_offsets[..node_count].to_vec();
            let mut targets = vec![0; edge_count];
            let mut sorted_labels = vec![EdgeLabel(0); edge_count];
            for ((&f, &t), &l) in from.iter().zip(&to).zip(&labels) {
                let slot = &mut next[f as usize];
                targets[*slot as usize] = t;
                sorted_labels[*slot as usize] = l;
                *slot += 1;
            }
            (targets, sorted_labels)
        };
        drop(from);
        let out_weak = if sorted { file_weak } else { weak_bits(&out_labels) };
        let any_weak = !out_weak.is_empty();
        let (in_offsets, in_sources, in_weak) = incoming(node_count, &out_offsets, &out_targets, &out_labels, any_weak);
        Graph { out_offsets, out_targets, out_labels, in_offsets, in_sources, in_weak, out_weak }
    }

    pub fn node_count(&self) -> usize {
        self.out_offsets.len().saturating_sub(1)
    }

    pub fn edge_count(&self) -> usize {
        self.out_targets.len()
    }

    /// The edge indices of `node`'s outgoing references, in file order.
    pub fn out_edges(&self, node: ObjIdx) -> std::ops::Range<EdgeIdx> {
        self.out_offsets[node as usize]..self.out_offsets[node as usize + 1]
    }

    /// The referrer of `edge`, or `None` past the last edge.
    pub fn source(&self, edge: EdgeIdx) -> Option<ObjIdx> {
        if edge as usize >= self.out_targets.len() {
            return None;
        }
        Some((self.out_offsets.partition_point(|&o| o <= edge) - 1) as ObjIdx)
    }

    pub fn target(&self, edge: EdgeIdx) -> ObjIdx {
        self.out_targets[edge as usize]
    }

    pub fn label(&self, edge: EdgeIdx) -> EdgeLabel {
        self.out_labels[edge as usize]
    }

    /// Targets of all outgoing references of `node`, weak ones included.
    pub fn successors(&self, node: ObjIdx) -> &[ObjIdx] {
        let r = self.out_edges(node);
        &self.out_targets[r.start as usize..r.end as usize]
    }

    /// `(target, label)` of each outgoing reference of `node`.
    pub fn out_refs(&self, node: ObjIdx) -> impl Iterator<Item = (ObjIdx, EdgeLabel)> + '_ {
        let r = self.out_edges(node);
        let (s, e) = (r.start as usize, r.end as usize);
        self.out_targets[s..e].iter().copied().zip(self.out_labels[s..e].iter().copied())
    }

    /// Targets of the strong outgoing references of `node`.
    pub fn strong_successors(&self, node: ObjIdx) -> impl Iterator<Item = ObjIdx> + '_ {
        self.out_edges(node).filter(|&e| !self.is_weak_edge(e)).map(|e| self.out_targets[e as usize])
    }

    /// Whether outgoing edge `edge` is a weak reference (the same as its
    /// label's `!is_strong()`, read from one bit per edge).
    #[inline(always)]
    pub fn is_weak_edge(&self, edge: EdgeIdx) -> bool {
        let e = edge as usize;
        !self.out_weak.is_empty() && self.out_weak[e / 64] & (1 << (e % 64)) != 0
    }

    /// Sources of all incoming references of `node` (one entry per reference).
    pub fn predecessors(&self, node: ObjIdx) -> &[ObjIdx] {
        let (s, e) = (self.in_offsets[node as usize] as usize, self.in_offsets[node as usize + 1] as usize);
        &self.in_sources[s..e]
    }

    /// Sources of the strong incoming references of `node` (one entry per
    /// reference, weak references left out).
    pub fn strong_predecessors(&self, node: ObjIdx) -> impl Iterator<Item = ObjIdx> + '_ {
        let (s, e) = (self.in_offsets[node as usize] as usize, self.in_offsets[node as usize + 1] as usize);
        let weak = &self.in_weak;
        self.in_sources[s..e]
            .iter()
            .enumerate()
            .filter(move |&(i, _)| weak.is_empty() || weak[(s + i) / 64] & (1 << ((s + i) % 64)) == 0)
            .map(|(_, &src)| src)
    }

    /// The incoming entries of `node` as `(first slot, sources)`; slot
    /// `first + i` is `sources[i]`'s entry for [`Self::in_slot_is_weak`].
    #[inline]
    pub(crate) fn in_slots(&self, node: ObjIdx) -> (usize, &[ObjIdx]) {
        let (s, e) = (self.in_offsets[node as usize] as usize, self.in_offsets[node as usize + 1] as usize);
        (s, &self.in_sources[s..e])
    }

    /// The incoming CSR columns: `sources[offsets[n]..offsets[n + 1]]`
    /// refer to `n` (for loops that prefetch ahead).
    #[inline]
    pub(crate) fn in_columns(&self) -> (&[u32], &[ObjIdx]) {
        (&self.in_offsets, &self.in_sources)
    }

    /// The outgoing offsets: `node`'s edges are `offsets[node]..offsets[node + 1]`.
    #[inline]
    pub(crate) fn out_offsets(&self) -> &[u32] {
        &self.out_offsets
    }

    /// Whether incoming entry `slot` is a weak reference.
    #[inline]
    pub(crate) fn in_slot_is_weak(&self, slot: usize) -> bool {
        !self.in_weak.is_empty() && self.in_weak[slot / 64] & (1 << (slot % 64)) != 0
    }

    /// Targets and labels of every reference, by edge index.
    #[inline]
    pub(crate) fn out_columns(&self) -> (&[ObjIdx], &[EdgeLabel]) {
        (&self.out_targets, &self.out_labels)
    }

    /// Whether any reference is weak.
    pub fn has_weak_references(&self) -> bool {
        !self.in_weak.is_empty()
    }

    /// Every reference `source → node` with its edge index (a source that
    /// refers to `node` twice yields both edges once).
    pub fn incoming(&self, node: ObjIdx) -> impl Iterator<Item = (ObjIdx, EdgeIdx)> + '_ {
        // Sources are sorted (filled in node order): skip repeats lazily, so
        // taking the first few referrers of a hub costs only those few.
        let sources = self.predecessors(node);
        sources
            .iter()
            .enumerate()
            .filter(move |&(i, &s)| i == 0 || sources[i - 1] != s)
            .flat_map(move |(_, &s)| self.out_edges(s).filter(move |&e| self.target(e) == node).map(move |e| (s, e)))
    }

    /// Bytes held by the graph's arrays.
    pub fn heap_bytes(&self) -> usize {
        4 * (self.out_offsets.len() + self.out_targets.len() + self.out_labels.len() + self.in_offsets.len() + self.in_sources.len())
            + 8 * (self.in_weak.len() + self.out_weak.len())
    }
}

/// The incoming side of the graph: each object's referrers in edge order
/// (offsets, sources) and one bit per weak entry (empty without weak
/// references). Natively the edges are cut in two at a referrer boundary
/// near the middle, and each half is counted, then scattered, on a thread
/// of its own: the second half's entries go after the first half's in every
/// list, so the lists are exactly those of one pass in edge order.
fn incoming(
    node_count: usize,
    out_offsets: &[u32],
    targets: &[ObjIdx],
    labels: &[EdgeLabel],
    any_weak: bool,
) -> (Vec<u32>, Vec<ObjIdx>, Vec<u64>) {
    let edge_count = targets.len();
    // The first referrer of the second half.
    let mid = crate::parallel::halves(out_offsets);
    let split = out_offsets[mid] as usize;
    let count = |ts: &[ObjIdx]| {
        let mut c = vec![0u32; node_count];
        for &t in ts {
            c[t as usize] += 1;
        }
        c
    };
    let halves = split < edge_count;
    let (mut second, mut first) =
        if halves { crate::parallel::join(|| count(&targets[split..]), || count(&targets[..split])) } else { (Vec::new(), count(targets)) };
    // Offsets, and each half's cursor: where its next entry for a target goes.
    let mut in_offsets = vec![0u32; node_count + 1];
    let mut total = 0u32;
    if halves {
        for t in 0..node_count {
            let (a, b) = (first[t], second[t]);
            in_offsets[t] = total;
            first[t] = total;
            second[t] = total + a;
            total += a + b;
        }
    } else {
        for t in 0..node_count {
            let a = first[t];
            in_offsets[t] = total;
            first[t] = total;
            total += a;
        }
    }
    in_offsets[node_count] = total;
    let mut in_sources: Vec<ObjIdx> = vec![0; edge_count];
    let slots = crate::parallel::DisjointSlots::new(&mut in_sources);
    // Scatters the references of `nodes` through `next`; returns the slots of
    // the weak ones. Targets are random objects: `next[t]` and the slot it
    // points to are cache misses on large heaps, so the cursor of the target
    // 16 edges on and the slot of the one 8 on are fetched ahead.
    let scatter = |nodes: std::ops::Range<usize>, next: &mut [u32]| -> Vec<u32> {
        let mut weak = Vec::new();
        let end_edge = out_offsets[nodes.end] as usize;
        for node in nodes {
            let (start, end) = (out_offsets[node] as usize, out_offsets[node + 1] as usize);
            for e in start..end {
                if e + 16 < end_edge {
                    prefetch(next, targets[e + 16] as usize);
                }
                if e + 8 < end_edge {
                    slots.prefetch(next[targets[e + 8] as usize] as usize);
                }
                let slot = &mut next[targets[e] as usize];
                // SAFETY: this half's cursor for a target runs over that
                // target's slots of this half only, which no other cursor
                // reaches: every slot is written by one thread, once.
                unsafe { slots.write(*slot as usize, node as ObjIdx) };
                if any_weak && !labels[e].is_strong() {
                    weak.push(*slot);
                }
                *slot += 1;
            }
        }
        weak
    };
    let (weak_second, weak_first) = if halves {
        crate::parallel::join(|| scatter(mid..node_count, &mut second), || scatter(0..mid, &mut first))
    } else {
        (Vec::new(), scatter(0..node_count, &mut first))
    };
    drop((first, second));
    let mut in_weak = if any_weak { vec![0u64; edge_count.div_ceil(64)] } else { Vec::new() };
    for slot in weak_first.into_iter().chain(weak_second) {
        in_weak[slot as usize / 64] |= 1 << (slot % 64);
    }
    (in_offsets, in_sources, in_weak)
}

/// `offsets[i]..offsets[i+1]` is the run of entries whose key is `i`.
/// One bit per edge, set for a weak one; empty when none is.
fn weak_bits(labels: &[EdgeLabel]) -> Vec<u64> {
    if labels.iter().all(|l| l.is_strong()) {
        return Vec::new();
    }
    let mut bits = vec![0u64; labels.len().div_ceil(64)];
    for (e, l) in labels.iter().enumerate() {
        if !l.is_strong() {
            bits[e / 64] |= 1 << (e % 64);
        }
    }
    bits
}

fn offsets_by(node_count: usize, keys: &[ObjIdx]) -> Vec<u32> {
    let mut offsets = vec![0u32; node_count + 1];
    for &k in keys {
        offsets[k as usize + 1] += 1;
    }
    for i in 0..node_count {
        offsets[i + 1] += offsets[i];
    }
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(name: StrId) -> EdgeLabel {
        EdgeLabel::new(RefKind::DictValue, name)
    }

    #[test]
    fn path_steps_read_as_python() {
        let d = |k: RefKind, n: Option<&str>| k.display(n);
        assert_eq!(d(RefKind::Defaults, Some("__defaults__")), "__defaults__");
        assert_eq!(d(RefKind::Defaults, Some("__kwdefaults__")), "__kwdefaults__");
        assert_eq!(d(RefKind::Defaults, Some("seen")), "default seen");
        assert_eq!(d(RefKind::Defaults, None), "__defaults__");
        assert_eq!(d(RefKind::Closure, Some("big")), "cell big");
        assert_eq!(d(RefKind::DictValue, Some("'seen'")), "['seen']");
    }

    /// Incoming lists in edge order with their weak bits, as one pass over
    /// the sorted edges makes them — also when the edges are cut in two
    /// halves counted and scattered on two threads.
    #[test]
    fn incoming_lists_keep_edge_order_and_weak_bits() {
        let n = 700usize;
        let mut rng = crate::test_rng::Lcg::new(0x2545_f491_4f6c_dd1d);
        let mut next = |m: usize| rng.below(m as u64) as usize;
        let edges: Vec<(ObjIdx, ObjIdx, bool)> = (0..5000).map(|_| (next(n) as ObjIdx, next(n / 7) as ObjIdx, next(9) == 0)).collect();
        let labels = edges.iter().map(|&(_, _, weak)| EdgeLabel::new(if weak { RefKind::Weak } else { RefKind::Index }, 3)).collect();
        let g = Graph::from_edges(n, edges.iter().map(|e| e.0).collect(), edges.iter().map(|e| e.1).collect(), labels);
        let mut sorted = edges.clone();
        sorted.sort_by_key(|e| e.0);
        for t in 0..n as ObjIdx {
            let expected: Vec<(ObjIdx, bool)> = sorted.iter().filter(|e| e.1 == t).map(|e| (e.0, e.2)).collect();
            let (first, sources) = g.in_slots(t);
            let got: Vec<(ObjIdx, bool)> = sources.iter().enumerate().map(|(i, &s)| (s, g.in_slot_is_weak(first + i))).collect();
            assert_eq!(got, expected, "referrers of {t}");
        }
        assert!(crate::parallel::halves(&g.out_offsets) < n, "the edges were cut in two");
    }

    #[test]
    fn builds_csr_from_unsorted_edges() {
        let g = Graph::from_edges(3, vec![2, 0, 0, 1], vec![0, 1, 2, 2], vec![label(7), label(1), label(2), label(3)]);
        assert_eq!(g.successors(0), &[1, 2]);
        assert_eq!(g.successors(1), &[2]);
        assert_eq!(g.successors(2), &[0]);
        assert_eq!(g.predecessors(2), &[0, 1]);
        let incoming: Vec<_> = g.incoming(2).map(|(s, e)| (s, g.label(e).name())).collect();
        assert_eq!(incoming, vec![(0, 2), (1, 3)]);
    }

    #[test]
    fn strong_predecessors_skip_weak_references() {
        let weak = EdgeLabel::new(RefKind::Weak, NO_STRING);
        let g = Graph::from_edges(3, vec![0, 1, 2], vec![2, 2, 2], vec![label(1), weak, label(2)]);
        assert_eq!(g.predecessors(2), &[0, 1, 2]);
        assert_eq!(g.strong_predecessors(2).collect::<Vec<_>>(), vec![0, 2]);
        assert!(g.has_weak_references());
    }

    #[test]
    fn label_packs_kind_and_name() {
        let l = EdgeLabel::new(RefKind::Weak, 12345);
        assert_eq!((l.kind(), l.name(), l.is_strong()), (RefKind::Weak, 12345, false));
        let none = EdgeLabel::new(RefKind::Index, NO_STRING);
        assert_eq!((none.kind(), none.name()), (RefKind::Index, NO_STRING));
    }

    /// The weak bit of each outgoing edge follows its label, also when the
    /// edges are reordered by referrer, across several 64-bit words; a graph
    /// without weak references has no bits (every edge strong).
    #[test]
    fn out_edges_know_whether_they_are_weak() {
        let weak = EdgeLabel::new(RefKind::Weak, NO_STRING);
        let n = 50u32;
        let (mut from, mut to, mut labels) = (vec![], vec![], vec![]);
        for i in 0..200u32 {
            from.push((i * 37) % n);
            to.push((i * 11) % n);
            labels.push(if i % 7 == 3 { weak } else { label(i) });
        }
        let g = Graph::from_edges(n as usize, from, to, labels);
        for e in 0..g.edge_count() as EdgeIdx {
            assert_eq!(g.is_weak_edge(e), !g.label(e).is_strong(), "edge {e}");
        }
        assert!((0..200).any(|e| g.is_weak_edge(e)) && (0..200).any(|e| e > 64 && g.is_weak_edge(e)));
        for v in 0..n {
            let expected: Vec<ObjIdx> = g.out_refs(v).filter(|(_, l)| l.is_strong()).map(|(t, _)| t).collect();
            assert_eq!(g.strong_successors(v).collect::<Vec<_>>(), expected);
        }
        let strong = Graph::from_edges(2, vec![0, 1], vec![1, 0], vec![label(1), label(2)]);
        assert!(!strong.has_weak_references() && !strong.is_weak_edge(0) && !strong.is_weak_edge(1));
    }
}
