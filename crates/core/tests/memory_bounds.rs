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
