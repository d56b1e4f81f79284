//! What grows across a series of heap snapshots of one process (oldest
//! first): growing holders, survivors and per-type growth, merged into one
//! ranked list of findings. The rules and their limits are documented in
//! `docs/growth.md`.
//!
//! * [`matching`]: which object of one snapshot is which of the next
//!   (address, type, and size for fixed-size types).
//! * [`holders`]: containers whose length grows, ranked by their own growth
//!   of retained size, each with its Python name.
//! * [`survivors`]: objects created after the first snapshot and alive in
//!   the last, clustered by the shape of their retainer path.
//! * [`per_type`]: counts and sizes per type per snapshot.
//! * [`garbage`]: unreachable cycles that grow (nothing holds them).
//!
//! Everything is linear in the objects and references of the series, plus
//! the analysis each heap already has.

pub mod garbage;
pub mod holders;
pub mod matching;
pub mod naming;
pub mod per_type;
pub mod survivors;

use std::fmt;

use garbage::GrowingGarbage;
use holders::{plural, Grouping, GrowingHolder};
use matching::Matching;
use naming::{short_type, Home, NamingView};
use per_type::TypeGrowth;
use survivors::SurvivorCluster;

/// One heap of a series with its analysis (the same three parts as
/// `view::HeapView`, which sits above the analyses).
#[derive(Clone, Copy)]
pub struct SeriesHeap<'a> {
    pub snapshot: &'a crate::model::Snapshot,
    pub heap: &'a crate::model::Heap,
    pub analysis: &'a crate::analysis::Analysis,
}

#[derive(Debug, Clone, Copy)]
pub struct GrowthOptions {
    pub holder_limit: usize,
    pub survivor_limit: usize,
    pub type_limit: usize,
}

impl Default for GrowthOptions {
    fn default() -> Self {
        GrowthOptions { holder_limit: 50, survivor_limit: 30, type_limit: 100 }
    }
}

/// What a finding points at (an index into the [`Growth`] list of its kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    Holder(usize),
    Survivors(usize),
    Type(usize),
    Garbage(usize),
}

impl FindingKind {
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Holder(_) => "holder",
            FindingKind::Survivors(_) => "survivors",
            FindingKind::Type(_) => "type",
            FindingKind::Garbage(_) => "garbage",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    /// One line naming the holder (or type) and how it grew.
    pub reason: String,
    /// The bytes the ranking used (own retained growth, survivors' retained
    /// bytes, shallow size growth, or the growth of the garbage's size).
    pub growth_bytes: i64,
    /// The one-line fix, in Python terms (holders and garbage).
    pub fix: Option<String>,
}

/// Per-snapshot totals (the series' timeline).
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotTotals {
    pub objects: u64,
    pub total_bytes: u64,
    pub reachable_bytes: u64,
    /// Shallow bytes the application owns (see `analysis::owner`).
    pub application_bytes: u64,
    /// `process.rss_bytes`, when the exporter could measure it.
    pub rss_bytes: Option<u64>,
    /// `process.time`.
    pub time: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Growth {
    pub matching: Matching,
    pub totals: Vec<SnapshotTotals>,
    pub holders: Vec<GrowingHolder>,
    pub survivors: Vec<SurvivorCluster>,
    pub types: Vec<TypeGrowth>,
    /// Unreachable cycles that grow.
    pub garbage: Vec<GrowingGarbage>,
    /// Holders, survivor clusters, types and garbage in one ranked list.
    pub findings: Vec<Finding>,
    /// Doubts about the series (e.g. snapshots out of order).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrowthError {
    /// Fewer than two heaps.
    TooFew(usize),
    /// More snapshots than [`MAX_SERIES`].
    TooMany(usize),
    /// Snapshots `a` and `b` (0-based) come from different processes.
    OtherProcess { a: usize, b: usize, what: String },
}

impl fmt::Display for GrowthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrowthError::TooFew(n) => write!(f, "growth needs at least two heap snapshots of one process, oldest first (got {n})"),
            GrowthError::TooMany(n) => write!(f, "growth compares at most {MAX_SERIES} snapshots (got {n}); pick fewer, e.g. every tenth"),
            GrowthError::OtherProcess { a, b, what } => write!(
                f,
                "snapshots {} and {} come from different processes ({what}): objects cannot be matched across processes",
                a + 1,
                b + 1
            ),
        }
    }
}

