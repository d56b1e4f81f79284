//! tracemalloc pickles written by CPython, and the statistics CPython itself
//! computed for them (tests/data/make_fixtures.py): heapscope must print the
//! same numbers in the same order.

use heapscope_core::analysis::tracemalloc::{
    compare_to, filter_traces, statistics, GroupBy, Statistic, StatisticDiff, TraceFilter, TracebackKey,
};
use heapscope_core::model::{Snapshot, SourceFormat};
use serde_json::Value;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn load(name: &str) -> Snapshot {
    let loaded = heapscope_core::load(&data(name)).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.snapshot.format, SourceFormat::TracemallocPickle);
    loaded.snapshot
}

fn expected() -> Value {
    serde_json::from_slice(&data("tm_expected.json")).unwrap()
}

fn frames_json(tb: &TracebackKey) -> Value {
    Value::Array(tb.iter().map(|f| serde_json::json!([&*f.filename, f.lineno])).collect())
}

fn stats_json(stats: &[Statistic]) -> Value {
    Value::Array(stats.iter().map(|s| serde_json::json!([frames_json(&s.traceback), s.size_bytes, s.count])).collect())
}

fn diffs_json(stats: &[StatisticDiff]) -> Value {
    Value::Array(
        stats.iter().map(|s| serde_json::json!([frames_json(&s.traceback), s.size_bytes, s.size_diff, s.count, s.count_diff])).collect(),
    )
}

fn groupings() -> Vec<(GroupBy, bool, &'static str)> {
    vec![
        (GroupBy::Lineno, false, "lineno/False"),
        (GroupBy::Lineno, true, "lineno/True"),
        (GroupBy::Filename, false, "filename/False"),
        (GroupBy::Filename, true, "filename/True"),
        (GroupBy::Traceback, false, "traceback/False"),
    ]
}

#[test]
fn statistics_match_python() {
    let exp = expected();
    for (name, key) in [("tm_before.pickle", "before"), ("tm_after.pickle", "after")] {
        let s = load(name);
        let t = s.tracemalloc.as_ref().unwrap();
        assert_eq!(t.traceback_limit, 5);
        assert!(t.total_nframe.iter().all(|n| n.is_some()));
        for (by, cumulative, label) in groupings() {
            let got = stats_json(&statistics(t, &s.strings, by, cumulative).unwrap());
            assert_eq!(got, exp[key][label], "{name} {label}");
        }
    }
}

#[test]
fn compare_to_matches_python() {
    let exp = expected();
    let (after, before) = (load("tm_after.pickle"), load("tm_before.pickle"));
    for (by, cumulative, label) in groupings() {
        let got = compare_to(
            (after.tracemalloc.as_ref().unwrap(), &after.strings),
            (before.tracemalloc.as_ref().unwrap(), &before.strings),
            by,
            cumulative,
        )
        .unwrap();
        assert_eq!(diffs_json(&got), exp["after_vs_before"][label], "{label}");
    }
}

#[test]
fn filters_match_python() {
    let exp = expected();
    let after = load("tm_after.pickle");
    let t = after.tracemalloc.as_ref().unwrap();
    let specs = exp["filter_specs"].as_object().unwrap();
    assert!(!specs.is_empty());
    for (name, spec) in specs {
        let filters: Vec<TraceFilter> = spec
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let inclusive = f["inclusive"].as_bool().unwrap();
                let domain = f["domain"].as_u64().map(|d| d as u32);
                if f["domain_only"].as_bool().unwrap() {
                    TraceFilter::Domain { inclusive, domain: domain.unwrap() }
                } else {
                    TraceFilter::Filename {
                        inclusive,
                        pattern: f["pattern"].as_str().unwrap().to_string(),
                        lineno: f["lineno"].as_u64().map(|l| l as u32),
                        all_frames: f["all_frames"].as_bool().unwrap(),
                        domain,
                    }
                }
            })
            .collect();
        let filtered = filter_traces(t, &after.strings, &filters);
        let got = stats_json(&statistics(&filtered, &after.strings, GroupBy::Lineno, false).unwrap());
        assert_eq!(got, exp["filters"][name.as_str()], "filter {name}");
    }
}

#[test]
fn reads_the_old_three_field_layout() {
    let s = load("tm_old_layout.pickle");
    let t = s.tracemalloc.as_ref().unwrap();
    assert_eq!((t.traces.len(), t.tracebacks.len(), t.traceback_limit), (3, 2, 3));
    assert!(t.total_nframe.iter().all(|n| n.is_none()));
    let got = stats_json(&statistics(t, &s.strings, GroupBy::Filename, true).unwrap());
    // Ties sort as Python sorts them: by traceback, descending.
    assert_eq!(got, serde_json::json!([[[["main.py", 0]], 150, 2], [[["app.py", 0]], 150, 2], [[["lib.py", 0]], 7, 1]]));
    assert!(statistics(t, &s.strings, GroupBy::Traceback, true).is_err());
}

