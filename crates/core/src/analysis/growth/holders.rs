//! Growing holders: containers that live through the whole series and hold
//! more at each snapshot.
//!
//! A holder's *length* is its number of strong element references: dict
//! values, list/tuple/set/deque elements, attributes stored in slots or
//! inline, cell contents. A holder is a candidate when it lives through the
//! series (see `matching.rs`), its length in the last snapshot exceeds its
//! length in the first, and at least one way it is referred to (referrer
//! type, reference kind and name) is the same in the first and last
//! snapshot — a list at a reused address that is now some other list's
//! namesake rarely is — and it still holds at least one of the elements it
//! held in the first snapshot (a container replaced by a new one at the
//! same address holds only new objects).
//!
//! An object with no element references whose unnamed internal
//! references grow at every step (a `pickle.Pickler`'s memo, kept by its C
//! code) is a holder of those (`internal`).
//!
//! A *buffer* — an object with no element references whose own size grows
//! at every step, by at least [`MIN_BUFFER_GROWTH`] (a `bytearray` appended
//! to, an `array.array`) — is a holder too; its lengths are its shallow
//! sizes in bytes (`lengths_in_bytes`). So is a *value replaced by a
//! bigger one* under one name at every step (`self.text += line` on a
//! `str`, `self.items = self.items + [x]`): a new object each time, so no
//! lineage, but its referrer lives through the series and refers to a
//! value of the same name in every snapshot whose retained size grew at
//! every step, by at least the same minimum (`replaced`; lengths are the
//! values' retained sizes).
//!
//! Siblings: [`MIN_SIBLINGS`] or more holders of one type and tier that are
//! elements of one container (`stats[user].append(…)`, a `defaultdict(list)`
//! per key), or one attribute of objects that are (`by_user[k].children`),
//! are one finding, named by the container (`_activity[*]`,
//! `_by_user[*].children`), their lengths and sizes summed (`siblings`);
//! each alone grows too little to be seen. Holders at the levels of one
//! tree — node objects each keeping its children in a container under one
//! attribute (`node.children[segment] = Node()`), or containers nested in
//! containers of their own type — are one finding named by the tree's top
//! (`Router.root`) once [`MIN_TREE_HOLDERS`] of them grow: the growth is
//! spread over its branches.
//!
//! Candidates are ranked by their *own* growth of retained size: the growth
//! of their retained bytes minus that of the growing holders they dominate
//! (a module namespace that holds the growing list does not outrank it).
//! Tiers come first: program holders whose length grew at every step,
//! then other program holders, then module namespaces (new globals), then
//! the interpreter's; the exporter's own are dropped.

use std::collections::HashMap;

use crate::analysis::dominators::SUPER_ROOT;
use crate::analysis::suspects::patterns::class_fix as class_fix_named;
use crate::graph::ObjIdx;
use crate::model::{Heap, RefKind, Snapshot, SourceFormat};

use super::matching::Matching;
use super::naming::{short_type, Home, NamingView};
use super::SeriesHeap;

/// Dominator steps walked up from a holder to find a growing holder above it.
const MAX_CHAIN: usize = 4096;

/// The least growth of a buffer's own size, first to last snapshot, that
/// makes it a holder (an allocator's rounding or a small scratch buffer
/// reused at one address stays under it).
pub const MIN_BUFFER_GROWTH: u64 = 16 * 1024;

/// Growing holders in one container that are one finding (module doc).
pub const MIN_SIBLINGS: usize = 3;

/// Growing holders in one tree that are one finding (module doc).
pub const MIN_TREE_HOLDERS: usize = 2;

