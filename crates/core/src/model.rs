//! The loaded snapshot: process metadata, the heap (objects in columns, the
//! reference graph, the roots) and tracemalloc traces.
//!
//! Every loader produces this model; every analysis reads it. It is not a
//! wire format: the worker and the CLI convert what they show by hand.

use crate::graph::{Graph, ObjIdx};
// The reference kind belongs to the graph (edge labels pack it); the model
// re-exports it so `model::RefKind` keeps working. The dependency goes one
// way only: model → graph.
pub use crate::graph::RefKind;
use crate::strings::{StrId, StringTable};

/// Which loader produced a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// heapscope format v1 (docs/format.md).
    HeapscopeV1,
    /// A `tracemalloc.Snapshot.dump()` pickle.
    TracemallocPickle,
    /// A hand-written JSON array of `{"id", "type", "size", "referents"}` objects.
    AdHocJson,
}

impl SourceFormat {
    pub fn describe(self) -> &'static str {
        match self {
            SourceFormat::HeapscopeV1 => "heapscope snapshot v1",
            SourceFormat::TracemallocPickle => "tracemalloc pickle",
            SourceFormat::AdHocJson => "JSON object list",
        }
    }
}

/// Why an object is a root (the format's `root_kinds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RootKind {
    /// A value of `sys.modules`.
    Module,
    /// The innermost frame of a thread.
    Thread,
    /// The builtins namespace.
    Builtins,
    /// Held by references from outside the graph (C code, the interpreter).
    Native,
    /// A root record of a kind this reader does not know (a newer exporter):
    /// it still holds its object.
    Unknown,
}

impl RootKind {
    pub const ALL: [RootKind; 4] = [RootKind::Module, RootKind::Thread, RootKind::Builtins, RootKind::Native];

