//! `cargo xtask bench`: the native, browser, exporter and memlab benchmarks
//! in one run, written as one table (markdown on stdout and in
//! `target/bench/bench.md`, the same numbers in `target/bench/bench.json`)
//! with the machine's load average, core count and tool versions.
//!
//! ```text
//! cargo xtask bench [--only native,browser,exporter,memlab] [--sizes 1e5,1e6,3e6] [--heap synth|export]
//! ```
//!
//! `--heap export` runs the browser and memlab steps on heaps our exporter
//! wrote from a real Python process (`python/bench/bench_export.py --plain`,
//! kept in `target/bench/export-N/`) instead of `heapscope synth`'s: what a
//! user's file looks like (address deltas, about 1.5 references per object
//! where the synthetic heap has 4.7, many distinct strings).
//!
//! Each part is a step of its own that runs the project's existing
//! benchmark command and reads what it prints:
//! - `native`: `cargo bench -p heapscope-core --bench load_analyze` (load +
//!   every analysis, peak memory beyond the input; its own cached heaps, the
//!   same generator and seed as `heapscope synth`), three rounds, the least
//!   of each number in the table;
//! - `browser`: `node e2e/bench/browser.mjs` on `heapscope synth` files (a
//!   release build of the app first);
//! - `exporter`: `python3 python/bench/bench_export.py --objects N`;
//! - `memlab`: memlab from npm installed into `target/bench/memlab/` (never a
//!   dependency of the app or of `cargo xtask test`), the synthetic heap
//!   converted with the hidden `heapscope to-heapsnapshot`, then in one run
//!   `heapscope dominators --json` (the whole process: read, parse, every
//!   analysis) and memlab's `getFullHeapFromFile` (parse, shortest paths,
//!   dominators, retained sizes: timed inside its process, so memlab's
//!   start-up is not counted) on the same graph, three rounds of the two
//!   interleaved, the fastest run of each in the table; memlab's retained
//!   size of every object heapscope listed is compared in every round
//!   (`e2e/bench/memlab.mjs`).
//!
//! The machine is often shared: ratios within one run are what to compare;
//! absolute times are context. CPU times come from `/usr/bin/time` (Debian
//! `time`) when it is there.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::run;

/// memlab's version on npm that the comparison was written against.
const MEMLAB_VERSION: &str = "2.0.5";
const STEPS: [&str; 4] = ["native", "browser", "exporter", "memlab"];
const DEFAULT_SIZES: [u64; 3] = [100_000, 1_000_000, 3_000_000];
/// Runs of the native benchmark per size; the table has the least of each number.
const NATIVE_ROUNDS: usize = 3;
/// Runs of each tool in the memlab comparison; the table has the best (the
/// fastest) of each.
const MEMLAB_ROUNDS: usize = 3;
const OUT_DIR: &str = "target/bench";

/// A measured value: a number (kept exact in the JSON) or a note.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Num(f64),
    Text(String),
}

/// One table row: the results of every step for one heap size.
type Row = BTreeMap<String, Val>;

/// The table's columns: (key, header, decimals). Keys missing from a row print as "—".
const COLUMNS: [(&str, &str, usize); 29] = [
    ("heap.objects", "objects exported", 0),
    ("native.references", "references", 0),
    ("native.load_analysis_s", "native: load + every analysis, wall (s)", 3),
    ("native.us_per_object", "native: µs per object, wall", 2),
    ("native.cpu_us_per_object", "native: µs CPU per object", 2),
    ("native.peak_b_per_object", "native: peak beyond input (B/object)", 0),
    ("memlab.heapscope_s", "heapscope CLI, `dominators` (s)", 2),
    ("memlab.memlab_s", "memlab 2.0.5 full-heap analysis (s)", 2),
    ("memlab.heapscope_cpu_s", "heapscope CPU (s)", 2),
    ("memlab.memlab_cpu_s", "memlab CPU (s)", 2),
    ("memlab.ratio", "memlab ÷ heapscope (wall)", 1),
    ("memlab.ratio_cpu", "memlab ÷ heapscope (CPU)", 1),
    ("memlab.agreement", "retained sizes agree", 0),
    ("browser.shown_s", "browser: pick → Overview (s)", 2),
    ("browser.worker_memory_mib", "browser: worker memory (MiB)", 0),
    ("browser.longest_task_ms", "browser: longest main-thread task (ms)", 0),
    ("cli.summary_s", "native CLI `summary`, same file (s)", 2),
    ("cli.max_rss_mib", "native CLI peak RSS (MiB)", 0),
    ("browser.vs_cli_time", "browser ÷ CLI time", 2),
    ("browser.vs_cli_memory", "worker memory ÷ CLI peak RSS", 2),
    ("browser.worker_parse_analyse_s", "browser: worker parse + analysis (s)", 2),
    ("cli.summary_cpu_s", "native CLI `summary` CPU (s)", 2),
    ("browser.worker_vs_cli_cpu", "worker parse + analysis ÷ CLI CPU", 2),
    ("browser.ready_ms", "browser: worker ready after page start (ms)", 0),
    ("exporter.objects", "exporter: objects exported", 0),
    ("exporter.cpu_s", "exporter: CPU (s)", 2),
    ("exporter.peak_b_per_object", "exporter: peak extra (B/object)", 0),
    ("exporter.guppy3_cpu_s", "guppy3 census: CPU (s)", 2),
    ("exporter.vs_guppy3", "exporter ÷ guppy3 (CPU)", 2),
];

#[derive(Debug)]
struct Options {
    steps: Vec<String>,
    sizes: Vec<u64>,
    heap: HeapKind,
}

/// Which heaps the browser and memlab steps read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeapKind {
    /// `heapscope synth`'s (what the native benchmark reads too).
    Synth,
    /// Our exporter's, from a real Python process.
    Export,
}

impl HeapKind {
    fn name(self) -> &'static str {
        match self {
            HeapKind::Synth => "synth",
            HeapKind::Export => "export",
        }
    }

    /// The heap file of about `n` objects, made once.
    fn file(self, n: u64) -> Result<String, String> {
        match self {
            HeapKind::Synth => synth_file(n),
            HeapKind::Export => export_file(n),
        }
    }
}

