//! The passes that find candidate holders: accumulation points in the
//! dominator tree, collections of pending asyncio tasks, single large
//! objects, large application types, and garbage cycles the collector will
//! not free. Each is linear in the objects it looks at.

use std::collections::{HashMap, HashSet};

use crate::analysis::owner::Owner;
use crate::analysis::suspects::naming::{Ctx, Holder};
use crate::analysis::suspects::tables::{self, classify_type, TypeClass};
use crate::analysis::Analysis;
use crate::graph::ObjIdx;
use crate::model::{flags, RefKind, RootKind};
use crate::prefetch::prefetch;

/// How many children ahead the accumulation pass prefetches.
const AHEAD: usize = 8;

/// An accumulation point directly dominates at least this many objects of one type…
pub const MIN_INSTANCES: u32 = 50;
/// …or this many callbacks, closures, log records or tasks (each a leak pattern of its own).
pub const MIN_PATTERN_INSTANCES: u32 = 10;
/// …that make up at least this share of its retained bytes.
pub const MIN_INSTANCE_SHARE: f64 = 0.5;
/// An object of the application is a holder when it retains at least this share.
pub const MIN_OBJECT_SHARE: f64 = 0.01;
/// An application type is a suspect when its instances retain at least this share.
pub const MIN_USER_TYPE_SHARE: f64 = 0.01;
/// A container of the standard library holding at least this many loggers,
/// handlers, timers or finalizers holds the program's (the interpreter and
/// its standard library make a handful).
pub const MIN_PROGRAM_MADE: u32 = 200;
/// A collection of pending tasks holds at least this many.
pub const MIN_TASKS: u32 = 10;

/// A container that directly dominates many objects of one type.
#[derive(Clone)]
pub(crate) struct Accumulation {
    pub container: ObjIdx,
    /// The dominator-tree node whose children are the items (the
    /// container, or the `__dict__` of the instance that is the container).
    pub node: ObjIdx,
    pub type_id: u32,
    pub count: u32,
    pub item_bytes: u64,
    /// One of the items (the first), to look at their shape.
    pub example: ObjIdx,
}

/// How many item types of one mapping are looked up by a search of its
/// references before they are put in a map (see [`accumulations`]).
const SEARCHED_TYPES: u32 = 8;

pub(crate) fn accumulations(cx: &Ctx, n: usize) -> Vec<Accumulation> {
    let (types, tree) = (cx.types, cx.tree);
    let mut tally_bytes: Vec<u64> = vec![0; types.len()];
    let mut tally_count: Vec<u32> = vec![0; types.len()];
    let mut out: Vec<Accumulation> = Vec::new();
    let mut seen: HashSet<ObjIdx> = HashSet::new();
    let mappings: Vec<bool> = types.names.iter().map(|t| tables::is_mapping(t)).collect();
    let mut summed: Vec<bool> = vec![false; types.len()];
    let min_count: Vec<u32> = types
        .names
        .iter()
        .map(|t| match t.as_str() {
            "builtins.method"
            | "builtins.function"
            | "logging.LogRecord"
            | "_asyncio.Task"
            | "asyncio.tasks.Task"
            | "_asyncio.Future"
            | "asyncio.futures.Future"
            | "concurrent.futures._base.Future"
            | "builtins.generator"
            | "builtins.coroutine"
            | "builtins.async_generator"
            | "builtins.frame"
            | "builtins.traceback" => MIN_PATTERN_INSTANCES,
            _ => MIN_INSTANCES,
        })
        .collect();
    // Per child, from the first pass over the children: its type, and the
    // type of the instance whose `__dict__` it is (`NO_TYPE` if none) — the
    // later passes read these in order instead of each child's type again.
    const NO_TYPE: u32 = u32::MAX;
    let mut child_types: Vec<(u32, u32)> = Vec::new();
    for o in 0..n as ObjIdx {
        let children = tree.children(o);
        if children.len() < MIN_PATTERN_INSTANCES as usize {
            continue;
        }
        child_types.clear();
        for (i, &c) in children.iter().enumerate() {
            // Children come largest first, at random places: ask for the
            // type and retained size of the one AHEAD children on now.
            if let Some(&ahead) = children.get(i + AHEAD) {
                prefetch(&types.of_object, ahead as usize);
                tree.prefetch(ahead);
            }
            let child_type = types.type_of(c);
            let dict_owner = cx.dict_owner(c);
            let owner_type = dict_owner.map_or(NO_TYPE, |owner| types.type_of(owner));
            child_types.push((child_type, owner_type));
            // An instance's __dict__ beside its instance counts with the instance.
            let (counted, t) = match dict_owner {
                Some(owner) if tree.idom(owner) == Some(o) => (owner, owner_type as usize),
                _ => (c, child_type as usize),
            };
            tally_bytes[t] += tree.retained_bytes(c);
            tally_count[t] += (counted == c) as u32;
        }
        // The type with the most bytes among those with enough instances;
        // in a mapping, its keys and values are its items together (a
        // dict of 2000 small locks under 2000 str keys: neither type is
        // half of it, both are).
        // The items named are then its values (the most bytes among the
        // types a value of which comes first), not its keys.
        let mapping = mappings[types.type_of(o) as usize];
        let (mut best, mut many_bytes): (Option<usize>, u64) = (None, 0);
        let mut best_value: Option<usize> = None;
        // The kind of the mapping's first reference to an object: a search
        // of its references for the first few types asked, then a map read
        // once (a dict of thousands of types asks for many of them).
        let mut first_kind: Option<HashMap<ObjIdx, RefKind>> = None;
        let mut asked = 0;
        for (i, &(child_type, _)) in child_types.iter().enumerate() {
            let t = child_type as usize;
            if tally_count[t] >= min_count[t] {
                if best.is_none_or(|b| tally_bytes[t] > tally_bytes[b]) {
                    best = Some(t);
                }
                if mapping && !summed[t] {
                    summed[t] = true;
                    many_bytes += tally_bytes[t];
                    asked += 1;
                    let kind = if asked <= SEARCHED_TYPES {
                        cx.heap.graph.out_refs(o).find(|&(x, _)| x == children[i]).map(|(_, l)| l.kind())
                    } else {
                        let kinds = first_kind.get_or_insert_with(|| {
                            let mut kinds = HashMap::new();
                            for (x, l) in cx.heap.graph.out_refs(o) {
                                kinds.entry(x).or_insert(l.kind());
                            }
                            kinds
                        });
                        kinds.get(&children[i]).copied()
                    };
                    let value = kind == Some(RefKind::DictValue);
                    if value && best_value.is_none_or(|b| tally_bytes[t] > tally_bytes[b]) {
                        best_value = Some(t);
                    }
                }
            }
        }
        let best = if mapping { best_value.or(best) } else { best };
        let found = best.map(|b| (b, tally_count[b], if mapping { many_bytes } else { tally_bytes[b] }));
        for &(child_type, owner_type) in &child_types {
            tally_bytes[child_type as usize] = 0;
            tally_count[child_type as usize] = 0;
            summed[child_type as usize] = false;
            if owner_type != NO_TYPE {
                tally_bytes[owner_type as usize] = 0;
                tally_count[owner_type as usize] = 0;
            }
        }
        let Some((best, count, item_bytes)) = found else { continue };
        if types.names[best] == "builtins.function" && class_body(cx, o, children) {
            continue;
        }
        // A class's namespace that dominates items it does not refer to
        // holds them through its attributes' objects (instances kept as
        // keys by two descriptors of one class): those objects' own
        // containers are the suspects, not "`__dict__` of class".
        if cx.class_of_dict(o).is_some() && !held_directly(cx, o, children, best as u32) {
            continue;
        }
        // The container's own table grows with its items: a set of 20,000
        // short ids keeps a 2 MB table beside 1.6 MB of strings, all of
        // it held for the items.
        let own = cx.heap.size_bytes.get(o as usize).copied().unwrap_or(0);
        let held = tree.retained_bytes(o).saturating_sub(own) as f64;
        // What it keeps only through its items (objects they share: the
        // log text 400 `re.Match` objects point into) is held for them too.
        let item_bytes = if (item_bytes as f64) < MIN_INSTANCE_SHARE * held { item_bytes + kept_through_items(cx, o) } else { item_bytes };
        if (item_bytes as f64) < MIN_INSTANCE_SHARE * held {
            continue;
        }
        // An accumulation under an instance's __dict__ belongs to the instance.
        let container = match cx.dict_owner(o) {
            Some(owner) if tree.idom(o) == Some(owner) && !cx.is_module(owner) => owner,
            _ => o,
        };
        if !seen.insert(container) {
            continue;
        }
        let example = children.iter().copied().find(|&c| types.type_of(c) as usize == best).unwrap_or(children[0]);
        out.push(Accumulation { container, node: o, type_id: best as u32, count, item_bytes, example });
    }
    out
}

