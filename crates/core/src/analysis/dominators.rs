//! The dominator tree of the strong-reference graph under a super-root (the
//! super-root refers to every root), and the retained size of every object.
//!
//! Object `d` dominates `x` when every strong path from the roots to `x`
//! passes through `d`: freeing `d` frees `x`. The retained size of `d` is the
//! shallow size of everything it dominates, itself included.
//!
//! Algorithm: semi-NCA (Georgiadis 2005; the one LLVM uses), fully
//! iterative: a depth-first numbering, semidominators by link-eval with path
//! compression in reverse preorder, then immediate dominators as nearest
//! common ancestors. O(m log n) worst case, near-linear in practice.
//!
//! The semidominator step runs on a copy of the referrers renumbered in
//! preorder, so it reads them sequentially instead of one cache miss per
//! reference on large heaps (docs/perf-native.md, issue 14).

use crate::analysis::strong_view::{BitSet, StrongView};
use crate::graph::{EdgeIdx, ObjIdx};
use crate::parallel::DisjointSlots;
use crate::prefetch::prefetch;

/// How many vertices ahead the random-access loops prefetch (per stage).
const AHEAD: usize = 8;

/// How many edges ahead the depth-first search prefetches within a frame.
const DFS_AHEAD: u32 = 4;

/// Link-eval state of one preorder number, kept together in 8 bytes: path
/// compression reads a vertex's ancestor and the semidominator of its label,
/// and one cache line then serves both. The label itself is never needed,
/// only its semidominator (`best`), so that is what is kept: a compression
/// step reads only the records on the path, not those of their labels.
#[derive(Debug, Clone, Copy)]
struct Link {
    ancestor: u32,
    /// The least semidominator on the compressed path above (`semi[label]`).
    best: u32,
}

/// Sentinel: the immediate dominator is the super-root.
pub const SUPER_ROOT: ObjIdx = u32::MAX - 1;
/// Sentinel: the object is unreachable and has no dominator.
pub const NO_DOMINATOR: ObjIdx = u32::MAX;

#[derive(Debug, Clone, Default)]
pub struct DominatorTree {
    /// Immediate dominator of each object: an object, [`SUPER_ROOT`] or [`NO_DOMINATOR`].
    idom: Vec<ObjIdx>,
    retained_bytes: Vec<u64>,
    /// Objects each one dominates (itself included); 0 when unreachable.
    retained_count: Vec<u32>,
    /// Dominator-tree children, largest retained size first. Slot `n` is the super-root.
    child_offsets: Vec<u32>,
    children: Vec<ObjIdx>,
    reachable_bytes: u64,
}

impl DominatorTree {
    /// The immediate dominator: `Some(SUPER_ROOT)` for objects only the
    /// super-root dominates, `None` when unreachable.
    pub fn idom(&self, object: ObjIdx) -> Option<ObjIdx> {
        self.idom.get(object as usize).copied().filter(|&d| d != NO_DOMINATOR)
    }

    pub fn retained_bytes(&self, object: ObjIdx) -> u64 {
        self.retained_bytes.get(object as usize).copied().unwrap_or(0)
    }

    pub fn retained_count(&self, object: ObjIdx) -> u32 {
        self.retained_count.get(object as usize).copied().unwrap_or(0)
    }

    /// Shallow bytes of everything reachable from the roots.
    pub fn reachable_bytes(&self) -> u64 {
        self.reachable_bytes
    }

    /// Objects `object` immediately dominates, largest retained first.
    pub fn children(&self, object: ObjIdx) -> &[ObjIdx] {
        let n = self.idom.len();
        let slot = if object == SUPER_ROOT { n } else { object as usize };
        if slot > n {
            return &[];
        }
        &self.children[self.child_offsets[slot] as usize..self.child_offsets[slot + 1] as usize]
    }

    /// Hints that `object`'s retained size and children will be read soon.
    #[inline(always)]
    pub(crate) fn prefetch(&self, object: ObjIdx) {
        prefetch(&self.retained_bytes, object as usize);
        prefetch(&self.child_offsets, object as usize);
    }

    /// Hints that `object`'s children list will be read soon (its offsets
    /// should already be in cache: see [`DominatorTree::prefetch`]).
    #[inline(always)]
    pub(crate) fn prefetch_children(&self, object: ObjIdx) {
        if let Some(&at) = self.child_offsets.get(object as usize) {
            prefetch(&self.children, at as usize);
        }
    }

