//! Load + analysis benchmark on synthetic heaps (plain `harness = false`).
//!
//! `cargo bench -p heapscope-core` generates (once, cached under
//! `target/bench-heaps/`) heaps of 10^5, 10^6 and 5×10^6 objects
//! (`HEAPSCOPE_BENCH_SIZES=100000,1000000` to choose), then measures each in
//! a fresh child process so that peak memory is its own: load time, the
//! one-time `Analysis`, cycles + suspects, a retainer-path query, and peak
//! RSS beyond the input bytes (VmHWM after resetting it via clear_refs).
//!
//! Machine-readable per-object costs (what `cargo xtask bench` reads):
//! `cargo bench -p heapscope-core --bench load_analyze -- --json` prints one
//! JSON object per line and size: CPU seconds (process CPU clock, all threads)
//! of load, the one-time analysis and the cycles + suspects reports, µs of CPU
//! per object, a single-threaded per-step split, and peak memory beyond the
//! input. `--repeat N` measures the sizes N times, interleaved (size 1, size
//! 2, …, size 1, …) so that every size sees the same machine load.

use std::path::{Path, PathBuf};
use std::time::Instant;

use heapscope_core::analysis::strong_view::Exclusions;
use heapscope_core::synth::{write_v1, SynthOptions};
use heapscope_core::{load, Analysis};

/// The `heapscope` CLI's allocator: what is measured is what the CLI does.
#[global_allocator]
static ALLOCATOR: heapscope_prefault::Prefaulting = heapscope_prefault::Prefaulting;

/// CPU seconds used by the whole process so far (every thread, also ended ones).
fn cpu_s() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: a plain libc call writing one timespec we own.
    if unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut ts) } != 0 {
        return 0.0;
    }
    ts.sec as f64 + ts.nsec as f64 * 1e-9
}

fn status_kib(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// `--json`: CPU time of load, analysis and reports, then a single-threaded
/// per-step split; one JSON line.
fn child_json(path: &Path) {
    use heapscope_core::analysis::{aggregate, distance, dominators, owner::Owners, scc, strong_view::StrongView, types::TypeIndex};
    let bytes = std::fs::read(path).expect("read heap");
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let base_kib = status_kib("VmRSS:");
    let (c0, t0) = (cpu_s(), Instant::now());
    let loaded = load(&bytes).expect("load");
    let (load_cpu, load_wall) = (cpu_s() - c0, t0.elapsed().as_secs_f64());
    let load_peak_kib = status_kib("VmHWM:");
    let s = &loaded.snapshot;
    let heap = s.heap.as_ref().expect("heap");
    let (c1, t1) = (cpu_s(), Instant::now());
    let a = Analysis::compute(s).expect("analysis");
    let (analysis_cpu, analysis_wall) = (cpu_s() - c1, t1.elapsed().as_secs_f64());
    let c2 = cpu_s();
    let cycles = a.cycles(s, heap);
    let suspects = a.suspects(s, heap, 10);
    let reports_cpu = cpu_s() - c2;
    let peak_kib = status_kib("VmHWM:");
    drop(a);
    // Per step, one thread, in turn (CPU seconds).
    let none = Exclusions::none();
    let view = StrongView::new(&heap.graph, &none);
    let roots: Vec<u32> = heap.roots.iter().map(|r| r.object).collect();
    let step = |f: &mut dyn FnMut()| {
        let c = cpu_s();
        f();
        cpu_s() - c
    };
    let mut types = None;
    let t_types = step(&mut || types = Some(TypeIndex::new(&s.strings, heap)));
    let mut dist = None;
    let t_dist = step(&mut || dist = Some(distance::distances(&view, &roots)));
    let mut dom = None;
    let t_dom = step(&mut || dom = Some(dominators::dominator_tree(&view, &roots, &heap.size_bytes)));
    let t_scc = step(&mut || drop(scc::cyclic_components(&view)));
    let (types, dom, dist) = (types.expect("types"), dom.expect("dominators"), dist.expect("distances"));
    let t_agg = step(&mut || drop(aggregate::aggregate(heap, &types, &dom, None, Default::default())));
    let t_owners = step(&mut || drop(Owners::compute(s, heap, &types, &dist, &dom)));
    let n = heap.object_count();
    let m = heap.reference_count();
    let beyond = peak_kib.saturating_sub(base_kib) * 1024;
    let load_beyond = load_peak_kib.saturating_sub(base_kib) * 1024;
    let us = |x: f64| x * 1e6 / n as f64;
    let total = load_cpu + analysis_cpu;
    println!(
        concat!(
            "{{\"objects\":{},\"references\":{},\"input_bytes\":{},",
            "\"load_cpu_s\":{:.4},\"analysis_cpu_s\":{:.4},\"reports_cpu_s\":{:.4},\"load_wall_s\":{:.4},\"analysis_wall_s\":{:.4},",
            "\"us_per_object\":{{\"load\":{:.4},\"analysis\":{:.4},\"load_analysis\":{:.4},\"reports\":{:.4}}},",
            "\"steps_cpu_s\":{{\"types\":{:.4},\"distances\":{:.4},\"dominators\":{:.4},\"scc\":{:.4},\"aggregate\":{:.4},\"owners\":{:.4}}},",
            "\"peak_beyond_input_bytes\":{},\"load_peak_beyond_input_bytes\":{},\"peak_bytes_per_object\":{:.1},\"budget_bytes\":{},",
            "\"cycles\":{},\"suspects\":{}}}"
        ),
        n,
        m,
        bytes.len(),
        load_cpu,
        analysis_cpu,
        reports_cpu,
        load_wall,
        analysis_wall,
        us(load_cpu),
        us(analysis_cpu),
        us(total),
        us(reports_cpu),
        t_types,
        t_dist,
        t_dom,
        t_scc,
        t_agg,
        t_owners,
        beyond,
        load_beyond,
        beyond as f64 / n as f64,
        120 * n as u64 + 12 * m as u64,
        cycles.len(),
        suspects.len(),
    );
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
        let _r = aggregate::aggregate(heap, &types, &dom, None, Default::default());
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
    heapscope_prefault::start();
    let json = std::env::args().any(|a| a == "--json");
    if let Ok(path) = std::env::var("HEAPSCOPE_BENCH_CHILD") {
        if json {
            child_json(Path::new(&path));
        } else {
            child(Path::new(&path));
        }
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let repeat = args.iter().position(|a| a == "--repeat").and_then(|i| args.get(i + 1)).and_then(|r| r.parse::<usize>().ok()).unwrap_or(1);
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: then stay small.
    let benching = std::env::args().any(|a| a == "--bench");
    let sizes =
        std::env::var("HEAPSCOPE_BENCH_SIZES").unwrap_or_else(|_| if benching { "100000,1000000,5000000" } else { "20000" }.to_string());
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-heaps");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let mut paths = Vec::new();
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
        paths.push((size, path));
    }
    for _ in 0..repeat {
        for (size, path) in &paths {
            let mut command = std::process::Command::new(std::env::current_exe().expect("exe"));
            if json {
                command.arg("--json");
            }
            let status = command.env("HEAPSCOPE_BENCH_CHILD", path).status().expect("child");
            assert!(status.success(), "benchmark child failed for {size}");
        }
    }
}
