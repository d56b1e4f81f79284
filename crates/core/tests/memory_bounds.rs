//! Memory bounds on hostile input, measured with a counting allocator: a
//! gzip bomb is refused holding no more than the (injected) limit, and the
//! ad-hoc loader keeps within v1's per-reference budget.
//!
//! The tests in this file run one after another (a lock) so that the peak
//! measured is the test's own.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use heapscope_core::load::InPieces;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static SERIAL: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes allocated (beyond what was live before) while `f` runs.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed) - before)
}

/// `members` gzip members of 1 MiB of spaces each: ≈ 1 KiB per MiB.
fn bomb(members: usize) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![b' '; 1 << 20]).unwrap();
    let member = enc.finish().unwrap();
    member.iter().copied().cycle().take(member.len() * members).collect()
}

#[test]
fn a_gzip_bomb_is_refused_within_its_limit() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limit = 16u64 << 20;
    // 1 GiB of output from ≈ 1 MiB of input, against a 16 MiB limit.
    let bytes = bomb(1024);
    let (result, peak) = peak_during(|| heapscope_core::load::gunzip_limited(&bytes, limit));
    let e = result.unwrap_err().to_string();
    assert!(e.starts_with("the gzip stream expands past 16 MiB; heapscope refuses it"), "{e}");
    assert!(peak as u64 <= limit + (1 << 20), "peak {peak} bytes for a {limit}-byte limit");
    // The same through `load_with`, and a stream under the limit loads.
    let options = heapscope_core::load::LoadOptions { max_decompressed_bytes: limit };
    let e = heapscope_core::load::load_with(&bytes, &options).unwrap_err().to_string();
    assert!(e.contains("expands past 16 MiB"), "{e}");
    let e = heapscope_core::load::load_with(&bomb(4), &options).unwrap_err().to_string();
    assert_eq!(e, "the file holds only whitespace");
}

/// An ad-hoc object list with one object referring to itself `n` times
/// (the issue's "10^7 self-references" at a test's scale) loads within v1's
/// budget: the edge columns (12 bytes per reference) plus the CSR, never a
/// JSON value or an id per referent.
#[test]
fn adhoc_self_references_stay_within_the_per_reference_budget() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let n = 1_000_000usize;
    let mut text = String::from(r#"[{"id": 1, "type": "list", "size": 8000056, "referents": ["#);
    text.push_str(&"1,".repeat(n - 1));
    text.push_str("1]}]");
    let (loaded, peak) = peak_during(|| heapscope_core::load(text.as_bytes()).unwrap());
    let heap = loaded.snapshot.heap.as_ref().unwrap();
    assert_eq!(heap.reference_count(), n);
    // from + to + label columns (12 B) then the CSR's incoming sources (4 B).
    let budget = 16 * n + (1 << 20);
    assert!(peak <= budget, "peak {peak} bytes for {n} references (budget {budget})");
}

/// A v1 document loaded from a [`Source`](heapscope_core::load::Source) is
/// parsed as it is read: the plain text is never held whole, gzip or not,
/// so the load's peak is the whole-text load's peak minus about the text
/// (issue 14: the browser's worker never holds the file). Same result.
#[test]
fn a_streamed_load_never_holds_the_whole_text() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let options = heapscope_core::synth::SynthOptions { objects: 200_000, seed: 3 };
    let mut plain = Vec::new();
    heapscope_core::synth::write_v1(options, &mut plain).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&plain).unwrap();
    let gz = enc.finish().unwrap();
    let text_len = plain.len();
    let load_options = heapscope_core::load::LoadOptions::default();
    for (name, stored) in [("plain", &plain), ("gzip", &gz)] {
        let (whole, whole_peak) = peak_during(|| heapscope_core::load(stored).unwrap());
        let (streamed, streamed_peak) =
            peak_during(|| heapscope_core::load::load_source(&InPieces { bytes: stored, piece: 256 << 10 }, &load_options).unwrap());
        assert_eq!(format!("{:?}", streamed.snapshot), format!("{:?}", whole.snapshot), "{name}");
        // Before, the worker assembled the stored file in one buffer (not
        // counted by `load(stored)`, which borrows it), and a gzip load
        // decompressed the whole text into another; a streamed load holds a
        // window of a few MiB instead.
        let old_peak = (whole_peak + stored.len()) as i64;
        let saved = old_peak - streamed_peak as i64;
        eprintln!("{name}: text {text_len} B, stored {} B, whole-file peak {old_peak} B, streamed peak {streamed_peak} B", stored.len());
        assert!(saved > text_len as i64 * 3 / 4, "{name}: streamed peak {streamed_peak} vs whole-file {old_peak} (text {text_len})");
    }
}

