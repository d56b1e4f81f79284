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
use heapscope_core::load::{self, detect_profile, load_source, ProfileKind, Source};
use heapscope_core::{Analysis, HeapView, Snapshot};
use heapscope_protocol::{ErrorReport, FileInfo, FileRole, FromWorker, Phase, ProcessField, RequestId, Summary};

use crate::convert;

#[derive(Default)]
pub struct Session {
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

/// A time stamp's seconds, ordered (never NaN: parsed from digits).
#[derive(Debug, Clone, Copy)]
struct OrderedTime(f64);

impl PartialEq for OrderedTime {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for OrderedTime {}

impl PartialOrd for OrderedTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl OpenFile {
    /// What orders files oldest first: the instants their time stamps say
    /// (to the second, whatever the time zone),
    /// then their dump sequence numbers (dumps of one second; a folder's
    /// names need not sort by sequence: `-10-` before `-9-`), then load order.
    fn age(&self) -> (Option<OrderedTime>, Option<u64>, usize) {
        (self.time.as_deref().and_then(heapscope_core::timestamp::seconds_since_epoch).map(OrderedTime), self.sequence, self.order)
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

    /// Reads, parses and analyses the file `source` (a heap snapshot, or a
    /// memory_profiler file, told apart by content), as `file_name`.
    /// `progress` receives [`FromWorker::Progress`] events as the file is
    /// read (see [`Watched`]); `now_ms` is a clock (the web has no
    /// `Instant`). The file is never held whole: a heap snapshot is parsed
    /// as it is read (the core's [`load_source`]); only memory_profiler
    /// files, which are small text, are read whole.
    pub fn load(
        &mut self,
        request: RequestId,
        file_name: String,
        source: &dyn Source,
        replace: bool,
        now_ms: &dyn Fn() -> f64,
        progress: &dyn Fn(FromWorker),
    ) -> FromWorker {
        let started = now_ms();
        let total = source.stored_len();
        // The page never shows a replaced batch again, loaded or not (a
        // failed batch shows its error): free it before parsing, so that a
        // large file replacing another never needs room for both.
        if replace {
            self.close_all();
        }
        let fail = |e: heapscope_core::LoadError| {
            let message = format!("{file_name} could not be opened: {e}");
            failed(request, ErrorReport::of_file(&file_name, message, e.0.location.as_ref().map(convert::location)))
        };
        // The only size limit is the parser's (`LoadOptions`): the file
        // itself never sits in memory. A stored file past it cannot expand
        // to less (gzip adds at most a few bytes per 64 KiB), so it is
        // refused before a byte is read.
        let max = self.load_options.max_decompressed_bytes;
        if total > max.saturating_add(1 << 20) {
            return fail(heapscope_core::load::too_large(total, max));
        }
        progress(FromWorker::Progress { request, phase: Phase::Parsing, done_bytes: 0, total_bytes: total });
        let watched = Watched::new(source, request, progress);
        let (content, warnings) = match self.parse(&watched) {
            Ok(parsed) => parsed,
            Err(e) => return fail(e),
        };
        progress(FromWorker::Progress { request, phase: Phase::Analysing, done_bytes: total, total_bytes: total });
        let analysis = match &content {
            Content::Snapshot(snapshot) => Analysis::compute(snapshot),
            _ => None,
        };
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
            name: file_name,
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

    fn close_all(&mut self) {
        self.files.clear();
        self.instances_cache = None;
        self.growth_cache = None;
        self.explore = None;
    }

    /// A heap snapshot, or a memory_profiler file (told apart by content),
    /// with its warnings.
    fn parse(&self, source: &dyn Source) -> Result<(Content, Vec<String>), heapscope_core::LoadError> {
        let texts = |w: heapscope_core::diagnostic::Warnings| -> Vec<String> {
            let mut out: Vec<String> = w.kept.iter().take(convert::MAX_WARNINGS).map(|d| d.to_string()).collect();
            if w.total > out.len() as u64 {
                out.push(format!("… and {} more line(s) skipped", w.total - out.len() as u64));
            }
            out
        };
        let head = load::plain_head(source, PROFILE_HEAD_BYTES)?;
        match detect_profile(&head) {
            Some(ProfileKind::MprofRun) => {
                mprof::parse(&load::read_plain(source, &self.load_options)?).map(|(run, w)| (Content::MprofRun(run), texts(w)))
            }
            Some(ProfileKind::LineReport) => {
                line_report::parse(&load::read_plain(source, &self.load_options)?).map(|(r, w)| (Content::LineReport(r), texts(w)))
            }
            None => load_source(source, &self.load_options)
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

/// How much plain text `detect_profile` looks at.
const PROFILE_HEAD_BYTES: usize = 4096;

/// A [`Source`] that reports how far it has been read, as
/// [`FromWorker::Progress`] events (`Parsing`, bytes of the stored file),
/// and that turns a file ending before its stated size into a read error.
///
/// The core may open the file more than once (the head to detect the
/// format, a look-ahead for `meta`, a second pass when the streaming parser
/// declines): the progress shown is the furthest any reader has got, so it
/// never goes back. Events are posted at most every [`Watched::step`] bytes
/// (1% of the file, at least [`MIN_PROGRESS_STEP_BYTES`]) and when the end
/// is reached.
pub struct Watched<'a> {
    inner: &'a dyn Source,
    request: RequestId,
    report: &'a dyn Fn(FromWorker),
    /// (furthest byte read, furthest byte reported).
    done: std::cell::Cell<(u64, u64)>,
}

/// Progress is not reported more often than this (nor than every 1%).
pub const MIN_PROGRESS_STEP_BYTES: u64 = 256 << 10;

impl<'a> Watched<'a> {
    pub fn new(inner: &'a dyn Source, request: RequestId, report: &'a dyn Fn(FromWorker)) -> Self {
        Watched { inner, request, report, done: std::cell::Cell::new((0, 0)) }
    }

    fn step(&self) -> u64 {
        (self.inner.stored_len() / 100).max(MIN_PROGRESS_STEP_BYTES)
    }

    /// A reader has got to byte `at`.
    fn reached(&self, at: u64) {
        let total = self.inner.stored_len();
        let (furthest, reported) = self.done.get();
        if at <= furthest {
            return;
        }
        if at - reported >= self.step() || at == total {
            (self.report)(FromWorker::Progress { request: self.request, phase: Phase::Parsing, done_bytes: at, total_bytes: total });
            self.done.set((at, at));
        } else {
            self.done.set((at, reported));
        }
    }
}

impl Source for Watched<'_> {
    fn stored_len(&self) -> u64 {
        self.inner.stored_len()
    }

    fn open(&self) -> std::io::Result<Box<dyn std::io::Read + '_>> {
        Ok(Box::new(WatchedReader { inner: self.inner.open()?, at: 0, watch: self }))
    }
}

struct WatchedReader<'a> {
    inner: Box<dyn std::io::Read + 'a>,
    at: u64,
    watch: &'a Watched<'a>,
}

impl std::io::Read for WatchedReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.watch.stored_len();
        if n == 0 && !buf.is_empty() && self.at < total {
            let message = format!("it ended after {} of {total} bytes (was it changed or removed?)", self.at);
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, message));
        }
        self.at += n as u64;
        self.watch.reached(self.at);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::io::Read;

