//! The worker's global allocator (wasm32): the standard one (dlmalloc),
//! which, when the memory cannot grow any more, first posts
//! [`FromWorker::OutOfMemory`](heapscope_protocol::FromWorker::OutOfMemory)
//! to the page. The allocation then fails as before (the worker stops), but
//! the page can say "out of memory: open fewer or smaller snapshots"
//! instead of "the worker crashed". Nothing on that path allocates: the
//! message is written into a stack buffer ([`out_of_memory_wire`]) and
//! handed to JavaScript as a string.

/// The `FromWorker::OutOfMemory` message as its wire text (the JSON that
/// `FromWorker::to_wire` writes), formatted into `buf` without allocating.
pub fn out_of_memory_wire(requested_bytes: u64, memory_bytes: u64, buf: &mut [u8; 128]) -> &str {
    use std::io::Write;
    let mut cursor = std::io::Cursor::new(&mut buf[..]);
    // 57 characters and at most 2 × 20 digits: fits.
    let _ = write!(cursor, r#"{{"type":"OutOfMemory","requested_bytes":{requested_bytes},"memory_bytes":{memory_bytes}}}"#);
    let len = cursor.position() as usize;
    std::str::from_utf8(&buf[..len]).unwrap_or("")
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicBool, Ordering};

    use wasm_bindgen::{JsCast, JsValue};

    /// [`System`], reporting failures to the page.
    pub struct Reporting;

    #[global_allocator]
    static ALLOCATOR: Reporting = Reporting;

    // SAFETY: every call is forwarded to `System` unchanged; only a null
    // result is reported, and the result is returned as it came.
    unsafe impl GlobalAlloc for Reporting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let p = unsafe { System.alloc(layout) };
            if p.is_null() {
                report(layout.size());
            }
            p
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            let p = unsafe { System.alloc_zeroed(layout) };
            if p.is_null() {
                report(layout.size());
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if p.is_null() {
                report(new_size);
            }
            p
        }
    }

    /// Posts the message; never allocates in wasm memory (a failure inside
    /// it is not reported again).
    fn report(requested: usize) {
        static REPORTING: AtomicBool = AtomicBool::new(false);
        if REPORTING.swap(true, Ordering::Relaxed) {
            return;
        }
        let memory = core::arch::wasm32::memory_size(0) as u64 * 65536;
        let mut buf = [0u8; 128];
        let text = super::out_of_memory_wire(requested as u64, memory, &mut buf);
        // `js_sys::global()` is cached by the time anything large is allocated (`web::start` asks first).
        let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let _ = scope.post_message(&JsValue::from_str(text));
        REPORTING.store(false, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use heapscope_protocol::FromWorker;

    /// The stack-formatted text is exactly what the protocol writes and reads.
    #[test]
    fn the_out_of_memory_message_is_the_protocols() {
        for (requested, memory) in [(0, 0), (1 << 30, 4 << 30), (u64::MAX, u64::MAX)] {
            let mut buf = [0u8; 128];
            let text = super::out_of_memory_wire(requested, memory, &mut buf);
            let msg = FromWorker::OutOfMemory { requested_bytes: requested, memory_bytes: memory };
            assert_eq!(text, msg.to_wire().unwrap());
            assert_eq!(FromWorker::from_wire(text).unwrap(), msg);
        }
    }
}