pub fn command(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    std::fs::create_dir_all(OUT_DIR).map_err(|e| format!("{OUT_DIR}: {e}"))?;
    let load_before = load_average();
    let started = Instant::now();
    let mut rows: BTreeMap<u64, Row> = options.sizes.iter().map(|&n| (n, Row::new())).collect();
    let mut notes = Vec::new();
    let mut versions = vec![("heapscope", git(&["rev-parse", "--short", "HEAD"])), ("rustc", first_line("rustc", &["--version"]))];
    let wants = |step: &str| options.steps.iter().any(|s| s == step);
    let mut failures = Vec::new();
    if wants("memlab") || wants("browser") {
        run(Command::new("cargo").args(["build", "--release", "-p", "heapscope-cli"]))?;
    }
    for step in STEPS.iter().filter(|s| wants(s)) {
        eprintln!("\n== bench: {step} ==");
        let result = match *step {
            "native" => native(&options.sizes, &mut rows),
            "browser" => browser(&options.sizes, options.heap, &mut rows, &mut versions),
            "exporter" => exporter(&options.sizes, &mut rows, &mut versions, &mut notes),
            _ => memlab(&options.sizes, options.heap, &mut rows, &mut versions, &mut notes),
        };
        if let Err(e) = result {
            eprintln!("bench: {step} failed: {e}");
            failures.push(format!("{step}: {e}"));
        }
    }
    let machine = Machine {
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_before,
        load_after: load_average(),
        date: first_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        seconds: started.elapsed().as_secs(),
        command: format!("cargo xtask bench {}", args.join(" ")).trim_end().to_string(),
        versions: versions.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    };
    notes.extend(failures.iter().map(|f| format!("step failed: {f}")));
    let markdown = markdown(&machine, &rows, &notes);
    print!("{markdown}");
    write_file(&Path::new(OUT_DIR).join("bench.md"), &markdown)?;
    write_file(&Path::new(OUT_DIR).join("bench.json"), &json(&machine, &rows, &notes))?;
    eprintln!("wrote {OUT_DIR}/bench.md and {OUT_DIR}/bench.json");
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} step(s) failed: {}", failures.len(), failures.join("; ")))
    }
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    const USAGE: &str = "usage: cargo xtask bench [--only native,browser,exporter,memlab] [--sizes 1e5,1e6,3e6] [--heap synth|export]";
    let mut options =
        Options { steps: STEPS.iter().map(|s| s.to_string()).collect(), sizes: DEFAULT_SIZES.to_vec(), heap: HeapKind::Synth };
    let mut only: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = it.next().ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))?;
        match arg.as_str() {
            "--only" => {
                for step in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if !STEPS.contains(&step) {
                        return Err(format!("--only {step}: not a step (native, browser, exporter, memlab)"));
                    }
                    only.push(step.to_string());
                }
            }
            "--sizes" => options.sizes = value.split(',').map(parse_size).collect::<Result<_, _>>()?,
            "--heap" => {
                options.heap = match value.as_str() {
                    "synth" => HeapKind::Synth,
                    "export" => HeapKind::Export,
                    _ => return Err(format!("--heap {value}: expected synth or export\n{USAGE}")),
                }
            }
            _ => return Err(format!("unknown option {arg}\n{USAGE}")),
        }
    }
    if options.heap == HeapKind::Export {
        // The native benchmark makes its own synthetic heaps; the exporter step makes its own heap.
        if let Some(step) = only.iter().find(|s| *s == "native" || *s == "exporter") {
            return Err(format!("--only {step} does not read --heap export's files; with --heap export: --only browser,memlab"));
        }
        if only.is_empty() {
            only = vec!["browser".to_string(), "memlab".to_string()];
        }
    }
    if !only.is_empty() {
        options.steps = only;
    }
    Ok(options)
}

/// `100000`, `1e5`, `3e6`, `2.5e6` → a count of objects.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let bad = || format!("--sizes {t}: expected a number of objects such as 100000 or 1e5");
    let n = match t.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            let m: f64 = mantissa.parse().map_err(|_| bad())?;
            let e: i32 = exponent.parse().map_err(|_| bad())?;
            m * 10f64.powi(e)
        }
        None => t.parse::<u64>().map_err(|_| bad())? as f64,
    };
    if !(1.0..=1e9).contains(&n) || n.fract() != 0.0 {
        return Err(bad());
    }
    Ok(n as u64)
}

// ---------------------------------------------------------------- steps

fn native(sizes: &[u64], rows: &mut BTreeMap<u64, Row>) -> Result<(), String> {
    let list = sizes.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
    // `--json` asks for one JSON line per size (CPU times, µs per object); a
    // benchmark that does not know it prints its text line, read as well.
    // Each size is run `NATIVE_ROUNDS` times (a child process each); each
    // number in the table is the least of its rounds.
    let rounds = NATIVE_ROUNDS.to_string();
    let out = capture(
        Command::new("cargo")
            .args(["bench", "-p", "heapscope-core", "--bench", "load_analyze", "--", "--json", "--repeat", &rounds])
            .env("HEAPSCOPE_BENCH_SIZES", &list),
    )?;
    let mut seen = 0;
    for line in out.lines() {
        let Some(facts) = native_facts(line) else { continue };
        let objects = facts.iter().find(|(k, _)| k == "native.objects").and_then(|(_, v)| v.as_num()).unwrap_or(0.0) as u64;
        // The generator lands within a few percent of the size asked for.
        if let Some(row) = nearest_row(rows, objects) {
            for (key, value) in facts {
                match (row.get(&key), &value) {
                    (Some(Val::Num(old)), Val::Num(new)) if old <= new => {}
                    _ => {
                        row.insert(key, value);
                    }
                }
            }
            seen += 1;
        }
    }
    if seen == 0 {
        return Err("the native benchmark printed no result line".into());
    }
    Ok(())
}

