//! The worker's state machine: at most one load in flight and one loaded
//! snapshot, each tagged with the request that made it.

use heapscope_core::Snapshot;
use heapscope_protocol::{Answer, ErrorReport, FromWorker, Phase, Query, RequestId, Summary, TypeRow};

/// Largest file the worker accepts (wasm32 memory is 4 GiB at most, and the
/// parsed model needs room beside the bytes).
pub const MAX_FILE_BYTES: u64 = 1536 << 20;

#[derive(Default)]
pub struct Session {
    loading: Option<Loading>,
    current: Option<Current>,
}

struct Loading {
    request: RequestId,
    file_name: String,
    total_bytes: u64,
    bytes: Vec<u8>,
}

struct Current {
    snapshot: Snapshot,
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a new load, abandoning any other.
    pub fn begin(&mut self, request: RequestId, file_name: String, total_bytes: u64) -> Option<FromWorker> {
        self.loading = None;
        if total_bytes > MAX_FILE_BYTES {
            let message = format!(
                "{file_name} is {} MiB; this browser build reads files up to {} MiB — use the `heapscope` command-line tool for it",
                total_bytes >> 20,
                MAX_FILE_BYTES >> 20
            );
            return Some(FromWorker::Failed { request, error: ErrorReport { message } });
        }
        let mut bytes = Vec::new();
        if bytes.try_reserve_exact(total_bytes as usize).is_err() {
            let message = format!("not enough memory to read {file_name} ({} MiB)", total_bytes >> 20);
            return Some(FromWorker::Failed { request, error: ErrorReport { message } });
        }
        self.loading = Some(Loading { request, file_name, total_bytes, bytes });
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
            let message = "internal error: the file's chunks were lost; please load it again".to_string();
            return FromWorker::Failed { request, error: ErrorReport { message } };
        };
        let started = now_ms();
        let total = loading.total_bytes;
        if loading.bytes.len() as u64 != total {
            let message = format!("{} ended after {} of {} bytes; the file could not be read completely", loading.file_name, loading.bytes.len(), total);
            return FromWorker::Failed { request, error: ErrorReport { message } };
        }
        progress(FromWorker::Progress { request, phase: Phase::Parsing, done_bytes: total, total_bytes: total });
        let loaded = match heapscope_core::load(&loading.bytes) {
            Ok(loaded) => loaded,
            Err(e) => {
                let message = format!("{} could not be opened: {e}", loading.file_name);
                return FromWorker::Failed { request, error: ErrorReport { message } };
            }
        };
        drop(loading.bytes);
        progress(FromWorker::Progress { request, phase: Phase::Analysing, done_bytes: total, total_bytes: total });
        let snapshot = loaded.snapshot;
        let summary = Summary {
            file_name: loading.file_name,
            format: snapshot.format.describe().to_string(),
            object_count: snapshot.heap.as_ref().map_or(0, |h| h.object_count() as u64),
            reference_count: snapshot.heap.as_ref().map_or(0, |h| h.reference_count() as u64),
            total_size_bytes: snapshot.heap.as_ref().map_or(0, |h| h.total_size_bytes()),
            root_count: snapshot.heap.as_ref().map_or(0, |h| h.roots.len() as u64),
            trace_count: snapshot.tracemalloc.as_ref().map_or(0, |t| t.traces.len() as u64),
            process: snapshot.process.fields.clone(),
            warnings: loaded.warnings.iter().map(|w| w.to_string()).collect(),
            load_ms: now_ms() - started,
        };
        self.current = Some(Current { snapshot });
        FromWorker::Loaded { request, summary }
    }

    pub fn query(&self, request: RequestId, query: Query) -> FromWorker {
        let Some(current) = &self.current else {
            return FromWorker::Answer { request, answer: Answer::Unavailable { reason: "no snapshot is loaded".into() } };
        };
        let answer = match query {
            Query::TopTypes { limit } => top_types(&current.snapshot, limit as usize),
        };
        FromWorker::Answer { request, answer }
    }
}

fn top_types(snapshot: &Snapshot, limit: usize) -> Answer {
    let Some(heap) = &snapshot.heap else {
        return Answer::Unavailable { reason: "this snapshot has no heap section".into() };
    };
    let mut by_type: std::collections::HashMap<u32, (u64, u64)> = std::collections::HashMap::new();
    for (t, s) in heap.type_name.iter().zip(&heap.size_bytes) {
        let e = by_type.entry(*t).or_default();
        e.0 += 1;
        e.1 += s;
    }
    let mut rows: Vec<TypeRow> = by_type
        .into_iter()
        .map(|(t, (count, shallow_bytes))| TypeRow { type_name: snapshot.str(t).to_string(), count, shallow_bytes })
        .collect();
    rows.sort_by(|a, b| b.shallow_bytes.cmp(&a.shallow_bytes).then_with(|| a.type_name.cmp(&b.type_name)));
    rows.truncate(limit);
    Answer::TopTypes { rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNAPSHOT: &str = r#"{"format":"heapscope","version":1,
        "heap":{"objects":[1,1,100,0,-1,-1, 2,2,50,0,-1,-1, 3,2,50,0,-1,-1],"references":[0,1,2,-1, 0,2,2,-1],"roots":[0,0,-1,0]},
        "strings":["","builtins.dict","builtins.str"]}"#;

    fn load_in_chunks(session: &mut Session, request: RequestId, bytes: &[u8], chunk: usize) -> (FromWorker, Vec<FromWorker>) {
        assert!(session.begin(request, "s.json".into(), bytes.len() as u64).is_none());
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
        let (done, events) = load_in_chunks(&mut session, 1, SNAPSHOT.as_bytes(), 7);
        let FromWorker::Loaded { request: 1, summary } = done else { panic!("{done:?}") };
        assert_eq!((summary.object_count, summary.reference_count, summary.total_size_bytes), (3, 2, 200));
        assert_eq!(events.len(), 2);
        let FromWorker::Answer { answer: Answer::TopTypes { rows }, .. } = session.query(2, Query::TopTypes { limit: 1 }) else { panic!() };
        assert_eq!(rows, vec![TypeRow { type_name: "builtins.dict".into(), count: 1, shallow_bytes: 100 }]);
    }

    #[test]
    fn a_bad_file_fails_and_the_next_loads() {
        let mut session = Session::new();
        let (done, _) = load_in_chunks(&mut session, 1, b"\x89PNG\r\n", 4);
        let FromWorker::Failed { error, .. } = done else { panic!("{done:?}") };
        assert!(error.message.contains("PNG image"), "{}", error.message);
        let (done, _) = load_in_chunks(&mut session, 2, SNAPSHOT.as_bytes(), 1000);
        assert!(matches!(done, FromWorker::Loaded { request: 2, .. }));
    }

    #[test]
    fn chunks_of_an_abandoned_load_are_refused() {
        let mut session = Session::new();
        session.begin(1, "a".into(), 10);
        session.begin(2, "b".into(), 10);
        assert!(session.chunk_slot(1, 0, 5).is_none());
        assert!(session.chunk_slot(2, 5, 5).is_none(), "out of order");
        assert!(session.chunk_slot(2, 0, 11).is_none(), "past the end");
        assert!(session.chunk_slot(2, 0, 5).is_some());
    }
}
