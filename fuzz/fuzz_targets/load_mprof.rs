//! Fuzzes memory_profiler's two file kinds — `mprof run` data and
//! `@profile` line reports — and what the views compute from them.
#![no_main]

use heapscope_core::load::{line_report, mprof};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Both parsers see every input: the sniffers decide only which one the
    // app tries first, and a user's file may be either, or neither.
    let _ = mprof::looks_like(data);
    let _ = line_report::looks_like(data);
    if let Ok((run, _warnings)) = mprof::parse(data) {
        let summary = mprof::summarize(&run);
        // What the views print: every number must be finite or absent.
        let _ = format!("{summary:?}");
    }
    if let Ok((report, _warnings)) = line_report::parse(data) {
        for table in &report.tables {
            let _ = table.functions();
        }
        let _ = line_report::grew_most(&report, 10);
        let _ = line_report::grew_most(&report, usize::MAX);
    }
});