/// One size's facts from the native benchmark: its JSON line, or its text line.
pub fn native_facts(line: &str) -> Option<Vec<(String, Val)>> {
    let mut facts = Vec::new();
    let mut put = |k: &str, v: f64| facts.push((k.to_string(), Val::Num(v)));
    if line.trim_start().starts_with('{') {
        let j = parse_flat_json(line).ok()?.into_iter().next()?;
        let num = |k: &str| j.get(k).and_then(Val::as_num);
        let objects = num("objects")?;
        put("native.objects", objects);
        put("native.references", num("references")?);
        if let (Some(load), Some(analysis)) = (num("load_wall_s"), num("analysis_wall_s")) {
            put("native.load_analysis_s", load + analysis);
            put("native.us_per_object", (load + analysis) * 1e6 / objects.max(1.0));
        }
        if let (Some(load), Some(analysis)) = (num("load_cpu_s"), num("analysis_cpu_s")) {
            put("native.load_analysis_cpu_s", load + analysis);
        }
        if let Some(us) = num("us_per_object.load_analysis") {
            put("native.cpu_us_per_object", us);
        }
        if let Some(b) = num("peak_bytes_per_object") {
            put("native.peak_b_per_object", b);
        }
        return Some(facts);
    }
    let parsed = parse_native_line(line)?;
    put("native.objects", parsed.objects as f64);
    put("native.references", parsed.references as f64);
    put("native.load_analysis_s", parsed.load_analysis_s);
    put("native.us_per_object", parsed.load_analysis_s * 1e6 / parsed.objects.max(1) as f64);
    if let Some(b) = parsed.peak_b_per_object {
        put("native.peak_b_per_object", b);
    }
    Some(facts)
}

/// What the native benchmark prints for one heap.
#[derive(Debug, PartialEq)]
pub struct NativeLine {
    pub objects: u64,
    pub references: u64,
    pub load_analysis_s: f64,
    pub peak_b_per_object: Option<f64>,
}

/// Reads `N objects M refs | … | load+analysis X s | … = B B/obj …` (crates/core/benches/load_analyze.rs).
pub fn parse_native_line(line: &str) -> Option<NativeLine> {
    let mut words = line.split_whitespace();
    let objects = words.next()?.parse().ok()?;
    if words.next()? != "objects" {
        return None;
    }
    let references = words.next()?.parse().ok()?;
    let after = |key: &str| line.split(key).nth(1).and_then(|rest| rest.split_whitespace().next()).and_then(|v| v.parse::<f64>().ok());
    let load_analysis_s = after("load+analysis")?;
    let peak_b_per_object = line
        .split(" B/obj")
        .next()
        .filter(|_| line.contains(" B/obj"))
        .and_then(|s| s.rsplit(['=', ' ']).find(|w| !w.is_empty()))
        .and_then(|v| v.parse().ok());
    Some(NativeLine { objects, references, load_analysis_s, peak_b_per_object })
}

