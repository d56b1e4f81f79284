//! heapscope's analysis core.
//!
//! Everything heapscope knows about Python heaps lives here: the snapshot
//! loaders ([`load`]), the in-memory model ([`model`], [`graph`]) and the
//! analyses built on it. The crate knows nothing of the browser, the file
//! system or any wire format: the Web Worker and the CLI are thin fronts that
//! hand it bytes and turn its answers into their own types.

pub mod analysis;
pub mod diagnostic;
pub mod graph;
pub mod load;
pub mod model;
mod parallel;
mod prefetch;
pub mod strings;
pub mod synth;
#[cfg(test)]
mod test_heap;
#[cfg(test)]
mod test_rng;
pub mod timestamp;
pub mod units;
pub mod view;

pub use analysis::Analysis;
pub use diagnostic::{Diagnostic, LoadError, Location};
pub use load::{load, Loaded};
pub use model::{Heap, ProcessInfo, RefKind, Root, RootKind, Snapshot, SourceFormat};
pub use view::{HeapView, OverviewFacts};
