//! Leak suspects: where memory accumulates, named in Python's words, ranked
//! so that what the application keeps comes first, each with a fix.
//!
//! Passes ([`passes`]) find candidates:
//!
//! * **accumulation points**: a container whose dominator-tree children
//!   include at least [`passes::MIN_INSTANCES`] objects of one type making
//!   up at least half of what it keeps alive (an instance counts with its
//!   `__dict__`);
//!   An accumulation inside an item of another is part of it and dropped;
//!   a standard-library container whose items keep the application's
//!   objects is the application's;
//! * **collections of pending asyncio tasks** (by referrers: a task is also
//!   held by the future it waits on, so no container dominates it);
//! * **linked chains**: at least [`passes::MIN_INSTANCES`] objects of one
//!   application type, each dominating the next (`entry.prev`);
//! * **trees of the application's nodes**: objects of one application type
//!   each keeping its children in a container attribute (`node.children`),
//!   three levels or more ([`passes::node_trees`]);
//! * **objects held only from C** (native roots nothing in Python refers
//!   to, `atexit.register`), grouped by type and callback;
//! * **single objects** of the application retaining at least 1 % of the heap;
//! * **application types** whose instances retain at least 1 %;
//! * **garbage cycles** the collector will not free (it is disabled, or they
//!   are kept in `gc.garbage`), grouped by their main member type.
//!
//! Each candidate is then named ([`naming::Holder`]: `SessionStore._sessions`,
//! "`large_data` of module `app`", "default argument of `remember`", "local
//! `batch` of `consume` (thread `batcher`)", "the lru_cache of `render`") and
//! matched to a leak pattern ([`patterns::Pattern`]) from its shape: what
//! reaches it (a class dict, a closure cell, a function's defaults, a thread's
//! frame, an `lru_cache` wrapper made with `maxsize=None`, a `weakref.Weak*`
//! container) and what it holds (bound methods, tasks, `LogRecord`s,
//! exceptions with a traceback, closures). The pattern gives the fix.
//!
//! Ranking. Memory the interpreter owns ([`crate::analysis::owner`]) is
//! never a suspect by itself. The rest is ordered by owner (the application,
//! then third-party code), then by how surely the shape is a leak
//! ([`patterns::Pattern::strength`]: garbage the collector will not free and
//! unbounded caches first, ordinary module-level tables after), then by
//! retained size. The passes are linear in the number of objects plus the
//! children of candidate containers.

pub mod naming;
mod passes;
pub mod patterns;
pub mod tables;

pub use naming::Holder;
pub use patterns::Pattern;
pub use tables::{classify_type, ItemKind, TypeClass};

use std::collections::{HashMap, HashSet};

use crate::analysis::cycles;
use crate::analysis::owner::Owner;
use crate::analysis::strong_view::{Exclusions, StrongView};
use crate::analysis::Analysis;
use crate::graph::ObjIdx;
use crate::model::{Heap, RefKind, Snapshot};
use crate::units::format_bytes;
use naming::Ctx;
use passes::{closure_capture, has_traceback, partial_function, weak_container_of};

#[derive(Debug, Clone, PartialEq)]
pub enum SuspectKind {
    /// One object retains a large share of the heap.
    Object(ObjIdx),
    /// A type's instances together retain a large share.
    Type(String),
    /// `container` holds `instances` objects of `type_name`.
    Accumulation { container: ObjIdx, type_name: String, instances: u32 },
    /// `cycles` unreachable cycles whose main member type is `type_name`.
    Garbage { type_name: String, cycles: u32, objects: u64, example: ObjIdx },
}

impl SuspectKind {
    /// The object a person opens to see why it is alive.
    pub fn subject(&self) -> Option<ObjIdx> {
        match self {
            SuspectKind::Object(o) => Some(*o),
            SuspectKind::Accumulation { container, .. } => Some(*container),
            SuspectKind::Garbage { example, .. } => Some(*example),
            SuspectKind::Type(_) => None,
        }
    }
}

/// One suspect, as structured data each front formats.
#[derive(Debug, Clone, PartialEq)]
pub struct Suspect {
    pub kind: SuspectKind,
    /// The cause its shape points to.
    pub pattern: Pattern,
    /// What holds the memory, in Python's words.
    pub holder: Holder,
    pub owner: Owner,
    /// How many items it holds (instances, tasks, cycles; 1 for an object).
    pub count: u64,
    /// What the items are, e.g. "bound methods `Ctx.on_close`", "`__main__.Session` objects".
    pub items: String,
    pub retained_bytes: u64,
    /// Share of the reachable bytes, 0 to 1 (garbage: relative to the reachable bytes too).
    pub share: f64,
    /// The one-line fix, in Python terms.
    pub fix: String,
    /// The whole finding as one sentence (a front may compose its own from the fields).
    pub reason: String,
}

/// At most `limit` suspects, most likely leaks first (see the module doc).
/// How many of the largest dict suspects are compared for side tables.
const SIDE_TABLES_COMPARED: usize = 64;

/// A type's row is left out when holders of that type already reported
/// retain this share of what its instances retain.
const COVERED_TYPE_SHARE: f64 = 0.8;