fn browser(sizes: &[u64], heap: HeapKind, rows: &mut BTreeMap<u64, Row>, versions: &mut Vec<(&'static str, String)>) -> Result<(), String> {
    crate::tools::ensure_build_tools()?;
    crate::tools::ensure_test_tools()?;
    crate::build_release()?;
    versions.push(("Chromium", first_line("/usr/bin/chromium", &["--version"])));
    let files = sizes.iter().map(|&n| heap.file(n)).collect::<Result<Vec<_>, _>>()?;
    heap_counts(heap, sizes, &files, rows)?;
    let out = capture(Command::new("node").arg("e2e/bench/browser.mjs").args(&files))?;
    // The script's last line is its results as JSON, one object per file in order.
    let last = out.lines().rev().find(|l| l.trim_start().starts_with('[')).ok_or("browser.mjs printed no JSON results")?;
    let results = parse_flat_json(last)?;
    for (&n, result) in sizes.iter().zip(&results) {
        let row = rows.get_mut(&n).expect("a row per size");
        let num = |k: &str| result.get(k).and_then(Val::as_num);
        for (key, from) in [
            ("browser.shown_s", "shown_s"),
            ("browser.worker_parse_analyse_s", "worker_parse_analyse_s"),
            ("browser.worker_memory_mib", "worker_memory_mib"),
            ("browser.longest_task_ms", "longest_main_thread_task_ms"),
            ("browser.three_views_s", "three_views_s"),
            ("browser.ready_ms", "worker_ready_ms"),
        ] {
            if let Some(v) = num(from) {
                row.insert(key.into(), Val::Num(v));
            }
        }
    }
    // The native CLI on the same files: the whole process, from reading the
    // file to the summary (load, every analysis, the overview's facts).
    let timer = Path::new("/usr/bin/time").exists();
    for (&n, file) in sizes.iter().zip(&files) {
        let times = PathBuf::from(format!("{OUT_DIR}/cli-summary-time-{}-{n}.txt", heap.name()));
        let mut cmd = heapscope_timed(timer, &times);
        cmd.args(["summary", file]).stdout(std::process::Stdio::null());
        eprintln!("$ heapscope summary {file}");
        let t = Instant::now();
        let status = cmd.status().map_err(|e| format!("cannot run heapscope: {e}"))?;
        let cli_s = t.elapsed().as_secs_f64();
        if !status.success() {
            return Err(format!("heapscope summary {file} failed ({status})"));
        }
        let row = rows.get_mut(&n).expect("a row per size");
        row.insert("cli.summary_s".into(), Val::Num(cli_s));
        if let Some(Val::Num(shown)) = row.get("browser.shown_s").cloned() {
            row.insert("browser.vs_cli_time".into(), Val::Num(shown / cli_s));
        }
        let (cpu_s, rss_kib) = if timer { parse_time_file(&times)? } else { (None, None) };
        if let Some(cpu) = cpu_s {
            row.insert("cli.summary_cpu_s".into(), Val::Num(cpu));
            // One wasm thread against the CLI's CPU on all its threads.
            if let Some(Val::Num(worker)) = row.get("browser.worker_parse_analyse_s").cloned() {
                row.insert("browser.worker_vs_cli_cpu".into(), Val::Num(worker / cpu));
            }
        }
        if let Some(kib) = rss_kib {
            row.insert("cli.max_rss_mib".into(), Val::Num(kib / 1024.0));
            if let Some(Val::Num(worker)) = row.get("browser.worker_memory_mib").cloned() {
                row.insert("browser.vs_cli_memory".into(), Val::Num(worker / (kib / 1024.0)));
            }
        }
    }
    Ok(())
}

fn exporter(
    sizes: &[u64],
    rows: &mut BTreeMap<u64, Row>,
    versions: &mut Vec<(&'static str, String)>,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    versions.push(("Python", first_line("python3", &["--version"])));
    // With the guppy3 comparison (its own venv), both in one script; else the export alone.
    let versus_guppy = Path::new(GUPPY_SCRIPT).exists();
    for &n in sizes {
        let row = rows.get_mut(&n).expect("a row per size");
        if versus_guppy {
            let json = format!("{OUT_DIR}/exporter-{n}.json");
            let n_text = n.to_string();
            let args = ["--objects", n_text.as_str(), "--shapes", "requests", "--tools", "guppy3,heapscope", "--json", json.as_str()];
            capture(Command::new("python3").arg(GUPPY_SCRIPT).args(args))?;
            let text = std::fs::read_to_string(&json).map_err(|e| format!("{json}: {e}"))?;
            row.extend(guppy_facts(&parse_json(&text)?)?);
            continue;
        }
        let out = capture(Command::new("python3").args(["python/bench/bench_export.py", "--objects", &n.to_string()]))?;
        row.extend(parse_exporter(&out));
        // Lines the harness does not know are kept as notes.
        for line in out.lines().filter(|l| !EXPORTER_LINES.iter().any(|k| l.starts_with(k)) && !l.trim().is_empty()) {
            notes.push(format!("exporter at {}: {}", human(n), line.trim()));
        }
    }
    Ok(())
}

const GUPPY_SCRIPT: &str = "python/bench/bench_vs_guppy.py";

/// `bench_vs_guppy.py --json`'s rows: heapscope's export and guppy3's census of one heap.
pub fn guppy_facts(doc: &Value) -> Result<Vec<(String, Val)>, String> {
    let Some(Value::Array(list)) = doc.get("rows") else { return Err(format!("{GUPPY_SCRIPT}: no rows")) };
    let tool = |name: &str| list.iter().find(|r| r.get("tool").and_then(Value::as_str) == Some(name));
    let num = |r: &Value, k: &str| r.get(k).and_then(num).ok_or_else(|| format!("{GUPPY_SCRIPT}: a row without {k}"));
    let heapscope = tool("heapscope").ok_or_else(|| format!("{GUPPY_SCRIPT}: no heapscope row"))?;
    let objects = num(heapscope, "objects")?;
    let cpu = num(heapscope, "cpu")?;
    let mut facts = vec![
        ("exporter.objects".to_string(), Val::Num(objects)),
        ("exporter.cpu_s".to_string(), Val::Num(cpu)),
        ("exporter.seconds".to_string(), Val::Num(num(heapscope, "wall")?)),
        ("exporter.peak_b_per_object".to_string(), Val::Num(num(heapscope, "extra_bytes")? / objects.max(1.0))),
    ];
    if let Some(guppy) = tool("guppy3") {
        let guppy_cpu = num(guppy, "cpu")?;
        facts.push(("exporter.guppy3_cpu_s".to_string(), Val::Num(guppy_cpu)));
        facts.push((
            "exporter.guppy3_peak_b_per_object".to_string(),
            Val::Num(num(guppy, "extra_bytes")? / num(guppy, "objects")?.max(1.0)),
        ));
        facts.push(("exporter.vs_guppy3".to_string(), Val::Num(cpu / guppy_cpu.max(0.001))));
    }
    Ok(facts)
}

/// The lines of `bench_export.py`'s report the table reads.
const EXPORTER_LINES: [&str; 8] =
    ["python ", "tracked objects", "exported ", "export time", "export CPU time", "RSS before", "peak extra RSS", "file size"];

/// Reads `bench_export.py`'s report: objects exported, CPU seconds, peak extra memory per object.
pub fn parse_exporter(out: &str) -> Vec<(String, Val)> {
    let value = |prefix: &str| -> Option<f64> {
        let line = out.lines().find(|l| l.starts_with(prefix))?;
        line[prefix.len()..].split_whitespace().next()?.parse().ok()
    };
    let mut facts = Vec::new();
    let objects = value("exported ");
    if let Some(n) = objects {
        facts.push(("exporter.objects".to_string(), Val::Num(n)));
    }
    if let Some(s) = value("export time") {
        facts.push(("exporter.seconds".to_string(), Val::Num(s)));
    }
    if let Some(s) = value("export CPU time") {
        facts.push(("exporter.cpu_s".to_string(), Val::Num(s)));
    }
    if let Some(mib) = value("peak extra RSS") {
        facts.push(("exporter.peak_extra_mib".to_string(), Val::Num(mib)));
        if let Some(n) = objects.filter(|&n| n > 0.0) {
            facts.push(("exporter.peak_b_per_object".to_string(), Val::Num(mib * 1048576.0 / n)));
        }
    }
    facts
}

fn memlab(
    sizes: &[u64],
    heap: HeapKind,
    rows: &mut BTreeMap<u64, Row>,
    versions: &mut Vec<(&'static str, String)>,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let dir = Path::new(OUT_DIR).join("memlab");
    ensure_memlab(&dir)?;
    versions.push(("node", first_line("node", &["--version"])));
    versions.push(("memlab", MEMLAB_VERSION.to_string()));
    let timer = Path::new("/usr/bin/time").exists();
    if !timer {
        notes.push("no /usr/bin/time (Debian `time`): heapscope's CPU time is not measured".into());
    }
    for &n in sizes {
        let source = heap.file(n)?;
        heap_counts(heap, &[n], std::slice::from_ref(&source), rows)?;
        let kind = heap.name();
        let v8 = PathBuf::from(format!("{OUT_DIR}/{kind}-{n}.heapsnapshot"));
        if is_stale(&v8, Path::new(&source)) {
            run(Command::new(crate::release_bin("heapscope")).args(["to-heapsnapshot", &source, "--out"]).arg(&v8))?;
        }
        // Best of `MEMLAB_ROUNDS` for each tool, their runs interleaved (a
        // shared VM's noise only ever adds time): heapscope, the whole
        // process, from reading the file to the answer; memlab timed inside
        // its process. Every memlab run checks heapscope's answers.
        let answers = PathBuf::from(format!("{OUT_DIR}/heapscope-dominators-{kind}-{n}.json"));
        let times = PathBuf::from(format!("{OUT_DIR}/heapscope-time-{kind}-{n}.txt"));
        let result_file = PathBuf::from(format!("{OUT_DIR}/memlab-result-{kind}-{n}.json"));
        let mut best_heapscope: Option<(f64, Option<f64>, Option<f64>)> = None;
        let mut best_memlab: Option<BTreeMap<String, Val>> = None;
        let mut least_agreed = f64::INFINITY;
        for _ in 0..MEMLAB_ROUNDS {
            let mut cmd = heapscope_timed(timer, &times);
            cmd.args(["dominators", &source, "--json", "--depth", "3", "--limit", "4"]);
            let file = std::fs::File::create(&answers).map_err(|e| format!("{}: {e}", answers.display()))?;
            eprintln!("$ heapscope dominators {source} --json --depth 3 --limit 4 > {}", answers.display());
            let t = Instant::now();
            let status = cmd.stdout(file).status().map_err(|e| format!("cannot run heapscope: {e}"))?;
            let heapscope_s = t.elapsed().as_secs_f64();
            if !status.success() {
                return Err(format!("heapscope dominators {source} failed ({status})"));
            }
            let (cpu, rss_kib) = if timer { parse_time_file(&times)? } else { (None, None) };
            if best_heapscope.is_none_or(|(s, ..)| heapscope_s < s) {
                best_heapscope = Some((heapscope_s, cpu, rss_kib));
            }
            run(Command::new("node")
                .args(["--max-old-space-size=16384", "e2e/bench/memlab.mjs"])
                .arg(&dir)
                .arg(&v8)
                .arg(&answers)
                .arg(&result_file))?;
            let text = std::fs::read_to_string(&result_file).map_err(|e| format!("{}: {e}", result_file.display()))?;
            let result = parse_flat_json(&text)?.into_iter().next().ok_or("memlab.mjs wrote no result")?;
            let seconds = |r: &BTreeMap<String, Val>| r.get("seconds").and_then(Val::as_num).unwrap_or(f64::INFINITY);
            least_agreed = least_agreed.min(result.get("agreed").and_then(Val::as_num).unwrap_or(0.0));
            if let Some(Val::Text(m)) = result.get("first_mismatch").filter(|m| **m != Val::Text(String::new())) {
                let note = format!("memlab at {}: retained sizes differ, first: {m}", human(n));
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
            if best_memlab.as_ref().is_none_or(|b| seconds(&result) < seconds(b)) {
                best_memlab = Some(result);
            }
        }
        let (heapscope_s, heapscope_cpu, heapscope_rss_kib) = best_heapscope.expect("at least one round");
        let result = best_memlab.expect("at least one round");
        let num = |k: &str| result.get(k).and_then(Val::as_num).ok_or_else(|| format!("memlab.mjs result without {k}"));
        let memlab_s = num("seconds")?;
        let memlab_cpu = num("cpu_seconds")?;
        // The agreement of the run that agreed least.
        let (checked, agreed) = (num("checked")?, least_agreed);
        let row = rows.get_mut(&n).expect("a row per size");
        row.insert("memlab.heapscope_s".into(), Val::Num(heapscope_s));
        row.insert("memlab.memlab_s".into(), Val::Num(memlab_s));
        row.insert("memlab.ratio".into(), Val::Num(memlab_s / heapscope_s));
        row.insert("memlab.memlab_cpu_s".into(), Val::Num(memlab_cpu));
        row.insert("memlab.memlab_max_rss_mib".into(), Val::Num(num("max_rss_mib")?));
        if let Some(cpu) = heapscope_cpu {
            row.insert("memlab.heapscope_cpu_s".into(), Val::Num(cpu));
            row.insert("memlab.ratio_cpu".into(), Val::Num(memlab_cpu / cpu.max(0.01)));
        }
        if let Some(kib) = heapscope_rss_kib {
            row.insert("memlab.heapscope_max_rss_mib".into(), Val::Num(kib / 1024.0));
        }
        row.insert("memlab.checked".into(), Val::Num(checked));
        row.insert("memlab.agreed".into(), Val::Num(agreed));
        row.insert("memlab.agreement".into(), Val::Text(format!("{agreed} of {checked}")));
        row.insert("memlab.nodes".into(), Val::Num(num("nodes")?));
        row.insert("memlab.edges".into(), Val::Num(num("edges")?));
    }
    Ok(())
}

/// memlab from npm in its own directory, without a browser download.
fn ensure_memlab(dir: &Path) -> Result<(), String> {
    let installed = dir.join("node_modules/@memlab/core/package.json");
    if std::fs::read_to_string(&installed).is_ok_and(|p| p.contains(&format!("\"version\": \"{MEMLAB_VERSION}\""))) {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    write_file(&dir.join("package.json"), "{\"private\": true, \"description\": \"benchmark only (cargo xtask bench)\"}\n")?;
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--no-save", &format!("memlab@{MEMLAB_VERSION}")])
        .current_dir(dir)
        .env("PUPPETEER_SKIP_DOWNLOAD", "1"))
}

/// `target/bench/synth-N.heapscope.json` (as `bench-browser` makes it), written once; the
/// native benchmark's copy of the same heap (same generator, same seed) when it has one.
fn synth_file(n: u64) -> Result<String, String> {
    let native = format!("target/bench-heaps/synth-{n}.heapscope.json");
    if Path::new(&native).exists() {
        return Ok(native);
    }
    let file = format!("{OUT_DIR}/synth-{n}.heapscope.json");
    if !Path::new(&file).exists() {
        let tmp = format!("{file}.tmp");
        run(Command::new(crate::release_bin("heapscope")).args(["synth", "--objects", &n.to_string(), "--out", &tmp]))?;
        std::fs::rename(&tmp, &file).map_err(|e| format!("{file}: {e}"))?;
    }
    Ok(file)
}

/// `target/bench/export-N/bench.heapscope.json`: a heap of about `n` objects
/// that our exporter wrote from a real Python process (plain JSON, kept;
/// `export.txt` beside it is `bench_export.py`'s report).
fn export_file(n: u64) -> Result<String, String> {
    let dir = format!("{OUT_DIR}/export-{n}");
    let file = format!("{dir}/bench.heapscope.json");
    let report = format!("{dir}/export.txt");
    if !Path::new(&report).exists() || !Path::new(&file).exists() {
        let out =
            capture(Command::new("python3").args(["python/bench/bench_export.py", "--plain", "--objects", &n.to_string(), "--out", &dir]))?;
        write_file(Path::new(&report), &out)?;
    }
    Ok(file)
}

/// The object and reference counts of exported heaps (a synthetic heap's
/// come from the native benchmark), from `bench_export.py`'s report.
fn heap_counts(heap: HeapKind, sizes: &[u64], files: &[String], rows: &mut BTreeMap<u64, Row>) -> Result<(), String> {
    if heap != HeapKind::Export {
        return Ok(());
    }
    for (&n, file) in sizes.iter().zip(files) {
        let report = Path::new(file).with_file_name("export.txt");
        let text = std::fs::read_to_string(&report).map_err(|e| format!("{}: {e}", report.display()))?;
        let (objects, references) =
            exported_counts(&text).ok_or_else(|| format!("{}: no `exported N objects, M references` line", report.display()))?;
        let row = rows.get_mut(&n).expect("a row per size");
        row.insert("heap.objects".into(), Val::Num(objects as f64));
        row.insert("native.references".into(), Val::Num(references as f64));
    }
    Ok(())
}

/// `exported        952625 objects, 1461097 references` → the two counts.
fn exported_counts(report: &str) -> Option<(u64, u64)> {
    let line = report.lines().find_map(|l| l.strip_prefix("exported"))?;
    let mut numbers = line.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).map(|w| w.parse::<u64>());
    Some((numbers.next()?.ok()?, numbers.next()?.ok()?))
}

fn is_stale(derived: &Path, source: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(derived), modified(source)) {
        (Some(d), Some(s)) => d < s,
        _ => true,
    }
}

/// `/usr/bin/time -f "%U %S %M"`: CPU seconds (user + system) and peak RSS in KiB.
/// The release CLI, run under `/usr/bin/time` (user, system, peak RSS into
/// `times`, read by [`parse_time_file`]) when `timer`.
fn heapscope_timed(timer: bool, times: &Path) -> Command {
    if !timer {
        return Command::new(crate::release_bin("heapscope"));
    }
    let mut c = Command::new("/usr/bin/time");
    c.args(["-f", "%U %S %M", "-o"]).arg(times).arg(crate::release_bin("heapscope"));
    c
}

fn parse_time_file(path: &Path) -> Result<(Option<f64>, Option<f64>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let line = text.lines().last().unwrap_or("");
    let v: Vec<f64> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    match v[..] {
        [user, system, rss] => Ok((Some(user + system), Some(rss))),
        _ => Err(format!("{}: unexpected `{line}`", path.display())),
    }
}

// ---------------------------------------------------------------- output

struct Machine {
    cores: usize,
    load_before: String,
    load_after: String,
    date: String,
    seconds: u64,
    command: String,
    versions: Vec<(String, String)>,
}

fn markdown(m: &Machine, rows: &BTreeMap<u64, Row>, notes: &[String]) -> String {
    let mut s = String::new();
    // `rustc --version` says "rustc 1.95.0 (…)": the name once is enough.
    let versions =
        m.versions.iter().map(|(k, v)| format!("{k} {}", v.strip_prefix(k.as_str()).unwrap_or(v).trim())).collect::<Vec<_>>().join(", ");
    let _ = writeln!(
        s,
        "`{}` — {}, {} cores, load average {} before and {} after ({} s in all); {versions}.\n",
        m.command, m.date, m.cores, m.load_before, m.load_after, m.seconds
    );
    // Only the columns some row has.
    let columns: Vec<_> = COLUMNS.iter().filter(|(k, _, _)| rows.values().any(|r| r.contains_key(*k))).collect();
    let _ = write!(s, "| objects |");
    for (_, header, _) in &columns {
        let _ = write!(s, " {header} |");
    }
    let _ = write!(s, "\n|---|");
    for _ in &columns {
        let _ = write!(s, "---|");
    }
    s.push('\n');
    for (&n, row) in rows {
        let _ = write!(s, "| {} |", human(n));
        for (key, _, decimals) in &columns {
            let cell = match row.get(*key) {
                Some(Val::Num(v)) if *decimals == 0 => group(v.round() as u64),
                Some(Val::Num(v)) => format!("{v:.decimals$}"),
                Some(Val::Text(t)) => t.clone(),
                None => "—".into(),
            };
            let _ = write!(s, " {cell} |");
        }
        s.push('\n');
    }
    if !notes.is_empty() {
        s.push('\n');
        for note in notes {
            let _ = writeln!(s, "- {note}");
        }
    }
    s
}

fn json(m: &Machine, rows: &BTreeMap<u64, Row>, notes: &[String]) -> String {
    let mut machine = serde_json::json!({
        "date": m.date,
        "cores": m.cores,
        "load_average_before": m.load_before,
        "load_average_after": m.load_after,
        "seconds": m.seconds,
        "command": m.command,
    });
    for (k, v) in &m.versions {
        machine[format!("{}_version", k.to_lowercase())] = Value::from(v.as_str());
    }
    let rows: Vec<Value> = rows
        .iter()
        .map(|(&n, row)| {
            let mut o = serde_json::Map::new();
            o.insert("objects".into(), n.into());
            for (k, v) in row {
                let value = match v {
                    Val::Num(x) => serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number),
                    Val::Text(t) => Value::from(t.as_str()),
                };
                o.insert(k.clone(), value);
            }
            Value::Object(o)
        })
        .collect();
    let doc = serde_json::json!({ "machine": machine, "rows": rows, "notes": notes });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// `100000` → `10^5`, `3000000` → `3×10^6`, anything else with thousands separators.
pub fn human(n: u64) -> String {
    let digits = n.to_string();
    let zeros = digits.len() - digits.trim_end_matches('0').len();
    match digits.trim_end_matches('0') {
        "1" if zeros > 0 => format!("10^{zeros}"),
        d if d.len() == 1 && zeros > 0 => format!("{d}×10^{zeros}"),
        _ => group(n),
    }
}

fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut s = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(c);
    }
    s
}