/// Whether `o` refers to any of the first few of its dominator-tree
/// `children` of type `item` itself.
fn held_directly(cx: &Ctx, o: ObjIdx, children: &[ObjIdx], item: u32) -> bool {
    let items: Vec<ObjIdx> = children.iter().copied().filter(|&c| cx.types.type_of(c) == item).take(8).collect();
    cx.heap.graph.out_refs(o).take(4096).any(|(t, _)| items.contains(&t))
}

/// The bytes `o` keeps alive only through what it refers to: its children
/// in the dominator tree it has no reference to (objects its items share,
/// which no single item dominates).
fn kept_through_items(cx: &Ctx, o: ObjIdx) -> u64 {
    let direct: HashSet<ObjIdx> = cx.heap.graph.out_refs(o).map(|(t, _)| t).collect();
    cx.tree.children(o).iter().filter(|c| !direct.contains(c)).map(|&c| cx.tree.retained_bytes(c)).sum()
}

/// Whether `dict` is a class's namespace whose functions are mostly the
/// class's own methods — defined in its body, so their qualified names are
/// the class's (`Column.__init__` in `Column`'s `__dict__`): the class as
/// written, not a collection that grows. Functions added to a class at run
/// time (`setattr(cls, name, handler)` per event) are named where they were
/// made (`make_handler.<locals>.handler`) and still count.
fn class_body(cx: &Ctx, dict: ObjIdx, children: &[ObjIdx]) -> bool {
    let Some(class) = cx.class_of_dict(dict) else { return false };
    let prefix = format!("{}.", cx.class_qualname(class));
    let (mut functions, mut own) = (0usize, 0usize);
    for &c in children {
        if cx.type_name(c) == "builtins.function" {
            functions += 1;
            own += cx.desc(c).starts_with(&prefix) as usize;
        }
    }
    2 * own >= functions
}

/// Drops the accumulations that lie inside an item of another one (the
/// lists of tuples in each of 300 suspended generators a list holds): the
/// outer one names the leak. A namespace (a module's or a class's dict
/// full of functions) is no outer one: what hangs off its functions is a
/// leak of its own. Walks each container's dominator chain.
pub(crate) fn drop_nested(cx: &Ctx, accs: Vec<Accumulation>) -> Vec<Accumulation> {
    let by_node: HashMap<ObjIdx, u32> = accs
        .iter()
        .filter(|a| cx.namespace_module(a.node).is_none() && cx.class_of_dict(a.node).is_none())
        .map(|a| (a.node, a.type_id))
        .collect();
    let nested = |a: &Accumulation| {
        let mut x = a.container;
        // A dominator chain is at most as long as the heap is deep; bounded all the same.
        for _ in 0..4096 {
            let Some(p) = cx.tree.idom(x).filter(|&p| p != crate::analysis::dominators::SUPER_ROOT) else { return false };
            if let Some(&t) = by_node.get(&p) {
                let item_type = cx.dict_owner(x).map_or(cx.types.type_of(x), |owner| cx.types.type_of(owner));
                if item_type == t || cx.types.type_of(x) == t {
                    return true;
                }
            }
            x = p;
        }
        false
    };
    let keep: Vec<bool> = accs.iter().map(|a| !nested(a)).collect();
    accs.into_iter().zip(keep).filter_map(|(a, k)| k.then_some(a)).collect()
}

/// The owner of the objects an item keeps alive on its own, when some are
/// not the interpreter's: a standard-library registry (`weakref.finalize`'s,
/// a loop's timers) holding the application's objects is the application's
/// leak. Looks at the first objects of the item's dominator subtree.
pub(crate) fn owner_of_kept(cx: &Ctx, item: ObjIdx) -> Option<Owner> {
    const LOOK: usize = 256;
    let mut stack = vec![item];
    let mut best: Option<Owner> = None;
    let mut seen = 0;
    while let Some(x) = stack.pop() {
        seen += 1;
        if seen > LOOK {
            break;
        }
        let owner = cx.owners.of_type(cx.types.type_of(x));
        if owner != Owner::Interpreter && best.is_none_or(|b| owner < b) {
            best = Some(owner);
        }
        stack.extend(cx.tree.children(x).iter().copied().take(LOOK));
    }
    best
}

/// The owner of the code an item calls back — the module whose namespace
/// its function runs in (`__globals__`): the item itself when it is a
/// function or bound method (through `__func__`), else the first one among
/// its first referents (a finalizer's `func`, a timer's callback, a signal
/// receiver in a `(key, receiver, is_async)` tuple, a partial's function).
/// Hundreds of finalizers a library registers for itself
/// (`Signal._remove_receiver` per `connect`) are the library's; hundreds of
/// the application's closures in a library's list of receivers are the
/// application's registrations.
pub(crate) fn callback_owner(cx: &Ctx, item: ObjIdx) -> Option<Owner> {
    let g = &cx.heap.graph;
    let f = callee(cx, item).or_else(|| g.out_refs(item).take(16).find_map(|(t, _)| callee(cx, t)))?;
    let owner = function_owner(cx, f)?;
    // A library's wrapper around the program's function (a closure the
    // library's `listen`/decorator made, capturing the function it calls):
    // the program's callback, registered by the program's call.
    if owner != Owner::Application && wrapped_functions(cx, f).any(|w| function_owner(cx, w) == Some(Owner::Application)) {
        return Some(Owner::Application);
    }
    Some(owner)
}