impl std::error::Error for GrowthError {}

/// The most snapshots one series may have (an object's snapshot of birth
/// is a `u16`).
pub const MAX_SERIES: usize = u16::MAX as usize;

/// The process identity fields that must agree across a series.
const IDENTITY: &[&str] = &["pid", "process.start_time", "process.boot_id"];

/// Analyses a series of heaps of one process, oldest first.
pub fn growth(series: &[SeriesHeap], options: &GrowthOptions) -> Result<Growth, GrowthError> {
    if series.len() < 2 {
        return Err(GrowthError::TooFew(series.len()));
    }
    if series.len() > MAX_SERIES {
        return Err(GrowthError::TooMany(series.len()));
    }
    // Every snapshot against the first that says (a pid missing from one
    // file in the middle does not let the next one differ).
    for key in IDENTITY {
        let mut first: Option<(usize, &str)> = None;
        for (k, s) in series.iter().enumerate() {
            let Some(value) = s.snapshot.process.get(key) else { continue };
            match first {
                None => first = Some((k, value)),
                Some((a, v)) if v != value => {
                    return Err(GrowthError::OtherProcess { a, b: k, what: format!("{key} {v} vs {value}") });
                }
                Some(_) => {}
            }
        }
    }
    let mut warnings = Vec::new();
    for (k, w) in series.windows(2).enumerate() {
        // By the instant each was written, whatever its time zone.
        if let (Some(a), Some(b)) = (w[0].snapshot.process.time_seconds(), w[1].snapshot.process.time_seconds()) {
            if b < a {
                let time = |i: usize| w[i].snapshot.process.get("time").unwrap_or_default();
                warnings.push(format!(
                    "snapshot {} ({}) is older than snapshot {} ({}): give the files oldest first",
                    k + 2,
                    time(1),
                    k + 1,
                    time(0)
                ));
            }
        }
        if let (Some(a), Some(b)) = (w[0].snapshot.process.get("process.sequence"), w[1].snapshot.process.get("process.sequence")) {
            if let (Ok(a), Ok(b)) = (a.parse::<u64>(), b.parse::<u64>()) {
                if b <= a {
                    warnings.push(format!("snapshot {} has sequence number {b}, not after {a}: give the files oldest first", k + 2));
                }
            }
        }
    }
    let totals: Vec<SnapshotTotals> = series.iter().map(|&s| snapshot_totals(s)).collect();
    let matching = matching::match_series(series);
    let last = series[series.len() - 1];
    let mut view = NamingView::new(last.snapshot, last.heap, &last.analysis.types, &last.analysis.roots);
    let holders = holders::growing_holders(series, &matching, &mut view, options.holder_limit);
    let survivors = survivors::survivors(series, &matching, &mut view, options.survivor_limit);
    let mut types = per_type::type_growth(series, &matching);
    types.truncate(options.type_limit);
    let garbage = garbage::growing_garbage(series);
    let growth_scale = series_growth_bytes(&totals);
    let findings = rank_findings(series.len(), growth_scale, &holders, &survivors, &types, &garbage);
    Ok(Growth { matching, totals, holders, survivors, types, garbage, findings, warnings })
}

/// One heap's totals: a point of the series' timeline.
pub fn snapshot_totals(s: SeriesHeap) -> SnapshotTotals {
    SnapshotTotals {
        objects: s.heap.object_count() as u64,
        total_bytes: s.heap.total_size_bytes(),
        reachable_bytes: s.analysis.dominators.reachable_bytes(),
        application_bytes: s.analysis.owners.totals(crate::analysis::owner::Owner::Application).size_bytes,
        rss_bytes: s.snapshot.process.get("rss_bytes").and_then(|v| v.parse().ok()),
        time: s.snapshot.process.get("time").map(str::to_string),
    }
}

