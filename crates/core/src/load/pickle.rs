//! A small, safe reader for `tracemalloc.Snapshot.dump()` pickles.
//!
//! It executes nothing: it interprets only the opcodes such a pickle uses
//! (protocols 2–5: frames, memo, ints, strs, tuples, lists, dicts, and
//! objects built by NEWOBJ/REDUCE + BUILD) into an arena of plain values,
//! and accepts exactly two classes, `tracemalloc.Snapshot` and
//! `tracemalloc._Traces`. Anything else is refused with the opcode or class
//! and its byte offset. Values live in one arena addressed by index, so
//! hostile nesting cannot overflow the stack when they are dropped; every
//! opcode does bounded work, so the reader is linear in the input.
//!
//! Both trace layouts are read: `(domain, size, traceback)` (CPython ≤ 3.8)
//! and `(domain, size, traceback, total_nframe)` (3.9+).
//!
//! Two parts along the seam between them: [`machine`] is the pickle machine
//! (opcodes into an arena of plain values, the two allowed classes), and
//! [`tracemalloc`] converts that arena into the model (frames, tracebacks,
//! traces), with a warning for each bad trace.

mod machine;
mod tracemalloc;

use crate::diagnostic::LoadError;
use crate::load::Loaded;

/// Reads a pickle that must hold a `tracemalloc.Snapshot`.
pub(crate) fn parse(bytes: &[u8]) -> Result<Loaded, LoadError> {
    let (arena, top) = machine::run(bytes)?;
    tracemalloc::convert(&arena, top)
}
