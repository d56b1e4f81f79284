//! Survivors, memlab's method: objects created after the first snapshot,
//! already there in the one before the last and still alive in the last,
//! clustered by the shape of their retainer path. (Of two snapshots, every
//! object created since the first.) An object made after the one before
//! the last has survived no dump yet: a list the program replaces each
//! round is such an object in every series, and is not a survivor — unless
//! it keeps survivors alive (the newest link of a chain that holds the
//! older ones: `self.last = Entry(prev=self.last)`). So an entry (below)
//! counts when it *retains* survived memory: itself, if it retains nothing
//! else, or something it dominates. That also drops a container made anew
//! at a freed container's address (matched as the same object, but holding
//! only new objects).
//!
//! Only *entry* survivors are clustered: survivors whose parent on the
//! shortest path from the roots existed in the first snapshot (the place
//! where new memory hangs off old memory); what an entry retains counts
//! with it. The shape of a path is the sequence of (reference, object
//! type) from its root, where a reference keeps its name when it is an
//! attribute, a namespace key (a module's, class's or instance's
//! `__dict__` key), a local, a cell or an internal field, and loses it when
//! it is a list index, a set member or an ordinary dict key — so the 300
//! listeners `bus.listeners[0..300]` are one cluster. Clusters are ranked
//! by the retained bytes of their entries, the program's before the
//! interpreter's; the exporter's own are dropped. Linear in the objects:
//! each object's shape is interned once.
//!
//! A cluster whose entries (three in four) hang off a holder that retains no more
//! objects in the last snapshot than in the first (or off a tuple, which
//! cannot take new ones: one holding new objects is itself new, matched by
//! a reused address) is *turnover*, not growth: a
//! `deque(maxlen=…)`, a full `lru_cache`, a ring buffer or a dict trimmed to
//! a size replaces old entries with new ones, which are survivors by the
//! definition above while nothing accumulates ([`SurvivorCluster::steady`]).

use std::collections::HashMap;

use crate::analysis::dominators::SUPER_ROOT;
use crate::graph::ObjIdx;
use crate::model::{RefKind, RootKind};
use crate::strings::NO_STRING;

use super::matching::Matching;
use super::naming::{short_type, Home, NamingView};
use super::SeriesHeap;

#[derive(Debug, Clone, PartialEq)]
pub struct SurvivorCluster {
    /// Entry survivors in the cluster.
    pub count: u64,
    /// Objects the entries retain (themselves included).
    pub object_count: u64,
    pub retained_bytes: u64,
    /// The entry that retains most: opens in the retainer graph.
    pub representative: ObjIdx,
    pub entry_type: String,
    /// The Python name of the representative's referrer, or its type and address.
    pub holder: String,
    /// How the entries are reached from it, e.g. `[*]`, `.cache`.
    pub step: String,
    /// The entries are roots: `holder` says what holds them (`references
    /// from C only`, `thread `worker``), and `what` names them when their
    /// description does (`` `TempUpload.cleanup` `` for bound methods).
    pub root: bool,
    pub what: Option<String>,
    pub home: Home,
    /// The holders (the old objects they hang off) of three in four entries
    /// retain no more objects in the last snapshot than in the first: the
    /// entries replaced others (module doc). Never set for roots.
    pub steady: bool,
}

/// Interned path shapes: `(parent shape, reference kind, name, type)` → id.
struct Shapes {
    ids: HashMap<(u32, u8, u32, u32), u32>,
    of: Vec<u32>,
}

const UNSET: u32 = u32::MAX;
const ROOT_SHAPE: u32 = u32::MAX - 1;

