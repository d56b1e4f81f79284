//! The CLI's JSON output (`--json`): a documented wire format
//! (`docs/cli.md`, "JSON output"), one struct per document. Conventions:
//! sizes end in `_bytes`, object indices in `_index`; a key means one thing
//! in every document; lists that a snapshot can make long are capped and
//! say how many there were in all.
//!
//! These types exist only for output: the core's types are never
//! serialized, the commands fill these by hand.

use serde::Serialize;

/// An object, as every document shows one.
#[derive(Serialize)]
pub struct Object {
    /// Dense index in this snapshot (what `_index` keys refer to).
    pub index: u32,
    /// `0x…`, as a string so 64-bit addresses survive JSON numbers.
    pub address: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub description: Option<String>,
    pub size_bytes: u64,
    pub retained_bytes: u64,
    /// References from the nearest root; `null` when unreachable.
    pub distance: Option<u32>,
}

#[derive(Serialize)]
pub struct Summary {
    pub file: String,
    pub format: String,
    /// Warnings raised while loading (all of them, not only those printed).
    pub warnings: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heap: Option<HeapSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracemalloc: Option<TracemallocSummary>,
}

#[derive(Serialize)]
pub struct HeapSummary {
    pub objects: u64,
    pub references: u64,
    /// Distinct root objects.
    pub roots: u64,
    pub types: u64,
    pub total_size_bytes: u64,
    pub reachable_size_bytes: u64,
    pub unreachable_objects: u64,
    pub max_distance: u32,
    pub cycles: u64,
    pub garbage_cycles: u64,
    /// Objects and bytes per owner: application, third-party, interpreter.
    pub owners: Vec<OwnerTotals>,
}

#[derive(Serialize)]
pub struct OwnerTotals {
    /// `application`, `third-party` or `interpreter and standard library`.
    pub owner: &'static str,
    pub objects: u64,
    pub size_bytes: u64,
}

#[derive(Serialize)]
pub struct TracemallocSummary {
    pub traces: u64,
    pub total_size_bytes: u64,
    pub traceback_limit: u32,
}

#[derive(Serialize)]
pub struct Types {
    /// `type` or `module`.
    pub group_by: &'static str,
    pub fold_dicts: bool,
    /// Rows in all (`rows` holds at most `--limit`).
    pub total: u64,
    pub rows: Vec<TypeRow>,
}

#[derive(Serialize)]
pub struct TypeRow {
    pub name: String,
    pub count: u64,
    pub shallow_bytes: u64,
    pub retained_bytes: u64,
}

/// One reference, `from_index → to_index`.
#[derive(Serialize)]
pub struct Reference {
    pub from_index: u32,
    pub to_index: u32,
    /// Edge index in the snapshot's graph.
    pub edge: u32,
    /// The format's reference kind (`attribute`, `dict_value`, …).
    pub kind: &'static str,
    /// How the reference reads: `.cache`, `['key']`, `[3]`, `weak`…
    pub label: String,
    pub strong: bool,
}

#[derive(Serialize)]
pub struct Retainers {
    pub object: Object,
    /// For `--type`: how many instances, and which one is explained.
    pub note: Option<String>,
    pub referrers: Referrers,
    pub paths: Vec<Path>,
    /// Whether a root reaches the object (ignored retainers left out).
    pub reachable: bool,
    /// The path search stopped early (its work budget); more paths may exist.
    pub paths_truncated: bool,
    /// Steps the path search took.
    pub search_steps: u64,
}

#[derive(Serialize)]
pub struct Referrers {
    /// References to the object in all, weak ones included.
    pub total: u64,
    /// The first ones, in referrer order (at most 20).
    pub shown: Vec<Referrer>,
}

#[derive(Serialize)]
pub struct Referrer {
    pub referrer: Object,
    pub reference: Reference,
}

#[derive(Serialize)]
pub struct Path {
    pub root: Object,
    /// From the root to the object.
    pub steps: Vec<Reference>,
}

#[derive(Serialize)]
pub struct Dominators {
    pub reachable_size_bytes: u64,
    /// The tree in preorder, flat (no nesting, however deep the tree).
    pub nodes: Vec<DominatorNode>,
    /// Nodes were left out past the output cap.
    pub truncated: bool,
}