/// How far up a holder's shortest path the levels of a tree are followed.
const MAX_TREE_LEVELS: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct GrowingHolder {
    /// The holder in the last heap.
    pub object: ObjIdx,
    /// The holder in each heap, oldest first.
    pub lineage: Vec<ObjIdx>,
    /// Element references per snapshot (a buffer's shallow size in bytes
    /// when `lengths_in_bytes`).
    pub lengths: Vec<u64>,
    /// A buffer or a replaced value (module doc): `lengths` are sizes in bytes.
    pub lengths_in_bytes: bool,
    /// A value replaced by a bigger one under its name at every step
    /// (module doc): `lineage` is the value of that name in each snapshot.
    pub replaced: bool,
    /// Retained bytes per snapshot.
    pub retained_bytes: Vec<u64>,
    /// Growth of retained bytes (last − first) minus that of the growing
    /// holders it dominates.
    pub own_growth_bytes: i64,
    /// The length grew at every step.
    pub monotonic: bool,
    pub home: Home,
    /// Ranking tier, 0 first.
    pub tier: u8,
    pub holder_type: String,
    /// Its Python name, or `type @address`.
    pub name: String,
    /// The most common type among its elements in the last snapshot (new
    /// elements preferred) and how many of its elements have it.
    pub item_type: Option<(String, u64)>,
    /// How it is held when it is a local variable of a running frame.
    pub frame_local: Option<crate::analysis::suspects::Holder>,
    /// Siblings (module doc): how many holders this finding sums, and the
    /// container they are elements of (for a tree: its top); `object` and
    /// `lineage` are the one that grew most. 0 and `None` for a single holder.
    pub siblings: u32,
    pub container: Option<ObjIdx>,
    /// How the summed holders hang under `container`.
    pub grouping: Grouping,
    /// The holder is an object's own `__dict__` (attributes set per event):
    /// named by the object, whose type this is.
    pub attributes_of: Option<String>,
    /// Its lengths count unnamed internal references: an object with no
    /// elements whose C code keeps more objects at every step (a
    /// `pickle.Pickler`'s memo).
    pub internal: bool,
    /// The fix its class gives (`suspects::patterns::class_fix`): a
    /// mock's `reset_mock()`, a pickler's `clear_memo()`.
    pub class_fix: Option<String>,
}

/// How the holders of one finding are related (module doc).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Grouping {
    /// One holder.
    Single,
    /// Elements of one container: `_activity[*]`.
    Elements,
    /// One attribute of the elements of one container: `_by_user[*].children`.
    Attribute(String),
    /// The levels of one tree, named by its top: node objects keeping their
    /// children under this attribute (`Some("children")`), or containers
    /// nested in containers (`None`).
    Tree(Option<String>),
}

impl GrowingHolder {
    /// A holder of `holder_type` in the last heap, before ranking and naming
    /// (own growth, tier, name, element type and frame are set later).
    pub fn new(object: ObjIdx, lineage: Vec<ObjIdx>, lengths: Vec<u64>, retained_bytes: Vec<u64>, home: Home, holder_type: &str) -> Self {
        let monotonic = lengths.windows(2).all(|w| w[1] > w[0]);
        GrowingHolder {
            object,
            lineage,
            lengths,
            lengths_in_bytes: false,
            replaced: false,
            retained_bytes,
            own_growth_bytes: 0,
            monotonic,
            home,
            tier: 0,
            holder_type: holder_type.to_string(),
            name: String::new(),
            item_type: None,
            frame_local: None,
            siblings: 0,
            container: None,
            grouping: Grouping::Single,
            attributes_of: None,
            internal: false,
            class_fix: None,
        }
    }

    pub fn retained_growth_bytes(&self) -> i64 {
        *self.retained_bytes.last().unwrap_or(&0) as i64 - *self.retained_bytes.first().unwrap_or(&0) as i64
    }
}

fn is_element(kind: RefKind) -> bool {
    // Hand-written object lists label nothing: their references are all
    // unnamed `internal` ones, and each counts.
    matches!(kind, RefKind::DictValue | RefKind::Index | RefKind::Attribute | RefKind::Cell)
}

fn is_element_label(snapshot: &Snapshot, l: crate::graph::EdgeLabel) -> bool {
    l.is_strong() && (is_element(l.kind()) || snapshot.format == SourceFormat::AdHocJson)
}

/// Which references of a holder are its elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    /// Dict values, list items, attributes, cell contents.
    Elements,
    /// Unnamed internal references, for an object with no elements whose C
    /// code keeps objects out of Python's reach (a `pickle.Pickler`'s memo).
    Internal,
}