pub fn suspects(snapshot: &Snapshot, heap: &Heap, a: &Analysis, limit: usize) -> Vec<Suspect> {
    let cx = Ctx::new(snapshot, heap, &a.types, &a.dominators, &a.owners);
    let total = a.dominators.reachable_bytes().max(1);
    let share = |b: u64| b as f64 / total as f64;
    let collector = Collector::of(snapshot, heap);
    let gc_disabled = collector.never_runs();
    let mut out: Vec<Suspect> = Vec::new();
    let mut reported: HashSet<ObjIdx> = HashSet::new();

    let mut accs = Vec::new();
    let mut generated: HashMap<ObjIdx, passes::GeneratedKeys> = HashMap::new();
    for acc in passes::accumulations(&cx, heap.object_count()) {
        // The blocks of an `itertools.tee` buffer: reported whole below.
        if cx.type_name(acc.container) == passes::TEE_BLOCK {
            continue;
        }
        // A module's namespace holding functions, classes or modules holds
        // its own definitions and imports, not an accumulation (a script
        // dumped while its `<module>` frame runs: the frame shares the
        // namespace, so the module does not dominate it) — unless there are
        // hundreds (`globals()[name] = f` per event).
        let definitions = matches!(
            a.types.names[acc.type_id as usize].as_str(),
            "builtins.function" | "builtins.builtin_function_or_method" | "builtins.module"
        ) || cx.is_type_object(acc.example);
        if definitions && acc.count < passes::MIN_PROGRAM_MADE && cx.namespace_module(acc.container).is_some() {
            continue;
        }
        // Weak references in a weak container (the `KeyedRef` values of a
        // `WeakValueDictionary`, a `WeakSet`'s refs) are its own storage:
        // an entry lasts while something else keeps its object, which is
        // the holder to find.
        if weak_container_of(&cx, acc.container).is_some() && tables::is_weak_reference(&a.types.names[acc.type_id as usize]) {
            continue;
        }
        // Keys made per event (`'req-1041'`, see `passes::generated_keys`):
        // the dict is a log, not a table. A dict subclass (a framework's
        // `Config(dict)`) is a mapping too.
        let mapping = tables::is_mapping(a.types.name_of(acc.node)) || passes::has_dict_entries(&cx, acc.node);
        let keys = if mapping { passes::generated_keys(&cx, acc.node) } else { None };
        let owner = accumulation_owner(&cx, a, &acc, keys.as_ref());
        if let Some(keys) = keys.filter(|_| owner != Owner::Interpreter) {
            generated.insert(acc.container, keys);
        }
        if owner != Owner::Interpreter {
            accs.push((acc, owner));
        }
    }
    let kept = passes::drop_nested(&cx, accs.iter().map(|(acc, _)| acc.clone()).collect());
    let kept: HashSet<ObjIdx> = kept.iter().map(|acc| acc.container).collect();
    // Trees keyed per event (a trie of nested dicts, node objects with a
    // `children` dict): the levels that grow are one leak, named by the
    // tree's top (see `passes::tree_top`).
    let mut trees: Vec<Tree> = Vec::new();
    let accs: Vec<(passes::Accumulation, Owner)> = accs.into_iter().filter(|(acc, _)| kept.contains(&acc.container)).collect();
    // Lists that are values of one index (`stats[role][route].append(x)`):
    // two or more of them growing, with no pattern of their own, are one
    // leak named by the index's top (see `passes::index_top`).
    let mut index_of: HashMap<ObjIdx, ObjIdx> = HashMap::new();
    let mut per_index: HashMap<ObjIdx, u32> = HashMap::new();
    for (acc, _) in &accs {
        if let Some(top) = passes::index_top(&cx, acc.container) {
            if classify_accumulation(&cx, acc).0.strength() == 2 {
                index_of.insert(acc.container, top);
                *per_index.entry(top).or_default() += 1;
            }
        }
    }
    index_of.retain(|_, top| per_index[top] >= 2);
    let mut indexes: Vec<Index> = Vec::new();
    // Findings whose fix is their object's class's (see `class_fix_of`):
    // (index in `out`, the object).
    let mut by_class_object: Vec<(usize, ObjIdx)> = Vec::new();
    // Containers whose fix their (or their owner's) class gives.
    let mut class_fixed: HashSet<ObjIdx> = HashSet::new();
    // Deques with a `maxlen`: no leak, listed after the rest.
    let mut bounded: HashSet<ObjIdx> = HashSet::new();
    for (acc, owner) in accs {
        reported.insert(acc.container);
        if let Some(&top) = index_of.get(&acc.container) {
            match indexes.iter_mut().find(|i| i.top == top) {
                Some(i) => {
                    i.count += acc.count;
                    i.lists += 1;
                    i.owner = i.owner.min(owner);
                    match i.item_types.iter_mut().find(|(t, _)| *t == acc.type_id) {
                        Some((_, n)) => *n += acc.count,
                        None => i.item_types.push((acc.type_id, acc.count)),
                    }
                }
                None => indexes.push(Index {
                    top,
                    owner,
                    list_type: cx.types.type_of(acc.container),
                    item_types: vec![(acc.type_id, acc.count)],
                    count: acc.count,
                    lists: 1,
                }),
            }
            continue;
        }
        if let Some(top) = generated.get(&acc.container).and_then(|_| passes::tree_top(&cx, &acc)) {
            match trees.iter_mut().find(|t| t.top == top) {
                Some(t) => {
                    t.count += acc.count;
                    t.branches += 1;
                }
                None => trees.push(Tree { top, owner, type_id: acc.type_id, count: acc.count, branches: 1, keys: acc.container }),
            }
            continue;
        }
        let (pattern, holder, items) = classify_accumulation(&cx, &acc);
        let retained = a.dominators.retained_bytes(acc.container);
        let type_name = a.types.names[acc.type_id as usize].clone();
        let keyed = generated.get(&acc.container).map_or(String::new(), |k| {
            format!(" under keys made per event ({} of the {} keys read hold an id, such as `{}`)", k.count, k.read, k.example)
        });
        let reason = format!(
            "{holder} holds {} {items}{keyed} ({:.0}% of what it keeps alive), {} retained",
            acc.count,
            (100.0 * acc.item_bytes as f64 / retained.max(1) as f64).min(100.0),
            format_bytes(retained)
        );
        let by_class = class_fix_of(&cx, acc.container, &holder);
        if let Some((object, _)) = &by_class {
            by_class_object.push((out.len(), *object));
            class_fixed.insert(acc.container);
        }
        let maxlen = deque_maxlen(&cx, acc.container);
        if maxlen.is_some() {
            bounded.insert(acc.container);
        }
        let fix = match generated.get(&acc.container) {
            // A deque(maxlen=N): it stops at its bound.
            _ if maxlen.is_some() => bounded_deque_fix(&holder, maxlen.unwrap_or_default()),
            // A mock's calls, a pickler's memo: the class's own API is the fix.
            _ if by_class.is_some() => by_class.map(|(_, fix)| fix).unwrap_or_default(),
            // A dict keyed by ids that keeps itself under its own: deepcopy's memo.
            _ if tables::is_deepcopy_memo(snapshot, heap, &a.types, acc.container) => patterns::deepcopy_memo_fix(&holder_code(&holder).1),
            // An lru_cache with a maxsize is no leak: it stops at its bound.
            _ if lru_wrapper_of(&cx, acc.container).and_then(|w| cx.cache_is_unbounded(w)) == Some(false) => bounded_cache_fix(&holder),
            // An object's own `__dict__` under names made per event: `setattr(g, …)`.
            Some(k) if pattern.strength() == 2 && acc.node != acc.container => attributes_fix(&holder, k),
            Some(k) if pattern.strength() == 2 => keyed_fix(&holder, k),
            _ => pattern.fix(&holder, gc_disabled),
        };
        let fix = tables::with_release(fix, &type_name);
        out.push(Suspect {
            kind: SuspectKind::Accumulation { container: acc.container, type_name, instances: acc.count },
            fix,
            pattern,
            holder,
            owner,
            count: acc.count as u64,
            items,
            retained_bytes: retained,
            share: share(retained),
            reason,
        });
    }

    // One object, one finding: a mock's call lists (`mock_calls`,
    // `method_calls`) are the mock's; the finding that retains most stays.
    let mut keep: HashMap<ObjIdx, usize> = HashMap::new();
    for &(i, object) in &by_class_object {
        let best = keep.entry(object).or_insert(i);
        if out[i].retained_bytes > out[*best].retained_bytes {
            *best = i;
        }
    }
    let dropped: HashSet<usize> = by_class_object.iter().map(|&(i, _)| i).filter(|i| !keep.values().any(|k| k == i)).collect();
    let mut i = 0;
    out.retain(|_| {
        i += 1;
        !dropped.contains(&(i - 1))
    });

    for t in trees {
        if !reported.insert(t.top) {
            continue;
        }
        let Some(keys) = generated.get(&t.keys).map(|k| (k.template.clone(), k.example.clone())) else { continue };
        let holder = cx.holder(t.top);
        let pattern = plain_pattern(&holder, tables::is_mapping(cx.type_name(t.top)));
        let retained = a.dominators.retained_bytes(t.top);
        let type_name = a.types.names[t.type_id as usize].clone();
        let items = format!("`{type_name}` objects");
        let (name, _) = holder_code(&holder);
        // Ranked with the keyed dicts it is made of.
        generated.insert(
            t.top,
            passes::GeneratedKeys { template: keys.0, count: t.count, read: t.count, in_template: t.count, example: keys.1.clone() },
        );
        out.push(Suspect {
            kind: SuspectKind::Accumulation { container: t.top, type_name, instances: t.count },
            fix: format!("`{name}` is a tree that gains a branch per key such as `{}` (an id among its keys) and never loses one: key it by what repeats (the route, not the id in it), prune a branch when its request or session is over, or bound it", keys.1),
            reason: format!(
                "{holder} holds a tree keyed per event: {} {items} in {} growing branches under keys such as `{}`, {} retained",
                t.count,
                t.branches,
                keys.1,
                format_bytes(retained)
            ),
            pattern,
            holder,
            owner: t.owner,
            count: t.count as u64,
            items,
            retained_bytes: retained,
            share: share(retained),
        });
    }

    for i in indexes {
        if !reported.insert(i.top) {
            continue;
        }
        let holder = cx.holder(i.top);
        let pattern = plain_pattern(&holder, false);
        let retained = a.dominators.retained_bytes(i.top);
        // The lists' item types, most items first: `float` and `int`.
        let mut item_types = i.item_types.clone();
        item_types.sort_by_key(|&(t, n)| (std::cmp::Reverse(n), t));
        let named: Vec<String> = item_types.iter().take(2).map(|&(t, _)| format!("`{}`", a.types.names[t as usize])).collect();
        let item_type = match item_types.len() {
            1 => named[0].clone(),
            2 => format!("{} and {}", named[0], named[1]),
            _ => format!("{}, {} and other", named[0], named[1]),
        };
        let list_type = a.types.names[i.list_type as usize].clone();
        let list = list_type.strip_prefix("builtins.").unwrap_or(&list_type);
        let items = format!("{item_type} objects in {} {list}s", i.lists);
        let (name, _) = holder_code(&holder);
        let name = if name == "the dict" { holder.to_string() } else { format!("`{name}`") };
        out.push(Suspect {
            // Ranked as a mapping of lists: a log per key.
            kind: SuspectKind::Accumulation { container: i.top, type_name: list_type.clone(), instances: i.count },
            fix: format!(
                "{name} is an index of {list}s that are only appended to ({} of them growing): trim each {list} (a deque(maxlen=N), or keep a count or a running summary instead of every item), or drop a key's {list} when it is no longer needed",
                i.lists
            ),
            reason: format!(
                "{holder} holds {} {items} (an index whose {list}s only grow), {} retained",
                i.count,
                format_bytes(retained)
            ),
            pattern,
            holder,
            owner: i.owner,
            count: i.count as u64,
            items,
            retained_bytes: retained,
            share: share(retained),
        });
    }

    for (container, count, bytes) in passes::pending_tasks(&cx, a) {
        if !reported.insert(container) {
            continue;
        }
        let holder = cx.holder(container);
        let pattern = Pattern::PendingTasks;
        out.push(Suspect {
            kind: SuspectKind::Accumulation { container, type_name: "asyncio.Task".into(), instances: count },
            fix: pattern.fix(&holder, gc_disabled),
            reason: format!(
                "{holder} holds {count} pending asyncio tasks that have not finished, {} retained by them",
                format_bytes(bytes)
            ),
            pattern,
            holder,
            owner: a.owners.of(container),
            count: count as u64,
            items: "pending asyncio tasks".into(),
            retained_bytes: bytes,
            share: share(bytes),
        });
    }

    for m in passes::runtime_modules(&cx) {
        if !reported.insert(m.dict) {
            continue;
        }
        let holder = cx.holder(m.dict);
        let items = runtime_module_items(&cx, &holder, m.example);
        let pattern = Pattern::ModuleRegistry;
        out.push(Suspect {
            kind: SuspectKind::Accumulation { container: m.dict, type_name: "builtins.module".into(), instances: m.count },
            fix: pattern.fix(&holder, gc_disabled),
            reason: format!(
                "{holder} holds {} {items}, named from one template (`{}`), {} retained by them",
                m.count,
                m.keys.template,
                format_bytes(m.bytes)
            ),
            pattern,
            holder,
            owner: Owner::Application,
            count: m.count as u64,
            items,
            retained_bytes: m.bytes,
            share: share(m.bytes),
        });
    }

    for c in passes::chains(&cx) {
        if !reported.insert(c.head) {
            continue;
        }
        let type_name = a.types.names[c.type_id as usize].clone();
        let class = type_name.rsplit('.').next().unwrap_or(&type_name).to_string();
        let holder = cx.holder(c.head);
        let pattern = Pattern::LinkedChain;
        let retained = a.dominators.retained_bytes(c.head);
        let link = c.link.as_ref().map_or(String::new(), |l| format!(", each keeping the next through `.{l}`"));
        let items = format!("`{type_name}` objects{link}");
        out.push(Suspect {
            kind: SuspectKind::Accumulation { container: c.head, type_name: type_name.clone(), instances: c.length },
            fix: pattern
                .fix(&holder, gc_disabled)
                .replace("obj.prev", &format!("{}.{}", class.to_lowercase(), c.link.as_deref().unwrap_or("link"))),
            reason: format!("{holder} holds a chain of {} {items}, {} retained", c.length, format_bytes(retained)),
            pattern,
            holder,
            owner: a.owners.of(c.head),
            count: c.length as u64,
            items,
            retained_bytes: retained,
            share: share(retained),
        });
    }

    for c in passes::closure_chains(&cx) {
        if !reported.insert(c.head) {
            continue;
        }
        let function = cx.desc(c.head).to_string();
        let holder = cx.holder(c.head);
        let pattern = Pattern::LinkedChain;
        let retained = a.dominators.retained_bytes(c.head);
        let link = c.link.as_deref().unwrap_or("prev");
        let items = format!("closures `{function}`, each keeping the one it replaced through its captured `{link}`");
        let short = function.rsplit('.').next().unwrap_or(&function);
        out.push(Suspect {
            kind: SuspectKind::Accumulation { container: c.head, type_name: "builtins.function".to_string(), instances: c.length },
            fix: format!(
                "each call makes a new `{short}` that wraps the one before it (its `{link}`), so every one stays alive with what it captured: install the wrapper once (check whether it is already installed, or keep the original and wrap that), or capture only what it needs instead of the previous wrapper"
            ),
            reason: format!("{holder} holds a chain of {} {items}, {} retained", c.length, format_bytes(retained)),
            pattern,
            holder,
            owner: c.owner,
            count: c.length as u64,
            items,
            retained_bytes: retained,
            share: share(retained),
        });
    }

    for t in passes::node_trees(&cx) {
        if !reported.insert(t.top) {
            continue;
        }
        let type_name = a.types.names[t.type_id as usize].clone();
        let holder = cx.holder(t.top);
        let pattern = plain_pattern(&holder, false);
        let retained = t.bytes;
        let items = format!("`{type_name}` objects in a tree, each node keeping its children");
        let (name, _) = holder_code(&holder);
        let name = if name == "the dict" { holder.to_string() } else { format!("`{name}`") };
        out.push(Suspect {
            kind: SuspectKind::Accumulation { container: t.top, type_name: type_name.clone(), instances: t.nodes },
            fix: format!("{name} is a tree whose nodes are added and never removed: remove a node from its parent's children when its work is done (and drop its parent link, or make that a weakref.ref), prune old branches, or bound how many children a node keeps"),
            reason: format!("{holder} holds {} {items} ({} levels), {} retained", t.nodes, t.levels, format_bytes(retained)),
            pattern,
            holder,
            owner: a.owners.of(t.top),
            count: t.nodes as u64,
            items,
            retained_bytes: retained,
            share: share(retained),
        });
    }

    for t in passes::tee_backlogs(&cx) {
        if !reported.insert(t.head) {
            continue;
        }
        let holder = cx.holder(t.iterator.unwrap_or(t.head));
        let pattern = Pattern::TeeBacklog;
        let retained = a.dominators.retained_bytes(t.head);
        let type_name = a.types.name_of(t.example).to_string();
        let items = format!("`{type_name}` objects buffered by `itertools.tee` for an iterator that falls behind");
        out.push(Suspect {
            kind: SuspectKind::Accumulation { container: t.head, type_name, instances: t.items },
            fix: pattern.fix(&holder, gc_disabled),
            reason: format!("{holder} holds {} {items} (in {} blocks), {} retained", t.items, t.blocks, format_bytes(retained)),
            pattern,
            holder,
            owner: a.owners.of(t.iterator.unwrap_or(t.head)),
            count: t.items as u64,
            items,
            retained_bytes: retained,
            share: share(retained),
        });
    }

    for n in passes::native_held(&cx) {
        let type_name = a.types.names[n.type_id as usize].as_str();
        let items = match type_name {
            "builtins.method" => {
                let what = cx.desc(n.example);
                format!("bound methods `{}` (and through them their instances)", what.strip_prefix("bound ").unwrap_or(what))
            }
            "builtins.function" => format!("functions `{}` (and what they capture)", cx.desc(n.example)),
            _ => format!("`{type_name}` objects"),
        };
        let pattern = Pattern::NativeHeld;
        let holder = Holder::Native;
        out.push(Suspect {
            kind: SuspectKind::Object(n.example),
            fix: pattern.fix(&holder, gc_disabled),
            reason: format!(
                "{} {items} are held only from C (nothing in Python refers to them), {} retained",
                n.count,
                format_bytes(n.bytes)
            ),
            pattern,
            holder,
            owner: n.owner,
            count: n.count as u64,
            items,
            retained_bytes: n.bytes,
            share: share(n.bytes),
        });
    }

    for o in passes::large_objects(&cx, &reported) {
        let holder = cx.holder(o);
        // A bounded lru_cache's dict: no leak, and said already when its
        // wrapper was an accumulation.
        let bounded_cache = lru_wrapper_of(&cx, o).filter(|&w| cx.cache_is_unbounded(w) == Some(false));
        if bounded_cache.is_some_and(|w| reported.contains(&w)) {
            continue;
        }
        let pattern = match &holder {
            Holder::ClosureCell { .. } => Pattern::ClosureCell,
            Holder::DefaultArgument { .. } => Pattern::DefaultArgument,
            Holder::ThreadLocal { .. } => Pattern::ThreadLocal,
            Holder::ContextVar { .. } => Pattern::ContextVar,
            Holder::FrameLocal { thread: Some(_), .. } => Pattern::FrameLocal,
            Holder::RaisedIn { .. } => Pattern::StoredExceptions,
            Holder::ClassAttribute { .. } => Pattern::ClassAttribute,
            Holder::Cache { .. } if bounded_cache.is_some() => Pattern::LargeObject,
            Holder::Cache { .. } => Pattern::UnboundedCache,
            // A buffer a program writes to (a StringIO of debug output, a
            // bytearray extended per request): a log, like a list appended to.
            Holder::ModuleGlobal { .. } | Holder::InstanceAttribute { .. } if tables::is_buffer(cx.type_name(o)) => Pattern::GrowingBuffer,
            // One string of 1 % of the heap or more in a variable of the
            // program's (not a dunder such as `__doc__`): built by `+=` per
            // event (`self.text += line`), a log kept as one str.
            Holder::ModuleGlobal { name, .. } | Holder::InstanceAttribute { name, .. }
                if is_text(cx.type_name(o)) && !name.starts_with("__") =>
            {
                Pattern::GrowingBuffer
            }
            _ => Pattern::LargeObject,
        };
        let fix = match (&holder, pattern) {
            _ if bounded_cache.is_some() => bounded_cache_fix(&holder),
            (Holder::ModuleGlobal { name, .. }, Pattern::GrowingBuffer) if is_text(cx.type_name(o)) => growing_text_fix(name),
            (Holder::InstanceAttribute { name, .. }, Pattern::GrowingBuffer) if is_text(cx.type_name(o)) => {
                growing_text_fix(&format!("self.{name}"))
            }
            _ => pattern.fix(&holder, gc_disabled),
        };
        let retained = a.dominators.retained_bytes(o);
        let items = format!("`{}`", cx.type_name(o));
        out.push(Suspect {
            kind: SuspectKind::Object(o),
            fix,
            reason: format!(
                "{holder} ({}) retains {:.0}% of reachable memory ({} in {} objects)",
                cx.short(o),
                100.0 * share(retained),
                format_bytes(retained),
                a.dominators.retained_count(o)
            ),
            pattern,
            holder,
            owner: a.owners.of(o),
            count: 1,
            items,
            retained_bytes: retained,
            share: share(retained),
        });
    }

    for row in &a.by_type {
        // Few rows pass the share test; only those look their type up.
        if share(row.retained_bytes) < passes::MIN_USER_TYPE_SHARE {
            continue;
        }
        let Some(t) = a.types.find(&row.name) else { continue };
        let owner = a.owners.of_type(t);
        if owner == Owner::Interpreter {
            continue;
        }
        // A type whose instances are holders reported above (one `g`
        // object whose attributes accumulate): the same finding again.
        let covered: u64 = reported.iter().filter(|&&o| a.types.type_of(o) == t).map(|&o| a.dominators.retained_bytes(o)).sum();
        if covered as f64 >= COVERED_TYPE_SHARE * row.retained_bytes as f64 {
            continue;
        }
        let holder = cx.type_holder(t);
        let pattern = Pattern::LargeType;
        out.push(Suspect {
            kind: SuspectKind::Type(row.name.clone()),
            fix: pattern.fix(&holder, gc_disabled),
            reason: format!(
                "{} {} objects retain {} ({:.0}% of reachable memory)",
                row.count,
                row.name,
                format_bytes(row.retained_bytes),
                100.0 * share(row.retained_bytes)
            ),
            pattern,
            holder,
            owner,
            count: row.count,
            items: format!("`{}` objects", row.name),
            retained_bytes: row.retained_bytes,
            share: share(row.retained_bytes),
        });
    }

    {
        // A collector that runs frees them soon, unless they are much of the heap.
        let least =
            if collector == Collector::Enabled { ((LARGE_GARBAGE_SHARE * total as f64) as u64).max(LARGE_GARBAGE_BYTES) } else { 0 };
        for GarbageCause { group: g, fix } in garbage_causes(&cx, a, collector, least) {
            let type_name = a.types.names[g.type_id as usize].clone();
            let class = type_name.rsplit('.').next().unwrap_or(&type_name).to_string();
            let holder = Holder::Garbage { type_name: class.clone() };
            out.push(Suspect {
                kind: SuspectKind::Garbage { type_name, cycles: g.cycles, objects: g.objects, example: g.example },
                fix,
                reason: format!(
                    "{} unreachable cycles of `{class}` ({}): {} objects, {} {}",
                    g.cycles,
                    collector.why(),
                    g.objects,
                    format_bytes(g.size_bytes),
                    collector.stays()
                ),
                pattern: Pattern::GarbageCycles,
                holder,
                owner: a.owners.of_type(g.type_id),
                count: g.cycles as u64,
                items: format!("unreachable cycles of `{class}`"),
                retained_bytes: g.size_bytes,
                share: share(g.size_bytes),
            });
        }
    }

    out.retain(|s| s.owner != Owner::Interpreter);
    // Side tables: a dict keyed like a bigger table (a cache of pages by
    // user id beside the users by id) holds something derived per key the
    // program met, and ranks with the lists (see `passes::keyed_like`).
    let tables: Vec<(usize, ObjIdx, u32)> = out
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.kind {
            SuspectKind::Accumulation { container, type_name, instances }
                if patterns::rank(s.pattern, Some(a.types.name_of(*container)), Some(type_name), generated.contains_key(container))
                    == 3 =>
            {
                Some((i, *container, *instances))
            }
            _ => None,
        })
        .collect();
    // Only the largest tables are compared, each with every bigger one, and
    // each one's keys are gathered once: a heap with thousands of dicts of
    // 50 or more entries must not compare every pair (the rule matters for
    // the first suspects).
    let mut tables = tables;
    tables.sort_by_key(|&(i, _, _)| std::cmp::Reverse(out[i].retained_bytes));
    tables.truncate(SIDE_TABLES_COMPARED);
    tables.sort_by_key(|&(i, _, _)| i);
    let mut keys_of: HashMap<ObjIdx, HashSet<&str>> = HashMap::new();
    let mut side: HashSet<ObjIdx> = HashSet::new();
    for &(i, small, n) in &tables {
        // A standard-library object's own table (a selector's `_fd_to_key`,
        // by file descriptor) is keyed by what its code chose: small ints
        // shared with the program's table (users by uid) are a coincidence.
        if matches!(out[i].holder, Holder::Within { .. }) {
            continue;
        }
        let bigger = tables.iter().find(|&&(_, b, m)| {
            b != small
                && m > n
                && passes::keyed_like(&cx, small, keys_of.entry(b).or_insert_with(|| passes::dict_key_names(&cx, b).collect()))
        });
        let Some(&(j, _, m)) = bigger else {
            continue;
        };
        let (table, _) = holder_code(&out[j].holder);
        let table = if table == "the dict" { out[j].holder.to_string() } else { format!("`{table}`") };
        let s = &mut out[i];
        let (name, code) = holder_code(&s.holder);
        s.reason = s.reason.replacen(
            &format!(" {}", s.items),
            &format!(" {} under keys of {table} (a cache or side table of it: {n} of its {m} keys)", s.items),
            1,
        );
        s.fix = format!(
            "`{name}` gains an entry for each key of {table} the program meets and never loses one: bound it (functools.lru_cache(maxsize=N) or an LRU that evicts the oldest), or remove the entry when its {table} entry goes (`{code}.pop(key, None)`)"
        );
        side.insert(small);
    }
    // Dicts keyed by the objects they were given (a session's pending
    // objects by their state): an entry per object, none ever removed by
    // itself — ranked with the lists too (see `passes::object_keys`).
    for &(i, dict, _) in &tables {
        if side.contains(&dict) {
            continue;
        }
        let Some(key_type) = passes::object_keys(&cx, dict) else { continue };
        let s = &mut out[i];
        let (name, code) = holder_code(&s.holder);
        s.reason = s.reason.replacen(&format!(" {}", s.items), &format!(" {} under keys that are `{key_type}` objects", s.items), 1);
        s.fix = format!(
            "`{name}` gains an entry for each `{key_type}` it is given and loses none by itself: remove the entry when that object is done (`{code}.pop(obj, None)`, or close what owns the dict), or use a weakref.WeakKeyDictionary"
        );
        side.insert(dict);
    }
    let rank = |s: &Suspect| {
        let (container, items, keyed) = match &s.kind {
            // A mapping whose class explains why it only grows (a selector's
            // keys until unregister(), a pickler's memo) is no table the
            // program looks things up in: it ranks with the lists.
            SuspectKind::Accumulation { container, type_name, .. } => (
                Some(a.types.name_of(*container)),
                Some(type_name.as_str()),
                generated.contains_key(container) || side.contains(container) || class_fixed.contains(container),
            ),
            _ => (None, None, false),
        };
        let last = matches!(&s.kind, SuspectKind::Accumulation { container, .. } if bounded.contains(container));
        (s.owner, if last { u8::MAX } else { patterns::rank(s.pattern, container, items, keyed) })
    };
    out.sort_by(|x, y| rank(x).cmp(&rank(y)).then(y.retained_bytes.cmp(&x.retained_bytes)));
    out.truncate(limit);
    out
}

/// What the cycle collector does with unreachable cycles, from what the
/// snapshot recorded (`process.gc`, the `garbage` flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collector {
    /// `gc.disable()`: unreachable cycles are never freed.
    Disabled,
    /// `gc.set_threshold(0)`: no automatic collection.
    NoAutomatic,
    /// A first-generation threshold of [`RARE_THRESHOLD`] or more (this
    /// one): automatic collection is rare.
    Rare(u64),
    /// Some objects are kept in `gc.garbage` (`gc.DEBUG_SAVEALL`, or
    /// uncollectable before Python 3.4).
    SavesGarbage,
    /// Enabled: unreachable cycles wait for the next collection.
    Enabled,
}