/// The function `o` calls, when it is a callback: a function; a bound
/// method's `__func__` (a method is flagged a function too); the function
/// a weak reference to it or a `weakref.WeakMethod` names (its `_func_ref`)
/// — registries that hold their callbacks weakly (a signal's receivers
/// connected with `weak=True`) still say whose code they call.
fn callee(cx: &Ctx, o: ObjIdx) -> Option<ObjIdx> {
    let g = &cx.heap.graph;
    let function_of = |x: ObjIdx| -> Option<ObjIdx> {
        if cx.type_name(x) == "builtins.method" {
            return g.out_refs(x).map(|(t, _)| t).find(|&t| cx.type_name(t) == "builtins.function");
        }
        cx.is_function(x).then_some(x)
    };
    let weak_target = |r: ObjIdx| g.out_refs(r).find(|(_, l)| l.kind() == RefKind::Weak).and_then(|(t, _)| function_of(t));
    match cx.type_name(o) {
        "weakref.WeakMethod" => g.out_refs(o).find(|(_, l)| cx.snapshot.str(l.name()) == "_func_ref").and_then(|(r, _)| weak_target(r)),
        "weakref.ReferenceType" => weak_target(o),
        _ => function_of(o),
    }
}

/// The owner of the module a function runs in (its `__globals__`).
fn function_owner(cx: &Ctx, f: ObjIdx) -> Option<Owner> {
    let (globals, _) = cx.heap.graph.out_refs(f).find(|(_, l)| l.kind() == RefKind::Globals)?;
    cx.namespace_module(globals).map(|m| cx.owners.of(m))
}

/// The functions (or bound methods' functions) a closure captures: what
/// its cells hold.
fn wrapped_functions<'a>(cx: &'a Ctx, f: ObjIdx) -> impl Iterator<Item = ObjIdx> + 'a {
    let g = &cx.heap.graph;
    let closure = g.out_refs(f).find(|(_, l)| cx.snapshot.str(l.name()) == "__closure__").map(|(t, _)| t);
    closure
        .into_iter()
        .flat_map(move |c| g.out_refs(c).filter(|(_, l)| l.kind() == RefKind::Closure).take(8).map(|(cell, _)| cell))
        .flat_map(move |cell| g.out_refs(cell).map(|(t, _)| t).take(1))
        .filter_map(move |t| match cx.type_name(t) {
            "builtins.method" => g.out_refs(t).map(|(m, _)| m).find(|&m| cx.type_name(m) == "builtins.function"),
            _ => cx.is_function(t).then_some(t),
        })
}

/// The callback a registration tuple holds (`(lookup_key, receiver,
/// is_async)`, `(priority, handler)`): a function or bound method among its
/// items, made per call (a closure or a bound method: a plain module-level
/// function is the program's own, shared, and keeps nothing per event), or
/// the function a `weakref.WeakMethod` among them calls; and whether it is
/// held weakly so.
pub(crate) fn tuple_callback(cx: &Ctx, tuple: ObjIdx) -> Option<(ObjIdx, bool)> {
    let g = &cx.heap.graph;
    if g.out_edges(tuple).len() > 4 {
        return None;
    }
    g.out_refs(tuple).map(|(t, _)| t).find_map(|t| match cx.type_name(t) {
        "builtins.method" => Some((t, false)),
        // held weakly: named by the function it calls
        "weakref.WeakMethod" => callee(cx, t).map(|f| (f, true)),
        _ => (cx.is_function(t) && closure_capture(cx, t).is_some()).then_some((t, false)),
    })
}

/// A linked chain: objects of one application type each keeping the next
/// alive through the same attribute (`entry.prev`, `node.next`), so the
/// dominator tree is a long path and no container has many children. Found
/// from each chain's head (an object whose dominator is not of its type).
pub(crate) struct Chain {
    pub head: ObjIdx,
    pub type_id: u32,
    pub length: u32,
    /// The reference from one link to the next (`prev`), when named.
    pub link: Option<String>,
}

pub(crate) fn chains(cx: &Ctx) -> Vec<Chain> {
    let tree = cx.tree;
    let n = cx.heap.object_count();
    // The next link of `x`: a child of type `t`, or one of its `__dict__`'s.
    let next = |x: ObjIdx, t: u32| -> Option<ObjIdx> {
        for &c in tree.children(x) {
            if cx.types.type_of(c) == t {
                return Some(c);
            }
        }
        for &c in tree.children(x) {
            if cx.dict_owner(c) == Some(x) {
                return tree.children(c).iter().copied().find(|&c2| cx.types.type_of(c2) == t);
            }
        }
        None
    };
    let mut out = Vec::new();
    for o in 0..n as ObjIdx {
        let t = cx.types.type_of(o);
        if cx.owners.of_type(t) == Owner::Interpreter || cx.is_type_object(o) {
            continue;
        }
        // A head: its dominator (or the dominator's __dict__ owner) is of another type.
        let parent = tree.idom(o).filter(|&p| p != crate::analysis::dominators::SUPER_ROOT);
        let parent_type = parent.map(|p| cx.dict_owner(p).map_or(cx.types.type_of(p), |owner| cx.types.type_of(owner)));
        if parent_type == Some(t) {
            continue;
        }
        let (mut x, mut length) = (o, 1u32);
        let mut second = None;
        while let Some(y) = next(x, t) {
            second.get_or_insert(y);
            x = y;
            length += 1;
        }
        if length >= MIN_INSTANCES {
            let link = second.and_then(|y| cx.reached_from(y)).and_then(|(_, l)| cx.label_name(l));
            out.push(Chain { head: o, type_id: t, length, link });
        }
    }
    out
}

/// A chain of closures: a function made per call that captures the one it
/// replaces (`prev = sys.excepthook; def hook(...): ...; prev(...)`, a
/// wrapper applied again at every call), so each keeps the one before it
/// alive through a cell, back to the first. Functions of one qualified name
/// of code that is not the interpreter's; found from each chain's head (a
/// closure no closure of its name keeps).
pub(crate) struct ClosureChain {
    pub head: ObjIdx,
    pub length: u32,
    /// The captured variable that links one closure to the next (`prev`).
    pub link: Option<String>,
    pub owner: Owner,
}

pub(crate) fn closure_chains(cx: &Ctx) -> Vec<ClosureChain> {
    let g = &cx.heap.graph;
    let tree = cx.tree;
    // The closure `f` keeps alive through one of its cells, with the same
    // name, and that cell's variable.
    let next = |f: ObjIdx| -> Option<(ObjIdx, ObjIdx)> {
        let closure = g.out_refs(f).find(|(_, l)| cx.snapshot.str(l.name()) == "__closure__")?.0;
        if tree.idom(closure) != Some(f) {
            return None;
        }
        g.out_refs(closure).filter(|(_, l)| l.kind() == RefKind::Closure).take(64).find_map(|(cell, _)| {
            let (t, _) = g.out_refs(cell).next()?;
            (tree.idom(cell) == Some(closure) && tree.idom(t) == Some(cell) && cx.is_function(t) && cx.desc(t) == cx.desc(f))
                .then_some((t, cell))
        })
    };
    let mut out = Vec::new();
    for o in 0..cx.heap.object_count() as ObjIdx {
        if !cx.is_function(o) || cx.type_name(o) != "builtins.function" {
            continue;
        }
        // A head: not kept by a closure of its name through a cell.
        let up = |x: ObjIdx| tree.idom(x).filter(|&d| d != crate::analysis::dominators::SUPER_ROOT);
        let kept_by_one = up(o).and_then(up).and_then(up).is_some_and(|f| cx.is_function(f) && next(f).is_some_and(|(t, _)| t == o));
        if kept_by_one {
            continue;
        }
        let Some((second, cell)) = next(o) else { continue };
        let Some(owner) = function_owner(cx, o).filter(|&w| w != Owner::Interpreter) else { continue };
        let mut length = 2u32;
        let mut x = second;
        while let Some((y, _)) = next(x) {
            x = y;
            length += 1;
        }
        if length >= MIN_INSTANCES {
            let link = g.incoming(cell).find(|(_, e)| g.label(*e).kind() == RefKind::Closure).and_then(|(_, e)| cx.label_name(g.label(e)));
            out.push(ClosureChain { head: o, length, link, owner });
        }
    }
    out
}

