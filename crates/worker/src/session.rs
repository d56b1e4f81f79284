//! The worker's state: at most one load in flight, and the files open so
//! far with their analyses and roles.
//!
//! Roles follow the snapshots' own time stamps (then load order): the latest
//! heap snapshot is explored, the one before it is the Compare baseline (a
//! person may explore another one of the series with [`Session::explore`]);
//! the latest tracemalloc traces feed Allocations, the ones before them its
//! comparison. memory_profiler files (detected by content) are not
//! snapshots: `mprof run` data feeds the Timeline, `@profile` reports the
//! Line report.

use heapscope_core::analysis::cycles::Cycle;
use heapscope_core::load::line_report::{self, LineReport};
use heapscope_core::load::mprof::{self, MprofRun};
use heapscope_core::load::{detect_profile, ProfileKind};
use heapscope_core::{Analysis, HeapView, Snapshot};
use heapscope_protocol::{ErrorReport, FileInfo, FileRole, FromWorker, Phase, ProcessField, RequestId, Summary};

use crate::convert;

/// Largest file the worker accepts (wasm32 memory is 4 GiB at most, and the
/// parsed model needs room beside the bytes).
pub const MAX_FILE_BYTES: u64 = 1536 << 20;

#[derive(Default)]
pub struct Session {
    loading: Option<Loading>,
    pub(crate) files: Vec<OpenFile>,
    loads: usize,
    /// The last instance list asked for, sorted by retained size, so paging
    /// through it does not sort again.
    pub(crate) instances_cache: Option<(String, Vec<u32>)>,
    /// Limits for loading (the decompressed-size cap); tests lower them.
    load_options: heapscope_core::load::LoadOptions,
    /// The series positions a person chose to explore (heap, baseline);
    /// `None`: the latest and the one before. A load resets it.
    explore: Option<(usize, Option<usize>)>,
    /// The last growth answered, by range (growth of large heaps takes seconds).
    pub(crate) growth_cache: Option<((usize, usize, u32), heapscope_protocol::Answer)>,
}

struct Loading {
    request: RequestId,
    file_name: String,
    total_bytes: u64,
    replace: bool,
    bytes: Vec<u8>,
}

/// What an open file holds.
pub(crate) enum Content {
    Snapshot(Box<Snapshot>),
    MprofRun(MprofRun),
    LineReport(LineReport),
}

pub(crate) struct OpenFile {
    pub name: String,
    pub content: Content,
    pub analysis: Option<Analysis>,
    pub warnings: Vec<String>,
    pub load_ms: f64,
    pub time: Option<String>,
    /// `process.sequence`: which dump of its process it is.
    pub sequence: Option<u64>,
    pub order: usize,
    pub roles: Vec<FileRole>,
    /// Cycles described on first use.
    pub cycles: Option<Vec<Cycle>>,
}

impl OpenFile {
    /// What orders files oldest first: their time stamps (to the second),
    /// then their dump sequence numbers (dumps of one second; a folder's
    /// names need not sort by sequence: `-10-` before `-9-`), then load order.
    fn age(&self) -> (Option<&str>, Option<u64>, usize) {
        (self.time.as_deref(), self.sequence, self.order)
    }