impl Counted {
    fn counts(self, snapshot: &Snapshot, l: crate::graph::EdgeLabel) -> bool {
        match self {
            Counted::Elements => is_element_label(snapshot, l),
            Counted::Internal => l.is_strong() && l.kind() == RefKind::Internal && snapshot.str(l.name()).is_empty(),
        }
    }
}

/// The number of strong element references of `o`.
pub fn length(snapshot: &Snapshot, heap: &Heap, o: ObjIdx) -> u64 {
    counted_length(snapshot, heap, o, Counted::Elements)
}

fn counted_length(snapshot: &Snapshot, heap: &Heap, o: ObjIdx, counted: Counted) -> u64 {
    heap.graph.out_refs(o).filter(|&(_, l)| counted.counts(snapshot, l)).count() as u64
}

/// Whether an object's unnamed internal references may be its elements:
/// not a frame, function, class, module or code object, whose internal
/// references are their own parts.
fn may_hold_internally(view: &NamingView, o: ObjIdx) -> bool {
    use crate::model::flags;
    let f = view.heap.flags[o as usize];
    f & (flags::FRAME | flags::FUNCTION | flags::TYPE | flags::MODULE) == 0
        && !matches!(
            short_type(view.types.name_of(o)),
            "code" | "cell" | "method" | "function" | "type" | "module" | "frame" | "generator" | "coroutine" | "async_generator"
        )
}

/// How `o` is referred to, up to 32 ways: `(is a key or attribute, name)`.
/// A namespace key and an attribute compare equal (`d['x']` ≈ `.x`): an
/// instance's `__dict__` may be materialized between two snapshots.
fn referred_as(snapshot: &Snapshot, heap: &Heap, o: ObjIdx) -> Vec<(u8, String)> {
    heap.graph
        .incoming(o)
        .filter(|&(_, e)| heap.graph.label(e).is_strong())
        .take(32)
        .map(|(_, e)| {
            let l = heap.graph.label(e);
            let name = snapshot.str(l.name());
            let name = name.strip_prefix('\'').and_then(|n| n.strip_suffix('\'')).unwrap_or(name);
            let kind = match l.kind() {
                RefKind::DictValue | RefKind::Attribute => 0,
                k => k as u8 + 1,
            };
            (kind, name.to_string())
        })
        .collect()
}

/// Whether some element of the holder in the first snapshot is still one
/// of its elements in the last. A holder that grows keeps what it held; a
/// container replaced by a new one at the same address (CPython reuses a
/// freed slot at once) holds only new objects.
fn keeps_elements(series: &[SeriesHeap], m: &Matching, lineage: &[ObjIdx], counted: Counted) -> bool {
    let (first, last) = (&series[0], &series[series.len() - 1]);
    let then: std::collections::HashSet<ObjIdx> = elements(first.snapshot, first.heap, lineage[0], counted).collect();
    if then.is_empty() {
        return true;
    }
    elements(last.snapshot, last.heap, lineage[lineage.len() - 1], counted).any(|e| m.lineage(e).is_some_and(|l| then.contains(&l[0])))
}

fn elements<'a>(snapshot: &'a Snapshot, heap: &'a Heap, o: ObjIdx, counted: Counted) -> impl Iterator<Item = ObjIdx> + 'a {
    heap.graph.out_refs(o).filter(move |&(_, l)| counted.counts(snapshot, l)).map(|(t, _)| t)
}

