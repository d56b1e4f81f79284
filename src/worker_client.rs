//! The UI's handle on the analysis worker.
//!
//! Spawns the worker, waits for its Ready handshake (messages sent earlier
//! would be lost, so they are queued), hands it files as `Blob`s (posted by
//! reference, not copied: the worker reads and parses them in slices, so
//! the main thread does no work per byte), and hands every answer to one
//! callback. Each load gets a fresh request id; answers to older ids are the
//! caller's to ignore. The worker loads one file at a time and sees the next
//! message only when it is done. Cancelling terminates the worker and starts
//! a new one: a parse in progress cannot be interrupted any other way, and
//! the new worker starts clean.

use std::cell::RefCell;
use std::rc::Rc;

use heapscope_protocol::{ErrorReport, FromWorker, Query, RequestId, ToWorker, FILE_PROPERTY};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent, Worker};

use crate::units::format_bytes;

/// Path of the script that boots the worker's wasm, relative to the page.
const WORKER_SCRIPT: &str = "./worker-loader.js";

/// The worker script to start: [`WORKER_SCRIPT`], unless the page set
/// `globalThis.__HEAPSCOPE_WORKER_URL__` to a string. The single-file build
/// (`cargo xtask single-file`) sets it to a Blob URL holding the worker glue
/// and its inlined wasm, because a page opened from file:// cannot start a
/// worker from a file.
fn worker_script() -> String {
    js_sys::Reflect::get(&js_sys::global(), &"__HEAPSCOPE_WORKER_URL__".into())
        .ok()
        .and_then(|url| url.as_string())
        .unwrap_or_else(|| WORKER_SCRIPT.to_string())
}

type Listener = Rc<dyn Fn(FromWorker)>;

/// What the page says when the worker dies: out of memory if its allocator
/// said so just before (`(requested, memory)` bytes), else a crash.
pub fn crash_message(error: &str, out_of_memory: Option<(u64, u64)>) -> String {
    match out_of_memory {
        Some((requested, memory)) => format!(
            "the analysis worker ran out of memory: it held {} and needed {} more, and a browser gives it at most 4 GiB \
             (32-bit WebAssembly). Open fewer or smaller snapshots at once, or use the command-line `heapscope`, which has \
             no such limit. The worker was restarted.",
            format_bytes(memory),
            format_bytes(requested)
        ),
        None => format!("the analysis worker crashed ({error}); it was restarted — try the file again or report the bug"),
    }
}

#[derive(Clone)]
pub struct WorkerClient {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    worker: Option<Worker>,
    ready: bool,
    /// Messages waiting for Ready.
    queue: Vec<JsValue>,
    next_request: RequestId,
    /// The worker's last word before a crash, if it ran out of memory:
    /// `(requested, memory)` bytes ([`FromWorker::OutOfMemory`]).
    out_of_memory: Option<(u64, u64)>,
    listener: Listener,
    _closures: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl WorkerClient {
    pub fn new(listener: impl Fn(FromWorker) + 'static) -> WorkerClient {
        let inner = Rc::new(RefCell::new(Inner {
            worker: None,
            ready: false,
            queue: Vec::new(),
            out_of_memory: None,
            next_request: 1,
            listener: Rc::new(listener),
            _closures: Vec::new(),
        }));
        let client = WorkerClient { inner };
        client.spawn();
        client
    }

    fn spawn(&self) {
        let listener = self.inner.borrow().listener.clone();
        let worker = match Worker::new(&worker_script()) {
            Ok(w) => w,
            Err(e) => {
                let message = format!("the analysis worker could not be started: {}", js_error_text(&e));
                listener(FromWorker::WorkerFailed { error: ErrorReport::new(message) });
                return;
            }
        };
        let weak = Rc::downgrade(&self.inner);
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let Some(inner) = weak.upgrade() else { return };
            let data = event.unchecked_into::<MessageEvent>().data();
            // JSON text (`FromWorker::to_wire`), decoded in one pass here.
            let msg = match data.as_string().ok_or_else(|| "not text".to_string()).and_then(|t| FromWorker::from_wire(&t)) {
                Ok(msg) => msg,
                Err(e) => FromWorker::WorkerFailed { error: ErrorReport::new(format!("internal error: unreadable worker message ({e})")) },
            };
            // Kept until the crash that follows; any other message means
            // the worker went on (a `try_reserve` caller answers `Failed`).
            inner.borrow_mut().out_of_memory = match msg {
                FromWorker::OutOfMemory { requested_bytes, memory_bytes } => Some((requested_bytes, memory_bytes)),
                _ => None,
            };
            if matches!(msg, FromWorker::Ready) {
                let queued = {
                    let mut inner = inner.borrow_mut();
                    inner.ready = true;
                    std::mem::take(&mut inner.queue)
                };
                for value in queued {
                    post_raw(&inner, value);
                }
            }
            let listener = inner.borrow().listener.clone();
            listener(msg);
        });
        let weak = Rc::downgrade(&self.inner);
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let Some(inner) = weak.upgrade() else { return };
            let text = js_sys::Reflect::get(&event, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default();
            let (listener, out_of_memory) = {
                let inner = inner.borrow();
                (inner.listener.clone(), inner.out_of_memory)
            };
            listener(FromWorker::WorkerFailed { error: ErrorReport::new(crash_message(&text, out_of_memory)) });
            WorkerClient { inner }.restart();
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut inner = self.inner.borrow_mut();
        inner.worker = Some(worker);
        inner.ready = false;
        inner._closures = vec![on_message, on_error];
    }

