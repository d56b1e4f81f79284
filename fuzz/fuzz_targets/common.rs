//! Shared by the fuzz targets: load with one loader, then run every
//! analysis on whatever loaded, so neither may panic or hang.

use heapscope_core::analysis::strong_view::Exclusions;
use heapscope_core::analysis::tracemalloc::{statistics, GroupBy};
use heapscope_core::load::{load_as, InPieces};
use heapscope_core::model::SourceFormat;
use heapscope_core::Analysis;

pub fn check(format: SourceFormat, data: &[u8]) {
    let whole = heapscope_core::load(data);
    // Streamed in pieces of 1 to 7 bytes: exactly what a whole load gives.
    let options = heapscope_core::load::LoadOptions::default();
    let streamed = heapscope_core::load::load_source(&InPieces { bytes: data, piece: 1 + data.len() % 7 }, &options);
    let shown = |r: &Result<heapscope_core::Loaded, heapscope_core::LoadError>| match r {
        Ok(l) => format!("{:?} {:?}", l.snapshot, l.warnings),
        Err(e) => e.to_string(),
    };
    assert_eq!(shown(&streamed), shown(&whole), "a streamed load differs from a whole one");
    let Ok(loaded) = load_as(format, data) else { return };
    let s = &loaded.snapshot;
    if let Some(t) = &s.tracemalloc {
        for by in [GroupBy::Lineno, GroupBy::Filename, GroupBy::Traceback] {
            let _ = statistics(t, &s.strings, by, false);
            let _ = statistics(t, &s.strings, by, true);
        }
    }
    if let (Some(heap), Some(a)) = (&s.heap, Analysis::compute(s)) {
        let _ = a.cycles(s, heap);
        let _ = a.suspects(s, heap, 10);
        if heap.object_count() > 0 {
            let last = heap.object_count() as u32 - 1;
            let _ = a.retainer_paths(s, heap, last, 3, &Exclusions::none());
            let mut ex = Exclusions::none();
            ex.exclude_object(0);
            let _ = a.retainer_paths(s, heap, last, 2, &ex);
        }
        let _ = a.search(s, heap, "0x1", 5);
    }
}