// ---------------------------------------------------------------- small tools

impl Val {
    fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(x) => Some(*x),
            Val::Text(t) => t.trim().parse().ok(),
        }
    }
}

/// The row whose size is nearest `objects` (within 10%).
fn nearest_row(rows: &mut BTreeMap<u64, Row>, objects: u64) -> Option<&mut Row> {
    let key = *rows.keys().min_by_key(|&&n| n.abs_diff(objects))?;
    (key.abs_diff(objects) * 10 <= key).then(|| rows.get_mut(&key)).flatten()
}

/// A number, or a string holding one (browser.mjs prints `toFixed` strings).
fn num(v: &Value) -> Option<f64> {
    match v {
        Value::String(t) => t.trim().parse().ok(),
        v => v.as_f64(),
    }
}

/// An object's numbers and strings by dotted path (`us_per_object.load`); arrays are left out.
fn flatten(v: &Value, prefix: &str, into: &mut BTreeMap<String, Val>) {
    if let Value::Object(fields) = v {
        for (k, v) in fields {
            let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            match v {
                Value::Number(x) => drop(into.insert(key, Val::Num(x.as_f64().unwrap_or(f64::NAN)))),
                Value::String(t) => drop(into.insert(key, Val::Text(t.clone()))),
                Value::Bool(b) => drop(into.insert(key, Val::Text(b.to_string()))),
                Value::Null => drop(into.insert(key, Val::Text(String::new()))),
                Value::Object(_) => flatten(v, &key, into),
                Value::Array(_) => {}
            }
        }
    }
}