/// A tree of the application's objects: objects of one application type,
/// each keeping its children of that type alive through a container it
/// holds (`parent.children.append(child)`, with or without a `child.parent`
/// back reference), so that no one container holds many of them — the
/// accumulation pass sees nothing. Found from each tree's top (a node no
/// node of its type keeps); at least [`MIN_INSTANCES`] nodes, three levels
/// or more, and twice as many nodes as levels (a tree, not a chain).
pub(crate) struct NodeTree {
    pub top: ObjIdx,
    pub type_id: u32,
    pub nodes: u32,
    pub levels: u32,
    /// What its nodes keep alive together.
    pub bytes: u64,
}

pub(crate) fn node_trees(cx: &Ctx) -> Vec<NodeTree> {
    let n = cx.heap.object_count();
    // The node whose container holds `o`: a list, set, deque or dict (no
    // instance's `__dict__`) referring to `o`, itself an attribute of a node
    // of `o`'s type (`parent.children`) — the parent, whatever else also
    // refers to `o` (an index of nodes by name); a back reference
    // (`child.parent`) is no container and never counts.
    let g = &cx.heap.graph;
    let parent = |o: ObjIdx, t: u32| -> Option<ObjIdx> {
        for c in g.strong_predecessors(o).take(16) {
            let ct = cx.type_name(c);
            if !(tables::is_sequence(ct) || tables::is_mapping(ct)) || cx.dict_owner(c).is_some() || cx.namespace_module(c).is_some() {
                continue;
            }
            for d in g.strong_predecessors(c).take(8) {
                let node = if cx.types.type_of(d) == t { Some(d) } else { cx.dict_owner(d) };
                if let Some(node) = node.filter(|&x| x != o && cx.types.type_of(x) == t) {
                    return Some(node);
                }
            }
        }
        None
    };
    // Per node: (its top, its level below the top), memoised up the tree.
    let mut top_of: HashMap<ObjIdx, (ObjIdx, u32)> = HashMap::new();
    let mut trees: HashMap<ObjIdx, (u32, u32, u32)> = HashMap::new();
    let mut path = Vec::new();
    for o in 0..n as ObjIdx {
        let t = cx.types.type_of(o);
        if cx.owners.of_type(t) != Owner::Application || cx.is_type_object(o) || top_of.contains_key(&o) {
            continue;
        }
        path.clear();
        let mut x = o;
        let (top, base) = loop {
            if let Some(&(top, level)) = top_of.get(&x) {
                break (top, level);
            }
            match parent(x, t) {
                Some(p) if path.len() < 4096 && !path.contains(&p) => {
                    path.push(x);
                    x = p;
                }
                // A node with no parent and no child seen yet (most of the
                // application's objects): recorded only once a child finds it.
                _ if path.is_empty() => break (x, u32::MAX),
                _ => {
                    top_of.insert(x, (x, 0));
                    trees.entry(x).or_insert((t, 1, 0));
                    break (x, 0);
                }
            }
        };
        if base == u32::MAX {
            continue;
        }
        for (i, &node) in path.iter().rev().enumerate() {
            let level = base + 1 + i as u32;
            top_of.insert(node, (top, level));
            let e = trees.entry(top).or_insert((t, 1, 0));
            e.1 += 1;
            e.2 = e.2.max(level);
        }
    }
    // What a tree keeps: each node's retained size, but for the nodes
    // another node dominates (within three steps: counted in its size).
    let tree = cx.tree;
    let mut bytes: HashMap<ObjIdx, u64> = HashMap::new();
    for (&node, &(top, _)) in &top_of {
        if trees.get(&top).is_none_or(|&(_, nodes, _)| nodes < MIN_INSTANCES) {
            continue;
        }
        let t = cx.types.type_of(node);
        let mut x = node;
        let mut inside = false;
        for _ in 0..3 {
            match tree.idom(x).filter(|&p| p != crate::analysis::dominators::SUPER_ROOT) {
                Some(p) => x = p,
                None => break,
            }
            if cx.types.type_of(x) == t && top_of.contains_key(&x) {
                inside = true;
                break;
            }
        }
        if !inside {
            *bytes.entry(top).or_default() += tree.retained_bytes(node);
        }
    }
    let mut out: Vec<NodeTree> = trees
        .into_iter()
        .map(|(top, (type_id, nodes, deepest))| NodeTree {
            top,
            type_id,
            nodes,
            levels: deepest + 1,
            bytes: bytes.get(&top).copied().unwrap_or(0),
        })
        .filter(|t| t.nodes >= MIN_INSTANCES && t.levels >= 3 && t.nodes >= 2 * t.levels)
        .collect();
    out.sort_by_key(|t| t.top);
    out
}

/// The top of the tree an accumulation is a level of, if it is one: a
/// mapping held as a value of a mapping of its own type (a trie of nested
/// dicts, `root['profile']['17']`), or the attribute of an object of its
/// items' type held so (node objects with a `children` dict). Walks up
/// while each step is one of those; the top is the highest such container
/// or node (a namespace, an instance's own `__dict__` or a class's is no
/// level).
pub(crate) fn tree_top(cx: &Ctx, acc: &Accumulation) -> Option<ObjIdx> {
    let container_type = cx.types.type_of(acc.container);
    let (mut x, mut top) = (acc.container, None);
    // A tree is at most as deep as the heap; bounded all the same.
    for _ in 0..256 {
        let Some((src, label)) = cx.reached_from(x) else { break };
        let level = label.kind() == RefKind::DictValue
            && cx.types.type_of(src) == container_type
            && cx.dict_owner(src).is_none()
            && cx.namespace_module(src).is_none()
            && cx.class_of_dict(src).is_none();
        let node = match label.kind() {
            RefKind::Attribute => Some(src),
            RefKind::DictValue => cx.dict_owner(src),
            _ => None,
        }
        .filter(|&n| cx.types.type_of(n) == acc.type_id);
        if level {
            x = src;
        } else if let Some(n) = node {
            x = n;
        } else {
            break;
        }
        top = Some(x);
    }
    top
}

/// The top of the index a list (set, deque) is a value of, if it is one:
/// the highest of the mappings it is reached from as a value, each a value
/// of the next (`stats[role][route].append(x)`: a dict of
/// `defaultdict(list)`s). A namespace, an instance's own `__dict__` or a
/// class's is no level.
pub(crate) fn index_top(cx: &Ctx, list: ObjIdx) -> Option<ObjIdx> {
    if !matches!(cx.type_name(list), "builtins.list" | "builtins.set" | "collections.deque") {
        return None;
    }
    let (mut x, mut top) = (list, None);
    for _ in 0..8 {
        let Some((src, label)) = cx.reached_from(x) else { break };
        let level = label.kind() == RefKind::DictValue
            && tables::is_mapping(cx.type_name(src))
            && cx.dict_owner(src).is_none()
            && cx.namespace_module(src).is_none()
            && cx.class_of_dict(src).is_none();
        if !level {
            break;
        }
        x = src;
        top = Some(src);
    }
    top
}