/// Growing holders of the series, ranked (module doc); at most `limit`.
pub fn growing_holders(series: &[SeriesHeap], m: &Matching, last_view: &mut NamingView, limit: usize) -> Vec<GrowingHolder> {
    let Some(last) = series.last() else { return Vec::new() };
    let first = &series[0];
    let k_last = series.len() - 1;
    let n = last.heap.object_count();
    let mut candidates: Vec<GrowingHolder> = Vec::new();
    for o in 0..n as ObjIdx {
        if m.born[k_last][o as usize] != 0 || !last_view.tree.reachable[o as usize] {
            continue;
        }
        let mut counted = Counted::Elements;
        let mut len_last = length(last.snapshot, last.heap, o);
        if len_last == 0 && may_hold_internally(last_view, o) {
            let internal = counted_length(last.snapshot, last.heap, o, Counted::Internal);
            if internal > 0 {
                (counted, len_last) = (Counted::Internal, internal);
            }
        }
        let size_of = |k: usize, x: ObjIdx| series[k].heap.size_bytes.get(x as usize).copied().unwrap_or(0);
        // A buffer must have grown by the minimum since the first snapshot,
        // whose size is at least 0: a cheap test before the lineage.
        let buffer = len_last == 0;
        if buffer && size_of(k_last, o) < MIN_BUFFER_GROWTH {
            continue;
        }
        let Some(lineage) = m.lineage(o) else { continue };
        let len_first = counted_length(first.snapshot, first.heap, lineage[0], counted);
        // A buffer's lengths are its sizes, read once here.
        let sizes: Option<Vec<u64>> = buffer.then(|| lineage.iter().enumerate().map(|(k, &x)| size_of(k, x)).collect());
        match &sizes {
            Some(sizes) if len_first != 0 || !grows_by_min(sizes) => continue,
            None if len_last <= len_first => continue,
            _ => {}
        }
        // The same holder is referred to the same way at both ends.
        let then = referred_as(first.snapshot, first.heap, lineage[0]);
        let now = referred_as(last.snapshot, last.heap, o);
        if !now.is_empty() && !then.is_empty() && !now.iter().any(|r| then.contains(r)) {
            continue;
        }
        if !keeps_elements(series, m, &lineage, counted) {
            continue;
        }
        let home = last_view.home(o);
        if home == Home::Exporter {
            continue;
        }
        let lengths: Vec<u64> = sizes.unwrap_or_else(|| {
            lineage.iter().enumerate().map(|(k, &x)| counted_length(series[k].snapshot, series[k].heap, x, counted)).collect()
        });
        // Internal references are a holder's only when they grew at every step.
        if counted == Counted::Internal && !lengths.windows(2).all(|w| w[1] > w[0]) {
            continue;
        }
        let retained_bytes: Vec<u64> = lineage.iter().enumerate().map(|(k, &x)| series[k].analysis.dominators.retained_bytes(x)).collect();
        // More elements but not a byte more kept (a closure cell at a reused
        // address now holding a shared object): nothing grew that it holds.
        if retained_bytes.last() <= retained_bytes.first() {
            continue;
        }
        let holder = GrowingHolder::new(o, lineage, lengths, retained_bytes, home, last.analysis.types.name_of(o));
        candidates.push(GrowingHolder { lengths_in_bytes: buffer, internal: counted == Counted::Internal, ..holder });
    }
    candidates.extend(replaced_values(series, m, last_view));
    // Own growth: subtract each holder's growth from the nearest growing holder above it.
    let at: HashMap<ObjIdx, usize> = candidates.iter().enumerate().map(|(i, c)| (c.object, i)).collect();
    let mut own: Vec<i64> = candidates.iter().map(|c| c.retained_growth_bytes()).collect();
    let tree = &last.analysis.dominators;
    for (i, c) in candidates.iter().enumerate() {
        let growth = c.retained_growth_bytes().max(0);
        if growth == 0 {
            continue;
        }
        if let Some(&above) = tree.chain(c.object).take(MAX_CHAIN).take_while(|&d| d != SUPER_ROOT).find_map(|d| at.get(&d)) {
            own[above] -= growth;
            debug_assert_ne!(above, i);
        }
    }
    for (c, own) in candidates.iter_mut().zip(own) {
        c.own_growth_bytes = own;
        let namespace = last_view.namespace_module(c.object).is_some();
        c.tier = match (c.home, c.monotonic, namespace) {
            (Home::Program, true, false) => 0,
            (Home::Program, false, false) => 1,
            (Home::Program, _, true) => 2,
            _ => 3,
        };
    }
    let mut candidates = merge_siblings(candidates, last_view);
    candidates.sort_by(|a, b| {
        a.tier
            .cmp(&b.tier)
            .then(b.own_growth_bytes.cmp(&a.own_growth_bytes))
            .then((b.lengths.last().unwrap_or(&0) - b.lengths[0]).cmp(&(a.lengths.last().unwrap_or(&0) - a.lengths[0])))
            .then(a.object.cmp(&b.object))
    });
    candidates.truncate(limit);
    // The object each holder's class fix is for: one finding per object (a
    // mock's `mock_calls` and `method_calls` are the mock's).
    let mut fixed_object: Vec<Option<ObjIdx>> = Vec::with_capacity(candidates.len());
    for c in &mut candidates {
        let mut named = c.container.unwrap_or(c.object);
        // An object's own `__dict__` is named by the object (`__main__.g`).
        if let Some((owner, e)) = last_view.tree.parent(named).filter(|_| c.grouping == Grouping::Single) {
            if last_view.heap.graph.label(e).kind() == RefKind::InstanceDict {
                named = owner;
                c.attributes_of = Some(last_view.types.name_of(owner).to_string());
            }
        }
        c.name = last_view.python_name(named).unwrap_or_else(|| last_view.short(named));
        // Reached through a C module's own reference (`_pickle<internal>`)
        // but also a module's global: named as code names it.
        let private = c.name.starts_with('_') && !c.name.starts_with("__main__");
        if (private || c.name.contains("<internal>")) && c.grouping == Grouping::Single {
            if let Some((module, key)) = module_global_alias(last_view, named).filter(|(m, _)| !m.starts_with('_')) {
                c.name = format!("{module}.{key}");
            }
        }
        match &c.grouping {
            Grouping::Elements => c.name.push_str("[*]"),
            Grouping::Attribute(a) => c.name.push_str(&format!("[*].{a}")),
            Grouping::Single | Grouping::Tree(_) => {}
        }
        c.item_type = item_type(m, k_last, last_view, c.object, if c.internal { Counted::Internal } else { Counted::Elements });
        c.frame_local = last_view.frame_local(c.object);
        let by_class = if c.grouping == Grouping::Single { class_fix(last_view, c.object, &c.name) } else { None };
        fixed_object.push(by_class.as_ref().map(|(o, _)| *o));
        c.class_fix = by_class.map(|(_, fix)| fix);
    }
    let mut seen = std::collections::HashSet::new();
    let mut fixed_object = fixed_object.into_iter();
    candidates.retain(|_| fixed_object.next().flatten().is_none_or(|o| seen.insert(o)));
    candidates
}