/// Parses a script's JSON output.
fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("benchmark output: {e}"))
}

/// A JSON object, or an array of objects, flattened (nested keys dotted).
pub fn parse_flat_json(text: &str) -> Result<Vec<BTreeMap<String, Val>>, String> {
    let flat = |v: &Value| {
        let mut map = BTreeMap::new();
        flatten(v, "", &mut map);
        map
    };
    match parse_json(text)? {
        Value::Array(items) => Ok(items.iter().map(flat).collect()),
        obj @ Value::Object(_) => Ok(vec![flat(&obj)]),
        _ => Err("benchmark output: expected an object or a list of objects".into()),
    }
}

/// Runs a command, echoing it and its stderr, and returns its stdout (also echoed).
fn capture(cmd: &mut Command) -> Result<String, String> {
    eprintln!("$ {}", crate::describe(cmd));
    let out = cmd.stderr(Stdio::inherit()).output().map_err(|e| format!("cannot start `{}`: {e}", crate::describe(cmd)))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    eprint!("{text}");
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!("`{}` failed ({})", crate::describe(cmd), out.status))
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "unknown".into(), |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" / "))
}

fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8_lossy(&o.stdout).lines().next().map(|l| l.trim().to_string()))
        .unwrap_or_else(|| "unknown".into())
}

