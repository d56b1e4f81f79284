//! Naming what holds memory in Python's words: `SessionStore._sessions`,
//! "`large_data` of module `app`", "default argument of `f`", "local
//! `batch` of `consume` (thread `batcher`)" — from the reference that leads
//! to a container from its dominator.

use std::fmt;

use crate::analysis::dominators::{DominatorTree, SUPER_ROOT};
use crate::analysis::owner::{Owner, Owners};
use crate::analysis::types::TypeIndex;
use crate::graph::{EdgeLabel, ObjIdx};
use crate::model::{flags, Heap, RefKind, RootKind, Snapshot};

/// What holds the memory, named as a Python programmer would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// `name` in the namespace of `module`.
    ModuleGlobal { module: String, name: String },
    /// `Class.name`, set on the class (shared by every instance).
    ClassAttribute { class: String, name: String },
    /// `name` of an instance of `class`.
    InstanceAttribute { class: String, name: String },
    /// `function.name`: an attribute set on a function object (`handler.cache = {}`).
    FunctionAttribute { function: String, name: String },
    /// The free variable `variable` of the closure `function`.
    ClosureCell { function: String, variable: String },
    /// A default value of `function`'s parameters (`parameter` when known).
    DefaultArgument { function: String, parameter: Option<String> },
    /// The local `variable` of a running `function`, in `thread` when known.
    FrameLocal { function: String, variable: String, thread: Option<String> },
    /// A local of a frame that is not running, kept by the traceback of an
    /// exception (`exception`, its type) that `kept_by` holds
    /// (`self.last_error = e`): the frame and all its locals live on.
    RaisedIn { local: Box<Holder>, exception: String, kept_by: Box<Holder> },
    /// Per-thread data `attribute` of a `threading.local` (itself named by `local`).
    ThreadLocal { local: Box<Holder>, attribute: String },
    /// The value of the `contextvars.ContextVar` named `name` in a context
    /// (`default`: its default value, shared by every context).
    ContextVar { name: String, default: bool },
    /// The cache of `functools.lru_cache` around `function`.
    Cache { function: String },
    /// Instances of a type, together.
    Type { name: String },
    /// Unreachable cycles whose main member type is `type_name`.
    Garbage { type_name: String },
    /// Objects nothing in the graph refers to, kept by references from C
    /// (native roots): `atexit.register`, `signal.signal`, a C extension.
    Native,
    /// Anything else: `step` of `object` (e.g. "`[0]` of tuple @0x…"), or the object alone.
    Object { object: String, step: Option<String> },
    /// The attribute `inner` (`ChainMap.maps`, `Event._waiters`) of a
    /// standard-library object that the application keeps as `outer`
    /// (`Settings.layers`, `` `jar` of module `app` ``): where the program
    /// holds what grows.
    Within { inner: Box<Holder>, outer: Box<Holder> },
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Holder::ModuleGlobal { module, name } => write!(f, "`{name}` of module `{module}`"),
            Holder::ClassAttribute { class, name } => write!(f, "`{class}.{name}` (a class attribute)"),
            Holder::InstanceAttribute { class, name } => write!(f, "`{class}.{name}`"),
            Holder::FunctionAttribute { function, name } => write!(f, "`{function}.{name}` (an attribute of the function)"),
            Holder::ClosureCell { function, variable } => write!(f, "`{variable}` captured by the closure `{function}`"),
            Holder::DefaultArgument { function, parameter: Some(p) } => write!(f, "default argument `{p}` of `{function}`"),
            Holder::DefaultArgument { function, parameter: None } => write!(f, "a default argument of `{function}`"),
            Holder::FrameLocal { function, variable, thread: Some(t) } => write!(f, "local `{variable}` of `{function}` (thread `{t}`)"),
            Holder::FrameLocal { function, variable, thread: None } => write!(f, "local `{variable}` of `{function}`"),
            Holder::RaisedIn { local, exception, kept_by } => {
                write!(f, "{local}, a frame kept by the traceback of the `{exception}` in {kept_by},")
            }
            Holder::ThreadLocal { local, attribute } => write!(f, "`.{attribute}` of the threading.local {local}"),
            Holder::ContextVar { name, default: true } => write!(f, "the default value of ContextVar `{name}`"),
            Holder::ContextVar { name, default: false } => write!(f, "the value of ContextVar `{name}` (in a context that lives on)"),
            Holder::Cache { function } => write!(f, "the lru_cache of `{function}`"),
            Holder::Type { name } => write!(f, "`{name}` objects"),
            Holder::Garbage { type_name } => write!(f, "unreachable `{type_name}` cycles"),
            Holder::Native => f.write_str("C code (nothing in Python refers to them)"),
            Holder::Object { object, step: Some(step) } => write!(f, "`{step}` of {object}"),
            Holder::Object { object, step: None } => f.write_str(object),
            Holder::Within { inner, outer } => write!(f, "{inner} in {outer}"),
        }
    }
}

