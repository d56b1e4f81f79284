//! The messages between heapscope's UI (main thread) and its analysis worker.
//!
//! This is the only serialized boundary inside the app: closed enums carried
//! by `postMessage` — the UI's through serde-wasm-bindgen, the worker's as
//! JSON text ([`FromWorker::to_wire`]: answers can be thousands of rows).
//! Every request carries a [`RequestId`]; the worker answers with the same
//! id, so the UI can drop answers that belong to a load it has since
//! replaced. Errors are data
//! ([`FromWorker::Failed`] for a request, [`FromWorker::WorkerFailed`] when
//! the worker itself broke), never exceptions. The core's own types never
//! cross this boundary: the worker converts them by hand.
//!
//! File bytes do not go through serde, nor through messages at all: a
//! [`ToWorker::LoadFile`] message has the file's `Blob` beside it under the
//! JS property [`FILE_PROPERTY`] (a `Blob` is cloned by reference, not by
//! copying its bytes), and the worker reads it in slices as it parses.

use serde::{Deserialize, Serialize};

/// Names one request of the UI, echoed by every answer to it.
pub type RequestId = u32;

/// The JS property of a `LoadFile` message that holds the file's `Blob`.
pub const FILE_PROPERTY: &str = "file";

/// UI → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ToWorker {
    /// Open the file attached under [`FILE_PROPERTY`] (its size is the
    /// `Blob`'s): the worker reads and parses it, then analyses it,
    /// answering `Progress` events and then `Loaded` or `Failed`. Messages
    /// sent meanwhile wait until it is done (a load cannot be interrupted
    /// but by terminating the worker). `replace` closes the files open so
    /// far; otherwise the new file joins them (a second heap snapshot
    /// enables Compare, a tracemalloc file adds Allocations).
    LoadFile { request: RequestId, file_name: String, replace: bool },
    /// A question about the loaded snapshot.
    Query { request: RequestId, query: Query },
}

/// Worker → UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum FromWorker {
    /// The worker is listening and warmed up (its first, optimizing pass over
    /// a small synthetic heap is done); the UI sends nothing before this.
    Ready,
    /// How far a load is. While `Parsing`, `done_bytes` counts the bytes of
    /// the file as stored (compressed, if it is) read so far: the file is
    /// parsed as it is read. It never goes back, even when the worker reads
    /// the file a second time (then it stays until the second pass passes it).
    Progress {
        request: RequestId,
        phase: Phase,
        done_bytes: u64,
        total_bytes: u64,
    },
    Loaded {
        request: RequestId,
        summary: Summary,
    },
    /// The request failed (a load: its file could not be read or parsed).
    Failed {
        request: RequestId,
        error: ErrorReport,
    },
    /// The worker itself broke, not one request: it could not start, sent or
    /// received an unreadable message, or crashed. Whatever was in flight is
    /// lost; the UI restarts the worker.
    WorkerFailed {
        error: ErrorReport,
    },
    Answer {
        request: RequestId,
        answer: Answer,
    },
    /// The worker's memory could not grow by `requested_bytes` more than its
    /// `memory_bytes` (a wasm32 worker has at most 4 GiB). Posted by the
    /// worker's allocator as the allocation fails, before the worker stops:
    /// the crash that usually follows is this, not a bug. (A caller that
    /// asked with `try_reserve` goes on and answers `Failed` instead.)
    OutOfMemory {
        requested_bytes: u64,
        memory_bytes: u64,
    },
}

impl FromWorker {
    /// The message as it crosses to the main thread: JSON text. One string
    /// is copied into the page's wasm and parsed there in one pass;
    /// serde-wasm-bindgen would read every field of every row through JS
    /// calls on the main thread (2,000 cycle rows took 200–400 ms there, a
    /// long task). Values are finite numbers, so JSON carries them exactly.
    pub fn to_wire(&self) -> Result<String, String> {
        serde_json::to_string(self).map_err(|e| e.to_string())
    }

    /// Reads a message written by [`FromWorker::to_wire`].
    pub fn from_wire(text: &str) -> Result<FromWorker, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// The page has handed the file over; the worker has not started on it
    /// (it may still be busy with an earlier load).
    Reading,
    /// Reading and parsing the file, together.
    Parsing,
    Analysing,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Reading => "reading",
            Phase::Parsing => "parsing",
            Phase::Analysing => "analysing",
        }
    }
}