/// Values replaced by bigger ones under one name at every step (module doc).
fn replaced_values(series: &[SeriesHeap], m: &Matching, view: &mut NamingView) -> Vec<GrowingHolder> {
    let k_last = series.len() - 1;
    let last = &series[k_last];
    let tree = &last.analysis.dominators;
    let mut out = Vec::new();
    for o in 0..last.heap.object_count() as ObjIdx {
        if !view.tree.reachable[o as usize] || tree.retained_bytes(o) < MIN_BUFFER_GROWTH || m.lineage(o).is_some() {
            continue;
        }
        let Some((p, e)) = view.tree.parent(o) else { continue };
        let label = last.heap.graph.label(e);
        let name = last.snapshot.str(label.name());
        if name.is_empty() || !matches!(label.kind(), RefKind::Attribute | RefKind::DictValue) {
            continue;
        }
        let Some(referrers) = m.lineage(p) else { continue };
        // The value of the same name in each snapshot.
        let values: Option<Vec<ObjIdx>> = referrers
            .iter()
            .enumerate()
            .map(|(k, &r)| {
                let s = &series[k];
                s.heap.graph.out_refs(r).find(|&(_, l)| l.kind() == label.kind() && s.snapshot.str(l.name()) == name).map(|(t, _)| t)
            })
            .collect();
        let Some(values) = values else { continue };
        let sizes: Vec<u64> = values.iter().enumerate().map(|(k, &v)| series[k].analysis.dominators.retained_bytes(v)).collect();
        // A new object at every step: one that lives on is a holder above.
        let renewed = (1..values.len()).all(|k| m.prev[k].get(values[k] as usize).is_none_or(|&x| x != values[k - 1]));
        if !grows_by_min(&sizes) || !renewed {
            continue;
        }
        let home = view.home(o);
        if home == Home::Exporter {
            continue;
        }
        let holder = GrowingHolder::new(o, values, sizes.clone(), sizes, home, last.analysis.types.name_of(o));
        out.push(GrowingHolder { lengths_in_bytes: true, replaced: true, ..holder });
    }
    out
}