/// The survivor clusters of the series, ranked (module doc); at most `limit`.
pub fn survivors(series: &[SeriesHeap], m: &Matching, view: &mut NamingView, limit: usize) -> Vec<SurvivorCluster> {
    let Some(last) = series.last() else { return Vec::new() };
    if series.len() < 2 {
        return Vec::new();
    }
    let k = series.len() - 1;
    let n = last.heap.object_count();
    let born = &m.born[k];
    // Created after the first snapshot and, with three or more, before the last.
    let survived = |b: u16| b != 0 && (k < 2 || (b as usize) < k);
    // Objects that dominate a survived object: marked up the dominator
    // tree from each, stopping at the first already marked (linear).
    let tree = &last.analysis.dominators;
    let mut holds_survived = vec![false; n];
    for x in 0..n as ObjIdx {
        if !survived(born[x as usize]) {
            continue;
        }
        let mut at = tree.idom(x);
        while let Some(d) = at.filter(|&d| d != SUPER_ROOT && (d as usize) < n) {
            if std::mem::replace(&mut holds_survived[d as usize], true) {
                break;
            }
            at = tree.idom(d);
        }
    }
    let retains_survived = |o: ObjIdx| if tree.retained_count(o) <= 1 { survived(born[o as usize]) } else { holds_survived[o as usize] };
    let mut shapes = Shapes { ids: HashMap::new(), of: vec![UNSET; n] };
    // Whether an old object retains no more objects now than in the first
    // snapshot (asked once per holder). Objects, not bytes: a bounded dict
    // of strings retains a few bytes more or less as their lengths vary.
    let first = &series[0].analysis.dominators;
    let mut steady_holder: HashMap<ObjIdx, bool> = HashMap::new();
    let mut is_steady = |p: ObjIdx| {
        *steady_holder.entry(p).or_insert_with(|| {
            // An immutable container refers to what it was made with: one that
            // holds new objects was made anew at a freed one's address.
            let immutable =
                matches!(view.types.name_of(p).strip_prefix("builtins.").unwrap_or(view.types.name_of(p)), "tuple" | "frozenset");
            immutable || m.lineage(p).and_then(|l| l.first().copied()).is_some_and(|p0| tree.retained_count(p) <= first.retained_count(p0))
        })
    };
    // Cluster shape → the cluster so far, its representative's retained
    // bytes, and how many of its entries hang off a steady holder.
    let mut clusters: HashMap<u32, (SurvivorCluster, u64, u64)> = HashMap::new();
    for o in 0..n as ObjIdx {
        if born[o as usize] == 0 || !view.tree.reachable[o as usize] || !retains_survived(o) {
            continue;
        }
        // An instance's `__dict__` materialized since is the instance's own
        // storage, not memory the program added: what it holds counts.
        let parent = view.tree.parent(o);
        let entry = match parent {
            Some((p, e)) => born[p as usize] == 0 && !matches!(view.heap.graph.label(e).kind(), RefKind::InstanceDict | RefKind::ClassDict),
            None => true,
        };
        if !entry {
            continue;
        }
        let home = view.home(o);
        if home == Home::Exporter {
            continue;
        }
        let shape = shape_of(view, &mut shapes, born, o);
        let (bytes, count) = (tree.retained_bytes(o), tree.retained_count(o) as u64);
        let steady = parent.is_some_and(|(p, _)| is_steady(p));
        let (c, representative_bytes, steady_entries) = clusters.entry(shape).or_insert_with(|| {
            let empty = SurvivorCluster {
                count: 0,
                object_count: 0,
                retained_bytes: 0,
                representative: o,
                entry_type: String::new(),
                holder: String::new(),
                step: String::new(),
                root: false,
                what: None,
                home,
                steady: false,
            };
            (empty, 0, 0)
        });
        *steady_entries += steady as u64;
        c.count += 1;
        c.object_count += count;
        c.retained_bytes += bytes;
        if bytes > *representative_bytes || (bytes == *representative_bytes && o < c.representative) {
            c.representative = o;
            *representative_bytes = bytes;
        }
        c.home = c.home.min(home);
    }
    let mut out: Vec<SurvivorCluster> = clusters
        .into_values()
        .map(|(c, _, steady_entries)| SurvivorCluster {
            entry_type: view.types.name_of(c.representative).to_string(),
            // Three in four: an entry matched at a reused address now and then
            // hangs off a holder that looks as if it grew.
            steady: steady_entries * 4 >= c.count * 3,
            ..c
        })
        .collect();
    out.sort_by(|a, b| a.home.cmp(&b.home).then(b.retained_bytes.cmp(&a.retained_bytes)).then(a.representative.cmp(&b.representative)));
    out.truncate(limit);
    for c in &mut out {
        if let Some((p, e)) = view.tree.parent(c.representative) {
            // An object's own `__dict__` is named by the object (as holders are).
            let named = match view.tree.parent(p) {
                Some((owner, d)) if view.heap.graph.label(d).kind() == RefKind::InstanceDict => owner,
                _ => p,
            };
            c.holder = view.python_name(named).unwrap_or_else(|| view.short(named));
            // A module's global (`__main__.recent`, `sys.excepthook`) is named whole.
            if let Some((module, key)) = view.module_global(p, e) {
                c.holder = format!("{module}.{key}");
                continue;
            }
            let label = view.heap.graph.label(e);
            let (kind, name) = normalized(view, p, e);
            c.step = if name == NO_STRING {
                match kind {
                    RefKind::Index | RefKind::DictValue => "[*]".to_string(),
                    RefKind::DictKey => " (as keys)".to_string(),
                    k => k.display(None),
                }
            } else {
                label.kind().display(view.snapshot.strings.get(name))
            };
        } else {
            c.root = true;
            c.holder = root_holder(view, c.representative, c.count);
            let d = view.description(c.representative);
            let d = d.strip_prefix("bound ").unwrap_or(d);
            let callable = matches!(short_type(&c.entry_type), "method" | "function");
            c.what = (callable && !d.is_empty()).then(|| format!("`{d}`"));
        }
    }
    out
}