/// Holders of tier 0 and garbage the collector will not free that grew at
/// every step (together, by growth of size: a holder's own retained growth,
/// the garbage's whole size growth), the program's survivor clusters,
/// monotonic program and data types, other growing garbage, then the rest
/// in the same order. A standard-library holder that grew at every step and
/// a survivor cluster held by the interpreter (a native reference: an
/// `atexit` registration) rank as the program's when they account for a
/// large share of the series' growth ([`is_bulk`]): the program put the
/// memory there, by calling the library once per event.
fn rank_findings(
    n: usize,
    growth_scale: u64,
    holders: &[GrowingHolder],
    survivors: &[SurvivorCluster],
    types: &[TypeGrowth],
    garbage: &[GrowingGarbage],
) -> Vec<Finding> {
    let mut out: Vec<(u8, Finding)> = Vec::new();
    for (i, h) in holders.iter().enumerate() {
        let band = match h.tier {
            0 => 0,
            3 if h.monotonic && is_bulk(h.own_growth_bytes.max(0) as u64, growth_scale) => 0,
            t => 3 + t,
        };
        let f =
            Finding { kind: FindingKind::Holder(i), reason: holder_reason(h), growth_bytes: h.own_growth_bytes, fix: Some(holder_fix(h)) };
        out.push((band, f));
    }
    for (i, c) in survivors.iter().enumerate() {
        let band = match c.home {
            // Turnover under a bounded holder is no growth (survivors.rs).
            _ if c.steady => 8,
            Home::Program if !is_speck(c.retained_bytes, growth_scale) => 1,
            Home::Interpreter if is_bulk(c.retained_bytes, growth_scale) => 1,
            _ => 8,
        };
        let f =
            Finding { kind: FindingKind::Survivors(i), reason: survivor_reason(n, c), growth_bytes: c.retained_bytes as i64, fix: None };
        out.push((band, f));
    }
    for (i, t) in types.iter().enumerate() {
        let band = match per_type::rank(t) {
            0 => 2,
            1 => 9,
            _ => continue,
        };
        out.push((band, Finding { kind: FindingKind::Type(i), reason: type_reason(t), growth_bytes: t.size_growth_bytes(), fix: None }));
    }
    for (i, g) in garbage.iter().enumerate() {
        let band = if g.is_leak() { 0 } else { 3 };
        let f = Finding {
            kind: FindingKind::Garbage(i),
            reason: garbage_reason(g),
            growth_bytes: g.size_growth_bytes(),
            fix: Some(g.fix.clone()),
        };
        out.push((band, f));
    }
    // Stable: band 0 by growth (each list is already in that order), the
    // other bands each list in its own order.
    out.sort_by_key(|(band, f)| (*band, if *band == 0 { std::cmp::Reverse(f.growth_bytes) } else { std::cmp::Reverse(0) }));
    out.into_iter().map(|(_, f)| f).collect()
}

/// How much the reachable memory grew from the first snapshot to the last.
fn series_growth_bytes(totals: &[SnapshotTotals]) -> u64 {
    match (totals.first(), totals.last()) {
        (Some(a), Some(b)) => b.reachable_bytes.saturating_sub(a.reachable_bytes),
        _ => 0,
    }
}

/// A survivor cluster retaining under 1% of the series' growth (a loop
/// counter held by a frame local, one request in flight) is no pattern of
/// growth: it ranks with the rest, after the type findings.
fn is_speck(retained_bytes: u64, growth_scale: u64) -> bool {
    retained_bytes.saturating_mul(100) < growth_scale
}

/// At least a quarter of the series' growth of reachable memory: no cache
/// of the interpreter's own (bounded, and small beside a program's leak).
fn is_bulk(bytes: u64, growth_scale: u64) -> bool {
    growth_scale > 0 && bytes.saturating_mul(4) >= growth_scale
}

fn arrows(values: &[u64]) -> String {
    values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" → ")
}