    use super::*;

    const SNAPSHOT: &str = r#"{"format":"heapscope","version":1,
        "heap":{"objects":[1,1,100,0,-1,-1, 2,2,50,0,-1,-1, 3,2,50,0,-1,-1],"references":[0,1,2,-1, 0,2,2,-1],"roots":[0,0,-1,0]},
        "strings":["","builtins.dict","builtins.str"]}"#;

    /// A file whose readers hand out at most `piece` bytes per read, that
    /// stops with an error after `fail_at` bytes if set, and that counts how
    /// often it was opened.
    struct Pieces<'a> {
        bytes: &'a [u8],
        piece: usize,
        fail_at: Option<usize>,
        opened: Cell<usize>,
    }

    impl<'a> Pieces<'a> {
        fn new(bytes: &'a [u8], piece: usize) -> Self {
            Pieces { bytes, piece, fail_at: None, opened: Cell::new(0) }
        }
    }

    impl Source for Pieces<'_> {
        fn stored_len(&self) -> u64 {
            self.bytes.len() as u64
        }
        fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
            self.opened.set(self.opened.get() + 1);
            let end = self.fail_at.unwrap_or(usize::MAX).min(self.bytes.len());
            let pieces = load::InPieces { bytes: &self.bytes[..end], piece: self.piece };
            Ok(Box::new(FailingAtEnd { pieces, fails: end < self.bytes.len() }))
        }
    }

    /// The pieces, then a read error if the file was cut short.
    struct FailingAtEnd<'a> {
        pieces: load::InPieces<'a>,
        fails: bool,
    }

    impl Read for FailingAtEnd<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.fails && self.pieces.bytes.is_empty() {
                return Err(std::io::Error::other("NotReadableError"));
            }
            self.pieces.read(buf)
        }
    }

    /// Loads `bytes` handed out `piece` bytes at a time; the answer and the
    /// progress events.
    pub(crate) fn load_in_pieces(
        session: &mut Session,
        request: RequestId,
        name: &str,
        bytes: &[u8],
        piece: usize,
        replace: bool,
    ) -> (FromWorker, Vec<FromWorker>) {
        let events = RefCell::new(Vec::new());
        let done = session.load(request, name.into(), &Pieces::new(bytes, piece), replace, &|| 0.0, &|e| events.borrow_mut().push(e));
        (done, events.into_inner())
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    }

    /// `(objects, references, total size)` of a load's summary.
    fn counts(done: &FromWorker) -> (u64, u64, u64) {
        let FromWorker::Loaded { summary, .. } = done else { panic!("{done:?}") };
        (summary.object_count, summary.reference_count, summary.total_size_bytes)
    }

    #[test]
    fn loads_and_answers() {
        let mut session = Session::new();
        let (done, events) = load_in_pieces(&mut session, 1, "s.json", SNAPSHOT.as_bytes(), 1 << 20, true);
        let FromWorker::Loaded { request: 1, summary } = &done else { panic!("{done:?}") };
        assert_eq!(counts(&done), (3, 2, 200));
        assert_eq!(summary.files[0].roles, vec![FileRole::Heap]);
        let phases: Vec<_> =
            events.iter().map(|e| if let FromWorker::Progress { phase, .. } = e { *phase } else { panic!("{e:?}") }).collect();
        assert_eq!(phases, [Phase::Parsing, Phase::Parsing, Phase::Analysing], "start, end of the file, analysis");
    }

    /// A reader may return fewer bytes than asked (a `Blob` slice, a pipe):
    /// files handed out 7 bytes at a time, and one at a time, load as they
    /// do in one piece, plain and gzip.
    #[test]
    fn files_read_a_few_bytes_at_a_time_load_the_same() {
        // A document larger than the core's read blocks, with `meta` first.
        let n = 70_000;
        let mut objects = String::new();
        let mut references = String::new();
        for i in 0..n {
            objects.push_str(&format!("{},1,{},0,-1,-1,", i + 1, 16 + i % 7));
            if i > 0 {
                references.push_str(&format!("{},{},2,-1,", i - 1, i));
            }
        }
        let text = format!(
            r#"{{"format":"heapscope","version":1,"heap":{{"objects":[{}],"references":[{}],"roots":[0,0,-1,0]}},"strings":["","builtins.dict"]}}"#,
            objects.trim_end_matches(','),
            references.trim_end_matches(',')
        );
        assert!(text.len() > 2 << 20, "{}", text.len());
        for bytes in [text.as_bytes().to_vec(), gzip(text.as_bytes())] {
            let whole = counts(&load_in_pieces(&mut Session::new(), 1, "s.json", &bytes, usize::MAX, true).0);
            assert_eq!(whole.0, n as u64);
            assert_eq!(counts(&load_in_pieces(&mut Session::new(), 1, "s.json", &bytes, 7, true).0), whole);
        }
        let (done, _) = load_in_pieces(&mut Session::new(), 1, "s.json", SNAPSHOT.as_bytes(), 1, true);
        assert_eq!(counts(&done), (3, 2, 200));
    }

    /// Progress counts the stored bytes read, rises to the file's size in
    /// steps of at least 1% (or [`MIN_PROGRESS_STEP_BYTES`]), and never goes
    /// back although the core opens the file more than once.
    #[test]
    fn progress_rises_to_the_stored_size_and_never_goes_back() {
        let filler = format!(r#""process":{{"note":"{}"}},"#, "x".repeat(3 << 20));
        let text = SNAPSHOT.replace(r#""version":1,"#, &format!(r#""version":1,{filler}"#));
        for bytes in [text.as_bytes().to_vec(), gzip(text.as_bytes())] {
            let source = Pieces::new(&bytes, 4096);
            let events = RefCell::new(Vec::new());
            let done = Session::new().load(1, "s.json".into(), &source, true, &|| 0.0, &|e| events.borrow_mut().push(e));
            assert_eq!(counts(&done), (3, 2, 200));
            assert!(source.opened.get() >= 2, "the head, then the document");
            let total = bytes.len() as u64;
            let parsing: Vec<u64> = events
                .borrow()
                .iter()
                .filter_map(|e| match e {
                    FromWorker::Progress { phase: Phase::Parsing, done_bytes, total_bytes, .. } => {
                        assert_eq!(*total_bytes, total);
                        Some(*done_bytes)
                    }
                    _ => None,
                })
                .collect();
            assert_eq!(parsing.first(), Some(&0));
            assert_eq!(parsing.last(), Some(&total));
            assert!(parsing.windows(2).all(|w| w[0] < w[1]), "{parsing:?}");
            let step = (total / 100).max(MIN_PROGRESS_STEP_BYTES);
            assert!(parsing.windows(2).all(|w| w[1] - w[0] >= step || w[1] == total), "{parsing:?}");
            if total > 2 * step {
                assert!(parsing.len() > 3, "progress along the way: {parsing:?}");
            }
        }
    }

    #[test]
    fn a_bad_file_fails_and_the_next_loads() {
        let mut session = Session::new();
        let (done, _) = load_in_pieces(&mut session, 1, "p.png", b"\x89PNG\r\n", 4, true);
        let FromWorker::Failed { error, .. } = done else { panic!("{done:?}") };
        assert!(error.message.contains("PNG image"), "{}", error.message);
        let (done, _) = load_in_pieces(&mut session, 2, "s.json", SNAPSHOT.as_bytes(), 1000, true);
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
        let (done, _) = load_in_pieces(&mut session, 1, "bomb.json.gz", &bomb, 4096, true);
        let FromWorker::Failed { error, .. } = done else { panic!("{done:?}") };
        assert!(error.message.contains("bomb.json.gz") && error.message.contains("expands past 4 MiB"), "{}", error.message);
        let (done, _) = load_in_pieces(&mut session, 2, "s.json", SNAPSHOT.as_bytes(), 1000, true);
        assert!(matches!(done, FromWorker::Loaded { request: 2, .. }), "{done:?}");
    }

    /// A replacing load frees what was open before it parses (the page
    /// never shows a replaced batch again): after a failed one nothing is
    /// open, and a file that joins (`replace` false) keeps the others.
    #[test]
    fn a_replacing_load_closes_the_open_files_first_even_when_it_fails() {
        let mut session = Session::new();
        let (done, _) = load_in_pieces(&mut session, 1, "a.json", SNAPSHOT.as_bytes(), 1000, true);
        assert!(matches!(done, FromWorker::Loaded { .. }), "{done:?}");
        let (done, _) = load_in_pieces(&mut session, 2, "b.json", SNAPSHOT.as_bytes(), 1000, false);
        let FromWorker::Loaded { summary, .. } = done else { panic!("{done:?}") };
        assert_eq!(summary.files.len(), 2);
        let (done, _) = load_in_pieces(&mut session, 3, "bad.json", b"{\"format\": 7}", 1000, true);
        assert!(matches!(done, FromWorker::Failed { .. }), "{done:?}");
        assert!(session.summary().is_none(), "the replaced files are closed");
        let (done, _) = load_in_pieces(&mut session, 4, "c.json", SNAPSHOT.as_bytes(), 1000, false);
        let FromWorker::Loaded { summary, .. } = done else { panic!("{done:?}") };
        assert_eq!(summary.files.iter().map(|f| f.file_name.as_str()).collect::<Vec<_>>(), ["c.json"]);
    }

    #[test]
    fn load_errors_carry_the_file_and_where() {
        let mut session = Session::new();
        let (done, _) =
            load_in_pieces(&mut session, 1, "bad.json", br#"{"format":"heapscope","version":1,"heap":{"objects":[1,2,"x"]}}"#, 8, true);
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
        let (done, _) = load_in_pieces(&mut session, 1, "s.json", twice.as_bytes(), 100, true);
        let FromWorker::Loaded { summary, .. } = done else { panic!("{done:?}") };
        assert_eq!(summary.root_count, 2);
    }

    #[test]
    fn two_heaps_are_ordered_by_their_time_stamps() {
        let with_time = |t: &str| SNAPSHOT.replace(r#""version":1,"#, &format!(r#""version":1,"process":{{"time":"{t}"}},"#));
        let mut session = Session::new();
        load_in_pieces(&mut session, 1, "later.json", with_time("2026-01-02T00:00:00Z").as_bytes(), 100, true);
        let (done, _) = load_in_pieces(&mut session, 2, "earlier.json", with_time("2026-01-01T00:00:00Z").as_bytes(), 100, false);
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
            load_in_pieces(&mut session, k as u32 + 1, &format!("dump-{seq}.json"), dump(seq).as_bytes(), 100, k == 0);
        }
        let names: Vec<&str> = session.heap_series().into_iter().map(|i| session.files[i].name.as_str()).collect();
        assert_eq!(names, ["dump-9.json", "dump-10.json", "dump-11.json"]);
    }

    /// A file past what the parser can use is refused before a byte of it
    /// is read, in the core's words.
    #[test]
    fn files_too_big_to_parse_are_refused_before_they_are_read() {
        struct Huge(Cell<bool>);
        impl Source for Huge {
            fn stored_len(&self) -> u64 {
                6 << 30
            }
            fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
                self.0.set(true);
                Ok(Box::new(std::io::repeat(b' ')))
            }
        }
        let huge = Huge(Cell::new(false));
        let done = Session::new().load(1, "huge.json".into(), &huge, true, &|| 0.0, &|_| {});
        let FromWorker::Failed { error, .. } = done else { panic!("{done:?}") };
        assert_eq!(
            error.message,
            "huge.json could not be opened: the file is 6 GiB; heapscope reads snapshots up to 4 GiB (what the parser can use)"
        );
        assert!(!huge.0.get(), "refused before it was read");
        // The limit is the load options': a smaller one refuses smaller files.
        let mut session = Session::with_load_options(heapscope_core::load::LoadOptions { max_decompressed_bytes: 1 << 20 });
        let big = vec![b' '; 3 << 20];
        let (done, _) = load_in_pieces(&mut session, 2, "big.json", &big, 1 << 20, true);
        let FromWorker::Failed { error, .. } = done else { panic!("{done:?}") };
        assert_eq!(
            error.message,
            "big.json could not be opened: the file is 3 MiB; heapscope reads snapshots up to 1 MiB (what the parser can use)"
        );
    }

    /// A file that cannot be read to its end (a `Blob` whose file was
    /// changed or removed) fails with the byte where reading stopped, and
    /// the session loads the next file.
    #[test]
    fn a_file_that_cannot_be_read_is_reported_with_where() {
        let filler = format!(r#""process":{{"note":"{}"}},"#, "x".repeat(100_000));
        let text = SNAPSHOT.replace(r#""version":1,"#, &format!(r#""version":1,{filler}"#));
        let mut noise = 1u32;
        // Incompressible, so that the gzip file is large enough to fail past its head.
        let noisy: String = (0..300_000)
            .map(|_| {
                noise = noise.wrapping_mul(1_103_515_245).wrapping_add(12345);
                char::from(b'a' + (noise >> 16) as u8 % 26)
            })
            .collect();
        let gzipped = gzip(SNAPSHOT.replace(r#""version":1,"#, &format!(r#""version":1,"process":{{"note":"{noisy}"}},"#)).as_bytes());
        for bytes in [text.into_bytes(), gzipped] {
            let mut session = Session::new();
            let at = bytes.len() / 2;
            let broken = Pieces { fail_at: Some(at), ..Pieces::new(&bytes, 1000) };
            let done = session.load(1, "gone.json".into(), &broken, true, &|| 0.0, &|_| {});
            let FromWorker::Failed { error, .. } = done else { panic!("{done:?}") };
            assert_eq!(
                error.message,
                format!("gone.json could not be opened: the file could not be read: NotReadableError (at byte {at})")
            );
            assert_eq!(error.location, Some(heapscope_protocol::ErrorLocation::Byte { offset: at as u64 }));
            let (done, _) = load_in_pieces(&mut session, 2, "s.json", SNAPSHOT.as_bytes(), 1000, true);
            assert!(matches!(done, FromWorker::Loaded { request: 2, .. }), "{done:?}");
        }
    }

    /// A file shorter than its stated size (it shrank after it was picked)
    /// says so rather than parsing what there was.
    #[test]
    fn a_file_that_ends_early_is_reported() {
        let filler = format!(r#""process":{{"note":"{}"}},"#, "x".repeat(10_000));
        let text = SNAPSHOT.replace(r#""version":1,"#, &format!(r#""version":1,{filler}"#));
        struct Short<'a>(&'a [u8]);
        impl Source for Short<'_> {
            fn stored_len(&self) -> u64 {
                self.0.len() as u64 + 10
            }
            fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
                Ok(Box::new(self.0))
            }
        }
        let done = Session::new().load(1, "short.json".into(), &Short(text.as_bytes()), true, &|| 0.0, &|_| {});
        let FromWorker::Failed { error, .. } = done else { panic!("{done:?}") };
        let n = text.len();
        assert_eq!(
            error.message,
            format!(
                "short.json could not be opened: the file could not be read: it ended after {n} of {} bytes (was it changed or removed?) (at byte {n})",
                n + 10
            )
        );
    }
}