/// A first-generation gc threshold from which automatic collection is rare
/// (CPython's default is 700, 2000 from 3.13).
pub const RARE_THRESHOLD: u64 = 20_000;

/// Unreachable cycles waiting for a collector that does run are a suspect
/// once they are this share of the reachable memory, and at least
/// [`LARGE_GARBAGE_BYTES`]: that much of the heap stays until the next full
/// collection.
pub const LARGE_GARBAGE_SHARE: f64 = 0.1;
/// See [`LARGE_GARBAGE_SHARE`].
pub const LARGE_GARBAGE_BYTES: u64 = 1 << 20;

impl Collector {
    pub fn of(snapshot: &Snapshot, heap: &Heap) -> Collector {
        // `[700, 10, 10]`: the first generation's threshold.
        let threshold = snapshot
            .process
            .get("gc.thresholds")
            .and_then(|t| t.trim().strip_prefix('[')?.split([',', ']']).next()?.trim().parse::<u64>().ok());
        if snapshot.process.get("gc.enabled") == Some("false") {
            Collector::Disabled
        } else if threshold == Some(0) {
            Collector::NoAutomatic
        } else if let Some(t) = threshold.filter(|&t| t >= RARE_THRESHOLD) {
            Collector::Rare(t)
        } else if heap.flags.iter().any(|f| f & crate::model::flags::GARBAGE != 0) {
            Collector::SavesGarbage
        } else {
            Collector::Enabled
        }
    }

    /// The collector never runs by itself.
    pub fn never_runs(self) -> bool {
        matches!(self, Collector::Disabled | Collector::NoAutomatic)
    }

    /// Why unreachable cycles stay: "gc is disabled".
    pub fn why(self) -> String {
        match self {
            Collector::Disabled => "gc is disabled".into(),
            Collector::NoAutomatic => "automatic collection is off (threshold 0)".into(),
            Collector::Rare(t) => format!("automatic collection is rare: gc threshold {t}"),
            Collector::SavesGarbage => "kept in gc.garbage".into(),
            Collector::Enabled => "waiting for the collector".into(),
        }
    }

    /// How long the memory of unreachable cycles stays, after their size.
    fn stays(self) -> &'static str {
        match self {
            Collector::Enabled => "that stay until the next full collection",
            Collector::Rare(_) => "that stay until a collection runs",
            _ => "that the collector will not free",
        }
    }

    /// The fix for unreachable cycles, after `cycle_fix` (breaking the
    /// cycle) when one cycle names the reference to break.
    pub fn fix(self, cycle_fix: Option<&str>) -> String {
        let Some(cycle_fix) = cycle_fix else {
            return match self {
                Collector::Disabled => Pattern::GarbageCycles.fix(&Holder::Garbage { type_name: String::new() }, true),
                Collector::NoAutomatic => {
                    "restore automatic collection (gc.set_threshold(700)) or call gc.collect() periodically, or break the cycle: make the back reference a weakref.ref".to_string()
                }
                Collector::Rare(_) => {
                    "lower the gc threshold (gc.set_threshold(700)) or call gc.collect() periodically, or break the cycle: make the back reference a weakref.ref".to_string()
                }
                Collector::SavesGarbage => Pattern::GarbageCycles.fix(&Holder::Garbage { type_name: String::new() }, false),
                Collector::Enabled => {
                    "call gc.collect() before the dump to see whether they go; break the cycle (make the back reference a weakref.ref) to free them at once".to_string()
                }
            };
        };
        match self {
            Collector::Disabled => format!("{cycle_fix}; or re-enable the collector (gc.enable())"),
            Collector::NoAutomatic => {
                format!("{cycle_fix}; or restore automatic collection (gc.set_threshold(700)) or call gc.collect() periodically")
            }
            Collector::Rare(_) => {
                format!("{cycle_fix}; or lower the gc threshold (gc.set_threshold(700)) or call gc.collect() periodically")
            }
            Collector::SavesGarbage => format!("{cycle_fix}; empty gc.garbage and stop gc.DEBUG_SAVEALL"),
            Collector::Enabled => format!("{cycle_fix} to free them at once; call gc.collect() before the dump to see whether they go"),
        }
    }
}

/// Unreachable cycles of one heap grouped by main member type (see
/// `passes::garbage`), each with its fix.
pub(crate) struct GarbageCause {
    pub group: passes::GarbageGroup,
    pub fix: String,
}

/// The garbage of one heap, each group with the reference to break named
/// from one of its cycles and the collector's part of the fix.
pub(crate) fn garbage_causes(cx: &Ctx, a: &Analysis, collector: Collector, least_bytes: u64) -> Vec<GarbageCause> {
    let none = Exclusions::none();
    let view = StrongView::new(&cx.heap.graph, &none);
    passes::garbage(cx, a)
        .into_iter()
        .filter(|group| group.size_bytes >= least_bytes)
        .map(|group| {
            let mut example = cycles::describe(cx.heap, &view, &a.types, &group.members, &a.distances, &a.dominators);
            cycles::explain(cx, &mut example);
            let cycle_fix = example.suggested_break.and_then(|b| b.python).map(|_| example.fix);
            GarbageCause { fix: collector.fix(cycle_fix.as_deref()), group }
        })
        .collect()
}

/// Lists (sets, deques) growing in one index (see `passes::index_top`).
struct Index {
    top: ObjIdx,
    owner: Owner,
    /// The type of the lists.
    list_type: u32,
    /// The types of their items, with how many of each.
    item_types: Vec<(u32, u32)>,
    count: u32,
    lists: u32,
}

/// Accumulations keyed per event that are levels of one tree.
struct Tree {
    top: ObjIdx,
    owner: Owner,
    type_id: u32,
    count: u32,
    branches: u32,
    /// The container whose keys are quoted.
    keys: ObjIdx,
}

/// Whose leak an accumulation is: its container's or its items' owner,
/// then the rules that give the interpreter's or a library's containers to
/// the application when what they hold is the program's doing.
/// `keyed_per_event`: the container is a mapping under keys made per event.
fn accumulation_owner(cx: &Ctx, a: &Analysis, acc: &passes::Accumulation, keys: Option<&passes::GeneratedKeys>) -> Owner {
    let keyed_per_event = keys.is_some();
    let mut owner = a.owners.of(acc.container).min(a.owners.of(acc.example));
    let item_type = a.types.names[acc.type_id as usize].as_str();
    let many = acc.count >= passes::MIN_PROGRAM_MADE;
    // The owner of the code the items call back, if they are callbacks (read for many items only).
    let callbacks = if many { passes::callback_owner(cx, acc.example) } else { None };
    // A standard-library container of standard-library objects (not builtins
    // other than functions and bound methods: callbacks) is the
    // application's when those objects keep the application's alive.
    let callable_items = matches!(item_type, "builtins.method" | "builtins.function");
    if owner == Owner::Interpreter && (callable_items || !item_type.starts_with("builtins.")) {
        owner = passes::owner_of_kept(cx, acc.example).unwrap_or(Owner::Interpreter);
    }
    // A ContextVar's value is its variable's: the application's list in
    // the interpreter's Context (the main thread's) is the application's.
    if owner == Owner::Interpreter {
        if let Some(var) = cx.context_var_of(acc.container) {
            owner = a.owners.of(var);
        }
    }
    // Loggers, handlers, timers and finalizers are made by a program's
    // calls: the standard library makes a handful, hundreds are the
    // program's — unless their callback is a library's code (a finalizer
    // per signal receiver: the library's). So are the warnings a registry
    // records (one per distinct text).
    let holder = cx.holder(acc.node);
    let made = tables::item_kind(item_type).is_some() || is_warning_registry(&holder) || is_program_filled_registry(&holder);
    if owner == Owner::Interpreter && made && many {
        owner = if callbacks == Some(Owner::ThirdParty) { Owner::ThirdParty } else { Owner::Application };
    }
    // A library's mapping that gains hundreds of entries under keys made
    // per event (`'FLAGS_r-000017'`, `':1:resp:r-000017'`, `(loader,
    // 'tenant-3/campaign-17.html')`) stores what the program gives it,
    // under the program's keys: a library keys its own tables by names
    // and types, so the entries are the program's (`app.config[...]`,
    // `cache.set(key, ..., timeout=None)`, templates by per-request name).
    if owner == Owner::ThirdParty && many && keyed_per_event {
        owner = Owner::Application;
    }
    // So is a standard-library mapping that gains hundreds of entries under
    // str keys from one template made per event (`linecache.cache['<rule
    // req-17>']` for source compiled per request): the standard library
    // keys its tables by names, types, files (file paths are no one
    // template) and `id()`s (a type's subclasses: int keys, never counted).
    let one_str_template = |k: &passes::GeneratedKeys| k.template.starts_with(['\'', '"']) && k.in_template * 2 >= k.read;
    if owner == Owner::Interpreter && many && keys.is_some_and(one_str_template) {
        owner = Owner::Application;
    }
    // Modules under names made per event (`sys.modules['plugin_17']`) are
    // made by the program's calls: imports name modules after files.
    if owner == Owner::Interpreter && item_type == "builtins.module" && keyed_per_event {
        owner = Owner::Application;
    }
    // Hundreds of callbacks running the application's code (closures,
    // bound methods made per call) in a library's container — its list
    // of signal receivers, its listeners — are the application's
    // registrations: the fix is in its code (unsubscribe, disconnect).
    if many && callbacks == Some(Owner::Application) {
        owner = Owner::Application;
    }
    owner
}

/// A holder's name in prose and in code (`Metrics.hits`, `self.hits`).
fn holder_code(holder: &Holder) -> (String, String) {
    match holder {
        Holder::ModuleGlobal { name, .. } => (name.clone(), name.clone()),
        Holder::ClassAttribute { class, name } => (format!("{class}.{name}"), format!("{class}.{name}")),
        Holder::InstanceAttribute { class, name } => (format!("{class}.{name}"), format!("self.{name}")),
        Holder::FunctionAttribute { function, name } => (format!("{function}.{name}"), format!("{function}.{name}")),
        // `jar._cookies`: the attribute of the object the application keeps.
        Holder::Within { inner, outer } => match (&**inner, holder_code(outer)) {
            (Holder::InstanceAttribute { name, .. }, (prose, code)) if code != "d" => (format!("{prose}.{name}"), format!("{code}.{name}")),
            _ => ("the dict".to_string(), "d".to_string()),
        },
        _ => ("the dict".to_string(), "d".to_string()),
    }
}

/// The fix a holder's class gives (`patterns::class_fix`), and the object
/// it is for: the container itself (a pickler with its memo) or the object
/// the container is an attribute of (a mock's `method_calls`, a loop's
/// `_ready`, an enum class's `_value2member_map_`).
fn class_fix_of(cx: &Ctx, container: ObjIdx, holder: &Holder) -> Option<(ObjIdx, String)> {
    let (_, code) = holder_code(holder);
    let named =
        |class: &str, code: &str| if code == "d" { class.rsplit('.').next().unwrap_or(class).to_lowercase() } else { code.to_string() };
    let class = cx.type_name(container);
    if let Some(fix) = patterns::class_fix(class, None, &named(class, &code)) {
        return Some((container, fix));
    }
    let (src, label) = cx.reached_from(container)?;
    // A singledispatch function's registry: a dict behind the mappingproxy
    // that is the function's `registry` attribute.
    if cx.type_name(src) == "builtins.mappingproxy" {
        let (f, label) = cx.reached_from(src)?;
        let function = cx.dict_owner(f).filter(|&o| cx.is_function(o))?;
        if label.kind() != RefKind::DictValue || cx.label_name(label).as_deref() != Some("registry") {
            return None;
        }
        let code = code.strip_suffix(".registry").unwrap_or(&code);
        return patterns::class_fix("functools.singledispatch", Some("registry"), code).map(|fix| (function, fix));
    }
    let object = match label.kind() {
        RefKind::Attribute => src,
        RefKind::DictValue => cx.dict_owner(src).or_else(|| cx.class_of_dict(src))?,
        _ => return None,
    };
    let attribute = cx.label_name(label)?;
    let class = cx.type_name(object);
    let code = code.strip_suffix(&format!(".{attribute}")).unwrap_or(&code);
    patterns::class_fix(class, Some(&attribute), &named(class, code)).map(|fix| (object, fix))
}

/// The fix for an ordinary dict that gains an entry per event (see
/// `passes::generated_keys`): remove each when its event is over, or bound it.
fn keyed_fix(holder: &Holder, keys: &passes::GeneratedKeys) -> String {
    let (name, code) = holder_code(holder);
    if keys.template.starts_with("<int") {
        return format!(
            "`{name}` gains an entry per key such as `{}` (an id(obj), a 64-bit id or a time in ns) and never loses one: an entry keyed by id(obj) outlives its object (and a new object may reuse the id) — key a weakref.WeakKeyDictionary by the object itself, or delete the entry when done (`{code}.pop(key, None)`)",
            keys.example
        );
    }
    if matches!(keys.template.as_str(), "<float>" | "<datetime>") {
        return format!(
            "`{name}` gains an entry per time stamp and never loses one: drop the entries older than the window you need (or keep them in a deque(maxlen=N)), or bound it"
        );
    }
    format!(
        "`{name}` gains an entry per `{}` key and never loses one: delete the entry when its request or session is over (`{code}.pop(key, None)`), or bound it (an LRU with a maximum size, or entries that expire after a time)",
        keys.template
    )
}

/// The `functools.lru_cache` wrapper that `c` is, or whose cache `c` is
/// (reached from it by an internal reference).
fn lru_wrapper_of(cx: &Ctx, c: ObjIdx) -> Option<ObjIdx> {
    const WRAPPER: &str = "functools._lru_cache_wrapper";
    if cx.type_name(c) == WRAPPER {
        return Some(c);
    }
    cx.reached_from(c).map(|(src, _)| src).filter(|&src| cx.type_name(src) == WRAPPER)
}

/// The fix for a large `lru_cache` that has a bound.
/// The `maxlen` of a `collections.deque` that has one (the exporter
/// describes it `len=N maxlen=M`).
fn deque_maxlen(cx: &Ctx, container: ObjIdx) -> Option<u64> {
    if cx.type_name(container) != "collections.deque" {
        return None;
    }
    cx.desc(container).split(' ').find_map(|w| w.strip_prefix("maxlen="))?.parse().ok()
}

fn bounded_deque_fix(holder: &Holder, maxlen: u64) -> String {
    format!(
        "{holder} is bounded (deque maxlen={maxlen}): it keeps the last {maxlen} items and stops growing there, so it is no leak; lower maxlen if this memory matters"
    )
}

fn bounded_cache_fix(holder: &Holder) -> String {
    format!(
        "{holder} is bounded (maxsize set): it stops growing at its bound, so it is no leak; lower maxsize if this memory matters, or call cache_clear() when its data changes"
    )
}

/// The fix for an object that gains an attribute per event (its own
/// `__dict__` keyed like [`keyed_fix`]'s dicts: `setattr(g, "ctx_" + id, …)`).
fn attributes_fix(holder: &Holder, keys: &passes::GeneratedKeys) -> String {
    let (name, code) = holder_code(holder);
    let code = if code == "d" { "obj".to_string() } else { code };
    format!(
        "`{name}` gains an attribute per `{}` name (setattr) and never loses one: delete it when its request or session is over (`delattr({code}, name)`), or keep such entries in a dict you bound instead of as attributes",
        keys.template
    )
}

/// The function most of an accumulation's frames run (a frame's
/// description is `function at file:line`): the callers they keep through
/// `f_back` are among them too.
fn most_common_function(cx: &Ctx, acc: &passes::Accumulation) -> String {
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for &c in cx.tree.children(acc.node) {
        if cx.types.type_of(c) == acc.type_id {
            *counts.entry(cx.desc(c).split(" at ").next().unwrap_or_default()).or_default() += 1;
        }
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))).map_or_else(String::new, |(f, _)| f.to_string())
}

/// The `warnings` module's record of what a module has shown: its
/// `__warningregistry__` global (or the `warnings` module's `onceregistry`).
fn is_warning_registry(holder: &Holder) -> bool {
    matches!(holder, Holder::ModuleGlobal { module, name } if name == "__warningregistry__" || (module == "warnings" && name == "onceregistry"))
}

/// The interpreter's lists that only the program fills past a handful:
/// import paths and hooks, meta path finders, warning filters, started
/// mock patchers. Hundreds of
/// entries are the program's calls (`sys.path.append(…)`,
/// `warnings.filterwarnings(…)` per request), whatever their type.
fn is_program_filled_registry(holder: &Holder) -> bool {
    match holder {
        Holder::ModuleGlobal { module, name } => match module.as_str() {
            "sys" => matches!(name.as_str(), "path" | "path_hooks" | "meta_path"),
            "warnings" | "_warnings" => name == "filters",
            _ => false,
        },
        // Every `patch(...).start()` not stopped (`unittest.mock`).
        Holder::ClassAttribute { class, name } => class == "_patch" && name == patterns::ACTIVE_PATCHES,
        _ => false,
    }
}