    pub fn format_name(self) -> &'static str {
        match self {
            RootKind::Module => "module",
            RootKind::Thread => "thread",
            RootKind::Builtins => "builtins",
            RootKind::Native => "native",
            RootKind::Unknown => "unknown",
        }
    }

    pub fn from_format_name(name: &str) -> Option<RootKind> {
        Self::ALL.iter().copied().find(|k| k.format_name() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Root {
    pub object: ObjIdx,
    pub kind: RootKind,
    pub name: StrId,
    /// For native roots: references from outside the graph.
    pub excess: u32,
}

/// No total of sizes exceeds this (2^63 − 1 bytes, 8 EiB): loaders lower
/// the sizes that would push a heap's or a trace list's sum past it (and
/// warn), so every sum of sizes in the analyses fits in a `u64` and every
/// difference of two sums in an `i64`.
pub const MAX_TOTAL_BYTES: u64 = i64::MAX as u64;

/// Lowers sizes so that their sum stays at most [`MAX_TOTAL_BYTES`];
/// returns how many were lowered.
pub fn saturate_sizes(sizes: &mut [u64]) -> u64 {
    let mut total = 0u64;
    let mut capped = 0;
    for s in sizes {
        let room = MAX_TOTAL_BYTES - total;
        if *s > room {
            *s = room;
            capped += 1;
        }
        total += *s;
    }
    capped
}

/// Object flag bits (the format's `object_flags`).
pub mod flags {
    pub const GC_TRACKED: u8 = 1;
    pub const MODULE: u8 = 2;
    pub const TYPE: u8 = 4;
    pub const FRAME: u8 = 8;
    pub const FUNCTION: u8 = 16;
    pub const FINALIZER: u8 = 32;
    pub const GARBAGE: u8 = 64;
    /// The format's name of each bit, bit 0 first (`meta.object_flags`).
    pub const NAMES: [&str; 7] = ["gc_tracked", "module", "type", "frame", "function", "finalizer", "garbage"];
}

/// The gc object graph: one entry per object in each column.
#[derive(Debug, Clone, Default)]
pub struct Heap {
    pub address: Vec<u64>,
    pub type_name: Vec<StrId>,
    pub size_bytes: Vec<u64>,
    pub flags: Vec<u8>,
    pub description: Vec<StrId>,
    /// Index into [`Tracemalloc::tracebacks`], or `u32::MAX`.
    pub traceback: Vec<u32>,
    pub graph: Graph,
    pub roots: Vec<Root>,
}

impl Heap {
    pub fn object_count(&self) -> usize {
        self.address.len()
    }

    pub fn reference_count(&self) -> usize {
        self.graph.edge_count()
    }

    pub fn total_size_bytes(&self) -> u64 {
        self.size_bytes.iter().sum()
    }

    /// A test heap: one 8-byte object per type name, no references, no roots.
    #[cfg(test)]
    pub(crate) fn of_types(type_name: Vec<StrId>) -> Heap {
        let n = type_name.len();
        Heap {
            address: (0..n as u64).collect(),
            type_name,
            size_bytes: vec![8; n],
            flags: vec![0; n],
            description: vec![crate::strings::NO_STRING; n],
            traceback: vec![u32::MAX; n],
            graph: Graph::from_edges(n, vec![], vec![], vec![]),
            roots: vec![],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub filename: StrId,
    pub lineno: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trace {
    pub domain: u32,
    pub size_bytes: u64,
    pub traceback: u32,
}

/// tracemalloc traces with their frames and tracebacks.
#[derive(Debug, Clone, Default)]
pub struct Tracemalloc {
    pub traceback_limit: u32,
    pub frames: Vec<Frame>,
    /// Frame indices of each traceback, most recent call first (tracemalloc's order).
    pub tracebacks: Vec<Vec<u32>>,
    /// Original depth of each traceback when known.
    pub total_nframe: Vec<Option<u32>>,
    pub traces: Vec<Trace>,
}

impl Tracemalloc {
    /// Lowers trace sizes so that their sum stays at most
    /// [`MAX_TOTAL_BYTES`]; returns how many were lowered.
    pub fn saturate_sizes(&mut self) -> u64 {
        let mut total = 0u64;
        let mut capped = 0;
        for t in &mut self.traces {
            let room = MAX_TOTAL_BYTES - total;
            if t.size_bytes > room {
                t.size_bytes = room;
                capped += 1;
            }
            total += t.size_bytes;
        }
        capped
    }
}

/// Process metadata as ordered `(key, display value)` pairs, and what the
/// exporter recorded about the interpreter's installation.
#[derive(Debug, Clone, Default)]
pub struct ProcessInfo {
    pub fields: Vec<(String, String)>,
    /// `process.environment` and `process.module_files`, when the file has them.
    pub environment: Option<PythonEnvironment>,
}

/// Where the interpreter, its standard library and third-party packages live
/// (`sys.prefix`, `sysconfig` paths, `site` directories), and the file of
/// each module: what tells the interpreter's memory from the application's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PythonEnvironment {
    pub prefix: String,
    pub base_prefix: String,
    pub exec_prefix: String,
    pub base_exec_prefix: String,
    /// Directories of the standard library.
    pub stdlib_dirs: Vec<String>,
    /// `site-packages` / `dist-packages` directories.
    pub site_dirs: Vec<String>,
    /// `sys.stdlib_module_names` (3.10+), sorted; `None` on older versions.
    pub stdlib_module_names: Option<Vec<String>>,
    /// `sys.builtin_module_names`, sorted.
    pub builtin_module_names: Vec<String>,
    /// Module name → its file (`None` for built-in and frozen modules), sorted by name.
    pub module_files: Vec<(String, Option<String>)>,
}

impl PythonEnvironment {
    /// The recorded file of a module: `None` if unknown, `Some(None)` if it has none.
    pub fn module_file(&self, module: &str) -> Option<Option<&str>> {
        let i = self.module_files.binary_search_by(|(m, _)| m.as_str().cmp(module)).ok()?;
        Some(self.module_files[i].1.as_deref())
    }
}

impl ProcessInfo {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// When the snapshot was written (its `time`), in seconds since the
    /// epoch, whatever time zone the text is in.
    pub fn time_seconds(&self) -> Option<f64> {
        crate::timestamp::seconds_since_epoch(self.get("time")?)
    }
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub format: SourceFormat,
    pub process: ProcessInfo,
    pub strings: StringTable,
    pub heap: Option<Heap>,
    pub tracemalloc: Option<Tracemalloc>,
}

impl Snapshot {
    /// A string of the snapshot's table (`""` for none).
    pub fn str(&self, id: StrId) -> &str {
        self.strings.str(id)
    }
}
