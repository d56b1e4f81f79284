//! `heapscope`: a thin command-line front over `heapscope-core`.
//!
//! Every command prints a readable table, or JSON with `--json`. Bad input
//! is one line on stderr and exit code 1; `diff --max-growth` exits with 3
//! when a type grew past its limit.

mod heap_cmds;
mod table;
mod tm_cmds;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use heapscope_core::{Loaded, Snapshot};

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
        #[arg(long, default_value_t = 30)]
        limit: usize,
    },
    /// Why an object is alive: its referrers and the shortest paths from the roots.
    Retainers {
        file: PathBuf,
        /// Explain the largest instance (by retained size) of this type.
        #[arg(long, conflicts_with = "address", required_unless_present = "address")]
        r#type: Option<String>,
        /// Explain the object at this address (0x… or decimal).
        #[arg(long)]
        address: Option<String>,
        /// How many paths to show.
        #[arg(long, default_value_t = 3)]
        paths: usize,
        /// Ignore this retainer (an address); repeatable.
        #[arg(long = "ignore")]
        ignore: Vec<String>,
    },
    /// The dominator tree: what each object keeps alive on its own.
    Dominators {
        file: PathBuf,
        /// Children shown per node.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Levels shown below the roots.
        #[arg(long, default_value_t = 3)]
        depth: usize,
    },
    /// Reference cycles, with a reference to break for each.
    Cycles {
        file: PathBuf,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Objects and types that hold the most memory, and accumulation points.
    Suspects {
        file: PathBuf,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Find objects by address, type name or description.
    Search {
        file: PathBuf,
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Per-type growth between two heap snapshots; fails CI with --max-growth.
    Diff {
        before: PathBuf,
        after: PathBuf,
        /// Fail (exit 3) when TYPE gained more than N objects, e.g. `Request=100`; repeatable.
        #[arg(long = "max-growth", value_name = "TYPE=N")]
        max_growth: Vec<String>,
        #[arg(long, default_value_t = 30)]
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
        #[arg(long, default_value_t = 20)]
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
}

/// Exit code when `diff --max-growth` finds a type over its limit.
const EXIT_GREW: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("heapscope: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let json = cli.json;
    match cli.command {
        Command::Summary { file } => heap_cmds::summary(&open(&file)?, json),
        Command::Types { file, by_module, fold_dicts, limit } => heap_cmds::types(&open(&file)?, by_module, fold_dicts, limit, json),
        Command::Retainers { file, r#type, address, paths, ignore } => {
            heap_cmds::retainers(&open(&file)?, r#type.as_deref(), address.as_deref(), paths, &ignore, json)
        }
        Command::Dominators { file, limit, depth } => heap_cmds::dominators(&open(&file)?, limit, depth, json),
        Command::Cycles { file, limit } => heap_cmds::cycles(&open(&file)?, limit, json),
        Command::Suspects { file, limit } => heap_cmds::suspects(&open(&file)?, limit, json),
        Command::Search { file, query, limit } => heap_cmds::search(&open(&file)?, &query, limit, json),
        Command::Diff { before, after, max_growth, limit } => {
            let grew = heap_cmds::diff(&open(&before)?, &open(&after)?, &max_growth, limit, json)?;
            return Ok(if grew { ExitCode::from(EXIT_GREW) } else { ExitCode::SUCCESS });
        }
        Command::Tracemalloc { file, group_by, cumulative, compare, include, exclude, include_domain, exclude_domain, limit } => {
            let other = compare.as_deref().map(open).transpose()?;
            let filters = tm_cmds::filters(&include, &exclude, &include_domain, &exclude_domain);
            tm_cmds::tracemalloc(&open(&file)?, other.as_ref(), &group_by, cumulative, &filters, limit, json)
        }
        Command::Synth { objects, out, seed } => synth(objects, &out, seed, json),
    }?;
    Ok(ExitCode::SUCCESS)
}

/// A loaded file with the name it was read from.
pub struct Opened {
    pub name: String,
    pub snapshot: Snapshot,
}

fn open(path: &Path) -> Result<Opened> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
    let Loaded { snapshot, warnings } = heapscope_core::load(&bytes).with_context(|| name.clone())?;
    if let Some(first) = warnings.first() {
        eprintln!("heapscope: {name}: {} warning(s) while loading; first: {first}", warnings.len());
    }
    Ok(Opened { name, snapshot })
}

fn synth(objects: usize, out: &Path, seed: u64, json: bool) -> Result<()> {
    let file = std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let gz = out.extension().is_some_and(|e| e == "gz");
    let stats = if gz {
        let enc = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        heapscope_core::synth::write_v1(heapscope_core::synth::SynthOptions { objects, seed }, enc)
    } else {
        heapscope_core::synth::write_v1(heapscope_core::synth::SynthOptions { objects, seed }, file)
    }
    .with_context(|| format!("cannot write {}", out.display()))?;
    if json {
        println!("{}", serde_json::json!({"objects": stats.objects, "references": stats.references, "out": out.display().to_string()}));
    } else {
        println!("wrote {} objects, {} references to {}", stats.objects, stats.references, out.display());
    }
    Ok(())
}