    /// Stops whatever the worker is doing by replacing it.
    pub fn restart(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            if let Some(worker) = inner.worker.take() {
                worker.terminate();
            }
            inner.queue.clear();
        }
        self.spawn();
    }

    fn next_request(&self) -> RequestId {
        let mut inner = self.inner.borrow_mut();
        let id = inner.next_request;
        inner.next_request += 1;
        id
    }

    /// Posts `msg`, with `file` beside it under [`FILE_PROPERTY`].
    fn send(&self, msg: &ToWorker, file: Option<&Blob>) {
        let value = match serde_wasm_bindgen::to_value(msg) {
            Ok(v) => v,
            Err(e) => {
                web_sys::console::error_1(&format!("heapscope: cannot encode {msg:?}: {e}").into());
                return;
            }
        };
        if let Some(file) = file {
            let _ = js_sys::Reflect::set(&value, &FILE_PROPERTY.into(), file);
        }
        let ready = self.inner.borrow().ready;
        if ready {
            post_raw(&self.inner, value);
        } else {
            self.inner.borrow_mut().queue.push(value);
        }
    }

    /// Hands `blob` to the worker to open; returns the load's request id.
    /// A `Blob` is posted by reference (structured clone copies no bytes).
    pub fn load(&self, file_name: String, blob: Blob, replace: bool) -> RequestId {
        let request = self.next_request();
        self.send(&ToWorker::LoadFile { request, file_name, replace }, Some(&blob));
        request
    }

    pub fn query(&self, query: Query) -> RequestId {
        let request = self.next_request();
        self.send(&ToWorker::Query { request, query }, None);
        request
    }
}

fn post_raw(inner: &Rc<RefCell<Inner>>, value: JsValue) {
    let inner = inner.borrow();
    let Some(worker) = &inner.worker else { return };
    if let Err(e) = worker.post_message(&value) {
        web_sys::console::error_2(&"heapscope: postMessage failed".into(), &e);
    }
}

pub fn js_error_text(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::crash_message;

    #[test]
    fn a_crash_after_out_of_memory_says_so_and_what_to_do() {
        let m = crash_message("Uncaught RuntimeError: unreachable", Some((512 << 20, 4 << 30)));
        assert!(m.starts_with("the analysis worker ran out of memory: it held 4.0 GiB and needed 512 MiB more"), "{m}");
        assert!(m.contains("Open fewer or smaller snapshots at once"), "{m}");
        let m = crash_message("Uncaught RuntimeError: unreachable", None);
        assert_eq!(
            m,
            "the analysis worker crashed (Uncaught RuntimeError: unreachable); it was restarted — try the file again or report the bug"
        );
    }
}
