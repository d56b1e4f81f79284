//! Tests that need a real browser: the worker protocol through
//! serde-wasm-bindgen and the chunked load inside wasm32.
#![cfg(target_arch = "wasm32")]

use heapscope_protocol::{FromWorker, Phase, Summary, ToWorker};
use heapscope_worker::Session;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn messages_round_trip_through_js_values() {
    let msg = ToWorker::LoadBegin { request: 7, file_name: "héap.json".into(), total_bytes: 3 << 30, replace: false };
    let value = serde_wasm_bindgen::to_value(&msg).unwrap();
    let kind = js_sys::Reflect::get(&value, &"type".into()).unwrap();
    assert_eq!(kind.as_string().as_deref(), Some("LoadBegin"));
    assert_eq!(serde_wasm_bindgen::from_value::<ToWorker>(value).unwrap(), msg);

    let progress = FromWorker::Progress { request: 1, phase: Phase::Parsing, done_bytes: 5, total_bytes: 9 };
    let back: FromWorker = serde_wasm_bindgen::from_value(serde_wasm_bindgen::to_value(&progress).unwrap()).unwrap();
    assert_eq!(back, progress);
}

#[wasm_bindgen_test]
fn loads_a_snapshot_from_chunks_in_wasm() {
    let text = br#"{"format":"heapscope","version":1,"heap":{"objects":[1,1,10,0,-1,-1, 2,1,20,0,-1,-1],"references":[0,1,2,-1],"roots":[0,0,-1,0]},"strings":["","builtins.dict"]}"#;
    let mut session = Session::new();
    session.begin(1, "t.json".into(), text.len() as u64, true);
    for (i, part) in text.chunks(16).enumerate() {
        let array = js_sys::Uint8Array::from(part);
        array.copy_to(session.chunk_slot(1, (i * 16) as u64, part.len()).unwrap());
    }
    let done = session.finish(1, &|| js_sys::Date::now(), &mut |_| {});
    let FromWorker::Loaded { summary: Summary { object_count, reference_count, total_size_bytes, .. }, .. } = done else {
        panic!("{done:?}")
    };
    assert_eq!((object_count, reference_count, total_size_bytes), (2, 1, 30));
}
