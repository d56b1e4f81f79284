//! Fuzzes a series of heap snapshots: the input is split at NUL bytes
//! (which no JSON text holds raw) into up to four files, each loaded as the
//! app loads a dropped file; whatever loads as a heap goes through the
//! growth analysis and the two-snapshot diff, as `heapscope growth` and
//! `heapscope diff` run them.
#![no_main]

use heapscope_core::analysis::diff::diff;
use heapscope_core::analysis::growth::{self, GrowthOptions, SeriesHeap};
use heapscope_core::Analysis;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let loaded: Vec<_> = data.split(|&b| b == 0).take(4).filter_map(|part| heapscope_core::load(part).ok()).collect();
    let heaps: Vec<_> = loaded.iter().filter_map(|l| l.snapshot.heap.as_ref().map(|h| (&l.snapshot, h))).collect();
    let analyses: Vec<Analysis> = heaps.iter().map(|&(s, h)| Analysis::of_heap(s, h)).collect();
    let series: Vec<SeriesHeap> =
        heaps.iter().zip(&analyses).map(|(&(snapshot, heap), analysis)| SeriesHeap { snapshot, heap, analysis }).collect();
    if let (Some(first), Some(last)) = (series.first(), series.last()) {
        let _ = diff(first.snapshot, first.heap, last.snapshot, last.heap);
    }
    if let Ok(g) = growth::growth(&series, &GrowthOptions::default()) {
        for h in &g.holders {
            let _ = (growth::holder_reason(h), growth::holder_fix(h));
        }
        for c in &g.survivors {
            let _ = growth::survivor_reason(series.len(), c);
        }
        for t in &g.types {
            let _ = growth::type_reason(t);
        }
        for gb in &g.garbage {
            let _ = growth::garbage_reason(gb);
        }
        if let Some(last) = series.last() {
            for o in 0..last.heap.object_count().min(64) as u32 {
                let _ = g.matching.lineage(o);
            }
        }
    }
});
