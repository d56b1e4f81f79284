//! What the core accepts as a `tracemalloc.Snapshot.dump()` pickle, checked
//! against the shared acceptance corpus (`tests/data/tm_accept/cases.json`,
//! written by its `make_cases.py`). The Python converter is tested against
//! the same corpus (`python/tests/test_tracemalloc.py`), so both readers
//! accept exactly the same files and keep the same traces.

use serde_json::Value;

fn dir() -> String {
    format!("{}/tests/data/tm_accept", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_acceptance_corpus() {
    let cases: Value = serde_json::from_slice(&std::fs::read(format!("{}/cases.json", dir())).unwrap()).unwrap();
    let cases = cases.as_object().unwrap();
    assert!(cases.len() >= 10, "{cases:?}");
    for (name, case) in cases {
        let bytes = std::fs::read(format!("{}/{name}", dir())).unwrap();
        let result = heapscope_core::load(&bytes);
        let why = case["why"].as_str().unwrap();
        if case["accepted"].as_bool().unwrap() {
            let loaded = result.unwrap_or_else(|e| panic!("{name} ({why}) is refused: {e}"));
            let traces = loaded.snapshot.tracemalloc.as_ref().map_or(0, |t| t.traces.len());
            assert_eq!(traces as u64, case["traces"].as_u64().unwrap(), "{name} ({why}): traces kept");
        } else {
            assert!(result.is_err(), "{name} ({why}) is accepted");
        }
    }
}