/// What modules made at run time are, named by their registry and one of them.
fn runtime_module_items(cx: &Ctx, holder: &Holder, example: ObjIdx) -> String {
    let name = cx.desc(example);
    match holder {
        Holder::ModuleGlobal { module, name: n } if module == "sys" && n == "modules" => {
            format!("modules added to sys.modules at run time, such as `{name}` (each with its namespace)")
        }
        _ => format!("modules made at run time, such as `{name}` (each with its namespace)"),
    }
}

/// Whether the tuples a list holds are timers (`heapq.heappush(timers,
/// (deadline, seq, callback))`): nine in ten of the first 50 start with a
/// number and hold something callable (a function, a bound method, a
/// `functools.partial`, a builtin).
fn is_timer_heap(cx: &Ctx, acc: &passes::Accumulation) -> bool {
    let g = &cx.heap.graph;
    let (mut seen, mut timers) = (0, 0);
    for &t in cx.tree.children(acc.node).iter().filter(|&&c| cx.types.type_of(c) == acc.type_id).take(50) {
        seen += 1;
        let items = g.successors(t);
        let number = items.first().is_some_and(|&f| matches!(cx.type_name(f), "builtins.float" | "builtins.int"));
        let callable = items.iter().any(|&i| {
            matches!(cx.type_name(i), "builtins.function" | "builtins.method" | "functools.partial" | "builtins.builtin_function_or_method")
        });
        timers += u32::from(number && callable);
    }
    seen >= 20 && timers * 10 >= seen * 9
}

/// Whether a type is an immutable text (`str`, `bytes`): one that grows
/// only by being rebuilt (`text += line`).
fn is_text(type_name: &str) -> bool {
    matches!(type_name, "builtins.str" | "builtins.bytes")
}

/// The fix for a `str` or `bytes` a program keeps adding to.
fn growing_text_fix(name: &str) -> String {
    format!("`{name}` is one string that every `+=` copies and makes longer: write the lines to a file or a logging handler, keep the last ones in a collections.deque(maxlen=N) (and `\"\".join()` them when needed), or empty it (`{name} = \"\"`) once its content is used")
}

/// The pattern, holder and item description of an accumulation.
fn classify_accumulation(cx: &Ctx, acc: &passes::Accumulation) -> (Pattern, Holder, String) {
    let item_type = cx.types.names[acc.type_id as usize].as_str();
    let c = acc.container;
    let plain_items = format!("`{item_type}` objects");
    if let Some(weak) = weak_container_of(cx, c) {
        let kind = cx.class_name(weak);
        return (Pattern::WeakContainer, cx.holder(weak), format!("strong {plain_items} in a `weakref.{kind}`"));
    }
    // The deque or list of a `queue.Queue` / `asyncio.Queue`: the queue is the holder.
    if let Some(queue) = cx.holder_object(c).filter(|&q| tables::QUEUE_TYPES.contains(&cx.type_name(q))) {
        let kind = cx.type_name(queue).replace(".queues.", ".");
        return (Pattern::QueueBacklog, cx.holder(queue), format!("{plain_items} waiting in a `{kind}` that nothing drains"));
    }
    // The callbacks deque of a `contextlib.ExitStack`, the queue of a
    // `sched.scheduler`: the stack or the scheduler is the holder.
    if let Some(owner) = cx.holder_object(c) {
        match cx.type_name(owner) {
            "contextlib.ExitStack" | "contextlib.AsyncExitStack" => {
                let kind = cx.type_name(owner).to_string();
                let items = format!("callbacks waiting on a `{kind}` that is never closed (each with what it refers to)");
                return (Pattern::ExitStack, cx.holder(owner), items);
            }
            "sched.scheduler" if tables::item_kind(item_type) == Some(ItemKind::ScheduledCallback) => {
                let items = format!("scheduled events `{item_type}` waiting in a `sched.scheduler` (with their arguments)");
                return (Pattern::ScheduledCallbacks, cx.holder(owner), items);
            }
            _ => {}
        }
    }
    // A module object itself (not its namespace) holding callbacks: a C
    // module's own state (`atexit` before 3.11 exposes its callbacks so).
    if cx.is_module(c) && matches!(item_type, "builtins.method" | "builtins.function") {
        let what = cx.desc(acc.example);
        let what = what.strip_prefix("bound ").unwrap_or(what);
        let holder = Holder::Object { object: format!("the C state of module `{}`", cx.desc(c)), step: None };
        return (Pattern::NativeHeld, holder, format!("callbacks `{what}` (and what they refer to)"));
    }
    // The interpreter's codec search path: a list only C refers to, whose
    // first function is `encodings.search_function` (registered at start-up);
    // every `codecs.register()` appends for the life of the interpreter.
    if cx.reached_from(c).is_none() {
        let first = cx.heap.graph.out_refs(c).next().map(|(f, _)| f).filter(|&f| cx.is_function(f));
        if patterns::is_codec_search_path(cx.type_name(c), first.map(|f| cx.desc(f))) {
            let what = cx.desc(acc.example);
            let holder = Holder::Object { object: patterns::CODEC_SEARCH_PATH.to_string(), step: None };
            return (Pattern::NativeHeld, holder, format!("codec search functions `{what}` (and what they refer to)"));
        }
    }
    let holder = cx.holder(c);
    if is_warning_registry(&holder) {
        let items = "warnings already shown (one `(text, category, line)` key per distinct message text)".to_string();
        return (Pattern::WarningRegistry, holder, items);
    }
    match tables::item_kind(item_type) {
        Some(ItemKind::Generator) => {
            let what = cx.desc(acc.example);
            let kind = item_type.strip_prefix("builtins.").unwrap_or(item_type);
            return (Pattern::PausedGenerators, holder, format!("suspended {kind}s `{what}` (each keeps its frame's locals alive)"));
        }
        Some(ItemKind::ScheduledCallback) => {
            return (Pattern::ScheduledCallbacks, holder, format!("scheduled callbacks `{item_type}` (with their arguments)"))
        }
        Some(ItemKind::Finalizer) => {
            return (Pattern::Finalizers, holder, "`weakref.finalize` registrations (with their callbacks and arguments)".to_string())
        }
        Some(ItemKind::Logger) => return (Pattern::LoggerRegistry, holder, format!("`{item_type}` objects (one per logger name)")),
        Some(ItemKind::LogHandler) => return (Pattern::LogHandlers, holder, format!("`{item_type}` handlers")),
        Some(ItemKind::RecordedWarning) => {
            return (Pattern::RecordedWarnings, holder, "recorded warnings `warnings.WarningMessage` (each with its message)".to_string())
        }
        None => {}
    }
    if item_type == "builtins.module" {
        let items = runtime_module_items(cx, &holder, acc.example);
        return (Pattern::ModuleRegistry, holder, items);
    }
    if cx.is_type_object(acc.example) {
        let what = cx.desc(acc.example);
        return (Pattern::RuntimeClasses, holder, format!("classes such as `{what}` (each with its `__dict__`, methods and MRO)"));
    }
    if let Some(wrapper) = lru_wrapper_of(cx, c) {
        let unbounded = cx.cache_is_unbounded(wrapper).unwrap_or(item_type != "functools._lru_list_elem");
        if unbounded {
            return (Pattern::UnboundedCache, holder, "cached results (an unbounded lru_cache)".to_string());
        }
        // Big perhaps, but no leak: ranked with the large objects.
        return (Pattern::LargeObject, holder, "cached results (a bounded lru_cache: it stops at its maxsize)".to_string());
    }
    match item_type {
        "builtins.method" => {
            let what = cx.desc(acc.example);
            let what = what.strip_prefix("bound ").unwrap_or(what);
            return (Pattern::Listeners, holder, format!("bound methods `{what}` (and through them their instances)"));
        }
        // Finished tasks kept (results nobody collects) are kept futures.
        "_asyncio.Task" | "asyncio.tasks.Task" if passes::task_is_done(cx, acc.example) => {
            return (Pattern::PendingFutures, holder, "finished asyncio tasks (each with its result)".to_string())
        }
        "_asyncio.Task" | "asyncio.tasks.Task" => return (Pattern::PendingTasks, holder, "pending asyncio tasks".to_string()),
        "_io.TextIOWrapper" | "_io.BufferedReader" | "_io.BufferedWriter" | "_io.BufferedRandom" | "_io.FileIO" | "socket.socket" => {
            return (Pattern::OpenFiles, holder, format!("file objects `{item_type}` (each with its buffer and, while open, an OS handle)"))
        }
        "builtins.tuple" if cx.type_name(acc.container) == "builtins.list" && is_timer_heap(cx, acc) => {
            let items =
                "timers `(deadline, …, callback)` waiting in a list kept as a heap (`heapq`) that nothing pops (with their arguments)";
            return (Pattern::ScheduledCallbacks, holder, items.to_string());
        }
        // `(lookup_key, receiver, is_async)` per `connect`: registrations of callbacks.
        "builtins.tuple" => {
            if let Some((f, weakly)) = passes::tuple_callback(cx, acc.example) {
                let f = cx.desc(f);
                let f = f.strip_prefix("bound ").unwrap_or(f);
                // A receiver held weakly is named by its function: the entry itself is what grows.
                let items = if weakly {
                    format!("registered callbacks `{f}` in tuples, held weakly (each registration adds an entry; its object lives on elsewhere)")
                } else {
                    format!("registered callbacks `{f}` in tuples (each keeps its callback and what it refers to)")
                };
                return (Pattern::Listeners, holder, items);
            }
        }
        "functools.partial" => {
            let what = partial_function(cx, acc.example);
            return (Pattern::PendingJobs, holder, format!("jobs `functools.partial({what}, …)` not yet run (each with its arguments)"));
        }
        _ if passes::is_thread(cx, acc.example) => {
            let items = if item_type == "threading.Thread" {
                "`threading.Thread` objects (with their attributes)".to_string()
            } else {
                format!("`{item_type}` objects, subclasses of `threading.Thread` (with their attributes)")
            };
            return (Pattern::KeptThreads, holder, items);
        }
        "_asyncio.Future" | "asyncio.futures.Future" | "concurrent.futures._base.Future" => {
            return (Pattern::PendingFutures, holder, format!("futures `{item_type}` (with their callbacks or results)"))
        }
        "builtins.frame" | "builtins.traceback" => {
            let what = match item_type {
                "builtins.frame" => format!("frames of `{}`", most_common_function(cx, acc)),
                _ => "tracebacks".to_string(),
            };
            return (Pattern::StoredFrames, holder, format!("{what} (each keeps its locals and its callers' frames alive)"));
        }
        "logging.LogRecord" => {
            return (Pattern::LogBuffer, holder, "buffered `logging.LogRecord`s (their args keep objects alive)".to_string())
        }
        "builtins.function" => {
            if let Some(var) = closure_capture(cx, acc.example) {
                let f = cx.desc(acc.example);
                return (Pattern::ClosureCell, holder, format!("closures `{f}` capturing `{var}`"));
            }
        }
        _ => {}
    }
    if has_traceback(cx, acc.example) {
        let items = if item_type == "builtins.tuple" {
            "`sys.exc_info()` tuples with their traceback (and its frames' locals)".to_string()
        } else {
            format!("exceptions `{item_type}` with their `__traceback__` (and its frames' locals)")
        };
        return (Pattern::StoredExceptions, holder, items);
    }
    // A local of a suspended generator that grows (a `send()` sink that
    // keeps what it receives): it lives as long as the generator waits.
    if cx.generator_of_local(c).is_some() {
        return (Pattern::PausedGenerators, holder, plain_items);
    }
    let mapping = matches!(cx.type_name(c), "builtins.dict" | "collections.OrderedDict" | "collections.defaultdict");
    (plain_pattern(&holder, mapping), holder, plain_items)
}

