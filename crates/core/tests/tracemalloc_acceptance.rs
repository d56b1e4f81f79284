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

/// A pickle whose one traceback (memoized) fails on its last frame, shared
/// by many traces: each trace is skipped with a warning, and the traceback
/// is refused once — not walked again per trace (which made a 200 KB file
/// take minutes).
#[test]
fn a_shared_bad_traceback_is_refused_once_per_file() {
    let (frames, traces) = (30_000usize, 30_000usize);
    let s = |t: &str| [&[0x8c, t.len() as u8][..], t.as_bytes()].concat();
    let mut p: Vec<u8> = b"\x80\x02ctracemalloc\nSnapshot\n)\x81}(".to_vec();
    p.extend(s("traceback_limit"));
    p.extend(b"K\x01");
    p.extend(s("traces"));
    // Frame ("a.py", 1) as memo 0.
    p.extend(s("a.py"));
    p.extend(b"K\x01\x86q\x000");
    // The traceback: the frame `frames` times, then ("a.py", -1); memo 1.
    p.extend(b"(");
    p.extend(b"h\x00".repeat(frames));
    p.extend(s("a.py"));
    p.extend(b"J");
    p.extend((-1i32).to_le_bytes());
    p.extend(b"\x86tq\x010");
    // A trace (domain 0, 16 bytes, that traceback); memo 2; the list of traces.
    p.extend(b"K\x00K\x10h\x01\x87q\x020](");
    p.extend(b"h\x02".repeat(traces));
    p.extend(b"eub.");
    let loaded = heapscope_core::load(&p).unwrap();
    assert_eq!(loaded.warning_count, traces as u64);
    assert!(loaded.warnings[0].to_string().contains("a line number is out of range"), "{}", loaded.warnings[0]);
    assert!(loaded.snapshot.tracemalloc.as_ref().unwrap().traces.is_empty());
}
