//! Tests that need a real browser, run in a dedicated worker as the app's
//! worker is: the worker protocol through serde-wasm-bindgen, and a `Blob`
//! read with `FileReaderSync` as the core's `Source` and loaded in wasm32.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::io::Read;

use heapscope_core::load::Source;
use heapscope_protocol::{FromWorker, Phase, Summary, ToWorker};
use heapscope_worker::blob::BlobSource;
use heapscope_worker::Session;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const SNAPSHOT: &[u8] = br#"{"format":"heapscope","version":1,"heap":{"objects":[1,1,10,0,-1,-1, 2,1,20,0,-1,-1],"references":[0,1,2,-1],"roots":[0,0,-1,0]},"strings":["","builtins.dict"]}"#;

fn blob_of(bytes: &[u8]) -> web_sys::Blob {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

#[wasm_bindgen_test]
fn messages_round_trip_through_js_values() {
    let msg = ToWorker::LoadFile { request: 7, file_name: "héap.json".into(), replace: false };
    let value = serde_wasm_bindgen::to_value(&msg).unwrap();
    let kind = js_sys::Reflect::get(&value, &"type".into()).unwrap();
    assert_eq!(kind.as_string().as_deref(), Some("LoadFile"));
    assert_eq!(serde_wasm_bindgen::from_value::<ToWorker>(value).unwrap(), msg);

    let progress = FromWorker::Progress { request: 1, phase: Phase::Parsing, done_bytes: 5, total_bytes: 9 };
    let back: FromWorker = serde_wasm_bindgen::from_value(serde_wasm_bindgen::to_value(&progress).unwrap()).unwrap();
    assert_eq!(back, progress);
}

/// Whatever the slice size and however much a caller asks for at a time,
/// every pass over the `Blob` hands out its bytes in order, to the end.
#[wasm_bindgen_test]
fn a_blob_reads_back_whole_through_any_slices_and_reads() {
    let all: Vec<u8> = (0..50_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    // (Each slice is one `FileReaderSync` call: tiny slices over a short file.)
    for (slice, len) in [(1, 300), (16, 4000), (4096, all.len()), (1 << 20, all.len())] {
        let bytes = &all[..len];
        let source = BlobSource::with_slices(blob_of(bytes), slice).unwrap();
        assert_eq!(source.stored_len(), bytes.len() as u64);
        for ask in [1, 7, 16, 5000, 1 << 20] {
            let mut reader = source.open().unwrap();
            let mut got = Vec::new();
            let mut buf = vec![0u8; ask];
            loop {
                let n = reader.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
            }
            assert!(got == bytes, "slice {slice}, reads of {ask}: {} bytes back", got.len());
        }
    }
}

/// A snapshot in a `Blob`, plain and gzip, loads in wasm32 through
/// `FileReaderSync` in small slices, with progress up to its stored size.
#[wasm_bindgen_test]
fn loads_a_snapshot_from_a_blob_in_wasm() {
    for bytes in [SNAPSHOT.to_vec(), gzip(SNAPSHOT)] {
        let source = BlobSource::with_slices(blob_of(&bytes), 16).unwrap();
        let events = RefCell::new(Vec::new());
        let done = Session::new().load(1, "t.json".into(), &source, true, &js_sys::Date::now, &|e| events.borrow_mut().push(e));
        let FromWorker::Loaded { summary: Summary { object_count, reference_count, total_size_bytes, .. }, .. } = done else {
            panic!("{done:?}")
        };
        assert_eq!((object_count, reference_count, total_size_bytes), (2, 1, 30));
        let total = bytes.len() as u64;
        let read = events.borrow().iter().rev().find_map(|e| match e {
            FromWorker::Progress { phase: Phase::Parsing, done_bytes, total_bytes, .. } => Some((*done_bytes, *total_bytes)),
            _ => None,
        });
        assert_eq!(read, Some((total, total)));
    }
}