/// The type of the blocks `itertools.tee` buffers items in (57 items each,
/// linked from the oldest unread to the newest).
pub(crate) const TEE_BLOCK: &str = "itertools._tee_dataobject";

/// Items an `itertools.tee` buffers for an iterator that falls behind: its
/// blocks form a chain, each dominating the next, from the block the
/// slowest iterator reads to the newest. Found from each chain's head (a
/// block whose dominator is no block); the items are the blocks' other
/// children.
pub(crate) struct TeeBacklog {
    pub head: ObjIdx,
    /// The `itertools._tee` iterator that reaches the head, when it is one.
    pub iterator: Option<ObjIdx>,
    pub items: u32,
    pub blocks: u32,
    pub example: ObjIdx,
}

pub(crate) fn tee_backlogs(cx: &Ctx) -> Vec<TeeBacklog> {
    let Some(block) = cx.types.find(TEE_BLOCK) else { return Vec::new() };
    let tree = cx.tree;
    let mut out = Vec::new();
    for o in 0..cx.heap.object_count() as ObjIdx {
        if cx.types.type_of(o) != block {
            continue;
        }
        let parent = tree.idom(o).filter(|&p| p != crate::analysis::dominators::SUPER_ROOT);
        if parent.is_some_and(|p| cx.types.type_of(p) == block) {
            continue;
        }
        let (mut x, mut items, mut blocks, mut example) = (o, 0u32, 0u32, None);
        // A chain is at most as long as the heap is big; each block is visited once.
        loop {
            blocks += 1;
            let mut next = None;
            for &c in tree.children(x) {
                if cx.types.type_of(c) == block {
                    next = Some(c);
                } else {
                    items += 1;
                    example.get_or_insert(c);
                }
            }
            match next {
                Some(y) => x = y,
                None => break,
            }
        }
        if let Some(example) = example.filter(|_| items >= MIN_INSTANCES) {
            let iterator = cx.reached_from(o).map(|(src, _)| src).filter(|&src| cx.type_name(src) == "itertools._tee");
            out.push(TeeBacklog { head: o, iterator, items, blocks, example });
        }
    }
    out
}

/// Objects held only from C (native roots with no strong referrer in the
/// graph), grouped by type and, for functions and bound methods, by their
/// description: many of one kind keeping the application's objects alive is
/// a C-level registry that grows (`atexit.register(obj.cleanup)` per object).
pub(crate) struct NativeGroup {
    pub type_id: u32,
    pub count: u32,
    pub bytes: u64,
    pub example: ObjIdx,
    pub owner: Owner,
}

pub(crate) fn native_held(cx: &Ctx) -> Vec<NativeGroup> {
    let heap = cx.heap;
    let g = &heap.graph;
    let mut groups: HashMap<(u32, u32), NativeGroup> = HashMap::new();
    for r in heap.roots.iter().filter(|r| r.kind == RootKind::Native) {
        let o = r.object;
        if g.strong_predecessors(o).next().is_some() || is_type_namespace(cx, o) {
            continue;
        }
        let t = cx.types.type_of(o);
        let callable = matches!(cx.types.names[t as usize].as_str(), "builtins.method" | "builtins.function");
        let key = (t, if callable { heap.description[o as usize] } else { 0 });
        let e = groups.entry(key).or_insert(NativeGroup { type_id: t, count: 0, bytes: 0, example: o, owner: Owner::Interpreter });
        e.count += 1;
        e.bytes += cx.tree.retained_bytes(o);
    }
    let mut out: Vec<NativeGroup> = groups
        .into_values()
        .filter(|n| {
            let callable = matches!(cx.types.names[n.type_id as usize].as_str(), "builtins.method" | "builtins.function");
            n.count >= if callable { MIN_PATTERN_INSTANCES } else { MIN_INSTANCES }
        })
        .filter_map(|mut n| {
            n.owner = match cx.owners.of_type(n.type_id) {
                Owner::Interpreter => owner_of_kept(cx, n.example)?,
                owner => owner,
            };
            Some(n)
        })
        .collect();
    out.sort_unstable_by_key(|n| n.example);
    out
}

/// The `__dict__` of a type the export has no object for (a C extension's
/// static type, which the collector does not track): a dict with a
/// `'__doc__'` key, which `PyType_Ready` puts in every type's dict. It is
/// held from C by its type, and it is code, not data a program piles up
/// (numpy's or Cython's types: hundreds of them).
fn is_type_namespace(cx: &Ctx, o: ObjIdx) -> bool {
    cx.types.names[cx.types.type_of(o) as usize] == "builtins.dict" && dict_key_names(cx, o).any(|k| k == "'__doc__'")
}

/// Containers (set, list, dict, deque) that refer to many asyncio tasks that
/// have not finished. Tasks are also referred to by the futures they wait
/// on, so the container rarely dominates them: this pass counts referrers.
pub(crate) fn pending_tasks(cx: &Ctx, a: &Analysis) -> Vec<(ObjIdx, u32, u64)> {
    let task_types: Vec<u32> = (0..cx.types.len() as u32)
        .filter(|&t| {
            let n = &cx.types.names[t as usize];
            n == "_asyncio.Task" || n == "asyncio.tasks.Task"
        })
        .collect();
    if task_types.is_empty() {
        return Vec::new();
    }
    let g = &cx.heap.graph;
    let mut per_container: HashMap<ObjIdx, (u32, u64)> = HashMap::new();
    for o in 0..cx.heap.object_count() as ObjIdx {
        if !task_types.contains(&cx.types.type_of(o)) || !a.distances.is_reachable(o) || task_is_done(cx, o) {
            continue;
        }
        let mut preds: Vec<ObjIdx> = g.strong_predecessors(o).collect();
        preds.sort_unstable();
        preds.dedup();
        for p in preds {
            if !matches!(cx.type_name(p), "builtins.set" | "builtins.list" | "builtins.dict" | "collections.deque") {
                continue;
            }
            let entry = per_container.entry(p).or_default();
            entry.0 += 1;
            entry.1 += a.dominators.retained_bytes(o);
        }
    }
    let mut out: Vec<(ObjIdx, u32, u64)> =
        per_container.into_iter().filter(|&(_, (n, _))| n >= MIN_TASKS).map(|(c, (n, b))| (c, n, b)).collect();
    out.sort_unstable();
    out
}

/// Whether an asyncio task has finished: its coroutine has run to its end,
/// so it refers to nothing but its code and names (a suspended one refers
/// to its frame before Python 3.11, to its locals and to what it awaits
/// from 3.11 on).
pub(crate) fn task_is_done(cx: &Ctx, task: ObjIdx) -> bool {
    let g = &cx.heap.graph;
    let Some(coroutine) = g.out_refs(task).map(|(t, _)| t).find(|&t| cx.type_name(t) == "builtins.coroutine") else { return false };
    g.out_refs(coroutine).all(|(t, _)| matches!(cx.type_name(t), "builtins.code" | "builtins.str"))
}