/// The pattern of an ordinary container, from what reaches it (`mapping`:
/// a dict, which a closure fills as a memo cache).
fn plain_pattern(holder: &Holder, mapping: bool) -> Pattern {
    match holder {
        Holder::ClassAttribute { .. } => Pattern::ClassAttribute,
        // A dict a closure captures and fills: a hand-made memo cache (`def memoize(fn): cache = {}`).
        Holder::ClosureCell { .. } if mapping => Pattern::UnboundedCache,
        Holder::ClosureCell { .. } => Pattern::ClosureCell,
        Holder::DefaultArgument { .. } => Pattern::DefaultArgument,
        Holder::ThreadLocal { .. } => Pattern::ThreadLocal,
        Holder::ContextVar { .. } => Pattern::ContextVar,
        Holder::FrameLocal { thread: Some(_), .. } => Pattern::FrameLocal,
        Holder::RaisedIn { .. } => Pattern::StoredExceptions,
        Holder::ModuleGlobal { .. } => Pattern::ModuleGlobal,
        Holder::InstanceAttribute { .. } => Pattern::InstanceAttribute,
        Holder::FunctionAttribute { .. } => Pattern::FunctionAttribute,
        Holder::Cache { .. } => Pattern::UnboundedCache,
        Holder::Within { outer, .. } => plain_pattern(outer, mapping),
        _ => Pattern::Container,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module global dict holding 8,000 lists of 50 items, with 400,000
    /// other referrers (a hostile file, as `/tmp/hostile3/nsmod.py` wrote
    /// it): whether the dict is a module's namespace is asked once per list
    /// and answered once (3.2·10^9 referrer tests before: minutes in a
    /// debug build).
    #[test]
    fn a_dict_with_a_million_referrers_is_looked_up_once() {
        let (k, items, others) = (8000usize, 50usize, 400_000usize);
        let mut objects = vec!["4096,1,72,3,2".to_string(), "16,3,1000,1,-1".into(), "16,3,1000,1,-1".into()];
        let mut refs = vec!["0,1,13,-1".to_string(), "1,2,2,6".into()];
        let lists = 3;
        objects.extend((0..k).map(|_| "16,4,100,1,-1".to_string()));
        refs.extend((0..k).map(|i| format!("2,{},2,7", lists + i)));
        let first_item = lists + k;
        objects.extend((0..k * items).map(|_| "16,5,48,1,-1".to_string()));
        refs.extend((0..k * items).map(|x| format!("{},{},4,-1", lists + x / items, first_item + x)));
        let first_other = first_item + k * items;
        objects.extend((0..others).map(|_| "16,8,48,1,-1".to_string()));
        refs.extend((0..others).map(|p| format!("{},2,0,-1", first_other + p)));
        let text = format!(
            r#"{{"format":"heapscope","version":1,"meta":{{"object_fields":["address_delta","type","size","flags","description"],"reference_fields":["from","to","kind","name"],"root_fields":["object","kind","name","excess"]}},"heap":{{"objects":[{}],"references":[{}],"roots":[0,0,2,0]}},"strings":["","builtins.module","app","builtins.dict","builtins.list","app.Item","'idx'","'k'","app.Junk"]}}"#,
            objects.join(","),
            refs.join(",")
        );
        let loaded = crate::load::load(text.as_bytes()).unwrap();
        let heap = loaded.snapshot.heap.as_ref().unwrap();
        let analysis = Analysis::compute(&loaded.snapshot).unwrap();
        let found = suspects(&loaded.snapshot, heap, &analysis, 5);
        assert!(!found.is_empty());
    }

    /// Module `app` (root) → its dict → function `remember` (`['remember']`),
    /// whose defaults hold a list of 300 `app.Visit` objects: through the
    /// `__defaults__` tuple (`defaults seen`) or, with `kw`, through the
    /// `__kwdefaults__` dict (`['seen']`).
    fn defaults_heap(kw: bool) -> Vec<u8> {
        const N: usize = 300;
        // strings: 1 module type, 2 "app", 3 dict, 4 function, 5 tuple, 6 list, 7 app.Visit,
        // 8 'remember', 9 __defaults__, 10 seen, 11 "remember", 12 __kwdefaults__, 13 'seen'
        let mut objects = vec![
            "16,1,100,2,2,-1".to_string(),
            "32,3,200,1,-1,-1".to_string(),
            "48,4,150,17,11,-1".to_string(),
            format!("64,{},50,1,-1,-1", if kw { 3 } else { 5 }),
            "80,6,2456,1,-1,-1".to_string(),
        ];
        let mut refs = vec![
            "0,1,13,-1".to_string(),
            "1,2,2,8".to_string(),
            if kw { "2,3,8,12" } else { "2,3,8,9" }.to_string(),
            if kw { "3,4,2,13" } else { "3,4,8,10" }.to_string(),
        ];
        for i in 0..N {
            objects.push(format!("{},7,400,1,-1,-1", 96 + 16 * i));
            refs.push(format!("4,{},4,-1", 5 + i));
        }
        format!(
            r#"{{"format":"heapscope","version":1,"heap":{{"objects":[{}],"references":[{}],"roots":[0,0,2,0]}},
            "strings":["","builtins.module","app","builtins.dict","builtins.function","builtins.tuple","builtins.list",
                       "app.Visit","'remember'","__defaults__","seen","remember","__kwdefaults__","'seen'"]}}"#,
            objects.join(","),
            refs.join(",")
        )
        .into_bytes()
    }

    /// Module `weakref` (root) → its dict → `['_registry']` → a dict of 60
    /// `weakref.finalize._Info` objects, each → its callback, a bound method
    /// → an `app.Upload` → `.chunks`, a list of 60 bytearrays: a registry of
    /// the standard library keeping the application's objects alive.
    fn finalizers_heap() -> Vec<u8> {
        const N: usize = 60;
        // strings: 1 module type, 2 "weakref", 3 dict, 4 _Info, 5 method, 6 app.Upload,
        // 7 '_registry', 8 func, 9 __self__, 10 list, 11 bytearray, 12 chunks
        let mut objects = vec!["16,1,100,2,2,-1".to_string(), "32,3,200,1,-1,-1".to_string(), "48,3,3000,1,-1,-1".to_string()];
        let mut refs = vec!["0,1,13,-1".to_string(), "1,2,2,7".to_string()];
        let mut addr = 64;
        let mut next = |objects: &mut Vec<String>, t: usize, size: usize| {
            objects.push(format!("{addr},{t},{size},1,-1,-1"));
            addr += 16;
            objects.len() - 1
        };
        for _ in 0..N {
            let info = next(&mut objects, 4, 80);
            let method = next(&mut objects, 5, 64);
            let upload = next(&mut objects, 6, 100);
            let chunks = next(&mut objects, 10, 600);
            refs.extend([format!("2,{info},2,-1"), format!("{info},{method},1,8"), format!("{method},{upload},0,9")]);
            refs.push(format!("{upload},{chunks},1,12"));
            for _ in 0..N {
                let b = next(&mut objects, 11, 100);
                refs.push(format!("{chunks},{b},4,-1"));
            }
        }
        format!(
            r#"{{"format":"heapscope","version":1,"heap":{{"objects":[{}],"references":[{}],"roots":[0,0,2,0]}},
            "strings":["","builtins.module","weakref","builtins.dict","weakref.finalize._Info","builtins.method",
                       "app.Upload","'_registry'","func","__self__","builtins.list","builtins.bytearray","chunks"]}}"#,
            objects.join(","),
            refs.join(",")
        )
        .into_bytes()
    }

    #[test]
    fn a_standard_library_registry_keeping_the_applications_objects_is_a_suspect() {
        let loaded = crate::load(&finalizers_heap()).unwrap();
        let s = loaded.snapshot;
        let heap = s.heap.as_ref().unwrap();
        let a = Analysis::of_heap(&s, heap);
        let list = a.suspects(&s, heap, 10);
        let first = list.first().expect("a suspect");
        assert_eq!(first.pattern, Pattern::Finalizers, "{list:#?}");
        assert_eq!(first.owner, Owner::Application);
        assert_eq!(first.count, 60);
        assert!(first.fix.contains("detach()"), "{}", first.fix);
        // the lists of bytearrays inside each registered object are part of the same leak
        let accumulations = list.iter().filter(|s| matches!(s.kind, SuspectKind::Accumulation { .. })).count();
        assert_eq!(accumulations, 1, "{list:#?}");
    }

    /// Module `logging` (root) → its dict → `['loggerDict']` → a dict of `n` `logging.Logger`s.
    fn loggers_heap(n: usize) -> Vec<u8> {
        let mut objects = vec!["16,1,100,2,2,-1".to_string(), "32,3,200,1,-1,-1".to_string(), "48,3,3000,1,-1,-1".to_string()];
        let mut refs = vec!["0,1,13,-1".to_string(), "1,2,2,5".to_string()];
        for i in 0..n {
            objects.push(format!("{},4,400,1,-1,-1", 64 + 16 * i));
            refs.push(format!("2,{},2,-1", 3 + i));
        }
        format!(
            r#"{{"format":"heapscope","version":1,"heap":{{"objects":[{}],"references":[{}],"roots":[0,0,2,0]}},
            "strings":["","builtins.module","logging","builtins.dict","logging.Logger","'loggerDict'"]}}"#,
            objects.join(","),
            refs.join(",")
        )
        .into_bytes()
    }

    #[test]
    fn hundreds_of_loggers_are_the_programs() {
        for (n, expected) in [(250, true), (60, false)] {
            let loaded = crate::load(&loggers_heap(n)).unwrap();
            let s = loaded.snapshot;
            let heap = s.heap.as_ref().unwrap();
            let a = Analysis::of_heap(&s, heap);
            let list = a.suspects(&s, heap, 3);
            let first = list.first().filter(|s| s.pattern == Pattern::LoggerRegistry);
            assert_eq!(first.is_some(), expected, "{n} loggers: {list:#?}");
            if let Some(first) = first {
                assert_eq!((first.owner, first.count), (Owner::Application, n as u64));
                assert!(first.fix.contains("logging.getLogger(__name__)"), "{}", first.fix);
            }
        }
    }

    #[test]
    fn a_list_in_a_suspended_generator_is_named_by_the_generator() {
        // module `app` → dict → ['g'] → generator `reader` → (its frame) a list of 60 bytearrays,
        // unnamed, or named as the local `rows` (the exporter on 3.11+)
        for (edge, expected) in [("2,3,0,-1", "`a local` of"), ("2,3,6,9", "`local rows` of")] {
            let mut objects = ["16,1,100,2,2,-1", "32,3,200,1,-1,-1", "48,4,200,1,8,-1", "64,5,600,1,-1,-1"].join(",");
            let mut refs = ["0,1,13,-1", "1,2,2,7", edge].join(",");
            for i in 0..60 {
                objects.push_str(&format!(",{},6,1000,0,-1,-1", 80 + 16 * i));
                refs.push_str(&format!(",3,{},4,-1", 4 + i));
            }
            let doc = format!(
                r#"{{"format":"heapscope","version":1,"heap":{{"objects":[{objects}],"references":[{refs}],"roots":[0,0,2,0]}},
                "strings":["","builtins.module","app","builtins.dict","builtins.generator","builtins.list","builtins.bytearray","'g'","reader","rows"]}}"#
            );
            let loaded = crate::load(doc.as_bytes()).unwrap();
            let s = loaded.snapshot;
            let heap = s.heap.as_ref().unwrap();
            let a = Analysis::of_heap(&s, heap);
            let list = a.suspects(&s, heap, 3);
            let first = list.first().expect("a suspect");
            let want = format!("{expected} the suspended generator `reader` (generator @0x30)");
            assert!(first.reason.starts_with(&want), "{}", first.reason);
        }
    }

    /// A v1 document with module 0 the one root (`app`, strings 1 and 2
    /// are `builtins.module` and `app`), from object rows
    /// (`address,type,size,flags,description,-1`) and reference rows.
    fn doc(objects: &[String], refs: &[String], strings: &[&str]) -> Vec<u8> {
        let strings: Vec<String> = strings.iter().map(|s| format!("{s:?}")).collect();
        format!(
            r#"{{"format":"heapscope","version":1,"heap":{{"objects":[{}],"references":[{}],"roots":[0,0,2,0]}},"strings":[{}]}}"#,
            objects.join(","),
            refs.join(","),
            strings.join(",")
        )
        .into_bytes()
    }

    fn first_suspects(doc: &[u8]) -> Vec<Suspect> {
        let loaded = crate::load(doc).unwrap();
        let s = loaded.snapshot;
        let heap = s.heap.as_ref().unwrap();
        let a = Analysis::of_heap(&s, heap);
        a.suspects(&s, heap, 10)
    }

    /// The strings of [`app_with_users`]' heap (1 module type, 2 "app", 3
    /// dict, 4 app.User, 5 'USERS'), then `extra` from index 6 on.
    fn app_strings<'a>(extra: &[&'a str]) -> Vec<&'a str> {
        let mut strings = vec!["", "builtins.module", "app", "builtins.dict", "app.User", "'USERS'"];
        strings.extend_from_slice(extra);
        strings
    }

    /// Module `app` → its dict → `['USERS']`, a dict of 1000 `app.User`
    /// objects (400 KB), and `['<name>']` → what `extra` adds (objects
    /// from index 4 on); returns (objects, refs).
    fn app_with_users(extra: impl FnOnce(&mut Vec<String>, &mut Vec<String>)) -> (Vec<String>, Vec<String>) {
        // strings: 1 module type, 2 "app", 3 dict, 4 app.User, 5 'USERS'
        let mut objects = vec!["16,1,100,2,2,-1".to_string(), "32,3,200,1,-1,-1".to_string(), "48,3,30000,1,-1,-1".to_string()];
        let mut refs = vec!["0,1,13,-1".to_string(), "1,2,2,5".to_string()];
        for i in 0..1000 {
            objects.push(format!("{},4,400,1,-1,-1", 0x10000 + 16 * i));
            refs.push(format!("2,{},2,-1", 3 + i));
        }
        extra(&mut objects, &mut refs);
        (objects, refs)
    }

    #[test]
    fn the_warnings_registry_comes_before_a_bigger_table() {
        // `__warningregistry__` of `app`: 300 `(text, category, line)` keys, each with its text
        // strings: 6 '__warningregistry__', 7 tuple, 8 str
        let (objects, refs) = app_with_users(|objects, refs| {
            let registry = objects.len();
            objects.push("64,3,9000,1,-1,-1".to_string());
            refs.push(format!("1,{registry},2,6"));
            for i in 0..300 {
                let (key, text) = (objects.len(), objects.len() + 1);
                objects.push(format!("{},7,64,1,-1,-1", 0x40000 + 32 * i));
                objects.push(format!("{},8,120,0,-1,-1", 0x40010 + 32 * i));
                refs.extend([format!("{registry},{key},3,-1"), format!("{key},{text},4,-1")]);
            }
        });
        let strings = app_strings(&["'__warningregistry__'", "builtins.tuple", "builtins.str"]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!(first.pattern, Pattern::WarningRegistry, "{list:#?}");
        assert_eq!(first.holder, Holder::ModuleGlobal { module: "app".into(), name: "__warningregistry__".into() });
        assert_eq!(first.count, 300);
        assert!(first.fix.contains("warnings.simplefilter"), "{}", first.fix);
    }

    #[test]
    fn items_an_itertools_tee_buffers_are_one_suspect_named_by_the_iterator() {
        // `['audit']` → an `itertools._tee` → 4 blocks in a chain, 57 dicts of 600 bytes each
        // strings: 6 'audit', 7 itertools._tee, 8 itertools._tee_dataobject
        let (objects, refs) = app_with_users(|objects, refs| {
            let tee = objects.len();
            objects.push("64,7,64,1,-1,-1".to_string());
            refs.push(format!("1,{tee},2,6"));
            let mut prev = tee;
            for b in 0..4 {
                let block = objects.len();
                objects.push(format!("{},8,600,1,-1,-1", 0x40000 + 0x1000 * b));
                refs.push(format!("{prev},{block},0,-1"));
                for i in 0..57 {
                    refs.push(format!("{block},{},0,-1", objects.len()));
                    objects.push(format!("{},3,600,1,-1,-1", 0x40010 + 0x1000 * b + 16 * i));
                }
                prev = block;
            }
        });
        let strings = app_strings(&["'audit'", "itertools._tee", "itertools._tee_dataobject"]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!(first.pattern, Pattern::TeeBacklog, "{list:#?}");
        assert_eq!(first.holder, Holder::ModuleGlobal { module: "app".into(), name: "audit".into() });
        assert_eq!(first.count, 4 * 57);
        assert!(first.reason.contains("in 4 blocks"), "{}", first.reason);
        // each block's 57 dicts are part of the same backlog
        let blocks = list.iter().filter(|s| s.reason.contains("_tee_dataobject")).count();
        assert_eq!(blocks, 0, "{list:#?}");
    }

    #[test]
    fn a_container_set_on_a_function_is_named_as_its_attribute() {
        // `['handle']` → function `handle` → its `__dict__` → `['seen']` → a list of 300 dicts
        // strings: 6 'handle', 7 builtins.function, 8 handle, 9 'seen', 10 builtins.list
        let (objects, refs) = app_with_users(|objects, refs| {
            let (f, fdict, list) = (objects.len(), objects.len() + 1, objects.len() + 2);
            objects.extend(["64,7,150,17,8,-1", "80,3,200,1,-1,-1", "96,10,2456,1,-1,-1"].map(String::from));
            refs.extend([format!("1,{f},2,6"), format!("{f},{fdict},13,-1"), format!("{fdict},{list},2,9")]);
            for i in 0..300 {
                refs.push(format!("{list},{},4,-1", objects.len()));
                objects.push(format!("{},3,400,1,-1,-1", 0x40000 + 16 * i));
            }
        });
        let strings = app_strings(&["'handle'", "builtins.function", "handle", "'seen'", "builtins.list"]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!(first.holder, Holder::FunctionAttribute { function: "handle".into(), name: "seen".into() }, "{list:#?}");
        assert_eq!(first.pattern, Pattern::FunctionAttribute);
        assert!(first.reason.starts_with("`handle.seen` (an attribute of the function) holds 300"), "{}", first.reason);
        assert!(first.fix.contains("`handle.seen` lives as long as the function"), "{}", first.fix);
    }

    /// `RECENT`, a deque of 400 dicts, beside `log`, a list of 300 smaller
    /// ones: with `maxlen` the deque is bounded — no leak, listed after the
    /// list, with a fix that says so; without, it is the bigger list-like
    /// holder and comes first.
    #[test]
    fn a_deque_with_a_maxlen_is_bounded_and_listed_last() {
        for maxlen in [true, false] {
            // strings: 6 'RECENT', 7 'log', 8 collections.deque, 9 builtins.list, 10, 11 its descriptions
            let (objects, refs) = app_with_users(|objects, refs| {
                let d = objects.len();
                objects.push(format!("128,8,4000,1,{},-1", if maxlen { 10 } else { 11 }));
                refs.push(format!("1,{d},2,6"));
                for i in 0..400 {
                    refs.push(format!("{d},{},4,-1", objects.len()));
                    objects.push(format!("{},3,500,1,-1,-1", 0x40000 + 16 * i));
                }
                let l = objects.len();
                objects.push("144,9,2456,1,-1,-1".to_string());
                refs.push(format!("1,{l},2,7"));
                for i in 0..300 {
                    refs.push(format!("{l},{},4,-1", objects.len()));
                    objects.push(format!("{},3,300,1,-1,-1", 0x80000 + 16 * i));
                }
            });
            let strings = app_strings(&["'RECENT'", "'log'", "collections.deque", "builtins.list", "len=400 maxlen=400", "len=400"]);
            let list = first_suspects(&doc(&objects, &refs, &strings));
            let at = |name: &str| {
                let holder = Holder::ModuleGlobal { module: "app".into(), name: name.into() };
                list.iter().position(|s| s.holder == holder).unwrap_or_else(|| panic!("{name} not listed: {list:#?}"))
            };
            let (recent, log) = (at("RECENT"), at("log"));
            assert_eq!(recent > log, maxlen, "maxlen {maxlen}: {list:#?}");
            let says_bounded = list[recent].fix.contains("bounded (deque maxlen=400): it keeps the last 400 items");
            assert_eq!(says_bounded, maxlen, "{}", list[recent].fix);
            if maxlen {
                assert_eq!(recent, list.len() - 1, "{list:#?}");
            }
        }
    }

    /// `['started']` → a dict of 300 strs (1000 bytes each: less than
    /// `USERS`) under keys the exporter cannot write as values, each made as
    /// `kind` says: a tuple `(i, '/profile/i')` (`"tuple"`; `"tuple without
    /// id"`: `(i, '/')`), or a `datetime.datetime`.
    fn dict_keyed_by(kind: &str) -> Vec<Suspect> {
        // strings: 6 'started', 7 str, 8 tuple, 9 int, 10 datetime.datetime, 11 '/',
        // 12.. '/profile/N', 312.. N
        let (objects, refs) = app_with_users(|objects, refs| {
            let d = objects.len();
            objects.push("128,3,9000,1,-1,-1".to_string());
            refs.push(format!("1,{d},2,6"));
            for i in 0..300 {
                let (base, key) = (0x40000 + 64 * i, objects.len());
                match kind {
                    "tuple" | "tuple without id" => {
                        objects.push(format!("{base},8,56,1,-1,-1"));
                        objects.push(format!("{},9,28,0,{},-1", base + 16, 312 + i));
                        objects.push(format!("{},7,60,0,{},-1", base + 32, if kind == "tuple" { 12 + i } else { 11 }));
                        refs.extend([format!("{key},{},4,-1", key + 1), format!("{key},{},4,-1", key + 2)]);
                    }
                    _ => objects.push(format!("{base},10,48,1,-1,-1")),
                }
                refs.extend([format!("{d},{key},3,-1"), format!("{d},{},2,-1", objects.len())]);
                objects.push(format!("{},7,1000,0,-1,-1", base + 48));
            }
        });
        let paths: Vec<String> = (0..300).map(|i| format!("'/profile/{i}'")).collect();
        let ints: Vec<String> = (0..300).map(|i| i.to_string()).collect();
        let mut strings = app_strings(&["'started'", "builtins.str", "builtins.tuple", "builtins.int", "datetime.datetime", "'/'"]);
        strings.extend(paths.iter().map(String::as_str));
        strings.extend(ints.iter().map(String::as_str));
        first_suspects(&doc(&objects, &refs, &strings))
    }

    #[test]
    fn dicts_keyed_by_tuples_with_ids_or_datetimes_are_keyed_per_event() {
        let started = Holder::ModuleGlobal { module: "app".into(), name: "started".into() };
        let users = Holder::ModuleGlobal { module: "app".into(), name: "USERS".into() };
        for kind in ["tuple", "tuple without id", "datetime"] {
            let list = dict_keyed_by(kind);
            let first = list.first().expect("a suspect");
            let per_event = kind != "tuple without id";
            assert_eq!(first.holder, if per_event { started.clone() } else { users.clone() }, "{kind}: {list:#?}");
            // keys the exporter wrote no name for are never compared with another table's
            assert!(list.iter().all(|s| !s.reason.contains("side table")), "{kind}: {list:#?}");
            match kind {
                "tuple" => {
                    assert!(first.reason.contains("300 of the 300 keys read hold an id, such as `(0, '/profile/0')`"), "{}", first.reason)
                }
                "datetime" => assert!(first.fix.contains("per time stamp"), "{}", first.fix),
                _ => {}
            }
        }
    }

    #[test]
    fn a_growing_local_of_a_suspended_generator_is_a_paused_generator() {
        // `['sink']` → a suspended generator `sink` whose local `received` is a list of 300
        // `app.Event` (1000 bytes each: less than `USERS`); with `frame`, the local is in
        // a frame object the generator holds (`gi_frame`, Python 3.10 and older)
        // strings: 6 'sink', 7 generator, 8 "sink", 9 frame, 10 "sink at app.py:3", 11 gi_frame,
        // 12 received, 13 list, 14 app.Event
        for frame in [false, true] {
            let (objects, refs) = app_with_users(|objects, refs| {
                let generator = objects.len();
                objects.push("80,7,200,1,8,-1".to_string());
                refs.push(format!("1,{generator},2,6"));
                let mut at = generator;
                if frame {
                    at = objects.len();
                    objects.push("96,9,400,9,10,-1".to_string());
                    refs.push(format!("{generator},{at},0,11"));
                }
                let list = objects.len();
                objects.push("112,13,2400,1,-1,-1".to_string());
                refs.push(format!("{at},{list},6,12"));
                for i in 0..300 {
                    refs.push(format!("{list},{},4,-1", objects.len()));
                    objects.push(format!("{},14,1000,1,-1,-1", 0x40000 + 16 * i));
                }
            });
            let strings = app_strings(&[
                "'sink'",
                "builtins.generator",
                "sink",
                "builtins.frame",
                "sink at app.py:3",
                "gi_frame",
                "received",
                "builtins.list",
                "app.Event",
            ]);
            let list = first_suspects(&doc(&objects, &refs, &strings));
            let first = list.first().expect("a suspect");
            assert_eq!(first.pattern, Pattern::PausedGenerators, "frame {frame}: {list:#?}");
            assert!(first.reason.starts_with("`local received` of the suspended generator `sink`"), "frame {frame}: {}", first.reason);
            assert!(first.fix.contains("keeps its `received`") && first.fix.contains("gen.close()"), "{}", first.fix);
        }
    }

    #[test]
    fn lists_growing_in_one_index_are_one_suspect_named_by_its_top() {
        // `['stats']` → a dict → two dicts (under keys written without text, such as enum
        // members) → `['/']` and `['/profile']`, lists of 100 `app.Event` each
        // strings: 6 'stats', 7 list, 8 app.Event, 9 '/', 10 '/profile'
        let (objects, refs) = app_with_users(|objects, refs| {
            let top = objects.len();
            objects.push("80,3,400,1,-1,-1".to_string());
            refs.push(format!("1,{top},2,6"));
            for d in 0..2 {
                let level = objects.len();
                objects.push(format!("{},3,400,1,-1,-1", 0x30000 + 0x100 * d));
                refs.push(format!("{top},{level},2,-1"));
                for route in [9, 10] {
                    let list = objects.len();
                    objects.push(format!("{},7,900,1,-1,-1", 0x30010 + 0x100 * d + route));
                    refs.push(format!("{level},{list},2,{route}"));
                    for i in 0..100 {
                        refs.push(format!("{list},{},4,-1", objects.len()));
                        objects.push(format!("{},8,1000,1,-1,-1", 0x40000 + 0x10000 * d + 0x1000 * route + 16 * i));
                    }
                }
            }
        });
        let strings = app_strings(&["'stats'", "builtins.list", "app.Event", "'/'", "'/profile'"]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!(first.holder, Holder::ModuleGlobal { module: "app".into(), name: "stats".into() }, "{list:#?}");
        assert_eq!((first.pattern, first.count), (Pattern::ModuleGlobal, 400));
        assert!(first.reason.contains("400 `app.Event` objects in 4 lists (an index whose lists only grow)"), "{}", first.reason);
        assert!(first.fix.contains("`stats` is an index of lists"), "{}", first.fix);
        // the lists are part of the same index
        assert_eq!(list.iter().filter(|s| s.reason.contains("['")).count(), 0, "{list:#?}");
    }

    #[test]
    fn finished_tasks_kept_in_a_container_are_kept_futures() {
        // `['jobs']` → a list of 60 `_asyncio.Task`, each with a 4 KB bytes result and its
        // coroutine: finished (it refers to its code and name only) or, with `pending`,
        // suspended (it refers to its frame)
        // strings: 6 'jobs', 7 list, 8 _asyncio.Task, 9 coroutine, 10 code, 11 str, 12 frame, 13 bytes
        for pending in [false, true] {
            let (objects, refs) = app_with_users(|objects, refs| {
                let list = objects.len();
                objects.push("80,7,600,1,-1,-1".to_string());
                refs.push(format!("1,{list},2,6"));
                for i in 0..60 {
                    let (task, coroutine, base) = (objects.len(), objects.len() + 1, 0x40000 + 0x100 * i);
                    objects.push(format!("{base},8,100,1,-1,-1"));
                    objects.push(format!("{},9,200,1,-1,-1", base + 16));
                    objects.push(format!("{},10,300,1,-1,-1", base + 32));
                    objects.push(format!("{},11,60,0,-1,-1", base + 48));
                    objects.push(format!("{},13,4000,0,-1,-1", base + 64));
                    refs.extend([format!("{list},{task},4,-1"), format!("{task},{coroutine},0,-1"), format!("{task},{},0,-1", task + 4)]);
                    refs.extend([format!("{coroutine},{},0,-1", task + 2), format!("{coroutine},{},0,-1", task + 3)]);
                    if pending {
                        refs.push(format!("{coroutine},{},0,-1", objects.len()));
                        objects.push(format!("{},12,400,9,-1,-1", base + 80));
                    }
                }
            });
            let strings = app_strings(&[
                "'jobs'",
                "builtins.list",
                "_asyncio.Task",
                "builtins.coroutine",
                "builtins.code",
                "builtins.str",
                "builtins.frame",
                "builtins.bytes",
            ]);
            let list = first_suspects(&doc(&objects, &refs, &strings));
            let first = list.first().expect("a suspect");
            assert_eq!(first.holder, Holder::ModuleGlobal { module: "app".into(), name: "jobs".into() }, "{list:#?}");
            let expected = if pending { Pattern::PendingTasks } else { Pattern::PendingFutures };
            assert_eq!(first.pattern, expected, "pending {pending}: {list:#?}");
            if !pending {
                assert!(first.reason.contains("60 finished asyncio tasks (each with its result)"), "{}", first.reason);
            }
        }
    }

    #[test]
    fn a_tree_of_dicts_keyed_per_event_is_one_suspect_named_by_its_top() {
        // `['stats']` → a dict → `['a']`, `['b']`, `['c']` → dicts of 60 dicts each under `'req-N'` keys
        // strings: 6 'stats', 7.. branch names, 10.. keys
        let (objects, refs) = app_with_users(|objects, refs| {
            let root = objects.len();
            objects.push("64,3,400,1,-1,-1".to_string());
            refs.push(format!("1,{root},2,6"));
            for b in 0..3 {
                let branch = objects.len();
                objects.push(format!("{},3,2400,1,-1,-1", 0x40000 + 0x1000 * b));
                refs.push(format!("{root},{branch},2,{}", 7 + b));
                for i in 0..60 {
                    refs.push(format!("{branch},{},2,{}", objects.len(), 10 + i));
                    objects.push(format!("{},3,1000,1,-1,-1", 0x40010 + 0x1000 * b + 16 * i));
                }
            }
        });
        let keys: Vec<String> = (0..60).map(|i| format!("'req-{i}'")).collect();
        let mut strings = vec!["", "builtins.module", "app", "builtins.dict", "app.User", "'USERS'", "'stats'", "'a'", "'b'", "'c'"];
        strings.extend(keys.iter().map(String::as_str));
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!(first.holder, Holder::ModuleGlobal { module: "app".into(), name: "stats".into() }, "{list:#?}");
        assert_eq!((first.pattern, first.count), (Pattern::ModuleGlobal, 180));
        assert!(first.reason.contains("a tree keyed per event") && first.reason.contains("3 growing branches"), "{}", first.reason);
        assert!(first.fix.contains("`stats` is a tree"), "{}", first.fix);
        // the branches are part of the same tree
        assert_eq!(list.iter().filter(|s| s.reason.contains("['")).count(), 0, "{list:#?}");
    }

    #[test]
    fn a_class_namespace_of_its_own_methods_is_no_suspect() {
        // `app.Handlers` (bound as `Handlers` in `app`) → its `__dict__` → 12 functions of 3 KB,
        // named `Handlers.method` (defined in the class body) or
        // `make_handler.<locals>.handler` (added to the class at run time)
        // strings: 6 type, 7 app.Handlers, 8 'Handlers', 9 function, 10 Handlers.method, 11 make_handler.<locals>.handler
        for (name, expected) in [(10, false), (11, true)] {
            let (objects, refs) = app_with_users(|objects, refs| {
                let t = objects.len();
                push_object(objects, "6,1000,5,7,-1");
                refs.push(format!("1,{t},2,8"));
                let d = objects.len();
                push_object(objects, "3,600,1,-1,-1");
                refs.push(format!("{t},{d},10,-1"));
                for _ in 0..12 {
                    refs.push(format!("{d},{},2,-1", objects.len()));
                    objects.push(format!("{},9,3000,17,{name},-1", 0x90000 + 16 * objects.len()));
                }
            });
            let strings = app_strings(&[
                "builtins.type",
                "app.Handlers",
                "'Handlers'",
                "builtins.function",
                "Handlers.method",
                "make_handler.<locals>.handler",
            ]);
            let list = first_suspects(&doc(&objects, &refs, &strings));
            let functions =
                list.iter().find(|s| matches!(&s.kind, SuspectKind::Accumulation { type_name, .. } if type_name == "builtins.function"));
            assert_eq!(functions.is_some(), expected, "{}: {list:#?}", strings[name]);
            // named by the class, not by its address
            if let Some(s) = functions {
                assert_eq!(s.holder.to_string(), "`__dict__` of class `app.Handlers`");
            }
        }
    }

    #[test]
    fn a_running_scripts_namespace_of_its_own_functions_is_no_suspect() {
        // module `app` → its dict, which a running frame also refers to (`f_globals`,
        // as a script's `<module>` frame does: the module does not dominate it) → 12
        // functions of 3 KB, the first a closure whose cell `memo` keeps a 3 MB dict
        // (a decorated function); then 250 of them, one per event (`globals()[name] = f`)
        // strings: 6 builtins.function, 7 builtins.frame, 8 handler, 9 __closure__,
        // 10 memo, 11 builtins.tuple, 12 builtins.cell
        for (count, expected) in [(12, false), (250, true)] {
            let mut frame = 0;
            let (objects, refs) = app_with_users(|objects, refs| {
                frame = push_object(objects, "7,400,9,-1,-1");
                refs.push(format!("{frame},1,7,-1"));
                for i in 0..count {
                    refs.push(format!("1,{},2,-1", objects.len()));
                    let f = push_object(objects, "6,3000,17,8,-1");
                    if i == 0 {
                        let closure = push_object(objects, "11,48,1,-1,-1");
                        let cell = push_object(objects, "12,40,1,-1,-1");
                        let memo = push_object(objects, "3,3000000,1,-1,-1");
                        refs.extend([format!("{f},{closure},0,9"), format!("{closure},{cell},9,10"), format!("{cell},{memo},5,10")]);
                    }
                }
            });
            let strings =
                app_strings(&["builtins.function", "builtins.frame", "handler", "__closure__", "memo", "builtins.tuple", "builtins.cell"]);
            let list = first_suspects(&doc_with_roots(&objects, &refs, &[format!("{frame},1,-1,0")], &strings));
            let functions =
                list.iter().any(|s| matches!(&s.kind, SuspectKind::Accumulation { type_name, .. } if type_name == "builtins.function"));
            assert_eq!(functions, expected, "{count} functions: {list:#?}");
        }
    }

    /// Appends an object row (`type,size,flags,description,-1`) at an address
    /// of its own (from its index); returns its index.
    fn push_object(objects: &mut Vec<String>, row: &str) -> usize {
        objects.push(format!("{},{row}", 0x90000 + 16 * objects.len()));
        objects.len() - 1
    }

    /// [`doc`] with more roots (`object,kind,name,excess` rows) than module `app`.
    fn doc_with_roots(objects: &[String], refs: &[String], roots: &[String], strings: &[&str]) -> Vec<u8> {
        let strings: Vec<String> = strings.iter().map(|s| format!("{s:?}")).collect();
        format!(
            r#"{{"format":"heapscope","version":1,"heap":{{"objects":[{}],"references":[{}],"roots":[0,0,2,0,{}]}},"strings":[{}]}}"#,
            objects.join(","),
            refs.join(","),
            roots.join(","),
            strings.join(",")
        )
        .into_bytes()
    }

    /// The strings of the callback heaps below, from index 6 on.
    const CALLBACK_STRINGS: [&str; 18] = [
        "lib.signals",                                         // 6
        "builtins.str",                                        // 7
        "'/venv/lib/python3.11/site-packages/lib/signals.py'", // 8
        "'__file__'",                                          // 9
        "lib.signals.Signal",                                  // 10
        "'received'",                                          // 11
        "receivers",                                           // 12
        "builtins.list",                                       // 13
        "builtins.tuple",                                      // 14
        "builtins.function",                                   // 15
        "view.<locals>.on_order",                              // 16
        "builtins.cell",                                       // 17
        "payload",                                             // 18
        "__closure__",                                         // 19
        "weakref",                                             // 20
        "weakref.finalize._Info",                              // 21
        "'_registry'",                                         // 22
        "builtins.method",                                     // 23
    ];

    /// Module `lib.signals` (a root; its file in site-packages): objects
    /// from `at` on; returns (module, its dict).
    fn library_module(objects: &mut Vec<String>, refs: &mut Vec<String>, roots: &mut Vec<String>) -> (usize, usize) {
        let (m, d, file) = (objects.len(), objects.len() + 1, objects.len() + 2);
        objects.push(format!("{},1,100,2,6,-1", 0x80000 + 16 * m));
        objects.push(format!("{},3,300,1,-1,-1", 0x80000 + 16 * d));
        objects.push(format!("{},7,90,0,8,-1", 0x80000 + 16 * file));
        refs.extend([format!("{m},{d},13,-1"), format!("{d},{file},2,9")]);
        roots.push(format!("{m},0,-1,0"));
        (m, d)
    }

    #[test]
    fn finalizers_a_library_registers_for_itself_are_the_librarys() {
        // module `weakref` (a root) → its dict → `['_registry']` → 250 `_Info`s, each → `.func`
        // → a bound method → `__func__` → one function whose `__globals__` is the namespace
        // of `lib.signals` (a third party's) or of `app`
        for (library, expected) in [(true, Owner::ThirdParty), (false, Owner::Application)] {
            let mut roots = Vec::new();
            let (objects, refs) = app_with_users(|objects, refs| {
                let (_, lib_dict) = library_module(objects, refs, &mut roots);
                let (w, wd, registry, f) = (objects.len(), objects.len() + 1, objects.len() + 2, objects.len() + 3);
                push_object(objects, "1,100,2,20,-1");
                push_object(objects, "3,300,1,-1,-1");
                push_object(objects, "3,9000,1,-1,-1");
                push_object(objects, "15,150,17,-1,-1");
                roots.push(format!("{w},0,-1,0"));
                let home = if library { lib_dict } else { 1 };
                refs.extend([
                    format!("{w},{wd},13,-1"),
                    format!("{wd},{registry},2,22"),
                    format!("{f},{home},7,-1"),
                    format!("{home},{f},2,-1"),
                ]);
                for _ in 0..250 {
                    let (info, method) = (objects.len(), objects.len() + 1);
                    push_object(objects, "21,80,1,-1,-1");
                    push_object(objects, "23,64,17,-1,-1");
                    refs.extend([format!("{registry},{info},2,-1"), format!("{info},{method},1,-1"), format!("{method},{f},0,-1")]);
                }
            });
            let strings = app_strings(&CALLBACK_STRINGS);
            let list = first_suspects(&doc_with_roots(&objects, &refs, &roots, &strings));
            let finalizers = list.iter().find(|s| s.pattern == Pattern::Finalizers).expect("the registry is a suspect");
            assert_eq!(finalizers.owner, expected, "library {library}: {list:#?}");
        }
    }

    #[test]
    fn the_applications_closures_in_a_librarys_receivers_are_the_applications() {
        // `received` of `app` → a `lib.signals.Signal` → `.receivers`, a list of 250
        // `(key, receiver, is_async)` tuples whose receiver is a closure of `app`'s code
        // (`__globals__` → app's namespace) capturing `payload`, a dict of 3 KB
        let mut roots = Vec::new();
        let (objects, refs) = app_with_users(|objects, refs| {
            library_module(objects, refs, &mut roots);
            let (signal, list) = (objects.len(), objects.len() + 1);
            push_object(objects, "10,48,1,-1,-1");
            push_object(objects, "13,2000,1,-1,-1");
            refs.extend([format!("1,{signal},2,11"), format!("{signal},{list},1,12")]);
            for _ in 0..250 {
                let (t, key, f, closure, cell, payload) =
                    (objects.len(), objects.len() + 1, objects.len() + 2, objects.len() + 3, objects.len() + 4, objects.len() + 5);
                push_object(objects, "14,64,1,-1,-1");
                push_object(objects, "14,56,1,-1,-1");
                push_object(objects, "15,150,17,16,-1");
                push_object(objects, "14,48,1,-1,-1");
                push_object(objects, "17,40,1,-1,-1");
                push_object(objects, "3,3000,1,-1,-1");
                refs.extend([
                    format!("{list},{t},4,-1"),
                    format!("{t},{key},4,-1"),
                    format!("{t},{f},4,-1"),
                    format!("{f},1,7,-1"),
                    format!("{f},{closure},0,19"),
                    format!("{closure},{cell},9,18"),
                    format!("{cell},{payload},0,-1"),
                ]);
            }
        });
        let strings = app_strings(&CALLBACK_STRINGS);
        let list = first_suspects(&doc_with_roots(&objects, &refs, &roots, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!((first.pattern, first.owner), (Pattern::Listeners, Owner::Application), "{list:#?}");
        assert!(first.items.contains("view.<locals>.on_order"), "{}", first.items);
        assert!(first.fix.starts_with("unsubscribe"), "{}", first.fix);
    }

    #[test]
    fn weakly_held_receivers_are_named_by_the_function_they_call() {
        // `received` of `app` → a `lib.signals.Signal` → `.receivers`, a list of 250
        // `(key, WeakMethod, is_async)` tuples (each key a 2 KB tuple, as a per-connect
        // `dispatch_uid` makes): the `WeakMethod`'s `_func_ref` is a weak reference to
        // `Auditor.on_order`, whose `__globals__` is app's namespace
        // strings from 24: weakref.WeakMethod, _func_ref, weakref.ReferenceType, Auditor.on_order
        let mut roots = Vec::new();
        let (objects, refs) = app_with_users(|objects, refs| {
            library_module(objects, refs, &mut roots);
            let (signal, list, f) = (objects.len(), objects.len() + 1, objects.len() + 2);
            push_object(objects, "10,48,1,-1,-1");
            push_object(objects, "13,2000,1,-1,-1");
            push_object(objects, "15,150,17,27,-1");
            refs.extend([format!("1,{signal},2,11"), format!("{signal},{list},1,12"), format!("{f},1,7,-1"), format!("1,{f},2,-1")]);
            for _ in 0..250 {
                let (t, key, method, func_ref) = (objects.len(), objects.len() + 1, objects.len() + 2, objects.len() + 3);
                push_object(objects, "14,64,1,-1,-1");
                push_object(objects, "14,2000,1,-1,-1");
                push_object(objects, "24,80,1,-1,-1");
                push_object(objects, "26,72,1,-1,-1");
                refs.extend([
                    format!("{list},{t},4,-1"),
                    format!("{t},{key},4,-1"),
                    format!("{t},{method},4,-1"),
                    format!("{method},{func_ref},1,25"),
                    format!("{func_ref},{f},14,-1"),
                ]);
            }
        });
        let mut strings = app_strings(&CALLBACK_STRINGS);
        strings.extend(["weakref.WeakMethod", "_func_ref", "weakref.ReferenceType", "Auditor.on_order"]);
        let list = first_suspects(&doc_with_roots(&objects, &refs, &roots, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!((first.pattern, first.owner), (Pattern::Listeners, Owner::Application), "{list:#?}");
        assert!(first.items.contains("`Auditor.on_order`") && first.items.contains("held weakly"), "{}", first.items);
    }

    #[test]
    fn a_librarys_wrappers_around_the_applications_functions_are_the_applications() {
        // `received` of `app` → a `lib.signals.Signal` → `.receivers`, a list of 250 closures
        // of the library's code (`__globals__` → lib's namespace: the wrapper its `listen`
        // makes), each capturing a closure of `app`'s code that captures `payload` (3 KB)
        let mut roots = Vec::new();
        let (objects, refs) = app_with_users(|objects, refs| {
            let (_, lib_dict) = library_module(objects, refs, &mut roots);
            let (signal, list) = (objects.len(), objects.len() + 1);
            push_object(objects, "10,48,1,-1,-1");
            push_object(objects, "13,2000,1,-1,-1");
            refs.extend([format!("1,{signal},2,11"), format!("{signal},{list},1,12")]);
            for _ in 0..250 {
                let at = objects.len();
                let (wrap, wclosure, wcell, f, closure, cell, payload) = (at, at + 1, at + 2, at + 3, at + 4, at + 5, at + 6);
                push_object(objects, "15,150,17,-1,-1");
                push_object(objects, "14,48,1,-1,-1");
                push_object(objects, "17,40,1,-1,-1");
                push_object(objects, "15,150,17,16,-1");
                push_object(objects, "14,48,1,-1,-1");
                push_object(objects, "17,40,1,-1,-1");
                push_object(objects, "3,3000,1,-1,-1");
                refs.extend([
                    format!("{list},{wrap},4,-1"),
                    format!("{wrap},{lib_dict},7,-1"),
                    format!("{wrap},{wclosure},0,19"),
                    format!("{wclosure},{wcell},9,18"),
                    format!("{wcell},{f},0,-1"),
                    format!("{f},1,7,-1"),
                    format!("{f},{closure},0,19"),
                    format!("{closure},{cell},9,18"),
                    format!("{cell},{payload},0,-1"),
                ]);
            }
        });
        let strings = app_strings(&CALLBACK_STRINGS);
        let list = first_suspects(&doc_with_roots(&objects, &refs, &roots, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!(first.owner, Owner::Application, "{list:#?}");
        assert_eq!(first.holder.to_string(), "`Signal.receivers`", "{list:#?}");
    }

    #[test]
    fn a_librarys_mapping_keyed_per_event_is_the_applications() {
        // `received` of `app` → a `lib.signals.Signal` holding 250 dicts of 3 KB under keys
        // 'req-0' … 'req-249': in a plain dict under `.receivers`, or in the Signal itself
        // (a dict subclass, its entries its own references)
        let keys: Vec<String> = (0..250).map(|i| format!("'req-{i}'")).collect();
        let mut extra: Vec<&str> = CALLBACK_STRINGS.to_vec();
        extra.extend(keys.iter().map(String::as_str));
        let strings = app_strings(&extra);
        let first_key = 6 + CALLBACK_STRINGS.len();
        for subclass in [false, true] {
            let mut roots = Vec::new();
            let (objects, refs) = app_with_users(|objects, refs| {
                library_module(objects, refs, &mut roots);
                let signal = objects.len();
                push_object(objects, "10,48,1,-1,-1");
                refs.push(format!("1,{signal},2,11"));
                let table = if subclass {
                    signal
                } else {
                    let d = objects.len();
                    push_object(objects, "3,9000,1,-1,-1");
                    refs.push(format!("{signal},{d},1,12"));
                    d
                };
                for i in 0..250 {
                    let v = objects.len();
                    push_object(objects, "3,3000,1,-1,-1");
                    refs.push(format!("{table},{v},2,{}", first_key + i));
                }
            });
            let list = first_suspects(&doc_with_roots(&objects, &refs, &roots, &strings));
            let first = list.first().expect("a suspect");
            assert_eq!(first.owner, Owner::Application, "subclass {subclass}: {list:#?}");
            assert!(first.reason.contains("under keys made per event"), "subclass {subclass}: {}", first.reason);
        }
    }

    #[test]
    fn type_namespaces_held_from_c_are_not_suspects() {
        // 80 dicts held only from C (native roots), each holding two `app.User` objects of 2 KB;
        // with `namespace`, each also has a `'__doc__'` key, as a static type's `__dict__` has
        // strings: 1 module type, 2 "app", 3 dict, 4 app.User, 5 'USERS', 6 '__doc__', 7 str
        for namespace in [false, true] {
            let mut roots = vec!["0,0,2,0".to_string()];
            let (objects, refs) = app_with_users(|objects, refs| {
                for _ in 0..80 {
                    let d = objects.len();
                    push_object(objects, "3,300,1,-1,-1");
                    roots.push(format!("{d},3,-1,0"));
                    for _ in 0..2 {
                        refs.push(format!("{d},{},2,-1", objects.len()));
                        push_object(objects, "4,2000,1,-1,-1");
                    }
                    if namespace {
                        refs.push(format!("{d},{},2,6", objects.len()));
                        push_object(objects, "7,60,0,-1,-1");
                    }
                }
            });
            let strings = app_strings(&["'__doc__'", "builtins.str"]);
            let strings: Vec<String> = strings.iter().map(|s| format!("{s:?}")).collect();
            let text = format!(
                r#"{{"format":"heapscope","version":1,"heap":{{"objects":[{}],"references":[{}],"roots":[{}]}},"strings":[{}]}}"#,
                objects.join(","),
                refs.join(","),
                roots.join(","),
                strings.join(",")
            );
            let list = first_suspects(text.as_bytes());
            let native = list.iter().any(|s| s.pattern == Pattern::NativeHeld);
            assert_eq!(native, !namespace, "namespace {namespace}: {list:#?}");
        }
    }

    #[test]
    fn a_local_of_a_frame_kept_by_a_stored_exception_is_named_by_the_exception() {
        // `['importer']` → app.Importer → its `__dict__` → `['last_error']` → a ValueError →
        // its traceback → `.tb_frame` → the frame of `run` (not on any thread's stack) →
        // local `batch` → a list of 300 dicts of 600 bytes
        let (objects, refs) = app_with_users(|objects, refs| {
            let at = |objects: &Vec<String>| 0xA0000 + 16 * objects.len();
            let push = |objects: &mut Vec<String>, row: &str| {
                let i = objects.len();
                objects.push(format!("{},{row}", at(objects)));
                i
            };
            let importer = push(objects, "7,48,1,-1,-1");
            let dict = push(objects, "3,200,1,-1,-1");
            let error = push(objects, "9,72,1,-1,-1");
            let traceback = push(objects, "10,64,1,-1,-1");
            let frame = push(objects, "12,400,9,15,-1");
            let list = push(objects, "14,2456,1,-1,-1");
            refs.extend([
                format!("1,{importer},2,6"),
                format!("{importer},{dict},13,-1"),
                format!("{dict},{error},2,8"),
                format!("{error},{traceback},0,-1"),
                format!("{traceback},{frame},1,11"),
                format!("{frame},{importer},6,16"),
                format!("{frame},{list},6,13"),
            ]);
            for _ in 0..300 {
                let d = push(objects, "3,600,1,-1,-1");
                refs.push(format!("{list},{d},4,-1"));
            }
        });
        let strings = app_strings(&[
            "'importer'",
            "app.Importer",
            "'last_error'",
            "builtins.ValueError",
            "builtins.traceback",
            "tb_frame",
            "builtins.frame",
            "batch",
            "builtins.list",
            "run at app.py:3",
            "self",
        ]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!(first.pattern, Pattern::StoredExceptions, "{list:#?}");
        assert!(
            first.reason.starts_with(
                "local `batch` of `run`, a frame kept by the traceback of the `ValueError` in `Importer.last_error`, holds 300"
            ),
            "{}",
            first.reason
        );
        assert!(first.fix.contains("traceback.clear_frames"), "{}", first.fix);
    }

    #[test]
    fn a_set_whose_table_outweighs_its_items_holds_them() {
        // `USERS` (430 KB), and `['seen']` → a set of 1000 short strs (100 KB) whose own table is
        // 200 KB: its items are a third of what it keeps alive, all of what it keeps besides itself
        // strings: 1 module type, 2 "app", 3 dict, 4 app.User, 5 'USERS', 6 'seen', 7 builtins.set, 8 builtins.str
        let (objects, refs) = app_with_users(|objects, refs| {
            let set = objects.len();
            objects.push("64,7,200000,1,-1,-1".to_string());
            refs.push(format!("1,{set},2,6"));
            for i in 0..1000 {
                refs.push(format!("{set},{},4,-1", objects.len()));
                objects.push(format!("{},8,100,0,-1,-1", 0x80000 + 16 * i));
            }
        });
        let strings = app_strings(&["'seen'", "builtins.set", "builtins.str"]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!(first.holder, Holder::ModuleGlobal { module: "app".into(), name: "seen".into() }, "{list:#?}");
        assert_eq!((first.pattern, first.count), (Pattern::ModuleGlobal, 1000), "{list:#?}");
    }

    #[test]
    fn a_smaller_dict_keyed_like_a_table_comes_before_the_table() {
        // `USERS`: 1000 `app.User` under int keys 0..999; `['pages']` → a dict of 300 strs
        // under keys 0..299 (with `shared` false, under keys 1000..1299: no table's)
        for shared in [true, false] {
            // strings: 1 module type, 2 "app", 3 dict, 4 app.User, 5 'USERS', 6 'pages', 7 str, 8.. keys
            let key = |k: usize| 8 + k;
            let mut objects = vec!["16,1,100,2,2,-1".to_string(), "32,3,200,1,-1,-1".to_string(), "48,3,30000,1,-1,-1".to_string()];
            let mut refs = vec!["0,1,13,-1".to_string(), "1,2,2,5".to_string()];
            for i in 0..1000 {
                refs.push(format!("2,{},2,{}", objects.len(), key(i)));
                objects.push(format!("{},4,400,1,-1,-1", 0x10000 + 16 * i));
            }
            let pages = objects.len();
            objects.push("64,3,9000,1,-1,-1".to_string());
            refs.push(format!("1,{pages},2,6"));
            for i in 0..300 {
                refs.push(format!("{pages},{},2,{}", objects.len(), key(if shared { i } else { 1000 + i })));
                objects.push(format!("{},7,1000,0,-1,-1", 0x40000 + 16 * i));
            }
            let keys: Vec<String> = (0..1300).map(|k| k.to_string()).collect();
            let mut strings = vec!["", "builtins.module", "app", "builtins.dict", "app.User", "'USERS'", "'pages'", "builtins.str"];
            strings.extend(keys.iter().map(String::as_str));
            let list = first_suspects(&doc(&objects, &refs, &strings));
            let first = list.first().expect("a suspect");
            let pages = Holder::ModuleGlobal { module: "app".into(), name: "pages".into() };
            assert_eq!(first.holder == pages, shared, "shared {shared}: {list:#?}");
            if shared {
                assert!(
                    first.reason.contains("under keys of `USERS` (a cache or side table of it: 300 of its 1000 keys)"),
                    "{}",
                    first.reason
                );
                assert!(first.fix.contains("`pages.pop(key, None)`"), "{}", first.fix);
            }
        }
    }

    #[test]
    fn a_dict_keyed_by_the_objects_it_was_given_comes_before_a_bigger_table() {
        // `['pending']` of `app` → a dict of 300 `app.Job` objects (1 KB each) under keys that are
        // `app.Request` objects (with `objects` false, under the ints 0..299: a table by row)
        // strings: 6 'pending', 7 app.Job, 8 app.Request, 9 int, 10.. int keys
        for objects_as_keys in [true, false] {
            let (objects, refs) = app_with_users(|objects, refs| {
                let pending = objects.len();
                push_object(objects, "3,9000,1,-1,-1");
                refs.push(format!("1,{pending},2,6"));
                for i in 0..300 {
                    let (key, job) = (objects.len(), objects.len() + 1);
                    let key_type = if objects_as_keys { 8 } else { 9 };
                    objects.push(format!("{},{key_type},40,1,-1,-1", 0x90000 + 16 * key));
                    push_object(objects, "7,1000,1,-1,-1");
                    refs.extend([format!("{pending},{key},3,-1"), format!("{pending},{job},2,{}", 10 + i)]);
                }
            });
            let keys: Vec<String> = (0..300).map(|k| k.to_string()).collect();
            let mut strings = app_strings(&["'pending'", "app.Job", "app.Request", "builtins.int"]);
            strings.extend(keys.iter().map(String::as_str));
            let list = first_suspects(&doc(&objects, &refs, &strings));
            let first = list.first().expect("a suspect");
            let pending = Holder::ModuleGlobal { module: "app".into(), name: "pending".into() };
            assert_eq!(first.holder == pending, objects_as_keys, "objects as keys {objects_as_keys}: {list:#?}");
            if objects_as_keys {
                assert!(first.reason.contains("under keys that are `app.Request` objects"), "{}", first.reason);
                assert!(first.fix.contains("`pending.pop(obj, None)`"), "{}", first.fix);
            }
        }
    }

    #[test]
    fn what_a_container_keeps_only_through_its_items_is_held_for_them() {
        // `['matches']` of `app` → a list of 300 `re.Match` objects of 150 B, each pointing
        // into one of 20 strings of 30 KB that 15 matches share (the subject of each match):
        // no match dominates its string, the list does
        // strings: 6 'matches', 7 list, 8 re.Match, 9 str
        let (objects, refs) = app_with_users(|objects, refs| {
            let list = objects.len();
            push_object(objects, "7,2600,1,-1,-1");
            refs.push(format!("1,{list},2,6"));
            let first_text = objects.len();
            for _ in 0..20 {
                push_object(objects, "9,30000,0,-1,-1");
            }
            for i in 0..300 {
                let m = objects.len();
                push_object(objects, "8,150,1,-1,-1");
                refs.extend([format!("{list},{m},4,-1"), format!("{m},{},0,-1", first_text + i / 15)]);
            }
        });
        let strings = app_strings(&["'matches'", "builtins.list", "re.Match", "builtins.str"]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!(first.holder, Holder::ModuleGlobal { module: "app".into(), name: "matches".into() }, "{list:#?}");
        assert!(matches!(&first.kind, SuspectKind::Accumulation { type_name, instances: 300, .. } if type_name == "re.Match"), "{list:#?}");
    }

    #[test]
    fn default_arguments_are_named_by_their_parameter() {
        for kw in [false, true] {
            let loaded = crate::load(&defaults_heap(kw)).unwrap();
            let s = loaded.snapshot;
            let heap = s.heap.as_ref().unwrap();
            let a = Analysis::of_heap(&s, heap);
            let list = a.suspects(&s, heap, 3);
            let first = list.first().unwrap_or_else(|| panic!("kw {kw}: no suspect"));
            assert_eq!(first.pattern, Pattern::DefaultArgument, "kw {kw}: {list:#?}");
            assert_eq!(first.holder, Holder::DefaultArgument { function: "remember".into(), parameter: Some("seen".into()) });
            assert!(first.reason.contains("default argument `seen` of `remember`"), "kw {kw}: {}", first.reason);
            assert!(first.fix.contains("`seen=None` in `remember`"), "kw {kw}: {}", first.fix);
        }
    }

    #[test]
    fn partials_and_threads_in_a_list_say_what_they_keep() {
        // `['jobs']` → a list of 300 `functools.partial`, each calling `send` (a global of `app`)
        // with a bytes argument; `['workers']` → a list of 300 `threading.Thread` objects
        // strings: 6 'jobs', 7 list, 8 functools.partial, 9 function, 10 'send', 11 bytes, 12 'workers',
        // 13 threading.Thread, 14 send
        let (objects, refs) = app_with_users(|objects, refs| {
            let send = objects.len();
            objects.push("589824,9,150,1,14,-1".to_string());
            refs.push(format!("1,{send},2,10"));
            for (name, item) in [(6, 8), (12, 13)] {
                let list = objects.len();
                objects.push(format!("{},7,2500,1,-1,-1", 0x50000 + 0x100000 * item));
                refs.push(format!("1,{list},2,{name}"));
                for i in 0..300 {
                    let it = objects.len();
                    refs.push(format!("{list},{it},4,-1"));
                    objects.push(format!("{},{item},80,1,-1,-1", 0x60000 + 0x100000 * item + 32 * i));
                    if item == 8 {
                        refs.push(format!("{it},{send},0,-1"));
                        refs.push(format!("{it},{},0,-1", objects.len()));
                        objects.push(format!("{},11,1000,0,-1,-1", 0x70000 + 0x100000 * item + 32 * i));
                    } else {
                        refs.push(format!("{it},{},0,-1", objects.len()));
                        objects.push(format!("{},3,1500,1,-1,-1", 0x70000 + 0x100000 * item + 32 * i));
                    }
                }
            }
        });
        let strings = app_strings(&[
            "'jobs'",
            "builtins.list",
            "functools.partial",
            "builtins.function",
            "'send'",
            "builtins.bytes",
            "'workers'",
            "threading.Thread",
            "send",
        ]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let jobs = list.iter().find(|s| s.holder == Holder::ModuleGlobal { module: "app".into(), name: "jobs".into() });
        let jobs = jobs.expect("the jobs");
        assert_eq!((jobs.pattern, jobs.count), (Pattern::PendingJobs, 300), "{list:#?}");
        assert!(jobs.reason.contains("`functools.partial(send, …)` not yet run"), "{}", jobs.reason);
        assert!(jobs.fix.contains("run the jobs"), "{}", jobs.fix);
        let workers = list.iter().find(|s| s.holder == Holder::ModuleGlobal { module: "app".into(), name: "workers".into() });
        let workers = workers.expect("the threads");
        assert_eq!((workers.pattern, workers.count), (Pattern::KeptThreads, 300), "{list:#?}");
        assert!(workers.fix.contains("after join()"), "{}", workers.fix);
        // both before the bigger table of users
        assert!(matches!(list[0].pattern, Pattern::PendingJobs | Pattern::KeptThreads), "{list:#?}");
    }

    #[test]
    fn a_long_string_in_a_variable_is_a_growing_buffer() {
        // `['log']` and `['__doc__']` of module `app`: a str of 50 KB each (beside 400 KB of users)
        // strings: 6 'log', 7 builtins.str, 8 '__doc__'
        let (objects, refs) = app_with_users(|objects, refs| {
            for (i, name) in [6, 8].into_iter().enumerate() {
                refs.push(format!("1,{},2,{name}", objects.len()));
                objects.push(format!("{},7,50000,0,-1,-1", 0x90000 + 64 * i));
            }
        });
        let strings = app_strings(&["'log'", "builtins.str", "'__doc__'"]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!(first.holder, Holder::ModuleGlobal { module: "app".into(), name: "log".into() }, "{list:#?}");
        assert_eq!(first.pattern, Pattern::GrowingBuffer, "{list:#?}");
        assert!(first.fix.contains("every `+=` copies") && first.fix.contains("`log = \"\"`"), "{}", first.fix);
        // a docstring is no log
        let doc_str = list.iter().find(|s| matches!(&s.holder, Holder::ModuleGlobal { name, .. } if name == "__doc__"));
        assert!(doc_str.is_none_or(|s| s.pattern == Pattern::LargeObject), "{list:#?}");
    }

    #[test]
    fn a_list_of_deadline_and_callback_tuples_is_a_heap_of_timers() {
        // `['timers']` → a list of 300 tuples `(deadline, seq, callback)`, each with its float,
        // its int and a function of its own
        // strings: 6 'timers', 7 list, 8 tuple, 9 float, 10 int, 11 function
        let (objects, refs) = app_with_users(|objects, refs| {
            let list = objects.len();
            objects.push("655360,7,2500,1,-1,-1".to_string());
            refs.push(format!("1,{list},2,6"));
            for i in 0..300 {
                let t = objects.len();
                refs.push(format!("{list},{t},4,-1"));
                objects.push(format!("{},8,64,1,-1,-1", 0xb0000 + 128 * i));
                for (k, (ty, size)) in [(9, 24), (10, 28), (11, 1000)].into_iter().enumerate() {
                    refs.push(format!("{t},{},4,-1", objects.len()));
                    objects.push(format!("{},{ty},{size},1,-1,-1", 0xb0000 + 128 * i + 32 * (k + 1)));
                }
            }
        });
        let strings = app_strings(&["'timers'", "builtins.list", "builtins.tuple", "builtins.float", "builtins.int", "builtins.function"]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let first = list.first().expect("a suspect");
        assert_eq!(first.holder, Holder::ModuleGlobal { module: "app".into(), name: "timers".into() }, "{list:#?}");
        assert_eq!((first.pattern, first.count), (Pattern::ScheduledCallbacks, 300), "{list:#?}");
        assert!(first.reason.contains("kept as a heap (`heapq`)"), "{}", first.reason);
    }

    #[test]
    fn an_attribute_of_a_standard_library_object_is_named_by_where_the_application_keeps_it() {
        // `settings` of `app` → an `app.Settings` → `.layers` (its `__dict__`) → a
        // `collections.ChainMap` → `.maps` (its `__dict__`) → a list of 300 dicts of 1 KB
        // strings: 6 app.Settings, 7 'settings', 8 'layers', 9 collections.ChainMap, 10 'maps', 11 list
        let (objects, refs) = app_with_users(|objects, refs| {
            let settings = push_object(objects, "6,56,1,-1,-1");
            let sdict = push_object(objects, "3,300,1,-1,-1");
            let chain = push_object(objects, "9,56,1,-1,-1");
            let cdict = push_object(objects, "3,300,1,-1,-1");
            let list = push_object(objects, "11,2500,1,-1,-1");
            refs.extend([
                format!("1,{settings},2,7"),
                format!("{settings},{sdict},13,-1"),
                format!("{sdict},{chain},2,8"),
                format!("{chain},{cdict},13,-1"),
                format!("{cdict},{list},2,10"),
            ]);
            for _ in 0..300 {
                let d = push_object(objects, "3,1000,1,-1,-1");
                refs.push(format!("{list},{d},4,-1"));
            }
        });
        let strings = app_strings(&["app.Settings", "'settings'", "'layers'", "collections.ChainMap", "'maps'", "builtins.list"]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let layers = list.iter().find(|s| s.count == 300).expect("the maps are a suspect");
        assert_eq!(layers.reason.split(" holds").next().unwrap(), "`ChainMap.maps` in `Settings.layers`", "{list:#?}");
        assert_eq!(layers.pattern, Pattern::InstanceAttribute, "{list:#?}");
        assert!(layers.fix.contains("`self.layers = self.layers.parents`"), "{}", layers.fix);
    }

    #[test]
    fn subclasses_of_thread_kept_in_a_list_are_kept_threads() {
        // `['crawls']` → a list of 300 `app.FetchThread` objects (each with a `__dict__` of
        // 1.5 KB), whose class's MRO is (FetchThread, threading.Thread, object)
        // strings: 6 'crawls', 7 list, 8 app.FetchThread, 9 builtins.type, 10 builtins.tuple,
        // 11 __class__, 12 'app.FetchThread' desc, 13 threading.Thread, 14 object
        for subclass in [true, false] {
            let (objects, refs) = app_with_users(|objects, refs| {
                let class = push_object(objects, "9,1600,5,12,-1");
                let mro = push_object(objects, "10,64,1,-1,-1");
                let base = if subclass { "9,1600,5,13,-1" } else { "9,1600,5,14,-1" };
                let thread = push_object(objects, base);
                let object = push_object(objects, "9,1600,5,14,-1");
                refs.extend([
                    format!("1,{class},2,-1"),
                    format!("{class},{mro},11,-1"),
                    format!("{mro},{class},4,-1"),
                    format!("{mro},{thread},4,-1"),
                    format!("{mro},{object},4,-1"),
                ]);
                let list = push_object(objects, "7,2500,1,-1,-1");
                refs.push(format!("1,{list},2,6"));
                for _ in 0..300 {
                    let t = push_object(objects, "8,56,1,-1,-1");
                    let d = push_object(objects, "3,1500,1,-1,-1");
                    refs.extend([format!("{list},{t},4,-1"), format!("{t},{d},13,-1"), format!("{t},{class},0,11")]);
                }
            });
            let strings = app_strings(&[
                "'crawls'",
                "builtins.list",
                "app.FetchThread",
                "builtins.type",
                "builtins.tuple",
                "__class__",
                "app.FetchThread",
                "threading.Thread",
                "builtins.object",
            ]);
            let list = first_suspects(&doc(&objects, &refs, &strings));
            let crawls = list.iter().find(|s| s.count == 300).expect("the threads are a suspect");
            let expected = if subclass { Pattern::KeptThreads } else { Pattern::ModuleGlobal };
            assert_eq!(crawls.pattern, expected, "subclass {subclass}: {list:#?}");
            if subclass {
                assert!(crawls.reason.contains("subclasses of `threading.Thread`"), "{}", crawls.reason);
            }
        }
    }

    #[test]
    fn a_standard_library_mapping_keyed_per_event_from_one_template_is_the_applications() {
        // module `linecache` (a root) → its dict → `['cache']` → a dict of 250 tuples of 3 KB
        // under keys `'<rule req-N>'` (source compiled per request), or under file paths
        // (`'/usr/lib/python3.11/<name>.py'`: each its own template, the library's own)
        // strings: 6 linecache, 7 'cache', 8 builtins.tuple, then the keys
        let names: Vec<String> =
            (0..250).map(|i: u32| (0..3).map(|d| char::from(b'a' + ((i / 26u32.pow(d)) % 26) as u8)).collect()).collect();
        for per_request in [true, false] {
            let keys: Vec<String> = if per_request {
                (0..250).map(|i| format!("'<rule req-{i}>'")).collect()
            } else {
                names.iter().map(|n| format!("'/usr/lib/python3.11/{n}.py'")).collect()
            };
            let mut extra = vec!["linecache", "'cache'", "builtins.tuple"];
            extra.extend(keys.iter().map(String::as_str));
            let strings = app_strings(&extra);
            let mut roots = Vec::new();
            let (objects, refs) = app_with_users(|objects, refs| {
                let m = push_object(objects, "1,100,2,6,-1");
                let md = push_object(objects, "3,300,1,-1,-1");
                let cache = push_object(objects, "3,9000,1,-1,-1");
                roots.push(format!("{m},0,-1,0"));
                refs.extend([format!("{m},{md},13,-1"), format!("{md},{cache},2,7")]);
                for i in 0..250 {
                    let t = push_object(objects, "8,3000,1,-1,-1");
                    refs.push(format!("{cache},{t},2,{}", 9 + i));
                }
            });
            let list = first_suspects(&doc_with_roots(&objects, &refs, &roots, &strings));
            let cache = list.iter().find(|s| s.holder == Holder::ModuleGlobal { module: "linecache".into(), name: "cache".into() });
            if per_request {
                let cache = cache.expect("linecache.cache is a suspect");
                assert_eq!(cache.owner, Owner::Application, "{list:#?}");
                assert!(list[0].reason.contains("under keys made per event"), "{list:#?}");
            } else {
                assert!(cache.is_none(), "{list:#?}");
            }
        }
    }

    #[test]
    fn a_tree_of_the_applications_nodes_is_one_suspect_named_by_its_top() {
        // `root` of `app` → an `app.Span` → `.children` (a list) → 10 spans, each also in
        // `by_user` (a dict), each → `.children` → 10 spans of 2 KB pointing back (`.parent`)
        // strings: 6 app.Span, 7 list, 8 'root', 9 'children', 10 'parent', 11 'by_user'
        let (objects, refs) = app_with_users(|objects, refs| {
            let by_user = push_object(objects, "3,600,1,-1,-1");
            refs.push(format!("1,{by_user},2,11"));
            let span = |objects: &mut Vec<String>, refs: &mut Vec<String>, parent: Option<usize>, size: u32| {
                let (s, d, c) = (
                    push_object(objects, "6,56,1,-1,-1"),
                    push_object(objects, &format!("3,{size},1,-1,-1")),
                    push_object(objects, "7,120,1,-1,-1"),
                );
                refs.extend([format!("{s},{d},13,-1"), format!("{d},{c},2,9")]);
                if let Some(p) = parent {
                    refs.push(format!("{d},{p},2,10"));
                }
                (s, c)
            };
            let (root, children) = span(objects, refs, None, 300);
            refs.push(format!("1,{root},2,8"));
            for _ in 0..10 {
                let (user, user_children) = span(objects, refs, Some(root), 300);
                refs.extend([format!("{children},{user},4,-1"), format!("{by_user},{user},2,-1")]);
                for _ in 0..10 {
                    let (leaf, _) = span(objects, refs, Some(user), 2000);
                    refs.push(format!("{user_children},{leaf},4,-1"));
                }
            }
        });
        let strings = app_strings(&["app.Span", "builtins.list", "'root'", "'children'", "'parent'", "'by_user'"]);
        let list = first_suspects(&doc(&objects, &refs, &strings));
        let first = &list[0];
        assert_eq!(first.holder, Holder::ModuleGlobal { module: "app".into(), name: "root".into() }, "{list:#?}");
        assert_eq!(first.count, 111, "{list:#?}");
        assert!(first.reason.contains("in a tree") && first.reason.contains("(3 levels)"), "{}", first.reason);
        assert!(first.retained_bytes > 200_000, "{list:#?}");
    }
}
