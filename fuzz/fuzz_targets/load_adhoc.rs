//! Fuzzes the adhoc loader (and the analyses of whatever it loads).
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::check(heapscope_core::model::SourceFormat::AdHocJson, data);
});