/// An object of the primary heap snapshot (its index in the file).
pub type ObjectId = u32;

/// What a person sees first about a loaded snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub file_name: String,
    /// Which kind of file it was, e.g. "heapscope snapshot v1".
    pub format: String,
    pub object_count: u64,
    pub reference_count: u64,
    pub total_size_bytes: u64,
    pub root_count: u64,
    pub trace_count: u64,
    /// Process metadata, in file order.
    pub process: Vec<ProcessField>,
    /// Warnings raised while loading (capped; the last may say how many more).
    pub warnings: Vec<String>,
    pub load_ms: f64,
    /// Size of the worker's wasm memory after the load (its high-water
    /// mark: wasm memory never shrinks); 0 outside the browser.
    pub worker_memory_bytes: u64,
    /// Every file now open and what each is used for.
    pub files: Vec<FileInfo>,
}

/// One entry of the snapshot's process metadata, e.g. `python_version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessField {
    pub key: String,
    pub value: String,
}

/// One open file and its role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileInfo {
    pub file_name: String,
    pub has_heap: bool,
    pub has_tracemalloc: bool,
    /// The snapshot's own time stamp (`process.time`), if it has one.
    pub time: Option<String>,
    /// Its position in the series of heap snapshots, oldest first (what
    /// `Query::Growth` and `Query::Explore` count in).
    pub series_index: Option<u32>,
    /// What the file is used for (a file with both sections has two roles).
    pub roles: Vec<FileRole>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileRole {
    /// The heap snapshot being explored (the latest one).
    Heap,
    /// An earlier heap snapshot: Compare shows what grew since.
    Baseline,
    /// tracemalloc traces used for Allocations (the latest ones).
    Allocations,
    /// Earlier tracemalloc traces: Allocations can compare against them.
    AllocationsBaseline,
    /// Open but unused (a tracemalloc file older than the baseline, say).
    Unused,
    /// A heap snapshot of the series, neither explored nor the baseline
    /// (Growth uses every heap snapshot open).
    Series,
    /// memory_profiler `mprof run` data, drawn on the Timeline.
    Timeline,
    /// A memory_profiler `@profile` line-by-line report.
    LineReport,
}

/// A failure: what is wrong, where, and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorReport {
    /// The whole sentence a person reads (it names the file and the location).
    pub message: String,
    /// The file it concerns, when it concerns one.
    pub file_name: Option<String>,
    /// Where in that file the problem is, when the reader knows.
    pub location: Option<ErrorLocation>,
}

impl ErrorReport {
    /// A failure that concerns no file (the worker, a message).
    pub fn new(message: impl Into<String>) -> Self {
        ErrorReport { message: message.into(), file_name: None, location: None }
    }

    /// A failure of one file, at a place in it if known.
    pub fn of_file(file_name: &str, message: impl Into<String>, location: Option<ErrorLocation>) -> Self {
        ErrorReport { message: message.into(), file_name: Some(file_name.to_string()), location }
    }
}

