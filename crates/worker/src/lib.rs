//! heapscope's analysis worker.
//!
//! [`session`] is the worker's state — loading files with the core from any
//! [`heapscope_core::load::Source`] (reporting progress as they are read),
//! assigning roles. [`dispatch`] answers a query: it
//! picks the file by role and asks the core's `HeapView`; [`convert`] turns
//! core results into protocol types. Imports go one way: `dispatch` uses
//! `session` and `convert`; `convert` knows neither. All of it is plain
//! Rust, tested natively; [`web`] is the thin glue to the
//! `DedicatedWorkerGlobalScope`, and [`blob`] reads a `Blob` as a `Source`.
//! [`alloc`] is the wasm allocator that tells the page when memory runs out.
//! [`warm_up`] runs a small synthetic heap through all of it once at start,
//! so that V8 has optimized the hot code before the first real file.

pub mod alloc;
#[cfg(target_arch = "wasm32")]
pub mod blob;
mod convert;
pub mod dispatch;
mod flame;
pub mod session;
pub mod warm_up;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use session::Session;
