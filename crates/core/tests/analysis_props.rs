//! Every analysis checked against a brute-force version on random graphs:
//! dominators by their definition (removing d makes x unreachable),
//! distances, strongly connected components, retained sizes, retainer paths.

use std::collections::HashSet;

use heapscope_core::analysis::dominators::SUPER_ROOT;
use heapscope_core::analysis::strong_view::{Exclusions, StrongView};
use heapscope_core::analysis::Analysis;
use heapscope_core::graph::{EdgeLabel, Graph, ObjIdx};
use heapscope_core::model::{Heap, ProcessInfo, RefKind, Root, RootKind, Snapshot, SourceFormat};
use heapscope_core::strings::{StringTable, NO_STRING};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Case {
    n: usize,
    edges: Vec<(u32, u32, bool)>, // from, to, weak
    roots: Vec<u32>,
    sizes: Vec<u64>,
    types: Vec<u32>,
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..14).prop_flat_map(|n| {
        let edge = (0..n as u32, 0..n as u32, prop::bool::weighted(0.15));
        (
            Just(n),
            prop::collection::vec(edge, 0..n * 3),
            prop::collection::vec(0..n as u32, 0..3),
            prop::collection::vec(0u64..100, n),
            prop::collection::vec(0u32..3, n),
        )
            .prop_map(|(n, edges, roots, sizes, types)| Case { n, edges, roots, sizes, types })
    })
}

fn snapshot(c: &Case) -> Snapshot {
    let mut strings = StringTable::new();
    strings.push("");
    let type_ids: Vec<u32> = ["app.A", "app.B", "builtins.list"].iter().map(|t| strings.push(t)).collect();
    let labels = c.edges.iter().map(|&(_, _, weak)| EdgeLabel::new(if weak { RefKind::Weak } else { RefKind::Index }, NO_STRING)).collect();
    let graph = Graph::from_edges(c.n, c.edges.iter().map(|e| e.0).collect(), c.edges.iter().map(|e| e.1).collect(), labels);
    let heap = Heap {
        address: (0..c.n as u64).map(|i| 0x1000 + 16 * i).collect(),
        type_name: c.types.iter().map(|&t| type_ids[t as usize]).collect(),
        size_bytes: c.sizes.clone(),
        flags: vec![0; c.n],
        description: vec![NO_STRING; c.n],
        traceback: vec![u32::MAX; c.n],
        graph,
        roots: c.roots.iter().map(|&r| Root { object: r, kind: RootKind::Native, name: NO_STRING, excess: 0 }).collect(),
    };
    Snapshot { format: SourceFormat::HeapscopeV1, process: ProcessInfo::default(), strings, heap: Some(heap), tracemalloc: None }
}

/// Objects reachable from the roots over strong edges, never entering `removed`.
fn reachable(c: &Case, removed: Option<u32>) -> Vec<bool> {
    let mut seen = vec![false; c.n];
    let mut stack: Vec<u32> = c.roots.iter().copied().filter(|&r| Some(r) != removed).collect();
    while let Some(v) = stack.pop() {
        if seen[v as usize] {
            continue;
        }
        seen[v as usize] = true;
        for &(f, t, weak) in &c.edges {
            if f == v && !weak && Some(t) != removed && !seen[t as usize] {
                stack.push(t);
            }
        }
    }
    seen
}

/// Shortest distances by repeated relaxation.
fn brute_distances(c: &Case) -> Vec<Option<u32>> {
    let mut d: Vec<Option<u32>> = vec![None; c.n];
    for &r in &c.roots {
        d[r as usize] = Some(0);
    }
    for _ in 0..c.n {
        for &(f, t, weak) in &c.edges {
            if let (Some(df), false) = (d[f as usize], weak) {
                if d[t as usize].is_none_or(|dt| dt > df + 1) {
                    d[t as usize] = Some(df + 1);
                }
            }
        }
    }
    d
}

/// `strict[x]` = the objects whose removal makes x unreachable.
fn brute_strict_dominators(c: &Case) -> Vec<HashSet<u32>> {
    let base = reachable(c, None);
    let mut strict = vec![HashSet::new(); c.n];
    for d in 0..c.n as u32 {
        if !base[d as usize] {
            continue;
        }
        let without = reachable(c, Some(d));
        for x in 0..c.n {
            if x as u32 != d && base[x] && !without[x] {
                strict[x].insert(d);
            }
        }
    }
    strict
}