/// `` `Dispatcher.callbacks` (list): 250 → 500 → 750 bound methods, +237 KiB retained ``.
pub fn holder_reason(h: &GrowingHolder) -> String {
    if h.lengths_in_bytes {
        // `` `Capture.raw` (bytearray): 120 KiB → 240 KiB → 360 KiB of its own, +240 KiB retained ``.
        let sizes: Vec<String> = h.lengths.iter().map(|&b| format_bytes(b)).collect();
        if h.replaced {
            // `` `AccessLog.text` (str): replaced by a bigger one at every step, 120 KiB → 240 KiB → 360 KiB retained ``.
            return format!(
                "{} ({}): replaced by a bigger one at every step, {} retained",
                quoted(&h.name),
                short_type(&h.holder_type),
                sizes.join(" → ")
            );
        }
        return format!(
            "{} ({}): {} of its own, {} retained",
            quoted(&h.name),
            short_type(&h.holder_type),
            sizes.join(" → "),
            signed_bytes(h.retained_growth_bytes())
        );
    }
    let what = match &h.item_type {
        Some((t, _)) => plural(t),
        None => "items".to_string(),
    };
    // `` `__main__._activity[*]` (400 list objects, each growing): … ``,
    // `` `Router.root` (a tree: 3 `.children` dicts growing): … ``.
    let holder = match &h.grouping {
        Grouping::Single => match &h.attributes_of {
            // `` `__main__.g` (attributes of _AppGlobals): … ``.
            Some(t) => format!("attributes of {}", short_type(t)),
            // `` `ReplicationLog.pickler` (_pickle.Pickler, internal references): … ``.
            None if h.internal => format!("{}, internal references", short_type(&h.holder_type)),
            None => short_type(&h.holder_type).to_string(),
        },
        Grouping::Elements | Grouping::Attribute(_) => format!("{} {}, each growing", h.siblings, plural(&h.holder_type)),
        Grouping::Tree(Some(a)) => format!("a tree: {} `.{a}` {}s growing", h.siblings, short_type(&h.holder_type)),
        Grouping::Tree(None) => format!("a tree of nested {}s: {} growing", short_type(&h.holder_type), h.siblings),
    };
    format!(
        "{} ({}): {} {what}, {} retained{}",
        quoted(&h.name),
        holder,
        arrows(&h.lengths),
        signed_bytes(h.retained_growth_bytes()),
        if h.monotonic { "" } else { " (not growing at every step)" }
    )
}

/// What a survivor cluster is, in a series of `n` snapshots.
pub fn survivor_reason(n: usize, c: &SurvivorCluster) -> String {
    if c.root {
        // `` 800 bound methods `TempUpload.cleanup` created after snapshot 1 and alive in snapshot 3, held by references from C only … ``.
        return format!(
            "{} {}{} created after snapshot 1 and alive in snapshot {n}, held by {}, {} retained ({} objects)",
            c.count,
            plural(&c.entry_type),
            c.what.as_ref().map(|w| format!(" {w}")).unwrap_or_default(),
            c.holder,
            format_bytes(c.retained_bytes),
            c.object_count
        );
    }
    format!(
        "{} {} created after snapshot 1 and alive in snapshot {n} under {}{}, {} retained ({} objects){}",
        c.count,
        plural(&c.entry_type),
        quoted(&c.holder),
        c.step,
        format_bytes(c.retained_bytes),
        c.object_count,
        if c.steady { "; they replaced older ones: what holds them retains no more objects than in snapshot 1" } else { "" }
    )
}

/// `` garbage cycles grow: 40 → 80 → 120 `TreeNode` cycles, +744 KiB, nothing holds them; gc is disabled ``.
pub fn garbage_reason(g: &GrowingGarbage) -> String {
    let class = g.type_name.rsplit('.').next().unwrap_or(&g.type_name);
    format!(
        "garbage cycles grow: {} `{class}` cycles ({} unreachable objects), {}, nothing holds them; {}{}",
        arrows(&g.cycles),
        crate::units::format_count(*g.objects.last().unwrap_or(&0)),
        signed_bytes(g.size_growth_bytes()),
        g.collector.why(),
        if g.monotonic { "" } else { " (not growing at every step)" }
    )
}

/// A type's counts per snapshot and its growth.
pub fn type_reason(t: &TypeGrowth) -> String {
    format!(
        "{}: {} objects ({:+}{}), {} shallow",
        t.type_name,
        arrows(&t.counts),
        t.count_growth(),
        if t.monotonic { ", growing at every step" } else { "" },
        signed_bytes(t.size_growth_bytes())
    )
}

/// A holder's name in backquotes, unless it is a sentence that quotes its
/// own parts (a frame local).
fn quoted(name: &str) -> String {
    if name.contains('`') {
        name.to_string()
    } else {
        format!("`{name}`")
    }
}