/// A place in a file (the core's `Location`, as data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ErrorLocation {
    /// A byte offset into the (decompressed) file.
    Byte { offset: u64 },
    /// A position in JSON text, both 1-based.
    LineColumn { line: u64, column: u64 },
    /// The `index`-th record of a section, e.g. `heap.references` record 12.
    Record { section: String, index: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grouping {
    Type,
    Module,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AllocationGrouping {
    Filename,
    Lineno,
    Traceback,
}

/// A reference to leave out when looking for retainers ("ignore this retainer").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ignored {
    Object(ObjectId),
    /// The `index`-th outgoing reference of `from`.
    Reference {
        from: ObjectId,
        index: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Query {
    /// Totals, top types, suspects.
    Overview,
    /// Every type (or module) with count, shallow and retained size.
    Types {
        grouping: Grouping,
        fold_dicts: bool,
    },
    /// Instances of a type by retained size, a window `[start, start+count)`.
    Instances {
        type_name: String,
        start: u32,
        count: u32,
    },
    /// Everything about one object, with its references both ways.
    Object {
        object: ObjectId,
    },
    /// The referrers of an object (a retainers tree level).
    Referrers {
        object: ObjectId,
        ignored: Vec<Ignored>,
    },
    /// The `k` shortest strong paths from roots to `object`.
    RetainerPaths {
        object: ObjectId,
        k: u32,
        ignored: Vec<Ignored>,
    },
    /// Children in the dominator tree; `None` = the top level.
    DominatorChildren {
        object: Option<ObjectId>,
        limit: u32,
    },
    /// The cycles the filters keep, in the core's order, at most `limit`
    /// (filtered before the cut, so a match ranked past it is listed).
    Cycles {
        limit: u32,
        /// Only cycles no root reaches.
        garbage_only: bool,
        /// No interpreter-internal cycles.
        hide_internal: bool,
    },
    /// One cycle's members and references, for drawing.
    Cycle {
        index: u32,
    },
    Allocations {
        grouping: AllocationGrouping,
        cumulative: bool,
        compare: bool,
        limit: u32,
    },
    /// Allocated bytes as a tree of call stacks (root = oldest frame), for the flame graph.
    AllocationTree {
        max_nodes: u32,
    },
    /// Per-type growth from the baseline heap snapshot.
    CompareHeaps {
        limit: u32,
    },
    /// Objects whose type, address or description matches.
    Search {
        text: String,
        limit: u32,
    },
    /// What grows across the heap snapshots `from..=to` of the series
    /// (`None`: the first / the last); lists capped at `limit`.
    Growth {
        from: Option<u32>,
        to: Option<u32>,
        limit: u32,
    },
    /// Explore the series' heap snapshot `heap` (Compare against `baseline`,
    /// else the one before it); answered with the new summary.
    Explore {
        heap: u32,
        baseline: Option<u32>,
    },
    /// Every open `mprof run` file as chart data (at most `max_points`
    /// samples per line).
    Timeline {
        max_points: u32,
    },
    /// Every open `@profile` report, per function, and the lines that grew most.
    LineReport {
        limit: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Answer {
    Overview(Overview),
    Types {
        rows: Vec<TypeRow>,
    },
    Instances {
        type_name: String,
        total: u32,
        start: u32,
        rows: Vec<ObjectRow>,
    },
    Object(Box<ObjectDetail>),
    Referrers {
        object: ObjectId,
        /// Every referrer not ignored; `referrers` holds the best of them.
        total: u32,
        referrers: Vec<Reference>,
    },
    RetainerPaths {
        object: ObjectId,
        paths: Vec<RetainerPath>,
        truncated: bool,
        is_root: bool,
        reachable: bool,
    },
    DominatorChildren {
        object: Option<ObjectId>,
        total: u32,
        children: Vec<ObjectRow>,
    },
    Cycles {
        /// Every cycle of the heap.
        total: u32,
        /// The cycles the filters keep; `rows` holds the first of them.
        matching: u32,
        rows: Vec<CycleRow>,
    },
    Cycle(Box<CycleDetail>),
    Allocations {
        rows: Vec<AllocationRow>,
        total_bytes: u64,
        total_count: u64,
        compared: bool,
    },
    AllocationTree {
        root: FlameNode,
    },
    CompareHeaps(Box<HeapComparison>),
    Search {
        text: String,
        /// Every object that matches; `hits` holds the first of them.
        total: u32,
        hits: Vec<SearchHit>,
    },
    Growth(Box<GrowthReport>),
    /// The roles changed (`Query::Explore`): what the page now shows.
    Explored {
        summary: Box<Summary>,
    },
    Timeline {
        runs: Vec<MprofRunData>,
    },
    LineReport {
        reports: Vec<LineReportData>,
    },
    /// The query could not be answered (e.g. nothing is loaded).
    Unavailable {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub object_count: u64,
    pub reference_count: u64,
    pub total_size_bytes: u64,
    pub unreachable_count: u64,
    pub unreachable_bytes: u64,
    pub cycle_count: u64,
    pub garbage_cycle_count: u64,
    pub root_count: u64,
    pub top_types: Vec<TypeRow>,
    pub suspects: Vec<SuspectRow>,
    /// Objects and bytes per owner: application, third-party, interpreter.
    pub owners: Vec<OwnerRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnerRow {
    /// "application", "third-party" or "interpreter and standard library".
    pub owner: String,
    pub object_count: u64,
    pub size_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeRow {
    pub type_name: String,
    pub count: u64,
    pub shallow_bytes: u64,
    pub retained_bytes: u64,
}

/// One object as a table row or a graph node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectRow {
    pub id: ObjectId,
    pub type_name: String,
    /// Hex, e.g. `0x7f3a2c1b4d90` (strings keep all 64 bits exact in JS).
    pub address: String,
    pub description: String,
    pub shallow_bytes: u64,
    pub retained_bytes: u64,
    /// References from the nearest root; `None` = unreachable.
    pub distance: Option<u32>,
    /// Why it is a root, e.g. `module app.cache`, if it is one.
    pub root: Option<String>,
}

/// A path from a root (the first step's `from`) to the object asked about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetainerPath {
    pub steps: Vec<Reference>,
    /// A long path (a linked list's) is sent as its ends: `steps[..at]` from
    /// the root, then `count` references left out, then `steps[at..]` to the
    /// object. `None`: every step is there.
    pub left_out: Option<LeftOut>,
}

/// References left out of the middle of a long [`RetainerPath`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    pub at: u32,
    pub count: u32,
}

/// A labeled reference `from → to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub from: ObjectRow,
    pub to: ObjectRow,
    /// Position among `from`'s outgoing references (for "ignore this retainer").
    pub index: u32,
    pub kind: String,
    /// How it reads: `['req-42']`, `.cache`, `[3]`.
    pub label: String,
    pub weak: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectDetail {
    pub object: ObjectRow,
    pub flags: Vec<String>,
    /// Allocation traceback, most recent call first: `file:line`.
    pub traceback: Vec<String>,
    pub outgoing: Vec<Reference>,
    pub outgoing_total: u32,
    pub referrers: Vec<Reference>,
    pub referrers_total: u32,
    /// The dominator chain up to a root, nearest first.
    pub dominators: Vec<ObjectRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuspectRow {
    /// The object to inspect, when the suspect is one object or a container.
    pub object: Option<ObjectRow>,
    pub type_name: Option<String>,
    pub retained_bytes: u64,
    /// Share of reachable bytes, 0 to 1.
    pub share: f64,
    pub reason: String,
    /// The leak pattern (`unbounded_cache`, `module_global`, …).
    pub pattern: String,
    /// What holds the memory, in Python's words.
    pub holder: String,
    /// The one-line fix.
    pub fix: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleRow {
    /// The rank in the whole list (filters do not renumber): names the cycle in `Query::Cycle`.
    pub index: u32,
    pub member_count: u32,
    pub shallow_bytes: u64,
    pub retained_bytes: u64,
    pub garbage: bool,
    /// Member types with counts, most common first, e.g. `Node ×2`.
    pub types: String,
    /// "application", "third-party" or "interpreter and standard library".
    pub owner: String,
    /// Made only of the interpreter's machinery (modules, classes, functions, descriptors).
    pub internal: bool,
    /// The reference to break in Python syntax (`TreeNode.parent`), when it is one.
    pub break_python: Option<String>,
    /// The one-line fix.
    pub fix: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleDetail {
    pub row: CycleRow,
    pub members: Vec<ObjectRow>,
    pub references: Vec<Reference>,
    pub reference_total: u32,
    pub suggested: Option<SuggestedBreak>,
}

/// The reference to break to undo a cycle, and why that one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestedBreak {
    pub reference: Reference,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllocationRow {
    /// `file:line` frames, oldest first as `Traceback.format()` lists them
    /// (the first is what `str(Statistic)` shows; one for lineno/filename).
    pub frames: Vec<String>,
    pub size_bytes: u64,
    pub count: u64,
    pub size_diff_bytes: i64,
    pub count_diff: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlameNode {
    /// `file:line`, or `all` for the root.
    pub frame: String,
    pub size_bytes: u64,
    pub children: Vec<FlameNode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeapComparison {
    pub baseline_file: String,
    pub types: Vec<TypeDeltaRow>,
    pub new_object_count: u64,
    pub new_objects: Vec<ObjectRow>,
    pub freed_count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDeltaRow {
    pub type_name: String,
    pub count_before: u64,
    pub count_after: u64,
    pub size_before_bytes: u64,
    pub size_after_bytes: u64,
    /// `count_after - count_before`, as the core computes it.
    pub count_delta: i64,
    /// `size_after_bytes - size_before_bytes`, as the core computes it.
    pub size_delta_bytes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub object: ObjectRow,
    /// What matched: `type`, `address` or `description`.
    pub matched: String,
}

/// What grows across a range of the heap series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrowthReport {
    /// Every heap snapshot of the series (the timeline), oldest first.
    pub series: Vec<SeriesPoint>,
    /// The range analysed (series indices, inclusive).
    pub from: u32,
    pub to: u32,
    /// Holders, survivors and types in one ranked list, most likely leak first.
    pub findings: Vec<GrowthFinding>,
    pub finding_total: u32,
    pub holders: Vec<GrowingHolderRow>,
    pub holder_total: u32,
    pub survivors: Vec<SurvivorRow>,
    pub survivor_total: u32,
    pub types: Vec<TypeGrowthRow>,
    pub type_total: u32,
    pub warnings: Vec<String>,
}

/// One heap snapshot of the series, as a point of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub index: u32,
    pub file_name: String,
    /// `process.time`.
    pub time: Option<String>,
    pub objects: u64,
    pub total_bytes: u64,
    pub reachable_bytes: u64,
    pub application_bytes: u64,
    pub rss_bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrowthFinding {
    /// `holder`, `survivors`, `type` or `garbage` (unreachable cycles that
    /// grow; they have no list of their own).
    pub kind: String,
    /// Index into the report's list of that kind (may be past its cap).
    pub index: u32,
    pub reason: String,
    pub growth_bytes: i64,
    /// The one-line fix, in Python terms (holders and garbage).
    pub fix: Option<String>,
}

/// A container that holds more at each snapshot (objects are of the range's last heap).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrowingHolderRow {
    pub object: ObjectRow,
    /// Its Python name (`EventBus.handlers`).
    pub name: String,
    pub holder_type: String,
    /// The type of most of its elements.
    pub item_type: Option<String>,
    /// Per snapshot of the range.
    pub lengths: Vec<u64>,
    /// A buffer that grows (`bytearray`, `array.array`): `lengths` are its
    /// own sizes in bytes.
    #[serde(default)]
    pub lengths_in_bytes: bool,
    pub retained_bytes: Vec<u64>,
    pub own_growth_bytes: i64,
    pub retained_growth_bytes: i64,
    /// Grew at every step.
    pub monotonic: bool,
    /// The program's (not the interpreter's).
    pub program: bool,
    pub reason: String,
    pub fix: String,
}

/// Objects created after the range's first snapshot and alive in its last, by path shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurvivorRow {
    /// The entry that retains most, in the range's last heap.
    pub representative: ObjectRow,
    pub count: u64,
    pub object_count: u64,
    pub retained_bytes: u64,
    pub entry_type: String,
    /// The holder and the step into it (`EventBus.handlers[]`).
    pub holder: String,
    pub program: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeGrowthRow {
    pub type_name: String,
    /// Per snapshot of the range.
    pub counts: Vec<u64>,
    pub sizes_bytes: Vec<u64>,
    pub count_growth: i64,
    pub size_growth_bytes: i64,
    /// The count grew at every step.
    pub monotonic: bool,
}

/// Memory at a moment of an `mprof run`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimePoint {
    /// Seconds after the run's first sample.
    pub seconds: f64,
    pub mib: f64,
}

/// One `mprof run` file as chart data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MprofRunData {
    pub file_name: String,
    pub cmdline: Option<String>,
    /// Unix time of the first sample (what `seconds` count from).
    pub start_unix_s: f64,
    /// `MEM` samples in file order (evenly thinned past the cap).
    pub samples: Vec<TimePoint>,
    pub sample_total: u64,
    /// `FUNC` calls, drawn as brackets.
    pub functions: Vec<FuncSpanData>,
    pub function_total: u64,
    /// `CHLD` series, one line each.
    pub children: Vec<ChildLine>,
    pub peak: Option<TimePoint>,
    pub duration_s: f64,
    /// Least-squares slope of the samples, and the fitted line's value at 0 s.
    pub slope_mib_per_s: Option<f64>,
    pub fit_start_mib: Option<f64>,
    /// Per function, largest total growth first.
    pub grew_most: Vec<FunctionGrowthRow>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FuncSpanData {
    pub name: String,
    pub start: TimePoint,
    pub end: TimePoint,
    pub level: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChildLine {
    pub id: String,
    pub samples: Vec<TimePoint>,
    pub sample_total: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionGrowthRow {
    pub name: String,
    pub calls: u64,
    /// Of `calls`, those inside an outer call of the same function (a
    /// recursive `@profile`): their growth is the outer call's.
    pub nested_calls: u64,
    pub total_growth_mib: f64,
    pub max_growth_mib: f64,
}

/// One `@profile` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineReportData {
    pub file_name: String,
    pub tables: Vec<LineTableData>,
    /// One row per (file, line), largest increment first.
    pub grew_most: Vec<GrewMostRow>,
    pub row_total: u64,
    pub warnings: Vec<String>,
}

/// One table of a report (one source file, one call of its functions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineTableData {
    pub filename: String,
    pub has_occurrences: bool,
    pub functions: Vec<LineFunction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineFunction {
    pub name: Option<String>,
    pub rows: Vec<LineRowData>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineRowData {
    pub lineno: u32,
    pub mem_mib: Option<f64>,
    pub increment_mib: Option<f64>,
    pub occurrences: Option<u64>,
    pub contents: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrewMostRow {
    pub filename: String,
    pub function: Option<String>,
    pub row: LineRowData,
    /// Tables in which this line appears.
    pub tables: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_tagged() {
        let msg = ToWorker::LoadFile { request: 3, file_name: "a.json".into(), replace: true };
        let json = serde_json::to_string(&msg).unwrap();
        assert_eq!(json, r#"{"type":"LoadFile","request":3,"file_name":"a.json","replace":true}"#);
        assert_eq!(serde_json::from_str::<ToWorker>(&json).unwrap(), msg);
        let ready = serde_json::to_string(&FromWorker::Ready).unwrap();
        assert_eq!(ready, r#"{"type":"Ready"}"#);
        let broken = FromWorker::WorkerFailed { error: ErrorReport::new("gone") };
        let json = serde_json::to_string(&broken).unwrap();
        assert_eq!(json, r#"{"type":"WorkerFailed","error":{"message":"gone","file_name":null,"location":null}}"#);
        assert_eq!(serde_json::from_str::<FromWorker>(&json).unwrap(), broken);
    }

    #[test]
    fn worker_messages_round_trip_as_json_text() {
        let rows: Vec<CycleRow> = (0..2000)
            .map(|i| CycleRow {
                index: i,
                member_count: 3,
                shallow_bytes: u64::MAX - i as u64,
                retained_bytes: 1 << 60,
                garbage: i % 2 == 0,
                types: "app.Node ×2, dict".into(),
                owner: "application".into(),
                internal: false,
                break_python: Some("node.parent".into()),
                fix: "make `Node.parent` a weakref.ref \"\u{202e}\"".into(),
            })
            .collect();
        let msg = FromWorker::Answer { request: 7, answer: Answer::Cycles { total: 3000, matching: 2500, rows } };
        let text = msg.to_wire().unwrap();
        assert_eq!(FromWorker::from_wire(&text).unwrap(), msg, "u64s past 2^53 survive too");
        assert!(FromWorker::from_wire("{\"type\":\"Nope\"}").unwrap_err().contains("Nope"));
    }

    #[test]
    fn error_locations_are_tagged_data() {
        let at = ErrorLocation::Record { section: "heap.references".into(), index: 12 };
        let report = ErrorReport::of_file("a.json", "a.json could not be opened: bad (in heap.references record 12)", Some(at));
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains(r#""location":{"type":"Record","section":"heap.references","index":12}"#), "{json}");
        assert_eq!(serde_json::from_str::<ErrorReport>(&json).unwrap(), report);
    }
}
