//! The messages between heapscope's UI (main thread) and its analysis worker.
//!
//! This is the only serialized boundary inside the app: closed enums carried
//! by `postMessage` through serde-wasm-bindgen. Every request carries a
//! [`RequestId`]; the worker answers with the same id, so the UI can drop
//! answers that belong to a load it has since replaced. Errors are data
//! ([`FromWorker::Failed`]), never exceptions. The core's own types never
//! cross this boundary: the worker converts them by hand.
//!
//! File bytes do not go through serde: a [`ToWorker::LoadChunk`] message has
//! its chunk beside it, as a transferred `ArrayBuffer` under the JS property
//! [`CHUNK_BYTES_PROPERTY`].

use serde::{Deserialize, Serialize};

/// Names one request of the UI, echoed by every answer to it.
pub type RequestId = u32;

/// The JS property of a `LoadChunk` message that holds the chunk's `ArrayBuffer`.
pub const CHUNK_BYTES_PROPERTY: &str = "bytes";

/// Files are sent to the worker in slices of this size.
pub const CHUNK_BYTES: u64 = 8 << 20;

/// UI → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ToWorker {
    /// A new file follows in chunks; any earlier load is abandoned.
    LoadBegin { request: RequestId, file_name: String, total_bytes: u64 },
    /// The next chunk of the file, starting at `offset` (bytes attached).
    LoadChunk { request: RequestId, offset: u64 },
    /// All chunks were sent: parse and analyse.
    LoadEnd { request: RequestId },
    /// A question about the loaded snapshot.
    Query { request: RequestId, query: Query },
}

/// Worker → UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum FromWorker {
    /// The worker is listening; anything sent before this is lost.
    Ready,
    Progress { request: RequestId, phase: Phase, done_bytes: u64, total_bytes: u64 },
    Loaded { request: RequestId, summary: Summary },
    Failed { request: RequestId, error: ErrorReport },
    Answer { request: RequestId, answer: Answer },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Reading,
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
    /// Process metadata as `(key, value)` pairs, in file order.
    pub process: Vec<(String, String)>,
    /// Warnings raised while loading (capped; the last may say how many more).
    pub warnings: Vec<String>,
    pub load_ms: f64,
}

/// A load that failed: what is wrong, where, and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorReport {
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Query {
    /// The largest types by total shallow size.
    TopTypes { limit: u32 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Answer {
    TopTypes { rows: Vec<TypeRow> },
    /// The query could not be answered (e.g. nothing is loaded).
    Unavailable { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeRow {
    pub type_name: String,
    pub count: u64,
    pub shallow_bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_tagged() {
        let msg = ToWorker::LoadBegin { request: 3, file_name: "a.json".into(), total_bytes: 10 };
        let json = serde_json::to_string(&msg).unwrap();
        assert_eq!(json, r#"{"type":"LoadBegin","request":3,"file_name":"a.json","total_bytes":10}"#);
        assert_eq!(serde_json::from_str::<ToWorker>(&json).unwrap(), msg);
        let ready = serde_json::to_string(&FromWorker::Ready).unwrap();
        assert_eq!(ready, r#"{"type":"Ready"}"#);
    }
}
