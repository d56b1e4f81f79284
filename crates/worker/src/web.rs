//! Glue between the browser's `DedicatedWorkerGlobalScope` and [`Session`].

use std::cell::RefCell;
use std::rc::Rc;

use heapscope_protocol::{ErrorReport, FromWorker, ToWorker, FILE_PROPERTY};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use crate::blob::BlobSource;
use crate::Session;

/// Installs the message handler, warms up (see [`crate::warm_up`]; messages
/// that arrive meanwhile wait for it), then posts [`FromWorker::Ready`].
pub fn start() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let session = Rc::new(RefCell::new(Session::new()));
    let post_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let post = |msg: FromWorker| post(&post_scope, &msg);
        match serde_wasm_bindgen::from_value::<ToWorker>(data.clone()) {
            Ok(msg) => handle(&mut session.borrow_mut(), msg, &data, &post),
            Err(e) => post(FromWorker::WorkerFailed { error: ErrorReport::new(format!("internal error: unreadable message ({e})")) }),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Before Ready, so that a page that waits for Ready (the UI queues its
    // messages until then) has the optimized code. A failed warm-up only
    // costs speed; say so on the console.
    if let Err(e) = crate::warm_up::warm_up(crate::warm_up::OBJECTS) {
        web_sys::console::error_1(&format!("heapscope worker: {e}").into());
    }
    post(&scope, &FromWorker::Ready);
}

fn handle(session: &mut Session, msg: ToWorker, data: &JsValue, post: &dyn Fn(FromWorker)) {
    match msg {
        ToWorker::LoadFile { request, file_name, replace } => {
            let file = js_sys::Reflect::get(data, &JsValue::from_str(FILE_PROPERTY)).ok();
            let Some(blob) = file.and_then(|f| f.dyn_into::<Blob>().ok()) else {
                return post(FromWorker::Failed { request, error: ErrorReport::new("internal error: a load came without its file") });
            };
            let source = match BlobSource::new(blob) {
                Ok(source) => source,
                Err(e) => return post(FromWorker::Failed { request, error: ErrorReport::new(format!("internal error: {e}")) }),
            };
            // Synchronous: messages that arrive meanwhile wait for the next turn.
            let mut done = session.load(request, file_name, &source, replace, &js_sys::Date::now, post);
            if let FromWorker::Loaded { summary, .. } = &mut done {
                let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
                summary.worker_memory_bytes = memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as u64;
            }
            post(done);
        }
        ToWorker::Query { request, query } => post(crate::dispatch::query(session, request, query)),
    }
}

fn post(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker) {
    match msg.to_wire() {
        Ok(text) => {
            if let Err(e) = scope.post_message(&JsValue::from_str(&text)) {
                web_sys::console::error_2(&"heapscope worker: postMessage failed".into(), &e);
            }
        }
        Err(e) => web_sys::console::error_1(&format!("heapscope worker: cannot encode a message: {e}").into()),
    }
}