/// The same old layout, hand-assembled with protocol 2 opcodes (GLOBAL,
/// BINPUT/BINGET, REDUCE-free NEWOBJ, SETITEMS) as older picklers wrote it.
#[test]
fn reads_a_hand_made_protocol_2_pickle() {
    let mut p: Vec<u8> = vec![0x80, 2];
    p.extend(b"ctracemalloc\nSnapshot\nq\x00)\x81q\x01}q\x02(X\x0f\x00\x00\x00traceback_limitq\x03K\x01X\x06\x00\x00\x00tracesq\x04");
    p.extend(b"ctracemalloc\n_Traces\nq\x05)\x81q\x06}q\x07X\x07\x00\x00\x00_tracesq\x08");
    // [(0, 300, (("x.py", 7),)), (2, 5, h(traceback))]
    p.extend(b"](K\x00M,\x01X\x04\x00\x00\x00x.pyq\x09K\x07\x86q\x0a\x85q\x0b\x87q\x0c(K\x02K\x05h\x0bte");
    p.extend(b"sbub.");
    let loaded = heapscope_core::load(&p).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let t = loaded.snapshot.tracemalloc.unwrap();
    assert_eq!(t.traces.len(), 2);
    assert_eq!((t.traces[0].size_bytes, t.traces[1].domain, t.traces[1].traceback), (300, 2, 0));
    assert_eq!(loaded.snapshot.strings.str(t.frames[0].filename), "x.py");
}

#[test]
fn refuses_other_pickles_and_damage() {
    let err = |b: &[u8]| heapscope_core::load(b).unwrap_err().to_string();
    // pickle.dumps({"a": 1}, 5)
    let e = err(b"\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01a\x94K\x01s.");
    assert!(e.contains("not a tracemalloc snapshot"), "{e}");
    // An os.system call: refused at the GLOBAL, nothing is run.
    let e = err(b"\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.");
    assert!(e.contains("`os.system`") && e.contains("at byte 2"), "{e}");
    let whole = data("tm_after.pickle");
    for cut in [1, 2, 10, whole.len() / 2, whole.len() - 1] {
        let e = err(&whole[..cut]);
        assert!(e.contains("truncated") || e.contains("malformed"), "cut {cut}: {e}");
    }
    let e = err(b"\x80\x05\xff");
    assert!(e.contains("unsupported pickle opcode 0xff") && e.contains("byte 2"), "{e}");
}

#[test]
fn bad_traces_are_warnings() {
    // Snapshot with traces [(0, 10, (("a.py", 1),)), "junk", (0, -5, ()), (0, 1)]
    let mut p: Vec<u8> = vec![0x80, 4];
    p.extend(b"\x8c\x0btracemalloc\x8c\x08Snapshot\x93)\x81}(\x8c\x0ftraceback_limitK\x01\x8c\x06traces");
    p.extend(b"](K\x00K\x0a\x8c\x04a.pyK\x01\x86\x85\x87\x8c\x04junkK\x00J\xfb\xff\xff\xff)\x87K\x00K\x01\x86eub.");
    let loaded = heapscope_core::load(&p).unwrap();
    let w: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(loaded.snapshot.tracemalloc.unwrap().traces.len(), 1);
    assert!(w.iter().any(|w| w == "the trace is not a tuple; trace skipped (in traces record 1)"), "{w:?}");
    assert!(w.iter().any(|w| w == "size -5 is not believable; trace skipped (in traces record 2)"), "{w:?}");
    assert!(w.iter().any(|w| w == "the trace has 2 fields; expected 3 or 4; trace skipped (in traces record 3)"), "{w:?}");
}

/// A frame in a `.pyc` file is matched as its `.py` file, as CPython's
/// `Filter` normalises the frame's name as well as the pattern.
#[test]
fn a_pyc_frame_matches_as_its_py_file() {
    let text = br#"{"format": "heapscope", "version": 1, "strings": ["", "x.pyc", "y.py"],
        "tracemalloc": {"traceback_limit": 1, "frames": [1, 3, 2, 4], "tracebacks": [[0], [1]], "traces": [0, 100, 0, 0, 50, 1]}}"#;
    let s = heapscope_core::load(text).unwrap().snapshot;
    let t = s.tracemalloc.as_ref().unwrap();
    let kept = |pattern: &str, inclusive: bool| -> u64 {
        filter_traces(t, &s.strings, &[TraceFilter::filename(inclusive, pattern)]).traces.iter().map(|tr| tr.size_bytes).sum()
    };
    assert_eq!(kept("?.py", true), 150);
    assert_eq!(kept("x.py", true), 100);
    assert_eq!(kept("*.pyc", true), 150, "the pattern is normalised too: *.py");
    assert_eq!(kept("x.py", false), 50);
}
