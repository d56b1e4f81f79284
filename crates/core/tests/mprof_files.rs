//! memory_profiler files written by the real memory_profiler 0.61 (PyPI)
//! on `tests/data/mprof/leakfn.py` and `parent.py`: `mprof run` data with
//! FUNC spans, with CHLD samples (`--multiprocess`), and an `@profile`
//! report of several tables. Every prefix of each file (a truncated
//! download) and a few damaged copies must parse or fail with an error,
//! never panic.

use heapscope_core::load::line_report::{self, grew_most};
use heapscope_core::load::mprof::{self, summarize};
use heapscope_core::load::{detect_profile, ProfileKind};

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/mprof/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn mprof_run_with_functions() {
    let bytes = data("leakfn-mprofile.dat");
    assert_eq!(detect_profile(&bytes), Some(ProfileKind::MprofRun));
    let (run, warnings) = mprof::parse(&bytes).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(run.cmdline.as_deref().unwrap().contains("leak2.py"));
    assert_eq!(run.samples.len(), bytes.split(|&b| b == b'\n').filter(|l| l.starts_with(b"MEM ")).count());
    let s = summarize(&run);
    // grow() is called five times and keeps ~21 MiB each time.
    let grow = s.functions.iter().find(|f| f.name == "__main__.grow").unwrap();
    assert_eq!(grow.calls, 5);
    assert!(grow.total_growth_mib > 100.0, "{grow:?}");
    assert!(s.peak.unwrap().mem_mib > 150.0);
    assert!(s.slope_mib_per_s.unwrap() > 0.0);
    assert!(heapscope_core::load(&bytes).unwrap_err().to_string().contains("heapscope mprof"));
}

#[test]
fn mprof_run_with_children() {
    let (run, _) = mprof::parse(&data("children.dat")).unwrap();
    assert_eq!(run.children.len(), 1);
    assert!(run.children[0].samples.iter().any(|s| s.mem_mib > 20.0), "{:?}", run.children);
}

#[test]
fn profile_report_with_several_tables() {
    let bytes = data("leakfn-profile.txt");
    assert_eq!(detect_profile(&bytes), Some(ProfileKind::LineReport));
    let (report, warnings) = line_report::parse(&bytes).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(report.tables.len(), 6, "five calls of grow() and one of main()");
    let top = grew_most(&report, 3);
    assert_eq!(top[0].row.lineno, 14, "main's call of grow() grew most: {top:?}");
    assert_eq!(top[0].row.function.as_deref(), Some("main"));
    assert_eq!(top[1].row.lineno, 5);
    assert_eq!(top[1].row.contents.trim(), "chunk = [bytearray(1024) for _ in range(n)]");
    assert_eq!((top[1].row.occurrences, top[1].tables), (Some(20003), 5));
}

#[test]
fn truncated_and_damaged_files_never_panic() {
    for name in ["leakfn-mprofile.dat", "children.dat", "leakfn-profile.txt"] {
        let bytes = data(name);
        for cut in 0..=bytes.len() {
            let part = &bytes[..cut];
            let _ = mprof::parse(part);
            let _ = line_report::parse(part);
            let _ = heapscope_core::load(part);
        }
        for (i, flip) in [(7usize, 0xFFu8), (40, b'\n'), (100, 0), (bytes.len() / 2, b'-')] {
            let mut d = bytes.clone();
            if i < d.len() {
                d[i] = flip;
            }
            let _ = mprof::parse(&d);
            let _ = line_report::parse(&d);
        }
    }
}