    /// The objects only the super-root dominates, largest retained first.
    pub fn top_level(&self) -> &[ObjIdx] {
        self.children(SUPER_ROOT)
    }

    /// `object`'s dominators from its immediate one up to a top-level object.
    pub fn chain(&self, object: ObjIdx) -> impl Iterator<Item = ObjIdx> + '_ {
        let mut at = self.idom(object);
        std::iter::from_fn(move || {
            let d = at.filter(|&d| d != SUPER_ROOT)?;
            at = self.idom(d);
            Some(d)
        })
    }

    /// Whether `d` dominates `x` (every object dominates itself).
    pub fn dominates(&self, d: ObjIdx, x: ObjIdx) -> bool {
        if self.idom(x).is_none() {
            return false;
        }
        d == x || self.chain(x).any(|c| c == d)
    }
}

/// Computes the dominator tree over `view` with every object of `roots`
/// referred to by the super-root; `sizes` gives shallow sizes.
pub fn dominator_tree(view: &StrongView, roots: &[ObjIdx], sizes: &[u64]) -> DominatorTree {
    let n = view.node_count();
    let g = view.graph;
    const NONE: u32 = u32::MAX;

    // 1. Depth-first preorder from the super-root (number 0).
    let mut pre = vec![NONE; n];
    // One entry per reached object: sized once (growing by doubling copies
    // them, which wasm's allocator cannot avoid).
    let mut vertex: Vec<ObjIdx> = Vec::with_capacity(n + 1);
    let mut parent: Vec<u32> = Vec::with_capacity(n + 1);
    vertex.push(SUPER_ROOT);
    parent.push(0);
    let mut is_root = BitSet::new(n);
    let mut stack: Vec<(u32, EdgeIdx, EdgeIdx)> = Vec::new();
    let plain = view.exclusions.is_empty();
    let (targets, _) = g.out_columns();
    let out_offsets = g.out_offsets();
    for &r in roots {
        if (r as usize) >= n || view.exclusions.excludes_object(r) {
            continue;
        }
        is_root.insert(r as usize);
        if pre[r as usize] != NONE {
            continue;
        }
        pre[r as usize] = vertex.len() as u32;
        vertex.push(r);
        parent.push(0);
        let e = g.out_edges(r);
        stack.push((pre[r as usize], e.start, e.end));
        warm(targets, &pre, out_offsets, e.start, e.end);
        while let Some(frame) = stack.last_mut() {
            let (p, cursor, end) = *frame;
            if cursor == end {
                stack.pop();
                continue;
            }
            frame.1 += 1;
            if cursor.saturating_add(DFS_AHEAD) < end {
                let t = targets[(cursor + DFS_AHEAD) as usize] as usize;
                prefetch(&pre, t);
                prefetch(out_offsets, t);
            }
            let ok = if plain { !g.is_weak_edge(cursor) } else { view.edge_ok(vertex[p as usize], cursor) };
            if !ok {
                continue;
            }
            let w = targets[cursor as usize];
            if pre[w as usize] == NONE {
                let pw = vertex.len() as u32;
                pre[w as usize] = pw;
                vertex.push(w);
                parent.push(p);
                let e = g.out_edges(w);
                stack.push((pw, e.start, e.end));
                warm(targets, &pre, out_offsets, e.start, e.end);
            }
        }
    }
    drop(stack);
    let count = vertex.len();

    // The strong referrers of each vertex as preorder numbers, by preorder
    // number: filled in object order (sequential reads but for `pre[v]`,
    // which do not wait on each other), then read sequentially below.
    // `NONE` stands for a weak reference or an unreached referrer.
    let (in_offsets, _) = g.in_columns();
    let mut pred_offsets = vec![0u32; count + 1];
    for (o, &w) in pre.iter().enumerate() {
        if w != NONE {
            pred_offsets[w as usize + 1] = in_offsets[o + 1] - in_offsets[o];
        }
    }
    for w in 0..count {
        pred_offsets[w + 1] += pred_offsets[w];
    }
    let mut pred = vec![NONE; pred_offsets[count] as usize];
    // Natively the objects are cut in two halves, each copied by a thread
    // of its own: every object's run of `pred` is written by one thread.
    let slots = DisjointSlots::new(&mut pred);
    let copy = |objects: std::ops::Range<usize>| {
        for o in objects {
            let w = pre[o];
            if w == NONE || is_root.contains(o) {
                continue;
            }
            let at = pred_offsets[w as usize] as usize;
            // SAFETY (both writes): `at + i` is in the run of vertex `w`,
            // which holds one slot per incoming reference of `o` (the
            // predecessors are some of them): no other object's run, and
            // `o` is in one half only.
            if plain {
                let (first, sources) = g.in_slots(o as ObjIdx);
                for (i, &v) in sources.iter().enumerate() {
                    if !g.in_slot_is_weak(first + i) {
                        unsafe { slots.write(at + i, pre[v as usize]) };
                    }
                }
            } else {
                for (i, v) in view.predecessors(o as ObjIdx).enumerate() {
                    unsafe { slots.write(at + i, pre[v as usize]) };
                }
            }
        }
    };
    let mid = crate::parallel::halves(in_offsets);
    if mid < n {
        crate::parallel::join(|| copy(mid..n), || copy(0..mid));
    } else {
        copy(0..n);
    }
    drop(pre);

    // 2. Semidominators in reverse preorder (link-eval, path compression).
    let mut link: Vec<Link> = (0..count as u32).map(|v| Link { ancestor: parent[v as usize], best: v }).collect();
    let mut semi: Vec<u32> = vec![0; count];
    let mut path: Vec<u32> = Vec::new();
    for w in (1..count).rev() {
        // The link records of the first referrers of the vertex AHEAD
        // numbers lower, which `eval` reads first.
        if w > AHEAD {
            let x = w - AHEAD;
            let (a, b) = (pred_offsets[x] as usize, pred_offsets[x + 1] as usize);
            for &pv in &pred[a..b.min(a + 8)] {
                if pv != NONE && pv as usize > x {
                    prefetch(&link, pv as usize);
                }
            }
        }
        let mut s = w as u32;
        let (a, b) = (pred_offsets[w] as usize, pred_offsets[w + 1] as usize);
        if is_root.contains(vertex[w] as usize) {
            s = 0;
        } else {
            let last = w as u32 + 1;
            for j in a..b {
                // Long lists: the link record 8 referrers on (the first 8 were fetched above).
                if j + 8 < b {
                    let ahead = pred[j + 8];
                    if ahead != NONE && ahead >= last {
                        prefetch(&link, ahead as usize);
                    }
                }
                let pv = pred[j];
                if pv == NONE {
                    continue;
                }
                if pv < last {
                    // Not yet linked: eval is the vertex itself, whose semi is its number.
                    s = s.min(pv);
                } else {
                    s = s.min(eval(pv, last, &mut link, &mut path));
                }
            }
        }
        link[w].best = s;
        semi[w] = s;
    }
    drop(pred);
    drop(pred_offsets);
    drop(path);
    drop(link);

    // 3. Immediate dominators: climb the dominator tree from the parent to
    // the first number ≤ semi. A plain climb is quadratic on a hostile
    // shape (a long chain whose end refers to many objects the root also
    // refers to: each climbs the whole chain), so each vertex also keeps a
    // skew-binary jump pointer (Myers 1983): numbers fall going up the
    // tree, so a jump that lands above semi skips nothing that qualifies,
    // and a climb takes O(log depth) steps.
    let mut idom_pre = parent;
    let mut depth: Vec<u32> = vec![0; count];
    let mut jump: Vec<u32> = vec![0; count];
    for w in 1..count {
        let s = semi[w];
        let mut d = idom_pre[w];
        while d > s {
            let j = jump[d as usize];
            d = if j > s { j } else { idom_pre[d as usize] };
        }
        idom_pre[w] = d;
        let (dd, jd) = (depth[d as usize], jump[d as usize]);
        depth[w] = dd + 1;
        jump[w] = if dd - depth[jd as usize] == depth[jd as usize] - depth[jump[jd as usize] as usize] { jump[jd as usize] } else { d };
    }
    drop(semi);
    drop(depth);
    drop(jump);

    // 4. Per-object results, natively on two threads: one writes the
    // immediate dominators and fills the children lists from them, the
    // other accumulates retained sizes bottom-up (disjoint arrays).
    let dominators = || -> (Vec<ObjIdx>, Vec<u32>, Vec<ObjIdx>) {
        let mut idom = vec![NO_DOMINATOR; n];
        for w in 1..count {
            if w + 2 * AHEAD < count {
                prefetch(&idom, vertex[w + 2 * AHEAD] as usize);
                prefetch(&vertex, idom_pre[w + 2 * AHEAD] as usize);
            }
            let d = idom_pre[w];
            idom[vertex[w] as usize] = if d == 0 { SUPER_ROOT } else { vertex[d as usize] };
        }
        // 5. Children lists (sorted below).
        let mut child_offsets = vec![0u32; n + 2];
        for &d in &idom {
            match d {
                NO_DOMINATOR => {}
                SUPER_ROOT => child_offsets[n + 1] += 1,
                d => child_offsets[d as usize + 1] += 1,
            }
        }
        for i in 0..=n {
            child_offsets[i + 1] += child_offsets[i];
        }
        let mut next = child_offsets.clone();
        let mut children = vec![0; count - 1];
        // Filling in preorder keeps ties in a stable, meaningful order.
        for (i, &o) in vertex.iter().enumerate().skip(1) {
            if let Some(&ahead) = vertex.get(i + 2 * AHEAD) {
                prefetch(&idom, ahead as usize);
            }
            if let Some(&ahead) = vertex.get(i + AHEAD) {
                match idom[ahead as usize] {
                    SUPER_ROOT => {}
                    d => prefetch(&next, d as usize),
                }
            }
            let slot = match idom[o as usize] {
                SUPER_ROOT => n,
                d => d as usize,
            };
            children[next[slot] as usize] = o;
            next[slot] += 1;
        }
        (idom, child_offsets, children)
    };
    let retained = || -> (Vec<u64>, Vec<u32>, u64) {
        let mut retained_bytes = vec![0u64; n];
        let mut retained_count = vec![0u32; n];
        for w in 1..count {
            if w + 2 * AHEAD < count {
                let o = vertex[w + 2 * AHEAD] as usize;
                prefetch(&retained_bytes, o);
                prefetch(&retained_count, o);
                prefetch(sizes, o);
            }
            let o = vertex[w] as usize;
            retained_bytes[o] = sizes.get(o).copied().unwrap_or(0);
            retained_count[o] = 1;
        }
        let mut reachable_bytes = 0u64;
        for w in (1..count).rev() {
            if w > 2 * AHEAD {
                prefetch(&vertex, idom_pre[w - 2 * AHEAD] as usize);
            }
            if w > AHEAD {
                let d = idom_pre[w - AHEAD] as usize;
                if d != 0 {
                    let p = vertex[d] as usize;
                    prefetch(&retained_bytes, p);
                    prefetch(&retained_count, p);
                }
            }
            let o = vertex[w] as usize;
            let d = idom_pre[w];
            if d == 0 {
                reachable_bytes += retained_bytes[o];
            } else {
                let p = vertex[d as usize] as usize;
                retained_bytes[p] += retained_bytes[o];
                retained_count[p] = retained_count[p].saturating_add(retained_count[o]);
            }
        }
        (retained_bytes, retained_count, reachable_bytes)
    };
    let ((idom, child_offsets, mut children), (retained_bytes, retained_count, reachable_bytes)) =
        crate::parallel::join(dominators, retained);
    drop(idom_pre);
    drop(vertex);
    // Each list by retained size, largest first; natively the lists are cut
    // in two halves, sorted by a thread each.
    let mid = crate::parallel::halves(&child_offsets);
    let (low, high) = children.split_at_mut(child_offsets[mid] as usize);
    let sort = |slots: std::ops::Range<usize>, part: &mut [ObjIdx]| {
        let base = child_offsets[slots.start] as usize;
        let mut keyed: Vec<(u64, ObjIdx)> = Vec::new();
        for slot in slots {
            let run = &mut part[child_offsets[slot] as usize - base..child_offsets[slot + 1] as usize - base];
            sort_by_retained(run, &retained_bytes, &mut keyed);
        }
    };
    // n + 1 lists: one per object and the super-root's.
    let lists = n + 1;
    if mid < lists {
        crate::parallel::join(|| sort(mid..lists, high), || sort(0..mid, low));
    } else {
        sort(0..mid, low);
    }
    DominatorTree { idom, retained_bytes, retained_count, child_offsets, children, reachable_bytes }
}