/// A large document that the fast path declines (here: a float where an
/// integer belongs, after 80 MiB of blanks) is not read whole for its
/// error: the serde reader runs over the stream, holding a few MiB, and
/// says what a whole read says.
#[test]
fn a_large_declined_document_is_not_read_whole_for_its_error() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut text = br#"{"format": "heapscope", "version": 1, "heap": {"objects": ["#.to_vec();
    text.resize(text.len() + (80 << 20), b' ');
    text.extend_from_slice(br#"1.5, 0, 1, 0, -1, -1]}, "strings": [""]}"#);
    let options = heapscope_core::load::LoadOptions::default();
    let (streamed, peak) = peak_during(|| heapscope_core::load::load_source(&InPieces { bytes: &text, piece: 256 << 10 }, &options));
    let e = streamed.unwrap_err();
    assert!(e.0.message.starts_with("a value has the wrong type: invalid type: floating point `1.5`"), "{e}");
    assert!(peak < 16 << 20, "peak {peak} bytes for a {}-byte document", text.len());
    let whole = heapscope_core::load(&text).unwrap_err();
    assert_eq!(e.0.message, whole.0.message);
}

/// A member the reader has no use for — at the top of the document or in
/// `heap` — is checked as it is read, never held: 12 MiB of nested arrays,
/// strings and numbers under two unknown keys load holding under 4 MiB, with
/// the same model as a whole read; the same value made invalid near its end
/// is refused with the whole read's message.
#[test]
fn a_huge_unknown_member_is_checked_not_held() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let filler = |bytes: usize, bad: bool| -> Vec<u8> {
        let mut v = b"[".to_vec();
        let unit: &[u8] = br#"[[1, -2.5e3, "a \"quoted\" \u00e9 string", {"k": [true, false, null]}], {}], "#;
        while v.len() < bytes {
            v.extend_from_slice(unit);
        }
        v.extend_from_slice(if bad { b"[1,, 2]]" } else { b"[[[[]]]]]" });
        v
    };
    let document = |bad: bool| -> Vec<u8> {
        let mut text = br#"{"format": "heapscope", "version": 1, "extra": "#.to_vec();
        text.extend_from_slice(&filler(6 << 20, false));
        text.extend_from_slice(br#", "heap": {"future": "#);
        text.extend_from_slice(&filler(6 << 20, bad));
        text.extend_from_slice(br#", "objects": [16, 0, 48, 0, -1, -1, 32, 0, 48, 0, -1, -1], "references": [0, 1, 0, -1], "roots": [0, 0, 0, 0]}, "strings": ["builtins.dict"]}"#);
        text
    };
    let options = heapscope_core::load::LoadOptions::default();
    let text = document(false);
    let (streamed, peak) = peak_during(|| heapscope_core::load::load_source(&InPieces { bytes: &text, piece: 256 << 10 }, &options));
    let streamed = streamed.unwrap();
    assert!(peak < 4 << 20, "peak {peak} bytes for a {}-byte document", text.len());
    let whole = heapscope_core::load(&text).unwrap();
    let heap = streamed.snapshot.heap.as_ref().unwrap();
    assert_eq!((heap.object_count(), heap.reference_count()), (2, 1));
    assert_eq!(format!("{:?}", streamed.snapshot.heap), format!("{:?}", whole.snapshot.heap));
    assert_eq!(streamed.warnings.len(), whole.warnings.len());

    let text = document(true);
    let streamed = heapscope_core::load::load_source(&InPieces { bytes: &text, piece: 256 << 10 }, &options).unwrap_err();
    let whole = heapscope_core::load(&text).unwrap_err();
    assert_eq!(streamed.0.message, whole.0.message);
    assert!(streamed.0.message.contains("expected value"), "{streamed}");
}
