//! Speed on the hostile heap shapes of issue 9 (plain `harness = false`):
//! one cycle whose members all have distinct types (`cycles`), one type per
//! module (`types --by-module`), and a "ladder" (`retainers`, whose path
//! search has a work budget). The tests count work instead of timing it;
//! this prints the times, for `cargo bench -p heapscope-core --bench
//! hostile_shapes` (sizes with `HEAPSCOPE_BENCH_SIZES=40000,1000000`).

use std::time::Instant;

use heapscope_core::analysis::aggregate::{AggregateOptions, GroupBy};
use heapscope_core::analysis::strong_view::Exclusions;
use heapscope_core::graph::{EdgeLabel, Graph};
use heapscope_core::model::{Heap, RefKind, Root, RootKind, Snapshot, SourceFormat};
use heapscope_core::strings::{StringTable, NO_STRING};
use heapscope_core::Analysis;

fn snapshot(n: usize, type_of: impl Fn(usize) -> String, edges: Vec<(u32, u32)>) -> Snapshot {
    let mut strings = StringTable::new();
    let type_name = (0..n).map(|i| strings.push(&type_of(i))).collect();
    let (from, to): (Vec<u32>, Vec<u32>) = edges.into_iter().unzip();
    let labels = vec![EdgeLabel::new(RefKind::Attribute, NO_STRING); from.len()];
    let heap = Heap {
        address: (0..n as u64).map(|i| 16 * (i + 1)).collect(),
        type_name,
        size_bytes: vec![8; n],
        flags: vec![0; n],
        description: vec![NO_STRING; n],
        traceback: vec![u32::MAX; n],
        graph: Graph::from_edges(n, from, to, labels),
        roots: vec![Root { object: 0, kind: RootKind::Module, name: NO_STRING, excess: 0 }],
    };
    Snapshot { format: SourceFormat::HeapscopeV1, process: Default::default(), strings, heap: Some(heap), tracemalloc: None }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64())
}

fn main() {
    let sizes: Vec<usize> = std::env::var("HEAPSCOPE_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![40_000, 100_000, 1_000_000]);
    for &n in &sizes {
        let ring = snapshot(n, |i| format!("m{i}.T{i}"), (0..n as u32).map(|i| (i, (i + 1) % n as u32)).collect());
        let heap = ring.heap.as_ref().unwrap();
        let a = Analysis::of_heap(&ring, heap);
        let (cycles, t_cycles) = timed(|| a.cycles(&ring, heap));
        let (rows, t_modules) = timed(|| a.aggregate(heap, AggregateOptions { group_by: GroupBy::Module, fold_instance_dicts: false }));
        let half = (n / 2) as u32;
        let a_ = |i: u32| 1 + i;
        let b_ = |i: u32| 1 + half + i;
        let mut edges = vec![(0, a_(0)), (0, b_(0))];
        for i in 0..half {
            edges.extend([(a_(i), b_(i)), (b_(i), a_(i))]);
            if i + 1 < half {
                edges.extend([(a_(i), a_(i + 1)), (b_(i), b_(i + 1))]);
            }
        }
        let ladder = snapshot(2 * half as usize + 1, |_| "app.Rung".to_string(), edges);
        let lheap = ladder.heap.as_ref().unwrap();
        let la = Analysis::of_heap(&ladder, lheap);
        let (paths, t_paths) = timed(|| la.retainer_paths(&ladder, lheap, a_(half - 1), 3, &Exclusions::none()));
        println!(
            "n={n}: cycles of one {}-member, {}-type ring {t_cycles:.3} s; types by module ({} modules) {t_modules:.3} s; \
             3 retainer paths on a {}-rung ladder {t_paths:.3} s ({} found, {} steps, stopped early: {})",
            cycles[0].members.len(),
            cycles[0].types.len(),
            rows.len(),
            half,
            paths.paths.len(),
            paths.work,
            paths.truncated
        );
    }
}