    /// The file's heap with its analysis; `None` for tracemalloc-only files.
    pub fn view(&self) -> Option<HeapView<'_>> {
        HeapView::new(self.snapshot()?, self.analysis.as_ref()?)
    }

    /// The snapshot; `None` for memory_profiler files.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        match &self.content {
            Content::Snapshot(s) => Some(s),
            _ => None,
        }
    }

    fn has_heap(&self) -> bool {
        self.snapshot().is_some_and(|s| s.heap.is_some())
    }

    fn has_traces(&self) -> bool {
        self.snapshot().is_some_and(|s| s.tracemalloc.is_some())
    }

    /// The traces and the string table they refer to.
    pub fn traces(&self) -> Option<(&heapscope_core::model::Tracemalloc, &heapscope_core::strings::StringTable)> {
        let s = self.snapshot()?;
        Some((s.tracemalloc.as_ref()?, &s.strings))
    }
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// A session that loads with these limits.
    pub fn with_load_options(load_options: heapscope_core::load::LoadOptions) -> Self {
        Session { load_options, ..Self::default() }
    }

    /// Starts a new load, abandoning any other in flight.
    pub fn begin(&mut self, request: RequestId, file_name: String, total_bytes: u64, replace: bool) -> Option<FromWorker> {
        self.loading = None;
        if total_bytes > MAX_FILE_BYTES {
            let message = format!(
                "{file_name} is {} MiB; this browser build reads files up to {} MiB — use the `heapscope` command-line tool for it",
                total_bytes >> 20,
                MAX_FILE_BYTES >> 20
            );
            return Some(failed(request, ErrorReport::of_file(&file_name, message, None)));
        }
        let mut bytes = Vec::new();
        if bytes.try_reserve_exact(total_bytes as usize).is_err() {
            let message = format!("not enough memory to read {file_name} ({} MiB)", total_bytes >> 20);
            return Some(failed(request, ErrorReport::of_file(&file_name, message, None)));
        }
        self.loading = Some(Loading { request, file_name, total_bytes, replace, bytes });
        None
    }

    /// The buffer that the next chunk of `len` bytes at `offset` is copied
    /// into, or `None` if the chunk does not belong to the current load.
    pub fn chunk_slot(&mut self, request: RequestId, offset: u64, len: usize) -> Option<&mut [u8]> {
        let loading = self.loading.as_mut().filter(|l| l.request == request)?;
        let start = loading.bytes.len();
        if offset != start as u64 || (start + len) as u64 > loading.total_bytes {
            return None;
        }
        loading.bytes.resize(start + len, 0);
        Some(&mut loading.bytes[start..])
    }

    /// Progress after the latest chunk.
    pub fn progress(&self, request: RequestId) -> Option<FromWorker> {
        let l = self.loading.as_ref().filter(|l| l.request == request)?;
        Some(FromWorker::Progress { request, phase: Phase::Reading, done_bytes: l.bytes.len() as u64, total_bytes: l.total_bytes })
    }

    /// Parses and analyses the assembled file. `now_ms` is a clock (the web
    /// has no `Instant`); `progress` receives phase changes as they happen.
    pub fn finish(&mut self, request: RequestId, now_ms: &dyn Fn() -> f64, progress: &mut dyn FnMut(FromWorker)) -> FromWorker {
        let Some(loading) = self.loading.take().filter(|l| l.request == request) else {
            return failed(request, ErrorReport::new("internal error: the file's chunks were lost; please load it again"));
        };
        let started = now_ms();
        let total = loading.total_bytes;
        if loading.bytes.len() as u64 != total {
            let message = format!(
                "{} ended after {} of {} bytes; the file could not be read completely",
                loading.file_name,
                loading.bytes.len(),
                total
            );
            let at = heapscope_protocol::ErrorLocation::Byte { offset: loading.bytes.len() as u64 };
            return failed(request, ErrorReport::of_file(&loading.file_name, message, Some(at)));
        }
        progress(FromWorker::Progress { request, phase: Phase::Parsing, done_bytes: total, total_bytes: total });
        let fail = |e: heapscope_core::LoadError| {
            let message = format!("{} could not be opened: {e}", loading.file_name);
            failed(request, ErrorReport::of_file(&loading.file_name, message, e.0.location.as_ref().map(convert::location)))
        };
        let (content, warnings) = match self.parse(&loading.bytes) {
            Ok(parsed) => parsed,
            Err(e) => return fail(e),
        };
        drop(loading.bytes);
        progress(FromWorker::Progress { request, phase: Phase::Analysing, done_bytes: total, total_bytes: total });
        let analysis = match &content {
            Content::Snapshot(snapshot) => Analysis::compute(snapshot),
            _ => None,
        };
        if loading.replace {
            self.files.clear();
        }
        self.instances_cache = None;
        self.growth_cache = None;
        self.explore = None;
        self.loads += 1;
        let (time, sequence) = match &content {
            Content::Snapshot(snapshot) => {
                (snapshot.process.get("time").map(str::to_string), snapshot.process.get("process.sequence").and_then(|s| s.parse().ok()))
            }
            _ => (None, None),
        };
        self.files.push(OpenFile {
            name: loading.file_name,
            content,
            analysis,
            warnings,
            load_ms: now_ms() - started,
            time,
            sequence,
            order: self.loads,
            roles: Vec::new(),
            cycles: None,
        });
        self.assign_roles();
        match self.summary() {
            Some(summary) => FromWorker::Loaded { request, summary },
            None => failed(request, ErrorReport::new("internal error: no file is open after a load")),
        }
    }

    /// A heap snapshot, or a memory_profiler file (told apart by content),
    /// with its warnings.
    fn parse(&self, bytes: &[u8]) -> Result<(Content, Vec<String>), heapscope_core::LoadError> {
        let plain;
        let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
            plain = heapscope_core::load::gunzip_limited(bytes, self.load_options.max_decompressed_bytes)?;
            &plain[..]
        } else {
            bytes
        };
        let texts = |w: Vec<heapscope_core::Diagnostic>| -> Vec<String> {
            let mut out: Vec<String> = w.iter().take(convert::MAX_WARNINGS).map(|d| d.to_string()).collect();
            if w.len() > convert::MAX_WARNINGS {
                out.push(format!("… and {} more line(s) skipped", w.len() - convert::MAX_WARNINGS));
            }
            out
        };
        match detect_profile(bytes) {
            Some(ProfileKind::MprofRun) => mprof::parse(bytes).map(|(run, w)| (Content::MprofRun(run), texts(w))),
            Some(ProfileKind::LineReport) => line_report::parse(bytes).map(|(r, w)| (Content::LineReport(r), texts(w))),
            None => heapscope_core::load::load_with(bytes, &self.load_options)
                .map(|l| (Content::Snapshot(Box::new(l.snapshot)), l.warnings.iter().map(|w| w.to_string()).collect())),
        }
    }

    /// The heap snapshots, oldest first (see [`OpenFile::age`]).
    pub(crate) fn heap_series(&self) -> Vec<usize> {
        let mut heaps: Vec<usize> = (0..self.files.len()).filter(|&i| self.files[i].has_heap()).collect();
        heaps.sort_by_key(|&i| self.files[i].age());
        heaps
    }

    /// Explores the series' heap `heap` with `baseline` (default: the one
    /// before it) as the Compare baseline; the new summary, or why not.
    pub fn explore(&mut self, heap: usize, baseline: Option<usize>) -> Result<Summary, String> {
        let n = self.heap_series().len();
        if heap >= n || baseline.is_some_and(|b| b >= n || b == heap) {
            return Err(format!("no such heap snapshot in the series of {n}"));
        }
        self.explore = Some((heap, baseline));
        self.instances_cache = None;
        self.assign_roles();
        self.summary().ok_or_else(|| "nothing is open".to_string())
    }

    fn assign_roles(&mut self) {
        let mut by_age: Vec<usize> = (0..self.files.len()).collect();
        by_age.sort_by_key(|&i| self.files[i].age());
        for f in &mut self.files {
            f.roles.clear();
        }
        let heaps = self.heap_series();
        let traces: Vec<usize> = by_age.iter().copied().filter(|&i| self.files[i].has_traces()).collect();
        if let Some(&(heap, baseline)) = self.explore.as_ref().filter(|(h, b)| *h < heaps.len() && b.is_none_or(|b| b < heaps.len())) {
            self.files[heaps[heap]].roles.push(FileRole::Heap);
            if let Some(b) = baseline.or_else(|| heap.checked_sub(1)) {
                self.files[heaps[b]].roles.push(FileRole::Baseline);
            }
        } else {
            if let Some(&last) = heaps.last() {
                self.files[last].roles.push(FileRole::Heap);
            }
            if heaps.len() >= 2 {
                self.files[heaps[heaps.len() - 2]].roles.push(FileRole::Baseline);
            }
        }
        for &i in &heaps {
            if self.files[i].roles.is_empty() {
                self.files[i].roles.push(FileRole::Series);
            }
        }
        if let Some(&last) = traces.last() {
            self.files[last].roles.push(FileRole::Allocations);
        }
        if traces.len() >= 2 {
            self.files[traces[traces.len() - 2]].roles.push(FileRole::AllocationsBaseline);
        }
        for f in &mut self.files {
            match f.content {
                Content::MprofRun(_) => f.roles.push(FileRole::Timeline),
                Content::LineReport(_) => f.roles.push(FileRole::LineReport),
                Content::Snapshot(_) => {}
            }
            if f.roles.is_empty() {
                f.roles.push(FileRole::Unused);
            }
        }
    }

    pub(crate) fn with_role(&self, role: FileRole) -> Option<&OpenFile> {
        self.files.iter().find(|f| f.roles.contains(&role))
    }

    pub(crate) fn index_with_role(&self, role: FileRole) -> Option<usize> {
        self.files.iter().position(|f| f.roles.contains(&role))
    }

    /// Describes the explored file (the heap snapshot, else the traces);
    /// `None` only while nothing is open.
    pub(crate) fn summary(&self) -> Option<Summary> {
        let primary = self.with_role(FileRole::Heap).or_else(|| self.with_role(FileRole::Allocations)).or(self.files.last());
        let series = self.heap_series();
        let files = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| FileInfo {
                file_name: f.name.clone(),
                has_heap: f.has_heap(),
                has_tracemalloc: f.has_traces(),
                time: f.time.clone(),
                series_index: series.iter().position(|&s| s == i).map(|p| p as u32),
                roles: f.roles.clone(),
            })
            .collect();
        let p = primary?;
        let facts = p.view().map(|v| v.overview());
        let format = match &p.content {
            Content::Snapshot(s) => s.format.describe(),
            Content::MprofRun(_) => "memory_profiler mprof run",
            Content::LineReport(_) => "memory_profiler @profile report",
        };
        Some(Summary {
            file_name: p.name.clone(),
            format: format.to_string(),
            object_count: facts.map_or(0, |f| f.object_count),
            reference_count: facts.map_or(0, |f| f.reference_count),
            total_size_bytes: facts.map_or(0, |f| f.total_size_bytes),
            root_count: facts.map_or(0, |f| f.root_count),
            trace_count: self.with_role(FileRole::Allocations).and_then(|f| f.traces()).map_or(0, |(t, _)| t.traces.len() as u64),
            process: p
                .snapshot()
                .map(|s| s.process.fields.iter().map(|(key, value)| ProcessField { key: key.clone(), value: value.clone() }).collect())
                .unwrap_or_default(),
            warnings: p.warnings.clone(),
            load_ms: p.load_ms,
            worker_memory_bytes: 0,
            files,
        })
    }
}