fn git(args: &[&str]) -> String {
    first_line("git", args)
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_written() {
        assert_eq!(parse_size("1e5"), Ok(100_000));
        assert_eq!(parse_size("3e6"), Ok(3_000_000));
        assert_eq!(parse_size("2.5e6"), Ok(2_500_000));
        assert_eq!(parse_size("20000"), Ok(20_000));
        assert!(parse_size("1e-3").is_err());
        assert!(parse_size("many").is_err());
        assert_eq!(human(100_000), "10^5");
        assert_eq!(human(3_000_000), "3×10^6");
        assert_eq!(human(20_500), "20,500");
    }

    #[test]
    fn the_native_benchmark_line_is_read() {
        let line = "   100003 objects    460513 refs | input    10 MB | load  0.030 s | analysis  0.017 s | load+analysis  0.047 s | cycles+suspects  0.010 s (suspects  0.003 s; 12 cycles, 3 suspects) | path k=1  0.040 ms, k=5  0.100 ms (200 found) | peak beyond input    15 MB = 157.3 B/obj (budget    16 MB: ok)";
        let parsed = parse_native_line(line).expect("parsed");
        assert_eq!(parsed, NativeLine { objects: 100_003, references: 460_513, load_analysis_s: 0.047, peak_b_per_object: Some(157.3) });
        assert_eq!(parse_native_line("generated 100003 objects / 460513 refs in 0.3 s"), None);
        let text: BTreeMap<_, _> = native_facts(line).expect("facts").into_iter().collect();
        assert_eq!(text["native.us_per_object"].as_num().map(|v| (v * 100.0).round()), Some(47.0));
        let json = r#"{"objects":1000002,"references":4670187,"input_bytes":1,"load_cpu_s":0.4000,"analysis_cpu_s":0.3000,"load_wall_s":0.5,"analysis_wall_s":0.5,"us_per_object":{"load":0.4,"analysis":0.3,"load_analysis":0.7000,"reports":0.1},"peak_bytes_per_object":150.5}"#;
        let facts: BTreeMap<_, _> = native_facts(json).expect("facts").into_iter().collect();
        assert_eq!(facts["native.objects"], Val::Num(1_000_002.0));
        assert_eq!(facts["native.load_analysis_s"], Val::Num(1.0));
        assert_eq!(facts["native.cpu_us_per_object"], Val::Num(0.7));
        assert_eq!(facts["native.peak_b_per_object"], Val::Num(150.5));
    }

    #[test]
    fn the_exporter_report_is_read() {
        let out = "python          3.11.7\ntracked objects 1000000 (before export)\nexported        953000 objects, 4000000 references\nexport time     4.80 s\nexport CPU time 7.30 s (less disturbed)\nRSS before      100.0 MiB\npeak extra RSS  153.0 MiB\nfile size       90.0 MiB\n";
        let facts: BTreeMap<_, _> = parse_exporter(out).into_iter().collect();
        assert_eq!(facts["exporter.objects"], Val::Num(953_000.0));
        assert_eq!(facts["exporter.cpu_s"], Val::Num(7.3));
        assert_eq!(facts["exporter.peak_b_per_object"].as_num().map(f64::round), Some(168.0));
    }

    #[test]
    fn the_heap_option_chooses_files_and_steps() {
        let args = |a: &[&str]| parse_args(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let synth = args(&[]).unwrap();
        assert_eq!((synth.heap, synth.steps.len()), (HeapKind::Synth, 4));
        let export = args(&["--heap", "export", "--sizes", "1e5"]).unwrap();
        assert_eq!(
            (export.heap, export.steps, export.sizes),
            (HeapKind::Export, vec!["browser".to_string(), "memlab".to_string()], vec![100_000])
        );
        assert_eq!(args(&["--heap", "export", "--only", "memlab"]).unwrap().steps, vec!["memlab".to_string()]);
        assert!(args(&["--heap", "export", "--only", "native"]).unwrap_err().contains("--only browser,memlab"));
        assert!(args(&["--heap", "real"]).unwrap_err().contains("expected synth or export"));
        assert_eq!(exported_counts("python 3.11\nexported        952625 objects, 1461097 references\n"), Some((952_625, 1_461_097)));
        assert_eq!(exported_counts("exported nothing"), None);
    }

    #[test]
    fn the_guppy3_comparison_is_read() {
        let doc = parse_json(
            r#"{"load": [1, 2, 3], "python": "3.11", "rows": [
              {"shape": "requests", "tool": "guppy3", "objects": 1000, "references": null, "cpu": 2.0, "wall": 2.5, "extra_bytes": 50000, "file_bytes": null, "tracked_before": 1, "peak_exact": true},
              {"shape": "requests", "tool": "heapscope", "objects": 1000, "references": 5000, "cpu": 3.0, "wall": 3.5, "extra_bytes": 120000, "file_bytes": 9, "tracked_before": 1, "peak_exact": true}]}"#,
        )
        .unwrap();
        let facts: BTreeMap<_, _> = guppy_facts(&doc).unwrap().into_iter().collect();
        assert_eq!(facts["exporter.cpu_s"], Val::Num(3.0));
        assert_eq!(facts["exporter.peak_b_per_object"], Val::Num(120.0));
        assert_eq!(facts["exporter.guppy3_cpu_s"], Val::Num(2.0));
        assert_eq!(facts["exporter.vs_guppy3"], Val::Num(1.5));
        assert!(guppy_facts(&parse_json("{}").unwrap()).is_err());
    }

    #[test]
    fn flat_json_from_the_scripts_is_read() {
        let rows = parse_flat_json(r#"[{"file":"a \"b\".json","shown_s":"0.39","n":3},{"file":"c","shown_s":"2.42"}]"#).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["file"], Val::Text("a \"b\".json".into()));
        assert_eq!(rows[0]["shown_s"].as_num(), Some(0.39));
        assert_eq!(rows[0]["n"], Val::Num(3.0));
        let one = parse_flat_json(r#"{"seconds": 1.5, "first_mismatch": ""}"#).unwrap();
        assert_eq!(one[0]["seconds"], Val::Num(1.5));
        assert!(parse_flat_json("{\"a\": }").is_err());
        let nested =
            parse_flat_json(r#"{"objects":100003,"us_per_object":{"load":0.5,"load_analysis":0.9},"rows":[1,2],"ok":true}"#).unwrap();
        assert_eq!(nested[0]["us_per_object.load_analysis"], Val::Num(0.9));
        assert_eq!(nested[0]["objects"], Val::Num(100_003.0));
        assert!(!nested[0].contains_key("rows"));
        assert!(parse_json("[1, 2").is_err());
    }

    #[test]
    fn the_table_has_a_row_per_size_and_notes_the_machine() {
        let mut rows = BTreeMap::new();
        let mut row = Row::new();
        row.insert("memlab.ratio".into(), Val::Num(16.04));
        row.insert("memlab.agreement".into(), Val::Text("84 of 84".into()));
        rows.insert(100_000, row);
        rows.insert(1_000_000, Row::new());
        let m = Machine {
            cores: 2,
            load_before: "1.00 / 2.00 / 3.00".into(),
            load_after: "4.00 / 2.00 / 3.00".into(),
            date: "d".into(),
            seconds: 5,
            command: "cargo xtask bench".into(),
            versions: vec![("memlab".into(), "2.0.5".into())],
        };
        let md = markdown(&m, &rows, &["a note".into()]);
        assert!(md.contains("2 cores, load average 1.00 / 2.00 / 3.00 before"), "{md}");
        assert!(md.contains("| objects | memlab ÷ heapscope (wall) | retained sizes agree |"), "{md}");
        assert!(md.contains("| 10^5 | 16.0 | 84 of 84 |"), "{md}");
        assert!(md.contains("| 10^6 | — | — |"), "{md}");
        assert!(md.contains("- a note"));
        let js = json(&m, &rows, &[]);
        assert!(js.contains("\"memlab.ratio\": 16.04"), "{js}");
        assert!(js.contains("\"memlab_version\": \"2.0.5\""), "{js}");
    }
}