/// The one-line fix for a growing holder, from what it is and what it holds.
pub fn holder_fix(h: &GrowingHolder) -> String {
    let fix = shape_fix(h);
    match &h.item_type {
        Some((item, _)) if h.class_fix.is_none() => crate::analysis::suspects::tables::with_release(fix, item),
        _ => fix,
    }
}

/// [`holder_fix`] by the holder's shape and class.
fn shape_fix(h: &GrowingHolder) -> String {
    if let Some(local @ crate::analysis::suspects::Holder::FrameLocal { .. }) = &h.frame_local {
        return crate::analysis::suspects::Pattern::FrameLocal.fix(local, false);
    }
    if let Some(fix) = &h.class_fix {
        return fix.clone();
    }
    let item = h.item_type.as_ref().map(|(t, _)| t.as_str()).unwrap_or("");
    let holder = short_type(&h.holder_type);
    match &h.grouping {
        Grouping::Single => {}
        Grouping::Elements => {
            let container = quoted(h.name.strip_suffix("[*]").unwrap_or(&h.name));
            return format!(
                "the {} in {container} each only grow: remove items when they are handled, bound each (collections.deque(maxlen=N)), and delete an entry when its key is done",
                plural(&h.holder_type)
            );
        }
        Grouping::Attribute(a) => {
            let container = quoted(h.name.strip_suffix(&format!("[*].{a}")).unwrap_or(&h.name));
            return format!(
                "the `.{a}` {} of the items of {container} each only grow: remove items when they are handled, bound each (collections.deque(maxlen=N)), and delete an item of {container} when its key is done",
                plural(&h.holder_type)
            );
        }
        Grouping::Tree(Some(a)) => {
            return format!(
                "{} is a tree whose nodes are added and never removed: remove a node from its parent's `.{a}` when its work is done (and drop its parent link, or make that a weakref.ref), prune old branches, or bound how many children a node keeps",
                quoted(&h.name)
            );
        }
        Grouping::Tree(None) => {
            return format!(
                "{} is a tree of nested {}s that only gains branches: key it by what repeats (not by an id), delete a branch when its work is done, or bound it",
                quoted(&h.name),
                short_type(&h.holder_type)
            );
        }
    }
    if h.internal {
        return format!(
            "{} keeps more objects at every snapshot through references only its C code holds: find the calls that add to it, and clear it or make a new one when they are done",
            quoted(&h.name)
        );
    }
    if h.attributes_of.is_some() {
        return format!(
            "{} gains attributes (setattr) and never loses them: delete each when its work is done (delattr), or keep such entries in a dict you bound instead of as attributes",
            quoted(&h.name)
        );
    }
    if holder == "dict" && h.name.ends_with("<internal>") {
        return "give the cache a bound (functools.lru_cache(maxsize=N)) or call cache_clear() when the data changes".to_string();
    }
    if item == "builtins.method" {
        return format!(
            "unsubscribe: remove the bound method from {} when its object is done, or keep weakref.WeakMethod references",
            quoted(&h.name)
        );
    }
    if h.replaced {
        return match short_type(&h.holder_type) {
            "str" | "bytes" | "bytearray" | "list" | "tuple" | "frozenset" => format!(
                "{} is rebuilt bigger each time (`+=` on a str or bytes, `x = x + [item]`): write it out and reset it, or keep a bounded tail (collections.deque(maxlen=N) of parts)",
                quoted(&h.name)
            ),
            _ => format!(
                "each new value of {} keeps the one before it alive (a chain through an attribute such as `prev`): keep only the last N links (cut the oldest one's reference), or make the back reference a weakref.ref",
                quoted(&h.name)
            ),
        };
    }
    if h.lengths_in_bytes {
        return format!(
            "{} only grows: write out or drop what it has served (del buf[:n]), or keep a bounded tail (collections.deque(maxlen=N) of chunks)",
            quoted(&h.name)
        );
    }
    match holder {
        "list" | "collections.deque" => {
            format!("{} only grows: remove items when they are handled, or bound it (collections.deque(maxlen=N))", quoted(&h.name))
        }
        "dict" | "collections.OrderedDict" | "collections.defaultdict" => {
            format!(
                "{} only grows: delete keys when they are done, bound it as an LRU cache, or use weakref.WeakValueDictionary",
                quoted(&h.name)
            )
        }
        "set" => format!("{} only grows: discard members when they are done, or use weakref.WeakSet", quoted(&h.name)),
        "cell" => format!("the closure keeps {} alive and growing: clear it, or do not capture the container", quoted(&h.name)),
        _ => format!("{} holds more at every snapshot: find who adds to it and remove what is no longer needed", quoted(&h.name)),
    }
}