/// Sorts one children list by retained size, largest first; ties keep their
/// (preorder) order. Long runs sort `(size, object)` pairs in `keyed`: each
/// size is read once instead of at every comparison (random reads of
/// `retained_bytes`).
fn sort_by_retained(run: &mut [ObjIdx], retained_bytes: &[u64], keyed: &mut Vec<(u64, ObjIdx)>) {
    if run.len() > 16 {
        keyed.clear();
        keyed.extend(run.iter().map(|&o| (retained_bytes[o as usize], o)));
        keyed.sort_by_key(|&(k, _)| std::cmp::Reverse(k));
        for (slot, &(_, o)) in run.iter_mut().zip(keyed.iter()) {
            *slot = o;
        }
    } else if run.len() > 1 {
        run.sort_by(|&a, &b| retained_bytes[b as usize].cmp(&retained_bytes[a as usize]));
    }
}

/// Prefetches what the depth-first search reads for a frame's first edges:
/// their targets' preorder numbers and edge lists.
#[inline(always)]
fn warm(targets: &[ObjIdx], pre: &[u32], out_offsets: &[u32], start: EdgeIdx, end: EdgeIdx) {
    for &t in &targets[start as usize..end.min(start.saturating_add(DFS_AHEAD)) as usize] {
        prefetch(pre, t as usize);
        prefetch(out_offsets, t as usize);
    }
}