/// Single objects that retain a large share on their own: walk the
/// dominator tree from the top through objects big enough; a holder is one
/// whose bytes are not mostly one child's.
pub(crate) fn large_objects(cx: &Ctx, skip: &HashSet<ObjIdx>) -> Vec<ObjIdx> {
    let tree = cx.tree;
    let total = tree.reachable_bytes().max(1) as f64;
    let big = |o: ObjIdx| tree.retained_bytes(o) as f64 >= MIN_OBJECT_SHARE * total;
    let mut stack: Vec<ObjIdx> = tree.top_level().iter().copied().filter(|&o| big(o)).collect();
    let mut out = Vec::new();
    while let Some(o) = stack.pop() {
        let retained = tree.retained_bytes(o);
        let children = tree.children(o);
        let big_child = children.first().is_some_and(|&c| tree.retained_bytes(c) * 2 >= retained);
        let class = classify_type(cx.type_name(o));
        let owned_by_reported = cx.dict_owner(o).is_some_and(|owner| skip.contains(&owner));
        // (a growable buffer of the standard library, `io.StringIO`, holds data)
        if !big_child
            && (class != TypeClass::Infrastructure || tables::is_buffer(cx.type_name(o)))
            && cx.owners.of(o) != Owner::Interpreter
            && !skip.contains(&o)
            && !owned_by_reported
            && !cx.is_module(o)
            && cx.namespace_module(o).is_none()
            && cx.class_of_dict(o).is_none()
        {
            out.push(o);
        }
        stack.extend(children.iter().copied().take_while(|&c| big(c)));
    }
    out
}

/// Garbage the collector does not free: groups of unreachable objects
/// hanging off a cyclic component, or objects kept in `gc.garbage`; each
/// group is named by its most common member type defined outside the
/// interpreter.
pub(crate) struct GarbageGroup {
    pub type_id: u32,
    pub cycles: u32,
    pub objects: u64,
    pub size_bytes: u64,
    pub example: ObjIdx,
    /// The members of the first cycle.
    pub members: Vec<ObjIdx>,
}

pub(crate) fn garbage(cx: &Ctx, a: &Analysis) -> Vec<GarbageGroup> {
    let heap = cx.heap;
    let n = heap.object_count();
    let in_gc_garbage = |o: ObjIdx| heap.flags[o as usize] & flags::GARBAGE != 0;
    // Each unreachable (or gc.garbage) object joins the group of the first
    // component that reaches it.
    const NONE: u32 = u32::MAX;
    let mut group_of: Vec<u32> = Vec::new();
    let mut groups: Vec<GarbageGroup> = Vec::new();
    let mut group_by_type: HashMap<u32, usize> = HashMap::new();
    let mut counts: Vec<u32> = vec![0; cx.types.len()];
    let mut queue: Vec<ObjIdx> = Vec::new();
    for c in a.components.iter() {
        let garbage = c.iter().all(|&m| !a.distances.is_reachable(m)) || c.iter().any(|&m| in_gc_garbage(m));
        if !garbage {
            continue;
        }
        // The most common member type defined outside the interpreter
        // (a counter per type id, reset after each component: linear).
        let mut best: Option<(u32, u32)> = None;
        for &m in c {
            let t = cx.types.type_of(m);
            if cx.owners.of_type(t) == Owner::Interpreter {
                continue;
            }
            counts[t as usize] += 1;
            let k = counts[t as usize];
            if best.is_none_or(|(bt, bk)| (k, std::cmp::Reverse(t)) > (bk, std::cmp::Reverse(bt))) {
                best = Some((t, k));
            }
        }
        for &m in c {
            counts[cx.types.type_of(m) as usize] = 0;
        }
        let Some((t, _)) = best else { continue };
        if group_of.is_empty() {
            group_of = vec![NONE; n];
        }
        let gi = *group_by_type.entry(t).or_insert_with(|| {
            groups.push(GarbageGroup { type_id: t, cycles: 0, objects: 0, size_bytes: 0, example: c[0], members: c.to_vec() });
            groups.len() - 1
        });
        groups[gi].cycles += 1;
        let mut head = queue.len();
        for &m in c {
            if group_of[m as usize] == NONE {
                group_of[m as usize] = gi as u32;
                queue.push(m);
            }
        }
        // What the cycle alone keeps (unreachable objects it refers to).
        while head < queue.len() {
            let v = queue[head];
            head += 1;
            groups[gi].objects += 1;
            groups[gi].size_bytes += heap.size_bytes[v as usize];
            for t in heap.graph.strong_successors(v) {
                if group_of[t as usize] == NONE && !a.distances.is_reachable(t) {
                    group_of[t as usize] = gi as u32;
                    queue.push(t);
                }
            }
        }
    }
    groups
}

/// The members of a container's first item that explain it: for a closure,
/// its largest captured variable; for a bound method, its function and `self`.
pub(crate) fn closure_capture(cx: &Ctx, function: ObjIdx) -> Option<String> {
    let g = &cx.heap.graph;
    let closure = g.out_refs(function).find(|(_, l)| cx.snapshot.str(l.name()) == "__closure__")?.0;
    g.out_refs(closure)
        .filter(|(_, l)| l.kind() == RefKind::Closure)
        .max_by_key(|&(cell, _)| cx.tree.retained_bytes(cell))
        .and_then(|(_, l)| cx.label_name(l))
}

/// The function a `functools.partial` calls (its first referent that is a
/// function or method), named by its description; `…` if it has none.
pub(crate) fn partial_function(cx: &Ctx, partial: ObjIdx) -> String {
    cx.heap
        .graph
        .successors(partial)
        .iter()
        .find(|&&t| matches!(cx.type_name(t), "builtins.function" | "builtins.method" | "builtins.builtin_function_or_method"))
        .map_or_else(|| "…".to_string(), |&t| cx.desc(t).to_string())
}

/// Whether an object refers to a traceback (an exception keeping `__traceback__`).
pub(crate) fn has_traceback(cx: &Ctx, o: ObjIdx) -> bool {
    cx.heap.graph.successors(o).iter().any(|&t| cx.type_name(t) == "builtins.traceback")
}

/// Whether `o` is a `threading.Thread`: of that class or of a subclass
/// (`threading.Timer`, the program's `class Worker(Thread)`), read from
/// its class's MRO.
pub(crate) fn is_thread(cx: &Ctx, o: ObjIdx) -> bool {
    const THREAD: &str = "threading.Thread";
    if cx.type_name(o) == THREAD {
        return true;
    }
    let g = &cx.heap.graph;
    let Some((class, _)) = g.out_refs(o).find(|&(t, l)| cx.is_type_object(t) && cx.snapshot.str(l.name()) == "__class__") else {
        return false;
    };
    g.out_refs(class)
        .filter(|&(_, l)| l.kind() == RefKind::Mro)
        .any(|(mro, _)| g.successors(mro).iter().any(|&b| cx.is_type_object(b) && cx.desc(b) == THREAD))
}

/// The holder of a container inside a `weakref.Weak*` container, if it is one.
pub(crate) fn weak_container_of(cx: &Ctx, o: ObjIdx) -> Option<ObjIdx> {
    let owner = cx.holder_object(o)?;
    matches!(cx.type_name(owner), "weakref.WeakKeyDictionary" | "weakref.WeakValueDictionary" | "weakref.WeakSet" | "_weakrefset.WeakSet")
        .then_some(owner)
}

impl Ctx<'_> {
    /// The instance whose attribute (or `__dict__` entry) `o` is.
    pub(crate) fn holder_object(&self, o: ObjIdx) -> Option<ObjIdx> {
        let (src, label) = self.reached_from(o)?;
        match label.kind() {
            RefKind::Attribute => Some(src),
            RefKind::DictValue => self.dict_owner(src),
            _ => None,
        }
    }

    /// Holder of a whole accumulation (`Holder::Type` when it is a type suspect).
    pub(crate) fn type_holder(&self, type_id: u32) -> Holder {
        Holder::Type { name: self.types.names[type_id as usize].clone() }
    }
}