fn reach_matrix(c: &Case) -> Vec<Vec<bool>> {
    let mut m = vec![vec![false; c.n]; c.n];
    for &(f, t, weak) in &c.edges {
        if !weak {
            m[f as usize][t as usize] = true;
        }
    }
    for k in 0..c.n {
        for i in 0..c.n {
            for j in 0..c.n {
                if m[i][k] && m[k][j] {
                    m[i][j] = true;
                }
            }
        }
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn distances_match_brute_force(c in case()) {
        let s = snapshot(&c);
        let a = Analysis::compute(&s).unwrap();
        let brute = brute_distances(&c);
        for (x, &want) in brute.iter().enumerate().take(c.n) {
            prop_assert_eq!(a.distances.get(x as u32), want, "object {}", x);
        }
    }

    #[test]
    fn dominators_match_the_definition(c in case()) {
        let s = snapshot(&c);
        let a = Analysis::compute(&s).unwrap();
        let strict = brute_strict_dominators(&c);
        let base = reachable(&c, None);
        for x in 0..c.n as u32 {
            if !base[x as usize] {
                prop_assert_eq!(a.dominators.idom(x), None);
                continue;
            }
            // The immediate dominator is the strict dominator that all others dominate.
            let expected = strict[x as usize].iter().copied().max_by_key(|d| strict[*d as usize].len()).unwrap_or(SUPER_ROOT);
            prop_assert_eq!(a.dominators.idom(x), Some(expected), "object {}", x);
            let retained: u64 = (0..c.n as u32).filter(|&y| y == x || strict[y as usize].contains(&x)).map(|y| c.sizes[y as usize]).sum();
            prop_assert_eq!(a.dominators.retained_bytes(x), retained, "retained of {}", x);
        }
        let total: u64 = (0..c.n).filter(|&x| base[x]).map(|x| c.sizes[x]).sum();
        prop_assert_eq!(a.dominators.reachable_bytes(), total);
    }

    #[test]
    fn type_retained_counts_nested_instances_once(c in case()) {
        let s = snapshot(&c);
        let a = Analysis::compute(&s).unwrap();
        let strict = brute_strict_dominators(&c);
        for row in &a.by_type {
            let t = a.types.find(&row.name).unwrap();
            let expected: u64 = (0..c.n as u32)
                .filter(|&x| a.types.type_of(x) == t && a.dominators.idom(x).is_some())
                .filter(|&x| !strict[x as usize].iter().any(|&d| a.types.type_of(d) == t))
                .map(|x| a.dominators.retained_bytes(x))
                .sum();
            prop_assert_eq!(row.retained_bytes, expected, "type {}", row.name);
        }
    }

    #[test]
    fn components_match_mutual_reachability(c in case()) {
        let s = snapshot(&c);
        let a = Analysis::compute(&s).unwrap();
        let m = reach_matrix(&c);
        let mut expected: Vec<Vec<u32>> = Vec::new();
        let mut done = vec![false; c.n];
        for v in 0..c.n {
            if done[v] { continue; }
            let comp: Vec<u32> = (0..c.n).filter(|&u| u == v || (m[v][u] && m[u][v])).map(|u| u as u32).collect();
            for &u in &comp { done[u as usize] = true; }
            if comp.len() > 1 || m[v][v] && c.edges.iter().any(|&(f, t, w)| f as usize == v && t as usize == v && !w) {
                expected.push(comp);
            }
        }
        let mut got: Vec<Vec<u32>> = a.components.iter().map(|c| { let mut c = c.to_vec(); c.sort(); c }).collect();
        got.sort();
        expected.sort();
        prop_assert_eq!(&got, &expected);
        // petgraph's tarjan_scc on the same view agrees.
        let heap = s.heap.as_ref().unwrap();
        let none = Exclusions::none();
        let view = StrongView::new(&heap.graph, &none);
        let mut oracle: Vec<Vec<u32>> = petgraph::algo::tarjan_scc(view)
            .into_iter()
            .map(|mut c| { c.sort(); c })
            .filter(|c| c.len() > 1 || view.successors(c[0]).any(|t| t == c[0]))
            .collect();
        oracle.sort();
        prop_assert_eq!(got, oracle);
    }

    #[test]
    fn retainer_paths_are_the_shortest_simple_paths(c in case(), target in 0u32..14) {
        let s = snapshot(&c);
        let heap = s.heap.as_ref().unwrap();
        let a = Analysis::compute(&s).unwrap();
        let target = target % c.n as u32;
        let k = 4;
        let found = a.retainer_paths(&s, heap, target, k, &Exclusions::none());
        // Brute force: every simple path (as an object sequence) from a root to
        // the target that meets no other root before its start.
        let roots: HashSet<u32> = c.roots.iter().copied().collect();
        let strong: HashSet<(u32, u32)> = c.edges.iter().filter(|e| !e.2).map(|e| (e.0, e.1)).collect();
        let mut all: Vec<Vec<u32>> = Vec::new();
        let mut stack = vec![vec![target]];
        while let Some(path) = stack.pop() {
            let head = path[0];
            if roots.contains(&head) { all.push(path); continue; }
            for p in 0..c.n as u32 {
                if strong.contains(&(p, head)) && !path.contains(&p) {
                    let mut longer = vec![p];
                    longer.extend(&path);
                    stack.push(longer);
                }
            }
        }
        let mut lengths: Vec<usize> = all.iter().map(|p| p.len() - 1).collect();
        lengths.sort();
        lengths.truncate(k);
        let got: Vec<usize> = found.paths.iter().map(|p| p.steps.len()).collect();
        prop_assert_eq!(&got, &lengths);
        let mut distinct = HashSet::new();
        for p in &found.paths {
            prop_assert!(roots.contains(&p.root));
            let mut at = p.root;
            let mut seq = vec![at];
            for st in &p.steps {
                prop_assert_eq!(st.from, at);
                prop_assert!(strong.contains(&(st.from, st.to)) && st.strong);
                at = st.to;
                seq.push(at);
            }
            prop_assert_eq!(at, target);
            prop_assert!(distinct.insert(seq));
        }
    }

    #[test]
    fn excluding_an_object_is_removing_it(c in case(), victim in 0u32..14) {
        let s = snapshot(&c);
        let heap = s.heap.as_ref().unwrap();
        let a = Analysis::compute(&s).unwrap();
        let victim = victim % c.n as u32;
        let mut ex = Exclusions::none();
        ex.exclude_object(victim);
        let tree = a.dominators_without(heap, &ex);
        let without = reachable(&c, Some(victim));
        for x in 0..c.n as u32 {
            prop_assert_eq!(tree.idom(x).is_some(), without[x as usize], "object {}", x);
        }
    }

    #[test]
    fn excluding_an_edge_is_removing_it(c in case(), pick in 0usize..64) {
        prop_assume!(!c.edges.is_empty());
        let s = snapshot(&c);
        let heap = s.heap.as_ref().unwrap();
        let a = Analysis::compute(&s).unwrap();
        let edge = (pick % heap.graph.edge_count()) as u32;
        let mut ex = Exclusions::none();
        ex.exclude_edge(&heap.graph, edge);
        let from = heap.graph.source(edge).unwrap();
        let to = heap.graph.target(edge);
        // The same graph built without that edge.
        let mut reduced = c.clone();
        let pos = reduced.edges.iter().position(|e| e.0 == from && e.1 == to && e.2 != heap.graph.label(edge).is_strong()).unwrap();
        reduced.edges.remove(pos);
        let rs = snapshot(&reduced);
        let ra = Analysis::compute(&rs).unwrap();
        let tree = a.dominators_without(heap, &ex);
        for x in 0..c.n as u32 {
            prop_assert_eq!(tree.idom(x), ra.dominators.idom(x), "object {}", x);
            prop_assert_eq!(tree.retained_bytes(x), ra.dominators.retained_bytes(x));
        }
    }
}

#[test]
fn deep_chains_do_not_overflow_the_stack() {
    let n = 300_000;
    let c = Case {
        n,
        edges: (0..n as u32 - 1).map(|i| (i, i + 1, false)).chain([(n as u32 - 1, 0, false)]).collect(),
        roots: vec![0],
        sizes: vec![1; n],
        types: vec![0; n],
    };
    let s = snapshot(&c);
    let a = Analysis::compute(&s).unwrap();
    assert_eq!(a.distances.get(n as u32 - 1), Some(n as u32 - 1));
    assert_eq!(a.dominators.retained_bytes(0), n as u64);
    assert_eq!(a.components.len(), 1);
    assert_eq!(a.components.get(0).len(), n);
    let heap = s.heap.as_ref().unwrap();
    let paths = a.retainer_paths(&s, heap, 1000, 1, &Exclusions::none());
    assert_eq!(paths.paths[0].steps.len(), 1000);
    let cycles = a.cycles(&s, heap);
    assert_eq!(cycles[0].suggested_break.as_ref().map(|b| (b.from, b.to, b.breaks_all)), Some((n as ObjIdx - 1, 0, false)));
}