/// The local `variable` of the running `frame`: its function (from the
/// frame's description, `function at file:line`) and the thread whose stack
/// it is on. The one spelling of a frame local (suspects and growth).
pub(crate) fn frame_local(snapshot: &Snapshot, heap: &Heap, frame: ObjIdx, variable: String) -> Holder {
    let d = snapshot.str(heap.description[frame as usize]);
    let function = d.split(" at ").next().unwrap_or(d).to_string();
    Holder::FrameLocal { function, variable, thread: thread_of_frame(snapshot, heap, frame) }
}

/// The name of the thread whose stack `frame` is on (walking `f_back` from each thread's innermost frame).
fn thread_of_frame(snapshot: &Snapshot, heap: &Heap, frame: ObjIdx) -> Option<String> {
    let g = &heap.graph;
    for r in heap.roots.iter().filter(|r| r.kind == RootKind::Thread) {
        let mut at = Some(r.object);
        for _ in 0..256 {
            let Some(f) = at else { break };
            if f == frame {
                let name = snapshot.str(r.name);
                return Some(if name.is_empty() { "?".to_string() } else { name.to_string() });
            }
            at = g.out_refs(f).find(|&(_, l)| snapshot.str(l.name()) == "f_back").map(|(t, _)| t);
        }
    }
    None
}

/// `contextvars.ContextVar` (`builtins.ContextVar` before Python 3.9).
fn is_context_var(type_name: &str) -> bool {
    matches!(type_name, "_contextvars.ContextVar" | "builtins.ContextVar")
}

/// The read-only view the suspect passes share.
pub(crate) struct Ctx<'a> {
    pub snapshot: &'a Snapshot,
    pub heap: &'a Heap,
    pub types: &'a TypeIndex,
    pub tree: &'a DominatorTree,
    pub owners: &'a Owners,
    /// The type id of `builtins.dict`, if the heap has dicts.
    dict_type: Option<u32>,
    /// [`Ctx::namespace_module`]'s answers for dicts with many referrers,
    /// which it is asked about once per container they hold (a hostile
    /// dict holding 20,000 lists with 10^6 referrers: 2·10^10 tests).
    namespaces: std::cell::RefCell<std::collections::HashMap<ObjIdx, Option<ObjIdx>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(snapshot: &'a Snapshot, heap: &'a Heap, types: &'a TypeIndex, tree: &'a DominatorTree, owners: &'a Owners) -> Self {
        Ctx { snapshot, heap, types, tree, owners, dict_type: types.find("builtins.dict"), namespaces: Default::default() }
    }
}

