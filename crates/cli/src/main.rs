//! `heapscope`: a thin command-line front over `heapscope-core`.
//!
//! Every command prints a readable table, or JSON with `--json` (the wire
//! format in [`wire`], documented in docs/cli.md). Bad input is one line on
//! stderr and exit code 1; bad arguments, and a CI gate that names nothing
//! in the snapshots (so could never fail), exit with 2; `diff --max-growth`
//! and `growth --fail-if-grows` exit with 3 when their gate trips. A closed output pipe (`heapscope types F | head -1`) ends
//! the command quietly with exit code 0, as Unix tools do.

mod file_source;
pub(crate) mod gate;
mod growth_cmds;
mod heap_cmds;
mod heapsnapshot;
mod mprof_cmds;
pub(crate) mod out;
pub(crate) mod table;
mod tm_cmds;
pub(crate) mod wire;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use heapscope_core::load::{LoadOptions, MAX_DECOMPRESSED_BYTES};
use heapscope_core::{Loaded, Snapshot};

use out::{terminal_safe, Out};

/// The system allocator, with the fresh pages of large blocks faulted in
/// ahead by an idle-priority thread (`heapscope-prefault`).
#[global_allocator]
static ALLOCATOR: heapscope_prefault::Prefaulting = heapscope_prefault::Prefaulting;

