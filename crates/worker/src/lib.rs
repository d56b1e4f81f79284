//! heapscope's analysis worker.
//!
//! [`session`] is the worker's logic — assembling a file from chunks, loading
//! it with the core, answering queries — in plain Rust, tested natively.
//! [`web`] is the thin glue to the `DedicatedWorkerGlobalScope`: it decodes
//! messages, hands them to the session and posts the answers.

pub mod session;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use session::Session;