/// How many keys of a dict [`generated_keys`] reads.
const KEYS_SAMPLED: usize = 1024;

/// Keys a program makes per event: at least [`MIN_INSTANCES`] of a dict's
/// keys (and at least half of those read) hold an id — a str key with a
/// run of letters and digits with a digit in it, a float key (a
/// timestamp) or an int key of 2^32 or more ([`key_template`]). Their template is the key with each such
/// run replaced by `#` (`'req-1041'` → `'req-#'`, a uuid → `'#-#-#-#-#'`,
/// `'GET /profile/17'` → `'GET /profile/#'`).
///
/// Why this tells a leak from a table: a table a program needs is keyed by
/// what it looks things up by — names, or ids it loaded once (plain ints
/// here); a dict keyed by request ids, session tokens, timestamps or
/// per-request paths gains one entry per event and is a log, whatever its
/// size. Int keys under 2^32 never count (a users table is keyed by uid).
pub(crate) struct GeneratedKeys {
    /// The most common template, e.g. `'req-#'`.
    pub template: String,
    /// How many of the keys read hold an id (follow some template).
    pub count: u32,
    /// How many keys were read (at most [`KEYS_SAMPLED`]).
    pub read: u32,
    /// How many follow the most common template.
    pub in_template: u32,
    /// One key of the most common template, as the exporter wrote it (`'req-17'`).
    pub example: String,
}

/// Whether an object holds dict entries (a key or value reference among
/// its first references): a `dict` subclass such as a framework's
/// `Config(dict)`.
pub(crate) fn has_dict_entries(cx: &Ctx, o: ObjIdx) -> bool {
    cx.heap.graph.out_refs(o).take(8).any(|(_, l)| matches!(l.kind(), RefKind::DictKey | RefKind::DictValue))
}

pub(crate) fn generated_keys(cx: &Ctx, dict: ObjIdx) -> Option<GeneratedKeys> {
    let keys = generated_keys_where(cx, dict, |_| true, true)?;
    (keys.count >= MIN_INSTANCES).then_some(keys)
}

/// The templates of the keys of `dict` whose values `take` accepts (with
/// `half`, only when at least half of those read hold an id).
fn generated_keys_where(cx: &Ctx, dict: ObjIdx, take: impl Fn(ObjIdx) -> bool, half: bool) -> Option<GeneratedKeys> {
    let g = &cx.heap.graph;
    let mut templates: HashMap<String, (u32, String)> = HashMap::new();
    let (mut read, mut count) = (0u32, 0u32);
    // The exporter writes each entry as its key's reference, then its
    // value's; a key it could not write as a value (a tuple, an object)
    // is read from the key object itself.
    let mut key: Option<ObjIdx> = None;
    for (t, label) in g.out_refs(dict) {
        match label.kind() {
            RefKind::DictKey => {
                key = Some(t);
                continue;
            }
            RefKind::DictValue => {}
            _ => continue,
        }
        let key = key.take();
        if !take(t) {
            continue;
        }
        if read as usize >= KEYS_SAMPLED {
            break;
        }
        read += 1;
        let name = cx.snapshot.str(label.name());
        let found =
            if name.is_empty() { key.and_then(|k| object_key_template(cx, k)) } else { key_template(name).map(|t| (t, name.to_string())) };
        if let Some((t, example)) = found {
            count += 1;
            templates.entry(t).or_insert((0, example)).0 += 1;
        }
    }
    if half && count * 2 < read {
        return None;
    }
    let (template, (in_template, example)) = templates.into_iter().max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(&a.0)))?;
    Some(GeneratedKeys { template, count, read, in_template, example })
}

/// The template and an example of a key the exporter could not write as a
/// value (see [`generated_keys`]), read from the key object; `None` for a
/// key that holds no id. Two kinds of such keys are made per event:
///
/// * a `datetime.datetime` (a time stamp, like a float key);
/// * a tuple with an element that holds an id (`(uid, '/profile/17')`,
///   `('GET', 'req-1041')`): the template is its elements' (`(<int>,
///   '/profile/#')`).
///
/// (A dict keyed by other objects — the requests themselves — is found by
/// [`object_keys`].)
pub(crate) fn object_key_template(cx: &Ctx, key: ObjIdx) -> Option<(String, String)> {
    let g = &cx.heap.graph;
    match cx.type_name(key) {
        "datetime.datetime" => Some(("<datetime>".to_string(), cx.short(key))),
        "builtins.tuple" => {
            let (mut parts, mut descs, mut id) = (Vec::new(), Vec::new(), false);
            for (e, _) in g.out_refs(key).filter(|&(_, l)| l.kind() == RefKind::Index).take(8) {
                let desc = cx.desc(e);
                let part = match key_template(desc) {
                    Some(t) => {
                        id = true;
                        t
                    }
                    None if desc.parse::<i128>().is_ok() => "<int>".to_string(),
                    None if cx.type_name(e) == "datetime.datetime" => {
                        id = true;
                        "<datetime>".to_string()
                    }
                    None if desc.is_empty() => format!("<{}>", cx.class_name(e)),
                    None => desc.to_string(),
                };
                parts.push(part);
                descs.push(if desc.is_empty() { cx.short(e) } else { desc.to_string() });
            }
            id.then(|| (format!("({})", parts.join(", ")), format!("({})", descs.join(", "))))
        }
        _ => None,
    }
}

/// The type of the keys of `dict` when nine in ten of those read are
/// instances — objects with an identity, not values (strings, numbers,
/// tuples), classes, functions or modules: a dict keyed by the objects it
/// was given (`pending[request] = …`, a session's objects by their state)
/// gains an entry per object and loses none by itself; a table the program
/// needs is keyed by data (a uid, a path). `None` otherwise.
pub(crate) fn object_keys(cx: &Ctx, dict: ObjIdx) -> Option<String> {
    let g = &cx.heap.graph;
    let mut types: HashMap<u32, u32> = HashMap::new();
    let (mut read, mut objects) = (0u32, 0u32);
    for (k, _) in g.out_refs(dict).filter(|&(_, l)| l.kind() == RefKind::DictKey).take(KEYS_SAMPLED) {
        read += 1;
        let t = cx.type_name(k);
        if !t.starts_with("builtins.") && !cx.is_type_object(k) && !cx.is_module(k) && !cx.is_function(k) {
            objects += 1;
            *types.entry(cx.types.type_of(k)).or_default() += 1;
        }
    }
    if read < MIN_INSTANCES || objects * 10 < read * 9 {
        return None;
    }
    let (t, _) = types.into_iter().max_by_key(|&(t, n)| (n, std::cmp::Reverse(t)))?;
    Some(cx.types.names[t as usize].clone())
}

