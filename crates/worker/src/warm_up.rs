//! The worker's warm-up: one small synthetic heap loaded and explored at
//! start, before any file arrives.
//!
//! V8 runs a WebAssembly function in its baseline compiler (Liftoff) until
//! the function has run long enough, then compiles it with the optimizing
//! one (TurboFan) in the background — and only *later calls* get the fast
//! code: a frame that is already running stays in baseline code. The heavy
//! steps of a load (the stream parser's inner loop, the dominator tree,
//! distances, strongly connected components, owners, suspects) are each
//! called once per file, so for the first file they used to run start to
//! finish in baseline code. The warm-up heap is written in the layout our
//! exporter writes (address and `from` deltas, addresses that do not
//! increase), so the steps a real file takes — the distinct-address bitmap
//! among them, called once per file — are the ones optimized. Loading a
//! heap of [`OBJECTS`] objects through
//! the same [`Session::load`] and [`dispatch::answer`] a dropped file goes
//! through makes V8 optimize them first; the first real file then runs the
//! optimized code. Natively this is only a small, pointless load, which the
//! tests use to check that the warm-up really reaches every step.

use heapscope_core::synth::{self, SynthOptions};
use heapscope_protocol::{Answer, FromWorker, Grouping, Query};

use crate::dispatch;
use crate::session::Session;

/// Objects in the warm-up heap: enough loop iterations for V8 to optimize
/// the hot functions, little enough to take a fraction of a second in
/// baseline code.
pub const OBJECTS: usize = 20_000;

/// What the warm-up went through (for the tests: it must have loaded a
/// heap and had every query answered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarmedUp {
    pub objects: u64,
    pub references: u64,
    /// The queries answered (every one the Overview and the first views ask).
    pub answered: usize,
}

/// The queries the first views send: the Overview, the types table, the
/// dominator tree's top level and the cycles list.
fn first_queries() -> [Query; 4] {
    [
        Query::Overview,
        Query::Types { grouping: Grouping::Type, fold_dicts: false },
        Query::DominatorChildren { object: None, limit: 100 },
        Query::Cycles { limit: 100, garbage_only: false, hide_internal: true },
    ]
}

/// Loads a synthetic heap of about `objects` objects into a throwaway
/// session and asks it the first views' queries. An `Err` says which step
/// did not work (a bug: the synthetic heap is well-formed).
pub fn warm_up(objects: usize) -> Result<WarmedUp, String> {
    let mut text = Vec::new();
    synth::write_v1_exported(SynthOptions { objects, seed: 1 }, &mut text).map_err(|e| format!("warm-up heap not written: {e}"))?;
    let mut session = Session::new();
    let summary = match session.load(0, "warm-up".to_string(), &text.as_slice(), true, &|| 0.0, &|_| {}) {
        FromWorker::Loaded { summary, .. } => summary,
        other => return Err(format!("warm-up heap not loaded: {other:?}")),
    };
    drop(text);
    let mut answered = 0;
    for query in first_queries() {
        match dispatch::answer(&mut session, query) {
            Answer::Unavailable { reason } => return Err(format!("warm-up query not answered: {reason}")),
            _ => answered += 1,
        }
    }
    Ok(WarmedUp { objects: summary.object_count, references: summary.reference_count, answered })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warm_up_loads_a_heap_and_gets_every_first_query_answered() {
        // The very size the worker warms up with.
        let done = warm_up(OBJECTS).expect("warm-up");
        assert!(done.objects >= OBJECTS as u64 * 9 / 10, "{done:?}");
        assert!(done.references > done.objects, "{done:?}");
        assert_eq!(done.answered, first_queries().len());
    }

    #[test]
    fn the_warm_up_heap_has_what_the_heavy_steps_work_on() {
        // Cycles, suspects and a deep dominator tree: without them the
        // warm-up would leave those steps in baseline code.
        let mut text = Vec::new();
        synth::write_v1_exported(SynthOptions { objects: 2_000, seed: 1 }, &mut text).expect("synth");
        let mut session = Session::new();
        assert!(matches!(session.load(0, "w".into(), &text.as_slice(), true, &|| 0.0, &|_| {}), FromWorker::Loaded { .. }));
        match dispatch::answer(&mut session, Query::Overview) {
            Answer::Overview(o) => {
                assert!(!o.suspects.is_empty(), "no suspects");
                assert!(o.cycle_count > 0, "no cycles");
            }
            other => panic!("{other:?}"),
        }
    }
}