/// The least semidominator on `v`'s path in the link-eval forest (vertices
/// numbered ≥ `last` are linked; `v` is one of them), compressing the path on
/// the way. This is `semi[eval(v)]` of the textbook algorithm, which is all
/// the semidominator step reads of `eval`.
#[inline]
fn eval(v: u32, last: u32, link: &mut [Link], path: &mut Vec<u32>) -> u32 {
    if link[v as usize].ancestor < last {
        return link[v as usize].best;
    }
    path.clear();
    let mut x = v;
    while link[x as usize].ancestor >= last {
        path.push(x);
        x = link[x as usize].ancestor;
    }
    let mut p = x;
    while let Some(y) = path.pop() {
        let (lp, ly) = (link[p as usize], link[y as usize]);
        link[y as usize] = Link { ancestor: lp.ancestor, best: lp.best.min(ly.best) };
        p = y;
    }
    link[v as usize].best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::strong_view::Exclusions;
    use crate::graph::{EdgeLabel, Graph};
    use crate::model::RefKind;
    use crate::strings::NO_STRING;

    /// A few thousand objects in long chains with back and cross edges (deep
    /// link-eval paths, so path compression matters), weak references,
    /// repeated references, roots that are also referred to, and excluded
    /// objects: the immediate dominators match petgraph's Cooper–Harvey–Kennedy
    /// on the same strong graph under a super-root. Covers the preorder copy
    /// of the referrers (weak and unreached slots, roots skipped) and both its
    /// fills (with and without exclusions).
    #[test]
    fn matches_cooper_harvey_kennedy_on_a_deep_graph() {
        let n = 3000u32;
        let mut rng = crate::test_rng::Lcg::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |m: u32| rng.below(u64::from(m)) as u32;
        let mut edges: Vec<(ObjIdx, ObjIdx, bool)> = Vec::new();
        for i in 0..n - 1 {
            if i % 500 != 499 {
                edges.push((i, i + 1, false));
            }
            match next(10) {
                0..=2 => edges.push((i, next(n), false)),
                3 => edges.push((i, next(i + 1), false)),
                4 => edges.push((i, next(n), true)),
                5 => edges.push((i, i + 1, false)),
                _ => {}
            }
        }
        // Referrers listed out of order, so the graph sorts them.
        for k in 0..edges.len() {
            let j = next(edges.len() as u32) as usize;
            edges.swap(k, j);
        }
        let labels =
            edges.iter().map(|&(_, _, weak)| EdgeLabel::new(if weak { RefKind::Weak } else { RefKind::Index }, NO_STRING)).collect();
        let graph = Graph::from_edges(n as usize, edges.iter().map(|e| e.0).collect(), edges.iter().map(|e| e.1).collect(), labels);
        let sizes = vec![1u64; n as usize];
        let roots = [0, 1500, 2999, 1500];
        for excluded in [vec![], vec![700u32, 1701, 2999]] {
            let mut exclusions = Exclusions::none();
            for &x in &excluded {
                exclusions.exclude_object(x);
            }
            let tree = dominator_tree(&StrongView::new(&graph, &exclusions), &roots, &sizes);
            let mut oracle = petgraph::Graph::<(), ()>::new();
            let nodes: Vec<_> = (0..=n).map(|_| oracle.add_node(())).collect();
            for &r in &roots {
                if !excluded.contains(&r) {
                    oracle.add_edge(nodes[n as usize], nodes[r as usize], ());
                }
            }
            for &(f, t, weak) in &edges {
                if !weak && !excluded.contains(&f) && !excluded.contains(&t) {
                    oracle.add_edge(nodes[f as usize], nodes[t as usize], ());
                }
            }
            let doms = petgraph::algo::dominators::simple_fast(&oracle, nodes[n as usize]);
            let mut reached = 0;
            for o in 0..n {
                let expected = doms.immediate_dominator(nodes[o as usize]).map(|d| {
                    let d = d.index() as u32;
                    if d == n {
                        SUPER_ROOT
                    } else {
                        d
                    }
                });
                assert_eq!(tree.idom(o), expected, "object {o}, excluded {excluded:?}");
                reached += usize::from(expected.is_some());
            }
            assert!(reached > 2000, "most objects are reachable ({reached})");
            // Children lists and retained sizes agree with the dominators.
            let mut listed = tree.top_level().len();
            for o in 0..n {
                let children = tree.children(o);
                listed += children.len();
                assert!(children.iter().all(|&c| tree.idom(c) == Some(o)), "children of {o}");
                assert!(children.windows(2).all(|w| tree.retained_bytes(w[0]) >= tree.retained_bytes(w[1])), "order of {o}");
                if tree.idom(o).is_some() {
                    let below: u64 = children.iter().map(|&c| tree.retained_bytes(c)).sum();
                    assert_eq!(tree.retained_bytes(o), sizes[o as usize] + below, "retained size of {o}");
                }
            }
            assert_eq!(listed, reached);
            assert_eq!(tree.top_level().iter().map(|&t| tree.retained_count(t) as usize).sum::<usize>(), reached);
        }
    }

    /// The shape that made the plain climb of step 3 quadratic: a root
    /// refers first to a chain of K objects whose end refers to K more,
    /// which the root refers to as well. Each of those climbs the chain
    /// (K²/2 = 2·10^10 steps here, minutes); with jump pointers a few
    /// dozen each. Their immediate dominator is the root; the chain's is
    /// the link before.
    #[test]
    fn a_fan_at_the_end_of_a_long_chain_is_not_quadratic() {
        let k = 200_000u32;
        let root = 0u32;
        let (mut from, mut to) = (vec![root], vec![1u32]);
        for c in 1..k {
            from.push(c);
            to.push(c + 1);
        }
        for w in k + 1..=2 * k {
            from.push(k);
            to.push(w);
            from.push(root);
            to.push(w);
        }
        let labels = vec![EdgeLabel::new(RefKind::Index, NO_STRING); from.len()];
        let n = 2 * k as usize + 1;
        let graph = Graph::from_edges(n, from, to, labels);
        let none = Exclusions::none();
        let tree = dominator_tree(&StrongView::new(&graph, &none), &[root], &vec![1u64; n]);
        assert_eq!(tree.idom(root), Some(SUPER_ROOT));
        assert_eq!(tree.idom(1), Some(root));
        assert!((2..=k).all(|c| tree.idom(c) == Some(c - 1)));
        assert!((k + 1..=2 * k).all(|w| tree.idom(w) == Some(root)));
        assert_eq!(tree.retained_count(root) as usize, n);
    }

    /// A node with more children than the short-run threshold: largest
    /// retained first, ties in preorder (the referrer's edge order), the same
    /// as a stable sort of the preorder by size.
    #[test]
    fn long_children_runs_sort_by_size_with_ties_in_preorder() {
        let k = 40u32;
        // Object 0 refers to 1..=k in reverse index order, so preorder ≠ index order.
        let to: Vec<ObjIdx> = (1..=k).rev().collect();
        let from = vec![0; to.len()];
        let labels = vec![EdgeLabel::new(RefKind::Index, NO_STRING); to.len()];
        let graph = Graph::from_edges(k as usize + 1, from, to.clone(), labels);
        let sizes: Vec<u64> = (0..=k as u64).map(|i| if i == 0 { 8 } else { (i * 7) % 5 * 10 }).collect();
        let none = Exclusions::none();
        let tree = dominator_tree(&StrongView::new(&graph, &none), &[0], &sizes);
        let mut expected = to;
        expected.sort_by(|&a, &b| sizes[b as usize].cmp(&sizes[a as usize]));
        assert_eq!(tree.children(0), &expected[..]);
        assert_eq!(tree.retained_bytes(0), sizes.iter().sum::<u64>());
        assert_eq!(tree.top_level(), &[0]);
    }
}