pub use crate::units::format_bytes;

/// `+1.2 MiB`, `-3.0 KiB`, `0 B`.
pub fn signed_bytes(b: i64) -> String {
    crate::units::format_bytes_delta(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::suspects::TypeClass;

    fn cluster(retained_bytes: u64, home: Home) -> SurvivorCluster {
        SurvivorCluster {
            count: 1,
            object_count: 1,
            retained_bytes,
            representative: 0,
            entry_type: "builtins.int".to_string(),
            holder: "frame".to_string(),
            step: "local n".to_string(),
            root: false,
            what: None,
            home,
            steady: false,
        }
    }

    fn holder(own_growth: i64, tier: u8, monotonic: bool) -> GrowingHolder {
        let home = if tier < 3 { Home::Program } else { Home::Interpreter };
        let retained = vec![0, own_growth as u64 / 2, own_growth as u64];
        let h = GrowingHolder::new(0, vec![0, 0, 0], vec![100, 200, 300], retained, home, "builtins.dict");
        GrowingHolder { own_growth_bytes: own_growth, monotonic, tier, name: "weakref.finalize._registry".to_string(), ..h }
    }

    /// 300 → 600 → 900 bytearrays, growing at every step (+340 KB shallow).
    fn growing_bytearrays() -> [TypeGrowth; 1] {
        [TypeGrowth {
            type_name: "builtins.bytearray".to_string(),
            class: TypeClass::Data,
            counts: vec![300, 600, 900],
            sizes_bytes: vec![170_000, 340_000, 510_000],
            monotonic: true,
        }]
    }

    #[test]
    fn the_interpreters_holders_of_much_of_the_growth_rank_as_the_programs() {
        let types = growing_bytearrays();
        let kinds = |holders: &[GrowingHolder], survivors: &[SurvivorCluster]| {
            rank_findings(3, 1_000_000, holders, survivors, &types, &[])
                .into_iter()
                .map(|f| f.kind.name().to_string() + &f.growth_bytes.to_string())
                .collect::<Vec<_>>()
        };
        // A standard-library registry that grew at every step by half of all
        // growth (weakref.finalize's, per call) comes first; by a tenth, or
        // not at every step, after the program's types.
        assert_eq!(kinds(&[holder(500_000, 3, true)], &[]), ["holder500000", "type340000"]);
        assert_eq!(kinds(&[holder(100_000, 3, true)], &[]), ["type340000", "holder100000"]);
        assert_eq!(kinds(&[holder(500_000, 3, false)], &[]), ["type340000", "holder500000"]);
        // Survivors only C holds (atexit registrations), a third of the growth.
        let native = SurvivorCluster { root: true, ..cluster(333_000, Home::Interpreter) };
        assert_eq!(kinds(&[], std::slice::from_ref(&native)), ["survivors333000", "type340000"]);
        let few = SurvivorCluster { retained_bytes: 50_000, ..native };
        assert_eq!(kinds(&[], &[few]), ["type340000", "survivors50000"]);
    }

    #[test]
    fn a_survivor_speck_ranks_after_the_growing_types() {
        let types = growing_bytearrays();
        let survivors = [cluster(300_000, Home::Program), cluster(28, Home::Program)];
        let kinds = |scale| {
            rank_findings(3, scale, &[], &survivors, &types, &[])
                .into_iter()
                .map(|f| f.kind.name().to_string() + &f.growth_bytes.to_string())
                .collect::<Vec<_>>()
        };
        // 28 B of 340 KiB growth: a speck, after the type.
        assert_eq!(kinds(340_000), ["survivors300000", "type340000", "survivors28"]);
        // Nothing grew: no scale to call it small by.
        assert_eq!(kinds(0), ["survivors300000", "survivors28", "type340000"]);
    }
}