fn failed(request: RequestId, error: ErrorReport) -> FromWorker {
    FromWorker::Failed { request, error }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNAPSHOT: &str = r#"{"format":"heapscope","version":1,
        "heap":{"objects":[1,1,100,0,-1,-1, 2,2,50,0,-1,-1, 3,2,50,0,-1,-1],"references":[0,1,2,-1, 0,2,2,-1],"roots":[0,0,-1,0]},
        "strings":["","builtins.dict","builtins.str"]}"#;

    pub(crate) fn load_in_chunks(
        session: &mut Session,
        request: RequestId,
        name: &str,
        bytes: &[u8],
        chunk: usize,
        replace: bool,
    ) -> (FromWorker, Vec<FromWorker>) {
        assert!(session.begin(request, name.into(), bytes.len() as u64, replace).is_none());
        for (i, part) in bytes.chunks(chunk).enumerate() {
            session.chunk_slot(request, (i * chunk) as u64, part.len()).unwrap().copy_from_slice(part);
        }
        let mut events = Vec::new();
        let done = session.finish(request, &|| 0.0, &mut |e| events.push(e));
        (done, events)
    }

    #[test]
    fn loads_from_chunks_and_answers() {
        let mut session = Session::new();
        let (done, events) = load_in_chunks(&mut session, 1, "s.json", SNAPSHOT.as_bytes(), 7, true);
        let FromWorker::Loaded { request: 1, summary } = done else { panic!("{done:?}") };
        assert_eq!((summary.object_count, summary.reference_count, summary.total_size_bytes), (3, 2, 200));
        assert_eq!(summary.files[0].roles, vec![FileRole::Heap]);
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn a_bad_file_fails_and_the_next_loads() {
        let mut session = Session::new();
        let (done, _) = load_in_chunks(&mut session, 1, "p.png", b"\x89PNG\r\n", 4, true);
        let FromWorker::Failed { error, .. } = done else { panic!("{done:?}") };
        assert!(error.message.contains("PNG image"), "{}", error.message);
        let (done, _) = load_in_chunks(&mut session, 2, "s.json", SNAPSHOT.as_bytes(), 1000, true);
        assert!(matches!(done, FromWorker::Loaded { request: 2, .. }));
    }

    /// A gzip bomb (here 64 MiB of zeros against a 4 MiB limit) is refused
    /// as the core refuses it, and the session loads the next file.
    #[test]
    fn a_gzip_bomb_is_refused_and_the_next_file_loads() {
        use std::io::Write;
        let mut member = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        member.write_all(&vec![b' '; 1 << 20]).unwrap();
        let member = member.finish().unwrap();
        let bomb: Vec<u8> = member.iter().copied().cycle().take(member.len() * 64).collect();
        let mut session = Session::with_load_options(heapscope_core::load::LoadOptions { max_decompressed_bytes: 4 << 20 });
        let (done, _) = load_in_chunks(&mut session, 1, "bomb.json.gz", &bomb, 4096, true);
        let FromWorker::Failed { error, .. } = done else { panic!("{done:?}") };
        assert!(error.message.contains("bomb.json.gz") && error.message.contains("expands past 4 MiB"), "{}", error.message);
        let (done, _) = load_in_chunks(&mut session, 2, "s.json", SNAPSHOT.as_bytes(), 1000, true);
        assert!(matches!(done, FromWorker::Loaded { request: 2, .. }), "{done:?}");
    }

    #[test]
    fn load_errors_carry_the_file_and_where() {
        let mut session = Session::new();
        let (done, _) =
            load_in_chunks(&mut session, 1, "bad.json", br#"{"format":"heapscope","version":1,"heap":{"objects":[1,2,"x"]}}"#, 8, true);
        let FromWorker::Failed { error, .. } = done else { panic!("{done:?}") };
        assert_eq!(error.file_name.as_deref(), Some("bad.json"));
        assert!(error.location.is_some(), "{error:?}");
        assert!(error.message.starts_with("bad.json could not be opened: "), "{}", error.message);
    }

    #[test]
    fn the_summary_counts_distinct_root_objects() {
        // Object 0 is a root twice (a module and a thread's frame): one root object.
        let twice = SNAPSHOT.replace(r#""roots":[0,0,-1,0]"#, r#""roots":[0,0,-1,0, 0,1,-1,0, 1,3,-1,2]"#);
        let mut session = Session::new();
        let (done, _) = load_in_chunks(&mut session, 1, "s.json", twice.as_bytes(), 100, true);
        let FromWorker::Loaded { summary, .. } = done else { panic!("{done:?}") };
        assert_eq!(summary.root_count, 2);
    }

    #[test]
    fn two_heaps_are_ordered_by_their_time_stamps() {
        let with_time = |t: &str| SNAPSHOT.replace(r#""version":1,"#, &format!(r#""version":1,"process":{{"time":"{t}"}},"#));
        let mut session = Session::new();
        load_in_chunks(&mut session, 1, "later.json", with_time("2026-01-02T00:00:00Z").as_bytes(), 100, true);
        let (done, _) = load_in_chunks(&mut session, 2, "earlier.json", with_time("2026-01-01T00:00:00Z").as_bytes(), 100, false);
        let FromWorker::Loaded { summary, .. } = done else { panic!() };
        assert_eq!(summary.file_name, "later.json");
        let roles: Vec<_> = summary.files.iter().map(|f| (f.file_name.as_str(), f.roles.clone())).collect();
        assert_eq!(roles, vec![("later.json", vec![FileRole::Heap]), ("earlier.json", vec![FileRole::Baseline])]);
    }

    #[test]
    fn heaps_of_one_second_are_ordered_by_their_sequence_numbers() {
        let dump = |seq: u32| {
            let process = format!(r#""process":{{"time":"2026-01-01T00:00:00Z","process":{{"sequence":{seq}}}}},"#);
            SNAPSHOT.replace(r#""version":1,"#, &format!(r#""version":1,{process}"#))
        };
        let mut session = Session::new();
        // A folder's name order: `-10-` comes before `-9-`.
        for (k, seq) in [10, 11, 9].into_iter().enumerate() {
            load_in_chunks(&mut session, k as u32 + 1, &format!("dump-{seq}.json"), dump(seq).as_bytes(), 100, k == 0);
        }
        let names: Vec<&str> = session.heap_series().into_iter().map(|i| session.files[i].name.as_str()).collect();
        assert_eq!(names, ["dump-9.json", "dump-10.json", "dump-11.json"]);
    }

    #[test]
    fn files_too_big_for_the_browser_are_refused_with_advice() {
        let mut session = Session::new();
        let Some(FromWorker::Failed { error, .. }) = session.begin(1, "huge.json".into(), 2 << 30, true) else { panic!() };
        assert_eq!(
            error.message,
            "huge.json is 2048 MiB; this browser build reads files up to 1536 MiB — use the `heapscope` command-line tool for it"
        );
        assert!(session.chunk_slot(1, 0, 10).is_none());
    }

    #[test]
    fn a_file_that_ends_early_is_reported() {
        let mut session = Session::new();
        session.begin(1, "short.json".into(), 10, true);
        session.chunk_slot(1, 0, 4).unwrap().copy_from_slice(b"{\"a\"");
        let FromWorker::Failed { error, .. } = session.finish(1, &|| 0.0, &mut |_| {}) else { panic!() };
        assert_eq!(error.message, "short.json ended after 4 of 10 bytes; the file could not be read completely");
    }

    #[test]
    fn chunks_of_an_abandoned_load_are_refused() {
        let mut session = Session::new();
        session.begin(1, "a".into(), 10, true);
        session.begin(2, "b".into(), 10, true);
        assert!(session.chunk_slot(1, 0, 5).is_none());
        assert!(session.chunk_slot(2, 5, 5).is_none(), "out of order");
        assert!(session.chunk_slot(2, 0, 11).is_none(), "past the end");
        assert!(session.chunk_slot(2, 0, 5).is_some());
    }
}
