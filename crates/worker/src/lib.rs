//! heapscope's analysis worker.
//!
//! [`session`] is the worker's logic — assembling files from chunks, loading
//! them with the core, assigning roles — and [`answers`] turns the core's
//! results into protocol answers; both are plain Rust, tested natively.
//! [`web`] is the thin glue to the `DedicatedWorkerGlobalScope`.

mod answers;
mod flame;
pub mod session;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use session::Session;