impl Ctx<'_> {
    pub fn type_name(&self, o: ObjIdx) -> &str {
        self.types.name_of(o)
    }

    pub fn desc(&self, o: ObjIdx) -> &str {
        self.snapshot.str(self.heap.description[o as usize])
    }

    pub fn is_module(&self, o: ObjIdx) -> bool {
        self.heap.flags[o as usize] & flags::MODULE != 0 || self.type_name(o) == "builtins.module"
    }

    /// A Python function (`def`, `lambda`).
    pub fn is_function(&self, o: ObjIdx) -> bool {
        self.heap.flags[o as usize] & flags::FUNCTION != 0 || self.type_name(o) == "builtins.function"
    }

    pub fn is_type_object(&self, o: ObjIdx) -> bool {
        self.heap.flags[o as usize] & flags::TYPE != 0
    }

    /// `dict @0x7f…`, `__main__.Request @0x7f…`.
    pub fn short(&self, o: ObjIdx) -> String {
        let t = self.type_name(o);
        let t = t.strip_prefix("builtins.").unwrap_or(t);
        format!("{t} @{:#x}", self.heap.address[o as usize])
    }

    /// A class's name as written in code: the last part of a qualified type name.
    pub fn class_name(&self, o: ObjIdx) -> String {
        let t = self.type_name(o);
        t.rsplit('.').next().unwrap_or(t).to_string()
    }

    /// The owner of an instance `__dict__` (`owner —__dict__→ dict`), if `o` is one.
    pub fn dict_owner(&self, o: ObjIdx) -> Option<ObjIdx> {
        // The type first: one read (the caller's next), where the referrers'
        // offsets are another cache miss for every object that is no dict.
        if Some(self.types.type_of(o)) != self.dict_type {
            return None;
        }
        let g = &self.heap.graph;
        let preds = g.predecessors(o);
        if preds.len() > 4 {
            return None;
        }
        // An instance has few references of its own; a big container is no owner.
        preds
            .iter()
            .copied()
            .find(|&s| g.out_edges(s).len() <= 256 && g.out_refs(s).any(|(t, l)| t == o && l.kind() == RefKind::InstanceDict))
    }

    /// The class whose `__dict__` `o` is.
    pub fn class_of_dict(&self, o: ObjIdx) -> Option<ObjIdx> {
        let g = &self.heap.graph;
        g.predecessors(o)
            .iter()
            .take(8)
            .copied()
            .find(|&s| self.is_type_object(s) && g.out_refs(s).any(|(t, l)| t == o && l.kind() == RefKind::ClassDict))
    }

    /// The module `o` is, or whose namespace dict `o` is.
    pub fn namespace_module(&self, o: ObjIdx) -> Option<ObjIdx> {
        if self.is_module(o) {
            return Some(o);
        }
        if self.type_name(o) != "builtins.dict" {
            return None;
        }
        // A module's namespace is referred to by each of its functions
        // (`__globals__`): look at every referrer, a cheap flag test each,
        // once per dict when there are many.
        let referrers = self.heap.graph.predecessors(o);
        if referrers.len() <= 64 {
            return referrers.iter().copied().find(|&s| self.is_module(s));
        }
        if let Some(&known) = self.namespaces.borrow().get(&o) {
            return known;
        }
        let module = referrers.iter().copied().find(|&s| self.is_module(s));
        self.namespaces.borrow_mut().insert(o, module);
        module
    }

    /// The strong reference to `o` from its immediate dominator (or, when
    /// the dominator is not a referrer, from the first strong referrer).
    pub fn reached_from(&self, o: ObjIdx) -> Option<(ObjIdx, EdgeLabel)> {
        let g = &self.heap.graph;
        let idom = self.tree.idom(o).filter(|&d| d != SUPER_ROOT);
        let mut best = None;
        for (src, e) in g.incoming(o).take(64) {
            let label = g.label(e);
            if !label.is_strong() {
                continue;
            }
            if best.is_none() || Some(src) == idom {
                best = Some((src, label));
            }
            if Some(src) == idom {
                return best;
            }
        }
        // An object with many referrers (a mock its child mocks refer back
        // to): its dominator's reference may come later (bounded for hubs).
        let from_idom = idom.and_then(|d| {
            g.incoming(o).skip(64).take(1 << 16).find(|&(src, e)| src == d && g.label(e).is_strong()).map(|(src, e)| (src, g.label(e)))
        });
        from_idom.or(best)
    }

    /// The name a label gives: `'cache'` → `cache`.
    pub fn label_name(&self, label: EdgeLabel) -> Option<String> {
        let name = self.snapshot.str(label.name());
        if name.is_empty() {
            return None;
        }
        let bare = name.strip_prefix('\'').and_then(|n| n.strip_suffix('\'')).unwrap_or(name);
        Some(bare.to_string())
    }

    /// What holds `o`, in Python's words (see [`Holder`]).
    pub fn holder(&self, o: ObjIdx) -> Holder {
        let holder = self.holder_at(o, 2);
        // An attribute of a descriptor is named through the class attribute
        // that is the descriptor (`Request.body._values`, not
        // `Field._values` for every field of every class); it is still the
        // descriptor's own attribute (`self._values` in its methods).
        if let Holder::InstanceAttribute { name, .. } = &holder {
            if let Some((class, attribute)) =
                self.holder_object(o).and_then(|obj| self.class_attribute_of(obj).filter(|_| self.is_descriptor(obj)))
            {
                return Holder::InstanceAttribute { class: format!("{class}.{attribute}"), name: name.clone() };
            }
        }
        // An attribute of a standard-library object (a `ChainMap`'s `maps`,
        // an `asyncio.Event`'s `_waiters`, a `CookieJar`'s `_cookies`) is
        // named by where the application keeps that object, when it does.
        if matches!(holder, Holder::InstanceAttribute { .. }) {
            if let Some(outer) = self.holder_object(o).and_then(|obj| self.application_name(obj)) {
                return Holder::Within { inner: Box::new(holder), outer: Box::new(outer) };
            }
        }
        holder
    }

    /// Whether `obj`'s class (or one of the first classes of its MRO)
    /// defines `__get__`, `__set__` or `__delete__`.
    fn is_descriptor(&self, obj: ObjIdx) -> bool {
        let g = &self.heap.graph;
        let named = |l: EdgeLabel, names: &[&str]| self.label_name(l).is_some_and(|n| names.contains(&n.as_str()));
        let Some(class) =
            g.out_refs(obj).take(32).find(|&(_, l)| l.kind() == RefKind::Internal && named(l, &["__class__"])).map(|(t, _)| t)
        else {
            return false;
        };
        let mro = g.out_refs(class).find(|&(_, l)| l.kind() == RefKind::Mro).map(|(t, _)| t);
        let classes = std::iter::once(class).chain(mro.into_iter().flat_map(|m| g.successors(m).iter().copied().take(8)));
        classes.filter(|&c| self.is_type_object(c)).any(|c| {
            g.out_refs(c).filter(|&(_, l)| l.kind() == RefKind::ClassDict).any(|(dict, _)| {
                g.out_refs(dict).take(4096).any(|(_, l)| l.kind() == RefKind::DictValue && named(l, &["__get__", "__set__", "__delete__"]))
            })
        })
    }

    /// The class and attribute name under which a class's namespace holds
    /// `obj` (`(Request, body)`), if one does.
    fn class_attribute_of(&self, obj: ObjIdx) -> Option<(String, String)> {
        let g = &self.heap.graph;
        // The referrers first (a class's namespace among the first few), its
        // reference to `obj` only then: a list of 10^6 items that holds
        // `obj` too is never scanned.
        g.predecessors(obj).iter().take(64).find_map(|&src| {
            let class = self.class_of_dict(src)?;
            let (_, label) = g.out_refs(src).find(|&(t, l)| t == obj && l.kind() == RefKind::DictValue && l.is_strong())?;
            Some((self.class_qualname(class), self.label_name(label)?))
        })
    }

    /// The application's name for `obj`, an instance of a standard-library
    /// class: a global, a class or instance attribute, or a function's, of
    /// the application's that refers to it — the reference from its
    /// dominator first, else any such (an `asyncio.Event` is also referred
    /// to by every coroutine waiting on it).
    fn application_name(&self, obj: ObjIdx) -> Option<Holder> {
        if self.is_type_object(obj) || self.is_module(obj) || self.owners.of_type(self.types.type_of(obj)) != Owner::Interpreter {
            return None;
        }
        let g = &self.heap.graph;
        let idom = self.tree.idom(obj);
        let mut refs: Vec<(ObjIdx, EdgeLabel)> =
            g.incoming(obj).take(4096).map(|(src, e)| (src, g.label(e))).filter(|(_, l)| l.is_strong()).collect();
        refs.sort_by_key(|&(src, _)| Some(src) != idom);
        refs.into_iter().filter(|&(src, _)| self.owners.of(src) == Owner::Application).find_map(|(src, label)| {
            let name = self.label_name(label)?;
            match label.kind() {
                RefKind::DictValue => {
                    if let Some(m) = self.namespace_module(src) {
                        return Some(Holder::ModuleGlobal { module: self.desc(m).to_string(), name });
                    }
                    if let Some(class) = self.class_of_dict(src) {
                        return Some(Holder::ClassAttribute { class: self.class_qualname(class), name });
                    }
                    let owner = self.dict_owner(src)?;
                    if self.is_function(owner) {
                        return Some(Holder::FunctionAttribute { function: self.desc(owner).to_string(), name });
                    }
                    Some(Holder::InstanceAttribute { class: self.class_name(owner), name })
                }
                RefKind::Attribute => Some(Holder::InstanceAttribute { class: self.class_name(src), name }),
                _ => None,
            }
        })
    }

    /// A value of a dict that is itself a named attribute or global, named
    /// through it (`Signals.receivers['logout']`, `` `index['a']` of module `app` ``);
    /// `depth` bounds how many such steps are followed.
    fn subscripted(&self, dict: ObjIdx, step: &str, depth: u8) -> Option<Holder> {
        if depth == 0 {
            return None;
        }
        match self.holder_at(dict, depth - 1) {
            Holder::ModuleGlobal { module, name } => Some(Holder::ModuleGlobal { module, name: format!("{name}{step}") }),
            Holder::ClassAttribute { class, name } => Some(Holder::ClassAttribute { class, name: format!("{name}{step}") }),
            Holder::InstanceAttribute { class, name } => Some(Holder::InstanceAttribute { class, name: format!("{name}{step}") }),
            Holder::FunctionAttribute { function, name } => Some(Holder::FunctionAttribute { function, name: format!("{name}{step}") }),
            _ => None,
        }
    }

    fn holder_at(&self, o: ObjIdx, depth: u8) -> Holder {
        let Some((src, label)) = self.reached_from(o) else {
            return Holder::Object { object: self.short(o), step: None };
        };
        let name = self.label_name(label);
        match (label.kind(), name) {
            // `__defaults__` tuple → value, named by the exporter after its parameter.
            (RefKind::Defaults, Some(parameter)) if !parameter.starts_with("__") => match self.defaults_owner(src) {
                Some(f) => Holder::DefaultArgument { function: self.desc(f).to_string(), parameter: Some(parameter) },
                None => self.fallback(src, label),
            },
            // A value in the mapping behind a `contextvars.Context`, named by
            // the exporter after its ContextVar.
            (RefKind::DictValue, Some(name)) if self.type_name(src).starts_with("builtins.hamt") => {
                Holder::ContextVar { name, default: false }
            }
            (RefKind::Internal, Some(field)) if is_context_var(self.type_name(src)) && field != "name" => {
                Holder::ContextVar { name: self.desc(src).to_string(), default: field == "default" }
            }
            (RefKind::DictValue, Some(name)) => {
                // `__kwdefaults__` dict → a keyword-only parameter's default.
                if let Some(f) = self.defaults_owner(src).filter(|_| self.type_name(src) == "builtins.dict") {
                    return Holder::DefaultArgument { function: self.desc(f).to_string(), parameter: Some(name) };
                }
                if let Some(m) = self.namespace_module(src) {
                    return Holder::ModuleGlobal { module: self.desc(m).to_string(), name };
                }
                if let Some(class) = self.class_of_dict(src) {
                    return Holder::ClassAttribute { class: self.class_qualname(class), name };
                }
                if let Some(owner) = self.dict_owner(src) {
                    if self.type_name(owner) == "_thread._local" {
                        return Holder::ThreadLocal { local: Box::new(self.holder(owner)), attribute: name };
                    }
                    if self.is_function(owner) {
                        return Holder::FunctionAttribute { function: self.desc(owner).to_string(), name };
                    }
                    return Holder::InstanceAttribute { class: self.class_name(owner), name };
                }
                // The per-thread dict of a threading.local (`local → dict → {dummy: this dict}`).
                if let Some(local) = self.thread_local_of(src) {
                    return Holder::ThreadLocal { local: Box::new(self.holder(local)), attribute: name };
                }
                let step = format!("[{}]", self.snapshot.str(label.name()));
                self.subscripted(src, &step, depth).unwrap_or_else(|| Holder::Object { object: self.short(src), step: Some(step) })
            }
            (RefKind::Attribute, Some(name)) => Holder::InstanceAttribute { class: self.class_name(src), name },
            (RefKind::Cell, Some(variable)) => match self.closure_of_cell(src) {
                Some(f) => Holder::ClosureCell { function: self.desc(f).to_string(), variable },
                None => Holder::Object { object: self.short(src), step: Some(format!("cell {variable}")) },
            },
            (RefKind::Local, Some(variable)) if self.heap.flags[src as usize] & flags::FRAME != 0 => {
                let local = frame_local(self.snapshot, self.heap, src, variable);
                match (&local, self.raised_in(src)) {
                    (Holder::FrameLocal { thread: None, .. }, Some(exception)) if depth > 0 => {
                        let name = self.type_name(exception);
                        let exception_name = name.strip_prefix("builtins.").unwrap_or(name).to_string();
                        Holder::RaisedIn {
                            local: Box::new(local),
                            exception: exception_name,
                            kept_by: Box::new(self.holder_at(exception, depth - 1)),
                        }
                    }
                    // A generator's frame (before 3.11 a frame object the
                    // generator holds): named as the generator's local.
                    (Holder::FrameLocal { thread: None, variable, .. }, None) => match self.generator_of_frame(src) {
                        Some(generator) => self.generator_local(generator, Some(variable.clone())),
                        None => local,
                    },
                    _ => local,
                }
            }
            // Files whose defaults carry no parameter names.
            (RefKind::Index, _) | (RefKind::Internal, _) if self.type_name(src) == "builtins.tuple" => match self.defaults_owner(src) {
                Some(f) => Holder::DefaultArgument { function: self.desc(f).to_string(), parameter: None },
                None => self.fallback(src, label),
            },
            (RefKind::Internal, _) if self.type_name(src) == "functools._lru_cache_wrapper" => {
                Holder::Cache { function: self.cached_function(src).unwrap_or_else(|| self.short(src)) }
            }
            // The dict behind a `types.MappingProxyType` (a singledispatch
            // function's `registry`): named as the proxy is.
            (RefKind::Internal, _) if depth > 0 && self.type_name(src) == "builtins.mappingproxy" => match self.holder_at(src, depth - 1) {
                Holder::Object { .. } => self.fallback(src, label),
                named => named,
            },
            // The object of a bound built-in method kept as a callback
            // (`warnings._showwarnmsg_impl = log.append`): named through the method.
            (_, Some(field)) if field == "__self__" && self.type_name(src) == "builtins.builtin_function_or_method" => {
                self.subscripted(src, ".__self__", depth).unwrap_or_else(|| self.fallback(src, label))
            }
            (RefKind::DictValue, None) if self.thread_local_of(src).is_some() => {
                Holder::Object { object: self.short(src), step: Some("[…]".into()) }
            }
            _ => self.fallback(src, label),
        }
    }

    /// The object keeping the traceback that keeps `frame` (a frame no
    /// thread runs): up the traceback chain (`tb_next`) to the first
    /// referrer that is not a traceback — the exception whose
    /// `__traceback__` it is, or whatever else holds it.
    fn raised_in(&self, frame: ObjIdx) -> Option<ObjIdx> {
        let g = &self.heap.graph;
        let is_traceback = |o: ObjIdx| self.type_name(o) == "builtins.traceback";
        let mut at = g.strong_predecessors(frame).find(|&p| is_traceback(p))?;
        for _ in 0..256 {
            let mut outer = None;
            for p in g.strong_predecessors(at) {
                if !is_traceback(p) {
                    return Some(p);
                }
                outer = Some(p);
            }
            at = outer?;
        }
        None
    }

    fn fallback(&self, src: ObjIdx, label: EdgeLabel) -> Holder {
        let name = self.snapshot.str(label.name());
        // A suspended generator's (coroutine's) frame: its locals are its
        // referents (3.11+), named by the exporter from the frame.
        if self.is_generator(src) {
            return self.generator_local(src, self.label_name(label).filter(|_| label.kind() == RefKind::Local));
        }
        let step = label.kind().display((!name.is_empty()).then_some(name));
        // A class or a module by its name (`` class `sqlalchemy.sql.schema.Column` ``), not its address.
        let what = if self.is_type_object(src) { Some("class") } else { self.is_module(src).then_some("module") };
        let object = match (what, self.desc(src)) {
            (Some(what), d) if !d.is_empty() && !d.starts_with('?') => format!("{what} `{d}`"),
            _ => self.short(src),
        };
        Holder::Object { object, step: Some(step) }
    }

    /// A generator, coroutine or async generator object.
    pub fn is_generator(&self, o: ObjIdx) -> bool {
        matches!(self.type_name(o), "builtins.generator" | "builtins.coroutine" | "builtins.async_generator")
    }

    /// The generator (coroutine) whose frame object `frame` is (`gi_frame`,
    /// `cr_frame`: Python 3.10 and older keep a suspended generator's
    /// locals in a frame object it holds).
    pub fn generator_of_frame(&self, frame: ObjIdx) -> Option<ObjIdx> {
        self.heap.graph.strong_predecessors(frame).take(8).find(|&p| self.is_generator(p))
    }

    /// The generator whose local `o` is, if it is one (in the generator
    /// itself from Python 3.11 on, in its frame object before).
    pub fn generator_of_local(&self, o: ObjIdx) -> Option<ObjIdx> {
        let (src, label) = self.reached_from(o)?;
        if label.kind() != RefKind::Local {
            return None;
        }
        if self.is_generator(src) {
            return Some(src);
        }
        (self.heap.flags[src as usize] & flags::FRAME != 0).then(|| self.generator_of_frame(src)).flatten()
    }

    /// "`local received` of the suspended generator `sink` (generator @0x…)".
    fn generator_local(&self, generator: ObjIdx, variable: Option<String>) -> Holder {
        let kind = self.type_name(generator).trim_start_matches("builtins.").replace('_', " ");
        let step = match variable {
            Some(variable) => format!("local {variable}"),
            None => "a local".into(),
        };
        Holder::Object { object: format!("the suspended {kind} `{}` ({})", self.desc(generator), self.short(generator)), step: Some(step) }
    }

    /// The `contextvars.ContextVar` whose value (or default) `o` is: the
    /// variable itself, or the key beside `o` in a node of a Context's mapping.
    pub fn context_var_of(&self, o: ObjIdx) -> Option<ObjIdx> {
        let (src, label) = self.reached_from(o)?;
        if is_context_var(self.type_name(src)) {
            return Some(src);
        }
        if label.kind() != RefKind::DictValue || !self.type_name(src).starts_with("builtins.hamt") {
            return None;
        }
        let name = self.snapshot.str(label.name());
        self.heap.graph.successors(src).iter().copied().find(|&k| is_context_var(self.type_name(k)) && self.desc(k) == name)
    }

    /// The function whose `__defaults__` tuple or `__kwdefaults__` dict `o` is.
    pub fn defaults_owner(&self, o: ObjIdx) -> Option<ObjIdx> {
        let g = &self.heap.graph;
        g.incoming(o).take(64).find(|&(_, e)| g.label(e).kind() == RefKind::Defaults).map(|(f, _)| f)
    }

    /// The function whose `__closure__` holds `cell`.
    pub fn closure_of_cell(&self, cell: ObjIdx) -> Option<ObjIdx> {
        let g = &self.heap.graph;
        let tuple = g.incoming(cell).find(|&(_, e)| g.label(e).kind() == RefKind::Closure)?.0;
        g.incoming(tuple)
            .map(|(f, _)| f)
            .find(|&f| self.heap.flags[f as usize] & flags::FUNCTION != 0 || self.type_name(f) == "builtins.function")
    }

    /// The `threading.local` whose per-thread dict `o` is (`local → {dummy: o}`)
    /// or whose dict of per-thread dicts `o` is (`local → o`).
    fn thread_local_of(&self, o: ObjIdx) -> Option<ObjIdx> {
        let g = &self.heap.graph;
        let is_local = |s: &ObjIdx| self.type_name(*s) == "_thread._local";
        g.predecessors(o).iter().take(4).copied().find(is_local).or_else(|| {
            g.predecessors(o)
                .iter()
                .take(4)
                .filter(|&&p| self.type_name(p) == "builtins.dict")
                .find_map(|&p| g.predecessors(p).iter().take(4).copied().find(is_local))
        })
    }

    /// A class's qualified name (`Outer.Inner`), from its `__qualname__`
    /// when the exporter recorded it, else the last part of its description.
    pub fn class_qualname(&self, class: ObjIdx) -> String {
        let g = &self.heap.graph;
        if let Some((q, _)) = g.out_refs(class).find(|(_, l)| self.snapshot.str(l.name()) == "__qualname__") {
            let d = self.desc(q);
            if let Some(name) = d.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')) {
                return name.to_string();
            }
        }
        let d = self.desc(class);
        d.rsplit('.').next().unwrap_or(d).to_string()
    }

    /// The qualified name of the function an `lru_cache` wrapper wraps.
    pub fn cached_function(&self, wrapper: ObjIdx) -> Option<String> {
        let g = &self.heap.graph;
        g.out_refs(wrapper)
            .map(|(t, _)| t)
            .find(|&t| self.heap.flags[t as usize] & flags::FUNCTION != 0 || self.type_name(t) == "builtins.function")
            .map(|f| self.desc(f).to_string())
    }

    /// Whether an `lru_cache` wrapper was made with `maxsize=None` (its
    /// `cache_parameters` closure holds `maxsize`); `None` when unknown.
    pub fn cache_is_unbounded(&self, wrapper: ObjIdx) -> Option<bool> {
        let g = &self.heap.graph;
        let dict = g.out_refs(wrapper).find(|(_, l)| l.kind() == RefKind::InstanceDict)?.0;
        let params =
            g.out_refs(dict).find(|(_, l)| l.kind() == RefKind::DictValue && self.snapshot.str(l.name()) == "'cache_parameters'")?.0;
        let closure = g.out_refs(params).find(|(_, l)| self.snapshot.str(l.name()) == "__closure__")?.0;
        let cell = g.out_refs(closure).find(|(_, l)| self.snapshot.str(l.name()) == "maxsize")?.0;
        let value = g.out_refs(cell).next().map(|(t, _)| t);
        Some(value.is_none_or(|v| self.type_name(v) == "builtins.NoneType"))
    }
}