/// Sizes that grew at every step, by at least [`MIN_BUFFER_GROWTH`] in all
/// (buffers and replaced values).
fn grows_by_min(sizes: &[u64]) -> bool {
    sizes.windows(2).all(|w| w[1] > w[0]) && sizes.last().zip(sizes.first()).is_some_and(|(l, f)| l - f >= MIN_BUFFER_GROWTH)
}

/// Merges siblings and the holders of one tree (module doc): holders of
/// one type and tier in one group (see [`group_of`]).
fn merge_siblings(candidates: Vec<GrowingHolder>, view: &NamingView) -> Vec<GrowingHolder> {
    let mut groups: HashMap<(ObjIdx, Grouping, String, u8), Vec<usize>> = HashMap::new();
    for (i, c) in candidates.iter().enumerate() {
        if c.replaced {
            continue;
        }
        if let Some((p, grouping)) = group_of(view, c.object) {
            groups.entry((p, grouping, c.holder_type.clone(), c.tier)).or_default().push(i);
        }
    }
    let mut merged_into: Vec<Option<usize>> = vec![None; candidates.len()];
    let mut sums: Vec<GrowingHolder> = Vec::new();
    let mut keys: Vec<_> = groups
        .into_iter()
        .filter(|((_, grouping, _, _), members)| {
            members.len() >= if matches!(grouping, Grouping::Tree(_)) { MIN_TREE_HOLDERS } else { MIN_SIBLINGS }
        })
        .collect();
    keys.sort_by_key(|((p, _, _, tier), members)| (*p, *tier, members[0]));
    for ((p, grouping, _, _), members) in keys {
        let top = *members
            .iter()
            .max_by_key(|&&i| (candidates[i].own_growth_bytes, std::cmp::Reverse(candidates[i].object)))
            .unwrap_or(&members[0]);
        let mut sum = candidates[top].clone();
        let steps = sum.lengths.len();
        sum.lengths = (0..steps).map(|k| members.iter().map(|&i| candidates[i].lengths[k]).sum()).collect();
        sum.retained_bytes = (0..steps).map(|k| members.iter().map(|&i| candidates[i].retained_bytes[k]).sum()).collect();
        sum.own_growth_bytes = members.iter().map(|&i| candidates[i].own_growth_bytes).sum();
        sum.monotonic = sum.lengths.windows(2).all(|w| w[1] > w[0]);
        sum.siblings = members.len() as u32;
        sum.container = Some(p);
        sum.grouping = grouping;
        for &i in &members {
            merged_into[i] = Some(sums.len());
        }
        sums.push(sum);
    }
    let mut out: Vec<GrowingHolder> = candidates.into_iter().zip(merged_into).filter(|(_, m)| m.is_none()).map(|(c, _)| c).collect();
    out.extend(sums);
    out
}

/// The group a holder belongs to, by its shortest path (module doc): the
/// top of the tree it is a level of; else the container it is an element
/// of (a dict value or an index, not a namespace key); else the container
/// whose elements hold it under one attribute.
fn group_of(view: &NamingView, holder: ObjIdx) -> Option<(ObjIdx, Grouping)> {
    if let Some(tree) = tree_of(view, holder) {
        return Some(tree);
    }
    let (p, e) = view.tree.parent(holder)?;
    if is_element_edge(view, e) && is_plain_container(view, p) {
        return Some((p, Grouping::Elements));
    }
    let (node, attribute) = node_attribute(view, holder)?;
    let (c, e) = view.tree.parent(node)?;
    (is_element_edge(view, e) && is_plain_container(view, c)).then_some((c, Grouping::Attribute(attribute)))
}