/// What holds root `o`, in words: `references from C only` for a native root.
fn root_holder(view: &NamingView, o: ObjIdx, count: u64) -> String {
    let Some(root) = view.heap.roots.iter().find(|r| r.object == o) else { return format!("root {}", short_type(view.types.name_of(o))) };
    let name = view.snapshot.str(root.name);
    match root.kind {
        RootKind::Native => "references from C only (nothing in Python refers to them)".to_string(),
        RootKind::Thread => format!("the frame of thread `{name}`"),
        RootKind::Module if count > 1 => "`sys.modules` (each a module of its own, imported or made at run time)".to_string(),
        RootKind::Module => format!("module `{name}`"),
        RootKind::Builtins => "`builtins`".to_string(),
        RootKind::Unknown => format!("root {}", short_type(view.types.name_of(o))),
    }
}

/// The kind and kept name of reference `edge` from `from` (module doc).
fn normalized(view: &NamingView, from: ObjIdx, edge: u32) -> (RefKind, u32) {
    let label = view.heap.graph.label(edge);
    let keep = match label.kind() {
        RefKind::Index | RefKind::DictKey => false,
        RefKind::DictValue => {
            // A namespace dict (reached through `__dict__`, or a module's) keeps its keys.
            view.namespace_module(from).is_some()
                || view
                    .tree
                    .parent(from)
                    .is_some_and(|(_, e)| matches!(view.heap.graph.label(e).kind(), RefKind::InstanceDict | RefKind::ClassDict))
        }
        _ => true,
    };
    (label.kind(), if keep { label.name() } else { NO_STRING })
}

fn shape_of(view: &NamingView, shapes: &mut Shapes, born: &[u16], o: ObjIdx) -> u32 {
    // Walk up to a known shape, then intern on the way down.
    let mut stack = Vec::new();
    let mut at = o;
    loop {
        if shapes.of[at as usize] != UNSET {
            break;
        }
        stack.push(at);
        match view.tree.parent(at) {
            Some((p, _)) => at = p,
            None => break,
        }
    }
    while let Some(x) = stack.pop() {
        let ty = view.types.type_of(x);
        let key = match view.tree.parent(x) {
            Some((p, e)) => {
                let (kind, name) = normalized(view, p, e);
                (shapes.of[p as usize], kind as u8, name, ty)
            }
            // A root: its shape is its type and description (a module's
            // name) — but for a root made since the first snapshot, its type
            // alone: modules made per event (`sys.modules['plugin_17']`) are
            // one cluster, not one each.
            None if born.get(x as usize).is_some_and(|&b| b != 0) => (ROOT_SHAPE, u8::MAX, NO_STRING, ty),
            None => (ROOT_SHAPE, u8::MAX, view.heap.description[x as usize], ty),
        };
        let next = shapes.ids.len() as u32;
        let id = *shapes.ids.entry(key).or_insert(next);
        shapes.of[x as usize] = id;
    }
    shapes.of[o as usize]
}
