//! The native `heapscope`'s global allocator: the system's, plus a helper
//! thread that faults in the fresh pages of every large allocation ahead of
//! the code that fills them.
//!
//! Why: a heap of 3×10^6 objects makes the analysis touch ≈ 600 MB of
//! fresh memory (columns, graph, dominator tree). Each first touch of a
//! page is a page fault, ≈ 3 µs of kernel time on the benchmark VM, taken by
//! the thread that writes — the parse's reading thread while it fills the
//! columns, the dominator tree while it fills its arrays: the steps every
//! other step waits for. The helper asks the kernel to populate those pages
//! (`MADV_POPULATE_WRITE`, Linux 5.14) and runs at `SCHED_IDLE`, so only on
//! a core nothing else wants; a page it reaches first costs the writer
//! nothing (docs/perf-native.md, "The reading thread's page faults and copies").
//!
//! Populating never changes a byte of memory: it only maps zero pages where
//! none are mapped yet. So a race with the allocation's owner is harmless,
//! and so is a range freed while it is being populated (the kernel refuses
//! an unmapped range; a range mapped again for another allocation gets at
//! most one step of pages early). Freed ranges are dropped from the queue.
//! The allocator never blocks on the helper (`try_lock` only) and the
//! helper never allocates.
//!
//! Elsewhere than Linux, and when the helper cannot start or the kernel
//! lacks `MADV_POPULATE_WRITE`, this is the system allocator.

use std::alloc::{GlobalAlloc, Layout, System};

/// Allocations smaller than this are left alone (the parse's windows and
/// pieces are reused, small vectors are in the caches anyway).
const MIN_BYTES: usize = 1 << 20;
/// Bytes populated per system call: the queue is looked at again between
/// steps, so the newest allocation comes first.
const STEP_BYTES: usize = 128 << 10;
/// Ranges waiting at most; an offer to a full queue is dropped.
const SLOTS: usize = 64;
const PAGE: usize = 4096;

/// The allocator (`#[global_allocator] static A: heapscope_prefault::Prefaulting = heapscope_prefault::Prefaulting;`);
/// call [`start`] first thing in `main`.
pub struct Prefaulting;

/// Starts the helper thread. Without it the allocator is the system's.
pub fn start() {
    #[cfg(target_os = "linux")]
    linux::start();
}

// SAFETY: every call is the system allocator's, with the same arguments;
// what is added only records address ranges.
unsafe impl GlobalAlloc for Prefaulting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc(layout) };
        fresh(p, 0, layout.size());
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc_zeroed(layout) };
        fresh(p, 0, layout.size());
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        freed(ptr, layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if p != ptr {
                freed(ptr, layout.size());
            }
            // What was there is written already; what grew is fresh.
            fresh(p, layout.size(), new_size);
        }
        p
    }
}

/// Bytes `from..to` of the block at `p` are fresh: queued if it is large.
#[inline]
fn fresh(p: *mut u8, from: usize, to: usize) {
    if to >= MIN_BYTES && !p.is_null() {
        #[cfg(target_os = "linux")]
        linux::offer(p as usize + from, p as usize + to);
    }
}