/// The top of the tree `holder` is a level of (module doc), if it is one:
/// walking up its shortest path, each step either a container held as an
/// element of a container of the holder's type, or a node (an instance of
/// one program class) holding such a container under the holder's
/// attribute and held as an element of one. A tree has a node above the
/// holder's own, or two levels of nested containers.
fn tree_of(view: &NamingView, holder: ObjIdx) -> Option<(ObjIdx, Grouping)> {
    let holder_type = view.types.type_of(holder);
    let mut node: Option<(u32, String)> = None;
    let (mut x, mut top, mut levels) = (holder, None, 0);
    for _ in 0..MAX_TREE_LEVELS {
        // `x`: a container of the holder's type.
        let Some((p, e)) = view.tree.parent(x) else { break };
        if is_element_edge(view, e) && view.types.type_of(p) == holder_type && is_plain_container(view, p) {
            (x, top, levels) = (p, Some(p), levels + 1);
            continue;
        }
        let Some((n, attribute)) = node_attribute(view, x) else { break };
        let kind = (view.types.type_of(n), attribute);
        if node.as_ref().is_some_and(|k| *k != kind) {
            break;
        }
        node = Some(kind);
        if levels > 0 {
            top = Some(n);
        }
        // The node is an element of its parent's container of the holder's type.
        let Some((c, e)) = view.tree.parent(n) else { break };
        if !(is_element_edge(view, e) && view.types.type_of(c) == holder_type && is_plain_container(view, c)) {
            break;
        }
        (x, top, levels) = (c, Some(c), levels + 1);
    }
    let top = top?;
    match node {
        Some((_, attribute)) => Some((top, Grouping::Tree(Some(attribute)))),
        None => (levels >= 2).then_some((top, Grouping::Tree(None))),
    }
}

/// Whether `edge` makes its target an element of its source (a dict value
/// or an index: not an attribute or a namespace key).
fn is_element_edge(view: &NamingView, edge: crate::graph::EdgeIdx) -> bool {
    matches!(view.heap.graph.label(edge).kind(), RefKind::DictValue | RefKind::Index)
}

/// A container of the program's data: no module namespace, no instance's
/// or class's own `__dict__`.
fn is_plain_container(view: &NamingView, o: ObjIdx) -> bool {
    if view.namespace_module(o).is_some() {
        return false;
    }
    view.tree.parent(o).is_none_or(|(_, e)| !matches!(view.heap.graph.label(e).kind(), RefKind::InstanceDict | RefKind::ClassDict))
}

/// The instance of a program class that holds `o` as an attribute (inline,
/// in a slot, or in its `__dict__`), with the attribute's name.
fn node_attribute(view: &NamingView, o: ObjIdx) -> Option<(ObjIdx, String)> {
    let (p, e) = view.tree.parent(o)?;
    let label = view.heap.graph.label(e);
    let name = view.snapshot.strings.get(label.name()).filter(|n| !n.is_empty())?;
    let node = match label.kind() {
        RefKind::Attribute => p,
        RefKind::DictValue => {
            let (owner, e) = view.tree.parent(p)?;
            (view.heap.graph.label(e).kind() == RefKind::InstanceDict).then_some(owner)?
        }
        _ => return None,
    };
    let name = name.strip_prefix('\'').and_then(|n| n.strip_suffix('\'')).unwrap_or(name);
    (view.class_of(node) == crate::analysis::suspects::TypeClass::User).then(|| (node, name.to_string()))
}