#[derive(Serialize)]
pub struct DominatorNode {
    pub object: Object,
    /// 0 for the top level.
    pub depth: u32,
    /// The immediate dominator's index; `null` at the top level.
    pub parent_index: Option<u32>,
    /// Children in the tree (those shown are at most `--limit`).
    pub child_count: u64,
    /// Share of the reachable heap this node retains, 0–1.
    pub share: f64,
}

#[derive(Serialize)]
pub struct Cycles {
    /// Cyclic components in all.
    pub total: u64,
    pub garbage: u64,
    /// Those left after `--garbage-only` / `--hide-internal`.
    pub listed: u64,
    pub cycles: Vec<Cycle>,
}

#[derive(Serialize)]
pub struct Cycle {
    pub members: u64,
    pub shallow_bytes: u64,
    pub retained_bytes: u64,
    pub reachable: bool,
    /// `application`, `third-party` or `interpreter and standard library`.
    pub owner: &'static str,
    /// Made only of the interpreter's machinery (modules, classes, functions, descriptors).
    pub internal: bool,
    /// The one-line fix, in Python terms.
    pub fix: String,
    /// Member types, most common first (at most 20).
    pub types: Vec<TypeCount>,
    /// Distinct member types in all.
    pub type_total: u64,
    /// Strong references between members.
    pub references: u64,
    #[serde(rename = "break")]
    pub suggested_break: Option<Break>,
}

#[derive(Serialize)]
pub struct TypeCount {
    #[serde(rename = "type")]
    pub type_name: String,
    pub count: u64,
}

#[derive(Serialize)]
pub struct Break {
    pub from: Object,
    pub to: Object,
    pub reference: Reference,
    /// The reference in Python syntax (`TreeNode.parent`), when it is one.
    pub python: Option<String>,
    /// Removing it leaves no loop among the members.
    pub breaks_all: bool,
    pub reason: String,
}

#[derive(Serialize)]
pub struct Suspect {
    /// `object`, `type`, `accumulation` or `garbage`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<Object>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// For `accumulation`: instances of `type` the object holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instances: Option<u64>,
    /// The leak pattern: `unbounded_cache`, `class_attribute`, `module_global`, … (docs/suspects.md).
    pub pattern: &'static str,
    /// What holds the memory, in Python's words (e.g. "`SessionStore._sessions` (a class attribute)").
    pub holder: String,
    /// `application` or `third-party` (the interpreter's memory is never a suspect).
    pub owner: &'static str,
    /// Items held (instances, tasks, cycles; 1 for one object).
    pub count: u64,
    /// What the items are, e.g. "bound methods `Ctx.on_close`".
    pub items: String,
    pub retained_bytes: u64,
    /// Share of the reachable heap, 0–1.
    pub share: f64,
    /// The one-line fix, in Python terms.
    pub fix: String,
    /// The whole finding as one sentence.
    pub reason: String,
}

#[derive(Serialize)]
pub struct SearchHit {
    pub object: Object,
    /// `address`, `type` or `description`.
    pub matched: &'static str,
}

#[derive(Serialize)]
pub struct Diff {
    pub types: Vec<TypeDelta>,
    pub new_objects: u64,
    pub freed_objects: u64,
    /// `--max-growth` limits exceeded, as sentences.
    pub failures: Vec<String>,
}

#[derive(Serialize)]
pub struct TypeDelta {
    #[serde(rename = "type")]
    pub type_name: String,
    pub count_before: u64,
    pub count_after: u64,
    pub count_delta: i64,
    pub size_before_bytes: u64,
    pub size_after_bytes: u64,
    pub size_delta_bytes: i64,
}

#[derive(Serialize)]
pub struct Frame {
    pub filename: String,
    pub lineno: u32,
}

/// One row of `tracemalloc` (a `Statistic`, or a `StatisticDiff` with `--compare`).
#[derive(Serialize)]
pub struct Statistic {
    pub traceback: Vec<Frame>,
    pub size_bytes: u64,
    pub count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_delta_bytes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_delta: Option<i64>,
}

#[derive(Serialize)]
pub struct Synth {
    pub objects: u64,
    pub references: u64,
    pub out: String,
}
