//! Load + analysis benchmark on synthetic heaps (plain `harness = false`).
//!
//! `cargo bench -p heapscope-core` generates (once, cached under
//! `target/bench-heaps/`) heaps of 10^5, 10^6 and 5×10^6 objects
//! (`HEAPSCOPE_BENCH_SIZES=100000,1000000` to choose), then measures each in
//! a fresh child process so that peak memory is its own: load time, the
//! one-time `Analysis`, cycles + suspects, a retainer-path query, and peak
//! RSS beyond the input bytes (VmHWM after resetting it via clear_refs).

use std::path::{Path, PathBuf};
use std::time::Instant;

use heapscope_core::analysis::strong_view::Exclusions;
use heapscope_core::synth::{write_v1, SynthOptions};
use heapscope_core::{load, Analysis};

fn status_kib(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn child(path: &Path) {
    let bytes = std::fs::read(path).expect("read heap");
    // Start the peak over from here: what follows is the cost beyond the input.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let base_kib = status_kib("VmRSS:");
    let t0 = Instant::now();
    let loaded = load(&bytes).expect("load");
    let load_s = t0.elapsed().as_secs_f64();
    let s = &loaded.snapshot;
    let heap = s.heap.as_ref().expect("heap");
    if std::env::var("HEAPSCOPE_BENCH_PARTS").is_ok() {
        use heapscope_core::analysis::{aggregate, distance, dominators, scc, strong_view::StrongView, types::TypeIndex};
        let none = Exclusions::none();
        let view = StrongView::new(&heap.graph, &none);
        let roots: Vec<u32> = heap.roots.iter().map(|r| r.object).collect();
        let t = Instant::now();
        let types = TypeIndex::new(&s.strings, heap);
        let t_types = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _d = distance::distances(&view, &roots);
        let t_dist = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let dom = dominators::dominator_tree(&view, &roots, &heap.size_bytes);
        let t_dom = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _c = scc::cyclic_components(&view);
        let t_scc = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _r = aggregate::aggregate(heap, &types, &dom, Default::default());
        let t_agg = t.elapsed().as_secs_f64();
        eprintln!("parts: types {t_types:.3} distances {t_dist:.3} dominators {t_dom:.3} scc {t_scc:.3} aggregate {t_agg:.3}");
    }
    let t1 = Instant::now();
    let a = Analysis::compute(s).expect("analysis");
    let analysis_s = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let cycles = a.cycles(s, heap);
    let t_suspects = Instant::now();
    let suspects = a.suspects(s, heap, 10);
    let suspects_s = t_suspects.elapsed().as_secs_f64();
    let reports_s = t2.elapsed().as_secs_f64();
    let peak_kib = status_kib("VmHWM:");
    // Retainer queries: 200 reachable objects spread over the heap.
    let n = heap.object_count();
    let targets: Vec<u32> = (0..200u64).map(|i| ((i * 7_919_993) % n as u64) as u32).filter(|&o| a.distances.is_reachable(o)).collect();
    let none = Exclusions::none();
    let t3 = Instant::now();
    let mut found = 0;
    for &t in &targets {
        found += a.retainer_paths(s, heap, t, 1, &none).paths.len();
    }
    let query_ms = t3.elapsed().as_secs_f64() * 1e3 / targets.len().max(1) as f64;
    let t4 = Instant::now();
    for &t in &targets[..targets.len().min(20)] {
        a.retainer_paths(s, heap, t, 5, &none);
    }
    let query5_ms = t4.elapsed().as_secs_f64() * 1e3 / targets.len().clamp(1, 20) as f64;
    let m = heap.reference_count();
    let beyond = (peak_kib.saturating_sub(base_kib)) * 1024;
    let budget = 120 * n as u64 + 12 * m as u64;
    println!(
        "{n:>9} objects {m:>9} refs | input {:>5} MB | load {load_s:6.3} s | analysis {analysis_s:6.3} s | load+analysis {:6.3} s | cycles+suspects {reports_s:6.3} s (suspects {suspects_s:6.3} s; {} cycles, {} suspects) | path k=1 {query_ms:6.3} ms, k=5 {query5_ms:6.3} ms ({found} found) | peak beyond input {:>5} MB = {:5.1} B/obj (budget {:>5} MB: {})",
        bytes.len() >> 20,
        load_s + analysis_s,
        cycles.len(),
        suspects.len(),
        beyond >> 20,
        beyond as f64 / n as f64,
        budget >> 20,
        if beyond <= budget { "ok" } else { "OVER" },
    );
}

fn main() {
    if let Ok(path) = std::env::var("HEAPSCOPE_BENCH_CHILD") {
        child(Path::new(&path));
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: then stay small.
    let benching = std::env::args().any(|a| a == "--bench");
    let sizes =
        std::env::var("HEAPSCOPE_BENCH_SIZES").unwrap_or_else(|_| if benching { "100000,1000000,5000000" } else { "20000" }.to_string());
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-heaps");
    std::fs::create_dir_all(&dir).expect("bench dir");
    for size in sizes.split(',').filter_map(|s| s.trim().parse::<usize>().ok()) {
        let path = dir.join(format!("synth-{size}.heapscope.json"));
        if !path.exists() {
            let t = Instant::now();
            let tmp = path.with_extension("tmp");
            let file = std::fs::File::create(&tmp).expect("create");
            let stats = write_v1(SynthOptions { objects: size, seed: 1 }, file).expect("write");
            std::fs::rename(&tmp, &path).expect("rename");
            eprintln!("generated {} objects / {} refs in {:.1} s", stats.objects, stats.references, t.elapsed().as_secs_f64());
        }
        let status =
            std::process::Command::new(std::env::current_exe().expect("exe")).env("HEAPSCOPE_BENCH_CHILD", &path).status().expect("child");
        assert!(status.success(), "benchmark child failed for {size}");
    }
}