/// The most common element type of `o` (among elements new since the first
/// snapshot when there are any).
fn item_type(m: &Matching, k_last: usize, view: &NamingView, o: ObjIdx, counted: Counted) -> Option<(String, u64)> {
    let elements: Vec<ObjIdx> = elements(view.snapshot, view.heap, o, counted).collect();
    let new: Vec<ObjIdx> = elements.iter().copied().filter(|&t| m.born[k_last][t as usize] > 0).collect();
    let pool = if new.is_empty() { &elements } else { &new };
    let mut counts: HashMap<u32, u64> = HashMap::new();
    for &t in pool {
        *counts.entry(view.types.type_of(t)).or_default() += 1;
    }
    let (&t, _) = counts.iter().max_by_key(|&(&t, &c)| (c, std::cmp::Reverse(t)))?;
    let total = elements.iter().filter(|&&e| view.types.type_of(e) == t).count() as u64;
    Some((view.types.names[t as usize].clone(), total))
}

/// "bound methods", "str objects", "Request objects".
pub fn plural(type_name: &str) -> String {
    match short_type(type_name) {
        "method" => "bound methods".to_string(),
        "function" => "functions".to_string(),
        t => format!("{} objects", t.rsplit('.').next().unwrap_or(t)),
    }
}

/// The module global that refers to `o`, as (module, name): `("copyreg",
/// "dispatch_table")`; a public module's before a private one's
/// (`warnings.filters`, not `_warnings.filters`: the same list).
fn module_global_alias(view: &NamingView, o: ObjIdx) -> Option<(String, String)> {
    let globals = view.heap.graph.incoming(o).take(64).filter_map(|(dict, e)| view.module_global(dict, e));
    globals.min_by_key(|(module, _)| module.starts_with('_')).map(|(m, k)| (m.to_string(), k.to_string()))
}

/// The fix `o`'s class, or the class of the object it is an attribute of,
/// gives (`suspects::patterns::class_fix`); `name` is `o`'s Python name.
/// Also the object the fix is for.
fn class_fix(view: &NamingView, o: ObjIdx, name: &str) -> Option<(ObjIdx, String)> {
    if let Some(fix) = class_fix_named(view.types.name_of(o), None, name) {
        return Some((o, fix));
    }
    if crate::analysis::suspects::tables::is_deepcopy_memo(view.snapshot, view.heap, view.types, o) {
        return Some((o, crate::analysis::suspects::patterns::deepcopy_memo_fix(name)));
    }
    if name == crate::analysis::suspects::patterns::CODEC_SEARCH_PATH {
        return Some((o, crate::analysis::suspects::patterns::codec_search_path_fix()));
    }
    // A global of a standard-library module (`sys.path`, `warnings.filters`,
    // `copyreg.dispatch_table`): the suspects' fix, not "bound it" (the
    // module needs its list). A list the interpreter holds (a root:
    // `warnings.filters` lives in its state) is known by its name.
    let is_name = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let global = module_global_alias(view, o).or_else(|| {
        let (module, key) = name.split_once('.').filter(|(_, k)| view.tree.parent(o).is_none() && is_name(k))?;
        Some((module.to_string(), key.to_string()))
    });
    if let Some((module, key)) = global.filter(|(m, _)| crate::analysis::owner::is_stdlib_module(m)) {
        let mapping = crate::analysis::suspects::tables::is_mapping(view.types.name_of(o));
        return Some((o, crate::analysis::suspects::patterns::stdlib_global_fix(&module, &key, Some(mapping))));
    }
    // A singledispatch function's registry: the dict behind its `registry` mappingproxy.
    if let Some((proxy, _)) = view.tree.parent(o).filter(|&(p, _)| view.types.name_of(p) == "builtins.mappingproxy") {
        let (f, attribute) = view.attribute_of(proxy)?;
        if attribute != "registry" || view.types.name_of(f) != "builtins.function" {
            return None;
        }
        let object_name = name.strip_suffix(".registry").unwrap_or(name);
        return class_fix_named("functools.singledispatch", Some("registry"), object_name).map(|fix| (f, fix));
    }
    let (object, attribute) = view.attribute_of(o)?;
    let object_name = name.strip_suffix(&format!(".{attribute}")).unwrap_or(name);
    class_fix_named(view.types.name_of(object), Some(&attribute), object_name).map(|fix| (object, fix))
}