/// The block at `p` of `size` bytes is no longer the program's.
#[inline]
fn freed(p: *mut u8, size: usize) {
    if size >= MIN_BYTES {
        #[cfg(target_os = "linux")]
        linux::forget(p as usize, p as usize + size);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = p;
}

/// The ranges waiting to be populated, newest last.
struct Pending {
    ranges: [(usize, usize); SLOTS],
    len: usize,
}

impl Pending {
    const fn new() -> Pending {
        Pending { ranges: [(0, 0); SLOTS], len: 0 }
    }

    /// Queues the whole pages of `start..end` if they make at least
    /// [`MIN_BYTES`]; dropped when the queue is full.
    fn offer(&mut self, start: usize, end: usize) {
        let (start, end) = (start.next_multiple_of(PAGE), end / PAGE * PAGE);
        if end <= start || end - start < MIN_BYTES || self.len == SLOTS {
            return;
        }
        self.ranges[self.len] = (start, end);
        self.len += 1;
    }

    /// Drops every queued range that overlaps `start..end`.
    fn forget(&mut self, start: usize, end: usize) {
        for r in &mut self.ranges[..self.len] {
            if r.0 < end && start < r.1 {
                *r = (0, 0);
            }
        }
        self.trim();
    }

    /// The next step to populate: the last [`STEP_BYTES`] of the newest
    /// range (the code filling it starts at its other end).
    fn next_step(&mut self) -> Option<(usize, usize)> {
        self.trim();
        let last = self.ranges[..self.len].last_mut()?;
        let (start, end) = *last;
        let from = end.saturating_sub(STEP_BYTES).max(start);
        if from == start {
            *last = (0, 0);
            self.trim();
        } else {
            last.1 = from;
        }
        Some((from, end))
    }

    fn trim(&mut self) {
        while self.len > 0 && self.ranges[self.len - 1] == (0, 0) {
            self.len -= 1;
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Condvar, Mutex};

    use super::Pending;

    static PENDING: Mutex<Pending> = Mutex::new(Pending::new());
    static OFFERED: Condvar = Condvar::new();
    /// The helper runs: offers are worth queuing.
    static RUNNING: AtomicBool = AtomicBool::new(false);

    pub(super) fn start() {
        if RUNNING.load(Ordering::Relaxed) {
            return;
        }
        // Set once the thread exists: what starting it allocates is not queued.
        let started = std::thread::Builder::new().name("prefault".into()).stack_size(64 << 10).spawn(helper).is_ok();
        RUNNING.store(started, Ordering::Relaxed);
    }

    pub(super) fn offer(start: usize, end: usize) {
        if !RUNNING.load(Ordering::Relaxed) {
            return;
        }
        if let Ok(mut pending) = PENDING.try_lock() {
            pending.offer(start, end);
            OFFERED.notify_one();
        }
    }

    pub(super) fn forget(start: usize, end: usize) {
        if !RUNNING.load(Ordering::Relaxed) {
            return;
        }
        // Not waiting: a range left queued is populated harmlessly (see the module doc).
        if let Ok(mut pending) = PENDING.try_lock() {
            pending.forget(start, end);
        }
    }

    /// Faults in the pages of `start..end` (whole pages), writable.
    pub(super) fn populate(start: usize, end: usize) -> std::io::Result<()> {
        // SAFETY: populating maps pages; it changes no byte of memory and
        // no mapping's protection (the kernel refuses a range not mapped
        // writable).
        let rc = unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_POPULATE_WRITE) };
        if rc == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }

    fn helper() {
        // Only on a core nothing else wants; else as low a priority as a thread gets.
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: plain system calls about this thread.
        unsafe {
            if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
                libc::setpriority(libc::PRIO_PROCESS, 0, 19);
            }
        }
        let mut worked = false;
        loop {
            let (start, end) = {
                let Ok(mut pending) = PENDING.lock() else { return };
                loop {
                    if let Some(step) = pending.next_step() {
                        break step;
                    }
                    pending = match OFFERED.wait(pending) {
                        Ok(p) => p,
                        Err(_) => return,
                    };
                }
            };
            match populate(start, end) {
                Ok(()) => worked = true,
                // A kernel without MADV_POPULATE_WRITE (before 5.14): stop.
                Err(e) if !worked && e.raw_os_error() == Some(libc::EINVAL) => {
                    RUNNING.store(false, Ordering::Relaxed);
                    return;
                }
                // A range freed meanwhile, or memory short: the writer will fault as before.
                Err(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 1 << 20;

    #[test]
    fn small_ranges_are_not_queued_and_pages_are_whole() {
        let mut p = Pending::new();
        p.offer(0x10_0000, 0x10_0000 + MIB - 1);
        assert_eq!(p.len, 0);
        p.offer(0x10_0001, 0x10_0001 + 2 * MIB);
        assert_eq!(p.ranges[0], (0x10_1000, 0x30_0000));
    }

    #[test]
    fn steps_take_the_newest_range_from_its_end() {
        let mut p = Pending::new();
        p.offer(0, 2 * MIB);
        p.offer(16 * MIB, 17 * MIB + 100 * 1024);
        // The newest first, from its end, one step at a time; a short last step.
        let mut steps = Vec::new();
        while let Some(s) = p.next_step() {
            steps.push(s);
        }
        let (newest, older) = ((MIB + 100 * 1024).div_ceil(STEP_BYTES), 2 * MIB / STEP_BYTES);
        assert_eq!(steps.len(), newest + older);
        assert_eq!(steps[0], (17 * MIB + 100 * 1024 - STEP_BYTES, 17 * MIB + 100 * 1024));
        assert_eq!(steps[newest - 1], (16 * MIB, 16 * MIB + 100 * 1024));
        assert_eq!(steps[newest], (2 * MIB - STEP_BYTES, 2 * MIB));
        assert_eq!(*steps.last().unwrap(), (0, STEP_BYTES));
        // Every byte once.
        let total: usize = steps.iter().map(|(a, b)| b - a).sum();
        assert_eq!(total, 2 * MIB + MIB + 100 * 1024);
        assert_eq!(p.len, 0);
    }

    #[test]
    fn freed_ranges_are_forgotten_and_a_full_queue_drops_offers() {
        let mut p = Pending::new();
        for i in 0..SLOTS + 3 {
            p.offer(i * 4 * MIB, i * 4 * MIB + 2 * MIB);
        }
        assert_eq!(p.len, SLOTS);
        // Overlapping the newest and one in the middle.
        p.forget((SLOTS - 1) * 4 * MIB + MIB, (SLOTS - 1) * 4 * MIB + MIB + 1);
        p.forget(10 * 4 * MIB, 11 * 4 * MIB);
        assert_eq!(p.len, SLOTS - 1);
        let mut covered = 0;
        while let Some((a, b)) = p.next_step() {
            assert!(!(a >= 10 * 4 * MIB && b <= 10 * 4 * MIB + 2 * MIB), "a forgotten range was stepped");
            covered += b - a;
        }
        assert_eq!(covered, (SLOTS - 2) * 2 * MIB);
    }

    /// The allocator's own memory, populated while it holds data: not a
    /// byte changes (the property everything above relies on).
    #[cfg(target_os = "linux")]
    #[test]
    fn populating_live_memory_changes_nothing() {
        let mut v: Vec<u64> = (0..(4 * MIB / 8) as u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();
        v.reserve(8 * MIB / 8);
        let start = v.as_ptr() as usize;
        let end = start + v.capacity() * 8;
        let mut p = Pending::new();
        p.offer(start, end);
        while let Some((a, b)) = p.next_step() {
            match linux::populate(a, b) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
                    eprintln!("skipped: this kernel has no MADV_POPULATE_WRITE (Linux 5.14+)");
                    return;
                }
                Err(e) => panic!("populating the vector's own pages: {e}"),
            }
        }
        assert!(v.iter().enumerate().all(|(i, &x)| x == (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)));
        v.extend(0..10);
        assert_eq!(v[4 * MIB / 8 + 9], 9);
    }
}