#[derive(Parser)]
#[command(name = "heapscope", version, about = "Explore Python heap snapshots: who holds what, and why")]
struct Cli {
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// What the snapshot holds: object, reference and root counts, sizes.
    Summary { file: PathBuf },
    /// Count, shallow and retained size per type (or module).
    Types {
        file: PathBuf,
        /// Group by module instead of type.
        #[arg(long)]
        by_module: bool,
        /// Count an instance's `__dict__` as part of the instance.
        #[arg(long)]
        fold_dicts: bool,
        #[arg(long, default_value_t = 30, value_parser = at_least_one)]
        limit: usize,
    },
    /// Why an object is alive: its referrers and the shortest paths from the roots.
    Retainers {
        file: PathBuf,
        /// Explain the largest instance (by retained size) of this type.
        #[arg(long, conflicts_with = "address", required_unless_present = "address")]
        r#type: Option<String>,
        /// Explain the object at this address (0x… or decimal).
        #[arg(long, value_parser = an_address)]
        address: Option<String>,
        /// How many paths to show.
        #[arg(long, default_value_t = 3, value_parser = at_least_one)]
        paths: usize,
        /// Ignore this retainer (an address); repeatable.
        #[arg(long = "ignore", value_parser = an_address)]
        ignore: Vec<String>,
    },
    /// The dominator tree: what each object keeps alive on its own.
    Dominators {
        file: PathBuf,
        /// Children shown per node.
        #[arg(long, default_value_t = 10, value_parser = at_least_one)]
        limit: usize,
        /// Levels shown below the roots.
        #[arg(long, default_value_t = 3)]
        depth: usize,
    },
    /// Reference cycles, with a reference to break for each.
    Cycles {
        file: PathBuf,
        #[arg(long, default_value_t = 20, value_parser = at_least_one)]
        limit: usize,
        /// Only cycles no root reaches (garbage).
        #[arg(long)]
        garbage_only: bool,
        /// Leave out interpreter-internal cycles (modules, classes, functions and their descriptors).
        #[arg(long)]
        hide_internal: bool,
    },
    /// Where the application's memory accumulates, named in Python terms, each with a fix.
    Suspects {
        file: PathBuf,
        #[arg(long, default_value_t = 10, value_parser = at_least_one)]
        limit: usize,
    },
    /// Find objects by address, type name or description.
    Search {
        file: PathBuf,
        query: String,
        #[arg(long, default_value_t = 20, value_parser = at_least_one)]
        limit: usize,
    },
    /// Per-type growth between two heap snapshots; fails CI with --max-growth.
    Diff {
        before: PathBuf,
        after: PathBuf,
        /// Fail (exit 3) when TYPE gained more than N objects, e.g. `Request=100`; repeatable.
        #[arg(long = "max-growth", value_name = "TYPE=N", value_parser = max_growth)]
        max_growth: Vec<MaxGrowth>,
        #[arg(long, default_value_t = 30, value_parser = at_least_one)]
        limit: usize,
    },
    /// What grows across heap snapshots of one process (oldest first): growing holders, survivors, types.
    Growth {
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
        /// Fail (exit 3) when this holder (Python name, e.g. `EventBus.listeners`) or type grew at every step; repeatable.
        #[arg(long = "fail-if-grows", value_name = "TYPE|HOLDER")]
        fail_if_grows: Vec<String>,
        #[arg(long, default_value_t = 20, value_parser = at_least_one)]
        limit: usize,
    },
    /// memory_profiler files: `mprof run` data (peak, growth rate, functions) and `@profile` reports (lines that grew most).
    Mprof {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value_t = 10, value_parser = at_least_one)]
        limit: usize,
    },
    /// tracemalloc statistics, as `Snapshot.statistics()` / `compare_to()` compute them.
    Tracemalloc {
        file: PathBuf,
        #[arg(long, default_value = "lineno", value_parser = ["lineno", "filename", "traceback"])]
        group_by: String,
        #[arg(long)]
        cumulative: bool,
        /// An older snapshot to compare with (`compare_to`).
        #[arg(long)]
        compare: Option<PathBuf>,
        /// Keep only traces whose most recent frame's filename matches (fnmatch); repeatable.
        #[arg(long)]
        include: Vec<String>,
        /// Drop traces whose most recent frame's filename matches (fnmatch); repeatable.
        #[arg(long)]
        exclude: Vec<String>,
        /// Keep only traces of this address space (`tracemalloc.DomainFilter(True, N)`); repeatable.
        #[arg(long)]
        include_domain: Vec<u32>,
        /// Drop traces of this address space (`tracemalloc.DomainFilter(False, N)`); repeatable.
        #[arg(long)]
        exclude_domain: Vec<u32>,
        #[arg(long, default_value_t = 20, value_parser = at_least_one)]
        limit: usize,
    },
    /// Write a realistic synthetic heap (format v1), for benchmarks.
    Synth {
        #[arg(long)]
        objects: usize,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Benchmark tooling: write the heap as V8 `.heapsnapshot` JSON (for memlab; `cargo xtask bench`).
    #[command(hide = true)]
    ToHeapsnapshot {
        file: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

/// Exit code when `diff --max-growth` finds a type over its limit.
const EXIT_GREW: u8 = 3;

/// Exit code of bad arguments (clap's), and of a gate that can never fail.
const EXIT_USAGE: u8 = 2;

/// `--limit N`: 0 would show nothing and read as if there were nothing.
/// An address as `retainers` takes it (checked before any file is read).
fn an_address(text: &str) -> Result<String, String> {
    match heapscope_core::analysis::search::parse_address(text) {
        Some(_) => Ok(text.to_string()),
        None => Err(format!("`{text}` is not an address (0x… or decimal)")),
    }
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("0 would show nothing; give 1 or more".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{text}` is not a count")),
    }
}

/// One `--max-growth TYPE=N`.
#[derive(Clone, Debug)]
pub struct MaxGrowth {
    /// A type's full name or last component.
    pub type_name: String,
    /// Objects the type may gain (negative: it must shrink by as many).
    pub max_objects: i64,
    /// As given, for messages.
    pub spec: String,
}

fn max_growth(spec: &str) -> Result<MaxGrowth, String> {
    let Some((t, n)) = spec.rsplit_once('=') else { return Err("expected TYPE=N, e.g. Request=100".to_string()) };
    let type_name = t.trim();
    if type_name.is_empty() {
        return Err("the type is missing (expected TYPE=N, e.g. Request=100)".to_string());
    }
    if n.trim().is_empty() {
        return Err(format!("the number is missing after `{type_name}=` (expected TYPE=N, e.g. {type_name}=100)"));
    }
    let max_objects = n.trim().parse::<i64>().map_err(|_| format!("`{n}` is not a whole number of objects"))?;
    Ok(MaxGrowth { type_name: type_name.to_string(), max_objects, spec: spec.to_string() })
}

/// Environment variable that lowers the decompressed-size cap (bytes).
const MAX_DECOMPRESSED_ENV: &str = "HEAPSCOPE_MAX_DECOMPRESSED_BYTES";

pub(crate) fn main() -> ExitCode {
    heapscope_prefault::start();
    let cli = Cli::parse();
    let mut out = Out::new();
    let result = run(cli, &mut out).and_then(|code| {
        out.flush()?;
        Ok(code)
    });
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<gate::NeverTrips>().is_some() => {
            let _ = writeln!(std::io::stderr(), "heapscope: {}", terminal_safe(&format!("{e:#}")));
            ExitCode::from(EXIT_USAGE)
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "heapscope: {}", terminal_safe(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

/// Whether the error is a write to a closed pipe (the reader went away).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

/// A line on stderr, control characters escaped; a closed stderr is ignored.
pub fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "heapscope: {}", terminal_safe(message));
}

fn run(cli: Cli, out: &mut Out) -> Result<ExitCode> {
    let json = cli.json;
    let options = load_options()?;
    // Each command runs once and the process ends: what it opens and
    // computes is kept until then ([`kept_until_exit`]).
    let owned = |p: &Path| open(p, &options);
    let open = |p: &Path| owned(p).map(kept_until_exit);
    match cli.command {
        Command::Summary { file } => heap_cmds::summary(open(&file)?, out, json),
        Command::Types { file, by_module, fold_dicts, limit } => heap_cmds::types(open(&file)?, out, by_module, fold_dicts, limit, json),
        Command::Retainers { file, r#type, address, paths, ignore } => {
            heap_cmds::retainers(open(&file)?, out, r#type.as_deref(), address.as_deref(), paths, &ignore, json)
        }
        Command::Dominators { file, limit, depth } => heap_cmds::dominators(open(&file)?, out, limit, depth, json),
        Command::Cycles { file, limit, garbage_only, hide_internal } => {
            heap_cmds::cycles(open(&file)?, out, limit, garbage_only, hide_internal, json)
        }
        Command::Suspects { file, limit } => heap_cmds::suspects(open(&file)?, out, limit, json),
        Command::Search { file, query, limit } => heap_cmds::search(open(&file)?, out, &query, limit, json),
        Command::Diff { before, after, max_growth, limit } => {
            let grew = heap_cmds::diff(open(&before)?, open(&after)?, out, &max_growth, limit, json)?;
            return Ok(if grew { ExitCode::from(EXIT_GREW) } else { ExitCode::SUCCESS });
        }
        Command::Growth { files, fail_if_grows, limit } => {
            if files.len() > heapscope_core::analysis::growth::MAX_SERIES {
                // Before reading any of them.
                bail!("{}", heapscope_core::analysis::growth::GrowthError::TooMany(files.len()));
            }
            let opened = kept_until_exit(files.iter().map(|f| owned(f)).collect::<Result<Vec<_>>>()?);
            let grew = growth_cmds::growth(opened, out, &fail_if_grows, limit, json)?;
            return Ok(if grew { ExitCode::from(EXIT_GREW) } else { ExitCode::SUCCESS });
        }
        Command::Mprof { files, limit } => mprof_cmds::mprof(&files, out, limit, json),
        Command::Tracemalloc { file, group_by, cumulative, compare, include, exclude, include_domain, exclude_domain, limit } => {
            let other = compare.as_deref().map(open).transpose()?;
            let filters = tm_cmds::filters(&include, &exclude, &include_domain, &exclude_domain);
            let opts = tm_cmds::Options { group_by: &group_by, cumulative, filters: &filters, limit, json };
            tm_cmds::tracemalloc(open(&file)?, other, out, &opts)
        }
        Command::Synth { objects, out: path, seed } => synth(objects, &path, seed, out, json),
        Command::ToHeapsnapshot { file, out: path } => to_heapsnapshot(open(&file)?, &path, out),
    }?;
    Ok(ExitCode::SUCCESS)
}

/// `value`, never freed: the kernel takes a process's memory back at once
/// when it ends, where freeing each column of a heap of millions of objects
/// takes tens of milliseconds (docs/perf-native.md). For what a command
/// opens or computes, which it keeps to its end anyway.
pub fn kept_until_exit<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// The load limits: the core's, lowered by `HEAPSCOPE_MAX_DECOMPRESSED_BYTES`.
fn load_options() -> Result<LoadOptions> {
    let Ok(text) = std::env::var(MAX_DECOMPRESSED_ENV) else { return Ok(LoadOptions::default()) };
    let bytes: u64 = text.trim().parse().with_context(|| format!("{MAX_DECOMPRESSED_ENV}={text}: expected a number of bytes"))?;
    Ok(LoadOptions { max_decompressed_bytes: bytes.min(MAX_DECOMPRESSED_BYTES) })
}

/// A loaded file with the name it was read from.
pub struct Opened {
    pub name: String,
    pub snapshot: Snapshot,
    /// Warnings raised while loading (all of them).
    pub warnings: u64,
}

fn open(path: &Path, options: &LoadOptions) -> Result<Opened> {
    let name = path.display().to_string();
    let metadata = std::fs::metadata(path).with_context(|| format!("cannot read {name}"))?;
    let loaded = if metadata.is_file() {
        // A file past the cap is refused before it is read (a gzip file
        // that large cannot expand to less).
        let len = metadata.len();
        if len > options.max_decompressed_bytes.saturating_add(1 << 20) {
            return Err(heapscope_core::load::too_large(len, options.max_decompressed_bytes)).with_context(|| name.clone());
        }
        // Parsed as it is read; the file is opened again if the core needs a second pass.
        heapscope_core::load::load_source(&file_source::FileSource::new(path, len), options)
    } else {
        // A pipe (`<(zcat …)`) or device can be read only once: whole, within
        // the cap, unless its first bytes already show it is no snapshot.
        let bytes = read_unseekable(path, &name, options.max_decompressed_bytes, |head| {
            heapscope_core::load::refusal_from_head(head).map(anyhow::Error::from)
        })?;
        heapscope_core::load::load_source(&bytes, options)
    };
    let Loaded { snapshot, warnings, warning_count } = loaded.with_context(|| name.clone())?;
    say_load_warnings(&name, &warnings, warning_count);
    Ok(Opened { name, snapshot, warnings: warning_count })
}

/// How many load warnings are printed, one a line (the rest are counted).
const WARNINGS_SHOWN: usize = 5;

/// The first [`WARNINGS_SHOWN`] load warnings, each on a line of its own,
/// and how many more there were.
fn say_load_warnings(name: &str, warnings: &[heapscope_core::diagnostic::Diagnostic], count: u64) {
    let Some(first) = warnings.first() else { return };
    let noun = if count == 1 { "warning" } else { "warnings" };
    warn(&format!("{name}: {count} {noun} while loading; first: {first}"));
    // The kept list ends with a "… and N more warnings" line only past 100.
    let shown = warnings.len().min(WARNINGS_SHOWN);
    for next in &warnings[1..shown] {
        warn(&format!("{name}: then: {next}"));
    }
    if count > shown as u64 {
        warn(&format!("{name}: … and {} more", count - shown as u64));
    }
}

/// Reads a file whole, within `max` bytes (and a MiB), asking `refuse`
/// about its first 64 KiB before the rest is read: a pipe or a device that
/// is no input of ours (`/dev/zero`, `<(yes)`) fails at once instead of
/// after gigabytes.
pub fn read_unseekable(path: &Path, name: &str, max: u64, refuse: impl Fn(&[u8]) -> Option<anyhow::Error>) -> Result<Vec<u8>> {
    const HEAD: u64 = 64 << 10;
    let cap = max.saturating_add(1 << 20);
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot read {name}"))?;
    let mut bytes = Vec::new();
    (&mut file).take(HEAD).read_to_end(&mut bytes).with_context(|| format!("cannot read {name}"))?;
    if let Some(e) = refuse(&bytes) {
        return Err(e.context(name.to_string()));
    }
    file.take(cap + 1 - bytes.len() as u64).read_to_end(&mut bytes).with_context(|| format!("cannot read {name}"))?;
    if bytes.len() as u64 > cap {
        return Err(heapscope_core::load::too_large(bytes.len() as u64, max)).with_context(|| name.to_string());
    }
    Ok(bytes)
}

fn to_heapsnapshot(o: &Opened, path: &Path, out: &mut Out) -> Result<()> {
    let heap =
        o.snapshot.heap.as_ref().with_context(|| format!("{}: no heap section (a V8 heap snapshot needs the object graph)", o.name))?;
    let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let written = heapsnapshot::write(&o.snapshot, heap, file).with_context(|| format!("cannot write {}", path.display()))?;
    out.line(&format!("wrote {} nodes, {} edges to {} (object i is node id {})", written.nodes, written.edges, path.display(), "2i+3"))?;
    Ok(())
}

fn synth(objects: usize, path: &Path, seed: u64, out: &mut Out, json: bool) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let gz = path.extension().is_some_and(|e| e == "gz");
    let stats = if gz {
        let enc = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        heapscope_core::synth::write_v1(heapscope_core::synth::SynthOptions { objects, seed }, enc)
    } else {
        heapscope_core::synth::write_v1(heapscope_core::synth::SynthOptions { objects, seed }, file)
    }
    .with_context(|| format!("cannot write {}", path.display()))?;
    if json {
        out.json(&wire::Synth { objects: stats.objects as u64, references: stats.references as u64, out: path.display().to_string() })?;
    } else {
        out.line(&format!("wrote {} objects, {} references to {}", stats.objects, stats.references, path.display()))?;
    }
    Ok(())
}