/// The template of a key's repr (see [`generated_keys`]); `None` for keys
/// that hold no id. A float key is a timestamp (`time.time()`); an int key
/// of 2^32 or more is an `id(obj)`, a 64-bit id or a `time.time_ns()`, never
/// the row number of a table; a bytes key of binary data (a digest) is a
/// content hash or a packed id.
pub(crate) fn key_template(repr: &str) -> Option<String> {
    if repr.parse::<i128>().is_ok_and(|k| k >= 1 << 32) {
        return Some("<int of 2^32 or more>".to_string());
    }
    if repr.parse::<i128>().is_err() && repr.parse::<f64>().is_ok_and(f64::is_finite) && repr.contains(['.', 'e']) {
        return Some("<float>".to_string());
    }
    // A binary bytes key (a hash digest, `uuid.bytes`, a packed id): four
    // or more bytes written as `\x..` escapes.
    if (repr.starts_with("b'") || repr.starts_with("b\"")) && repr.matches("\\x").count() >= 4 {
        return Some("<binary bytes>".to_string());
    }
    if !(repr.starts_with('\'') || repr.starts_with('"')) {
        return None;
    }
    let mut out = String::with_capacity(repr.len());
    let (mut run, mut digit) = (String::new(), false);
    // A run with a digit is an id (`#`); a word before its digits stays
    // (`'doc17'` → `'doc#'`) unless it could be hex (`'deadbeef42'` → `'#'`).
    let flush = |out: &mut String, run: &mut String, digit: &mut bool| {
        let word = run.trim_end_matches(|c: char| c.is_ascii_digit());
        let prefixed =
            *digit && !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphabetic()) && !word.bytes().all(|b| b.is_ascii_hexdigit());
        match (*digit, prefixed) {
            (true, true) => {
                out.push_str(word);
                out.push('#');
            }
            (true, false) => out.push('#'),
            (false, _) => out.push_str(run),
        }
        run.clear();
        *digit = false;
    };
    for ch in repr.chars() {
        if ch.is_ascii_alphanumeric() {
            run.push(ch);
            digit |= ch.is_ascii_digit();
        } else {
            flush(&mut out, &mut run, &mut digit);
            out.push(ch);
        }
    }
    flush(&mut out, &mut run, &mut digit);
    out.contains('#').then_some(out)
}

/// Whether `small` is keyed like `big`: at least [`MIN_INSTANCES`] of
/// its keys read (at most [`KEYS_SAMPLED`]), and nine in ten of them, are
/// keys of `big` (compared as the exporter wrote them: `17` is no `'17'`).
/// A table a program needs is keyed by what it looks things up by; a
/// smaller dict under the same keys holds something made per key met — a
/// cache of pages by user id beside the users by id.
pub(crate) fn keyed_like(cx: &Ctx, small: ObjIdx, big_keys: &HashSet<&str>) -> bool {
    let (mut read, mut shared) = (0usize, 0usize);
    // (a key the exporter could not write as a value has no name: such
    // keys are never compared)
    for k in dict_key_names(cx, small).filter(|k| !k.is_empty()).take(KEYS_SAMPLED) {
        read += 1;
        shared += big_keys.contains(k) as usize;
    }
    read >= MIN_INSTANCES as usize && shared * 10 >= read * 9
}

/// The keys of `dict` as the exporter wrote them (the names of its value references).
pub(crate) fn dict_key_names<'c>(cx: &'c Ctx, dict: ObjIdx) -> impl Iterator<Item = &'c str> + 'c {
    cx.heap.graph.out_refs(dict).filter(|&(_, l)| l.kind() == RefKind::DictValue).map(|(_, l)| cx.snapshot.str(l.name()))
}

/// Modules a program makes at run time and registers (`types.ModuleType(
/// f"plugin_{n}")` put in `sys.modules`, importlib's `module_from_spec`):
/// a dict holding at least [`MIN_INSTANCES`] modules under names from one
/// template (see [`generated_keys`]; imports name modules after their files,
/// so even thousands of imported modules share no template). Module objects
/// are roots of their own in an export, so no dict dominates them and the
/// accumulation pass cannot see them: this pass goes from the modules to
/// the dicts that refer to them.
pub(crate) struct ModuleGroup {
    pub dict: ObjIdx,
    pub count: u32,
    pub bytes: u64,
    pub example: ObjIdx,
    pub keys: GeneratedKeys,
}

pub(crate) fn runtime_modules(cx: &Ctx) -> Vec<ModuleGroup> {
    let g = &cx.heap.graph;
    let module_type = cx.types.find("builtins.module");
    let mut per_dict: HashMap<ObjIdx, u32> = HashMap::new();
    for o in 0..cx.heap.object_count() as ObjIdx {
        if cx.heap.flags[o as usize] & flags::MODULE == 0 && Some(cx.types.type_of(o)) != module_type {
            continue;
        }
        for &p in g.predecessors(o).iter().take(64) {
            if cx.types.name_of(p) == "builtins.dict" {
                *per_dict.entry(p).or_default() += 1;
            }
        }
    }
    let mut out = Vec::new();
    for (dict, n) in per_dict {
        if n < MIN_INSTANCES {
            continue;
        }
        // Only the modules' names, and one template for at least
        // MIN_INSTANCES of them (imported modules never share one so).
        let is_module = |t: ObjIdx| cx.is_module(t);
        let Some(keys) = generated_keys_where(cx, dict, is_module, false).filter(|k| k.in_template >= MIN_INSTANCES) else { continue };
        let (mut count, mut bytes, mut example) = (0u32, 0u64, None);
        for (t, l) in g.out_refs(dict) {
            if l.kind() == RefKind::DictValue && is_module(t) && key_template(cx.snapshot.str(l.name())).as_deref() == Some(&keys.template)
            {
                count += 1;
                bytes += cx.tree.retained_bytes(t);
                example.get_or_insert(t);
            }
        }
        if let Some(example) = example {
            out.push(ModuleGroup { dict, count, bytes, example, keys });
        }
    }
    out.sort_unstable_by_key(|m| m.dict);
    out
}

#[cfg(test)]
mod tests {
    use super::key_template;

    #[test]
    fn key_templates_replace_the_ids_in_str_keys() {
        let t = |k: &str| key_template(k);
        assert_eq!(t("'req-1041'").as_deref(), Some("'req-#'"));
        assert_eq!(t("'tenant_plugin_req_17'").as_deref(), Some("'tenant_plugin_req_#'"));
        assert_eq!(t("'3f2a9c1e-5b7d-4c2a-9e1f-0a1b2c3d4e5f'").as_deref(), Some("'#-#-#-#-#'"));
        assert_eq!(t("'text/html /search?q=item17'").as_deref(), Some("'text/html /search?q=item#'"));
        assert_eq!(t("'doc2999'").as_deref(), Some("'doc#'"));
        assert_eq!(t("'user_42'").as_deref(), Some("'user_#'"));
        // hex runs, and letters after digits, are ids whole
        assert_eq!(t("'deadbeef42'").as_deref(), Some("'#'"));
        assert_eq!(t("'42abc'").as_deref(), Some("'#'"));
        assert_eq!(t("'v2beta'").as_deref(), Some("'#'"));
        assert_eq!(t("\"it's 42\"").as_deref(), Some("\"it's #\""));
        // timestamps, id(obj), 64-bit ids
        assert_eq!(t("1764260000.123456").as_deref(), Some("<float>"));
        assert_eq!(t("1.5e+16").as_deref(), Some("<float>"));
        assert_eq!(t("140234567891232").as_deref(), Some("<int of 2^32 or more>"));
        // a hash digest, uuid.bytes
        assert_eq!(t("b'\\x88}\\xea\\xdd\\xc4\\xfb\\x18\\x868G'").as_deref(), Some("<binary bytes>"));
        // names, small ints and other keys hold no id
        for k in ["'theme'", "'encodings.latin'", "1041", "4294967295", "-3", "inf", "nan", "None", "True", "b'x1'", "b'\\x00\\x01'", ""] {
            assert_eq!(t(k), None, "{k}");
        }
    }
}
