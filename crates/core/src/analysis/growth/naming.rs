//! The shortest-path tree of one heap, what part of the program an object
//! belongs to, and the Python name of a holder (`EventBus.listeners`,
//! `__main__.HISTORY`, `Cache.store`, `make_callback.<locals>.callback.<closure big>`).
//!
//! Names come from the shortest strong path from a root (the same path the
//! retainers view shows first): the last *anchor* on it — a module, a class,
//! a function or an instance of a program-defined class — followed by the
//! references after it, with `__dict__` steps folded so that a namespace
//! key reads as an attribute. A local variable of a running frame is named
//! as the suspects name it ("local `batch` of `consume` (thread
//! `batcher`)"), unless an anchor comes after the frame.

use crate::analysis::owner::{module_owner, Owner};
use crate::analysis::strong_view::{Exclusions, StrongView};
use crate::analysis::suspects::naming::{frame_local, Holder};
use crate::analysis::suspects::patterns::{is_codec_search_path, CODEC_SEARCH_PATH};
use crate::analysis::suspects::{classify_type, TypeClass};
use crate::analysis::types::TypeIndex;
use crate::graph::{EdgeIdx, ObjIdx};
use crate::model::{flags, Heap, RefKind, Snapshot};

/// No parent: a root, or unreachable.
pub const NO_PARENT: u32 = u32::MAX;

/// Parent pointers of a breadth-first search from the roots over strong
/// references: following them from an object gives a shortest path.
#[derive(Debug, Clone)]
pub struct PathTree {
    pub parent: Vec<ObjIdx>,
    pub parent_edge: Vec<EdgeIdx>,
    pub reachable: Vec<bool>,
}

impl PathTree {
    pub fn new(heap: &Heap, roots: &[ObjIdx]) -> PathTree {
        let n = heap.object_count();
        let none = Exclusions::none();
        let view = StrongView::new(&heap.graph, &none);
        let mut parent = vec![NO_PARENT; n];
        let mut parent_edge = vec![NO_PARENT; n];
        let mut reachable = vec![false; n];
        let mut queue: Vec<ObjIdx> = Vec::new();
        for &r in roots {
            if (r as usize) < n && !reachable[r as usize] {
                reachable[r as usize] = true;
                queue.push(r);
            }
        }
        let mut head = 0;
        while head < queue.len() {
            let v = queue[head];
            head += 1;
            for (e, t) in view.out_edges(v) {
                if !reachable[t as usize] {
                    reachable[t as usize] = true;
                    parent[t as usize] = v;
                    parent_edge[t as usize] = e;
                    queue.push(t);
                }
            }
        }
        PathTree { parent, parent_edge, reachable }
    }

    pub fn parent(&self, o: ObjIdx) -> Option<(ObjIdx, EdgeIdx)> {
        let p = *self.parent.get(o as usize)?;
        (p != NO_PARENT).then(|| (p, self.parent_edge[o as usize]))
    }

    /// The objects from a root down to `o` (at most `cap` of the last ones).
    pub fn chain(&self, o: ObjIdx, cap: usize) -> (Vec<ObjIdx>, bool) {
        let mut out = vec![o];
        let mut at = o;
        while let Some((p, _)) = self.parent(at) {
            if out.len() >= cap {
                out.reverse();
                return (out, true);
            }
            out.push(p);
            at = p;
        }
        out.reverse();
        (out, false)
    }
}

/// Whose memory an object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Home {
    /// Reached through a program module, a program-defined instance or class,
    /// or a frame running program code.
    Program,
    /// The interpreter's and the standard library's own structures.
    Interpreter,
    /// The exporter's (`heapscope` modules and frames): never growth.
    Exporter,
}

/// Facts about one heap that naming and classification need.
pub struct NamingView<'a> {
    pub snapshot: &'a Snapshot,
    pub heap: &'a Heap,
    pub types: &'a TypeIndex,
    pub tree: PathTree,
    class: Vec<TypeClass>,
    /// Memoized [`Home`] (255 = not computed).
    home: Vec<u8>,
}

impl<'a> NamingView<'a> {
    pub fn new(snapshot: &'a Snapshot, heap: &'a Heap, types: &'a TypeIndex, roots: &[ObjIdx]) -> Self {
        let class = types.names.iter().map(|n| classify_type(n)).collect();
        NamingView { snapshot, heap, types, tree: PathTree::new(heap, roots), class, home: vec![255; heap.object_count()] }
    }

    pub fn class_of(&self, o: ObjIdx) -> TypeClass {
        self.class[self.types.type_of(o) as usize]
    }

    pub fn is_module(&self, o: ObjIdx) -> bool {
        self.heap.flags[o as usize] & flags::MODULE != 0 || self.types.name_of(o) == "builtins.module"
    }

    fn is_class(&self, o: ObjIdx) -> bool {
        self.heap.flags[o as usize] & flags::TYPE != 0
    }

    fn is_function(&self, o: ObjIdx) -> bool {
        self.types.name_of(o) == "builtins.function"
    }

    fn is_frame(&self, o: ObjIdx) -> bool {
        self.heap.flags[o as usize] & flags::FRAME != 0 || self.types.name_of(o) == "builtins.frame"
    }

    pub fn description(&self, o: ObjIdx) -> &str {
        self.snapshot.str(self.heap.description[o as usize])
    }

    /// The module global that reference `edge` from `dict` is, as (module,
    /// name without quotes): `("sys", "excepthook")`, when `dict` is a
    /// module's namespace and the reference one of its values.
    pub fn module_global(&self, dict: ObjIdx, edge: EdgeIdx) -> Option<(&str, &str)> {
        let label = self.heap.graph.label(edge);
        let module = self.namespace_module(dict).filter(|_| label.kind() == RefKind::DictValue)?;
        let key = self.snapshot.strings.get(label.name())?;
        Some((self.description(module), key.trim_matches('\'')))
    }

    /// The module a module-namespace dict belongs to.
    pub fn namespace_module(&self, o: ObjIdx) -> Option<ObjIdx> {
        if self.types.name_of(o) != "builtins.dict" {
            return None;
        }
        self.heap.graph.predecessors(o).iter().take(64).copied().find(|&s| self.is_module(s))
    }

    /// The module whose code a frame runs (through its `f_globals`).
    fn frame_module(&self, frame: ObjIdx) -> Option<&str> {
        let g = &self.heap.graph;
        let globals = g.out_refs(frame).find(|(_, l)| l.kind() == RefKind::Internal && self.snapshot.str(l.name()) == "f_globals")?.0;
        self.namespace_module(globals).map(|m| self.description(m))
    }

    /// A module's home: the exporter's, the interpreter's (standard
    /// library), or the program's (its own and third-party modules).
    fn module_home(&self, name: &str) -> Home {
        if name == "heapscope" || name.starts_with("heapscope.") {
            return Home::Exporter;
        }
        match module_owner(name, None, self.snapshot.process.environment.as_ref()) {
            Owner::Interpreter => Home::Interpreter,
            Owner::Application | Owner::ThirdParty => Home::Program,
        }
    }

    /// What decides `o`'s home by itself, if anything.
    fn anchor_home(&self, o: ObjIdx) -> Option<Home> {
        if self.is_module(o) {
            return Some(self.module_home(self.description(o)));
        }
        if let Some(m) = self.namespace_module(o) {
            return Some(self.module_home(self.description(m)));
        }
        if self.is_frame(o) {
            return self.frame_module(o).map(|m| self.module_home(m));
        }
        let t = self.types.name_of(o);
        if t.starts_with("heapscope.") {
            return Some(Home::Exporter);
        }
        (self.class_of(o) == TypeClass::User).then_some(Home::Program)
    }

    /// Whose memory `o` is: decided by the nearest anchor (a module or its
    /// namespace, a frame, a program-defined object) on its shortest path,
    /// `o` included; the interpreter's when there is none.
    pub fn home(&mut self, o: ObjIdx) -> Home {
        let mut walked = Vec::new();
        let mut at = o;
        let found = loop {
            match self.home[at as usize] {
                255 => {}
                h => break decode(h),
            }
            walked.push(at);
            if let Some(h) = self.anchor_home(at) {
                break h;
            }
            match self.tree.parent(at) {
                Some((p, _)) => at = p,
                None => break Home::Interpreter,
            }
        };
        for w in walked {
            self.home[w as usize] = found as u8;
        }
        found
    }

    /// How the reference `edge` reads in a Python name.
    fn step_text(&self, edge: EdgeIdx, in_namespace: bool) -> Option<String> {
        let label = self.heap.graph.label(edge);
        let name = self.snapshot.strings.get(label.name()).filter(|n| !n.is_empty());
        Some(match (label.kind(), name) {
            (RefKind::InstanceDict | RefKind::ClassDict, _) => return None,
            (RefKind::DictValue, Some(n)) if in_namespace => format!(".{}", unquote(n)),
            (RefKind::DictValue, Some(n)) => format!("[{n}]"),
            (RefKind::Attribute, Some(n)) => format!(".{n}"),
            (RefKind::Closure, Some(n)) => format!(".<closure {n}>"),
            // A suspended generator's or coroutine's local: `__main__.sink.<local received>`.
            (RefKind::Local, Some(n)) => format!(".<local {n}>"),
            (RefKind::Defaults, Some("__defaults__" | "__kwdefaults__")) => return None,
            (RefKind::Defaults, Some(n)) => format!(".<default {n}>"),
            (RefKind::Cell, _) => return None,
            (RefKind::Internal, Some("__closure__")) => return None,
            // The dict behind a mappingproxy reads as the proxy (`encode.registry`).
            (RefKind::Internal, _) if self.heap.graph.source(edge).is_some_and(|s| self.types.name_of(s) == "builtins.mappingproxy") => {
                return None
            }
            // A bound built-in method's object: `warnings._showwarnmsg_impl.__self__`.
            (RefKind::Internal, Some("__self__")) => ".__self__".to_string(),
            // Every other step is `.x`, `[x]` or `<x>` (`render<internal>`,
            // a dict's key: `_CONNECTIONS<key>[0]`), never a bare word run
            // into the name before it.
            (kind, name) => match kind.display(name) {
                d if d.starts_with(['.', '[', '<']) => d,
                d => format!("<{d}>"),
            },
        })
    }

    /// The name an anchor object starts a Python name with.
    fn anchor_name(&self, o: ObjIdx) -> Option<String> {
        if self.is_module(o) {
            return Some(self.description(o).to_string());
        }
        if self.is_class(o) || self.is_function(o) {
            let d = self.description(o);
            return (!d.is_empty()).then(|| d.to_string());
        }
        if self.class_of(o) == TypeClass::User {
            let t = self.types.name_of(o);
            return Some(t.rsplit('.').next().unwrap_or(t).to_string());
        }
        None
    }

    /// The Python name of `o` (module doc); `None` when no anchor is on
    /// its path (then the type and address are the name).
    pub fn python_name(&self, o: ObjIdx) -> Option<String> {
        let (chain, _) = self.tree.chain(o, 256);
        let mut name: Option<String> = None;
        let mut in_namespace = false;
        // The step after a frame is already in the frame local's name.
        let mut named_step = false;
        // A step repeated along a chain (`<internal>` forty times down a
        // linked list) is written twice, then `…`.
        let mut last_step: Option<String> = None;
        let mut repeats = 0;
        for (i, &x) in chain.iter().enumerate() {
            if i > 0 {
                let (_, edge) = self.tree.parent(x)?;
                if let (Some(n), Some(step), false) = (name.as_mut(), self.step_text(edge, in_namespace), named_step) {
                    if last_step.as_deref() == Some(step.as_str()) {
                        repeats += 1;
                    } else {
                        repeats = 0;
                    }
                    match repeats {
                        0 | 1 => n.push_str(&step),
                        2 => n.push('…'),
                        _ => {}
                    }
                    last_step = Some(step);
                }
                named_step = false;
                let kind = self.heap.graph.label(edge).kind();
                in_namespace = matches!(kind, RefKind::InstanceDict | RefKind::ClassDict);
            }
            // A module's namespace reached without its module (a root: the
            // `sys` module's dict, which the interpreter holds) reads as the module.
            let namespace_of = if i == 0 { self.namespace_module(x) } else { None };
            // The holder itself is no anchor: its name is how it is reached.
            if i + 1 < chain.len() {
                if let Some(m) = namespace_of {
                    name = Some(self.description(m).to_string());
                    last_step = None;
                } else if let Some(a) = self.anchor_name(x) {
                    name = Some(a);
                    last_step = None;
                } else if let Some(local) = self.frame_local(chain[i + 1]) {
                    // A running frame's local: "local `batch` of `consume` (thread `batcher`)".
                    name = Some(local.to_string());
                    named_step = true;
                }
            }
            if self.is_module(x) || namespace_of.is_some() {
                in_namespace = true;
            }
        }
        name.or_else(|| self.context_var(o)).or_else(|| self.module_attribute(o)).or_else(|| self.codec_search_path(o))
    }

    /// The interpreter's codec search path, a root list no Python name
    /// refers to (`suspects::patterns::is_codec_search_path`).
    fn codec_search_path(&self, o: ObjIdx) -> Option<String> {
        if self.tree.parent(o).is_some() {
            return None;
        }
        let first = self.heap.graph.out_refs(o).next().map(|(f, _)| f).filter(|&f| self.is_function(f));
        is_codec_search_path(self.types.name_of(o), first.map(|f| self.description(f))).then(|| CODEC_SEARCH_PATH.to_string())
    }

    /// `gc.callbacks` for a root that a module's namespace also refers to
    /// (the interpreter holds it, so no path from a root passes through
    /// the module).
    fn module_attribute(&self, o: ObjIdx) -> Option<String> {
        let g = &self.heap.graph;
        if self.tree.parent(o).is_some() {
            return None;
        }
        g.incoming(o).take(64).find_map(|(d, e)| {
            let label = g.label(e);
            let key = self.snapshot.strings.get(label.name()).filter(|n| !n.is_empty())?;
            let m = (label.kind() == RefKind::DictValue).then(|| self.namespace_module(d)).flatten()?;
            Some(format!("{}.{}", self.description(m), unquote(key)))
        })
    }

    /// `` ContextVar `audit_trail` `` for the value of a `contextvars.ContextVar`
    /// in a context (an entry of the context's HAMT, named by the variable).
    fn context_var(&self, o: ObjIdx) -> Option<String> {
        let (node, edge) = self.tree.parent(o)?;
        let name = self.snapshot.strings.get(self.heap.graph.label(edge).name()).filter(|n| !n.is_empty())?;
        let hamt = short_type(self.types.name_of(node));
        hamt.starts_with("hamt").then(|| format!("ContextVar `{}`", unquote(name)))
    }

    /// How `o` is held when its shortest path reaches it as a local variable
    /// of a running frame (named as the suspects name it).
    pub fn frame_local(&self, o: ObjIdx) -> Option<Holder> {
        let (frame, edge) = self.tree.parent(o)?;
        let label = self.heap.graph.label(edge);
        let variable = self.snapshot.strings.get(label.name()).filter(|n| !n.is_empty())?;
        (label.kind() == RefKind::Local && self.is_frame(frame)).then(|| frame_local(self.snapshot, self.heap, frame, variable.to_string()))
    }

    /// The object `o` is an attribute of, and the attribute's name: through
    /// a slot or C attribute, or the object's (or class's) `__dict__`.
    pub fn attribute_of(&self, o: ObjIdx) -> Option<(ObjIdx, String)> {
        let (p, e) = self.tree.parent(o)?;
        let label = self.heap.graph.label(e);
        let name = unquote(self.snapshot.strings.get(label.name()).filter(|n| !n.is_empty())?).to_string();
        match label.kind() {
            RefKind::Attribute => Some((p, name)),
            RefKind::DictValue => {
                let (q, e) = self.tree.parent(p)?;
                matches!(self.heap.graph.label(e).kind(), RefKind::InstanceDict | RefKind::ClassDict).then_some((q, name))
            }
            _ => None,
        }
    }

    /// `list @0x7f…`.
    pub fn short(&self, o: ObjIdx) -> String {
        format!("{} @{:#x}", short_type(self.types.name_of(o)), self.heap.address[o as usize])
    }
}

fn decode(h: u8) -> Home {
    match h {
        0 => Home::Program,
        1 => Home::Interpreter,
        _ => Home::Exporter,
    }
}

/// `'cache'` → `cache`.
fn unquote(n: &str) -> &str {
    n.strip_prefix('\'').and_then(|n| n.strip_suffix('\'')).unwrap_or(n)
}

/// `builtins.list` → `list`; other names stay qualified.
pub fn short_type(t: &str) -> &str {
    t.strip_prefix("builtins.").unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Analysis;

    /// A step of every kind joins the name with a separator: objects in a
    /// tuple key of a module's dict were named `` `__main__._CONNECTIONSkey[0]` ``.
    #[test]
    fn steps_through_dict_keys_read_apart() {
        // module __main__ → its dict → ['_CONNECTIONS'] dict → key tuple → [0] Conn
        let text = r#"{"format": "heapscope", "version": 1, "strings": ["", "builtins.module", "__main__", "builtins.dict", "'_CONNECTIONS'", "builtins.tuple", "__main__.Conn", "0"],
            "heap": {"objects": [1,1,64,3,2,-1, 2,3,64,1,-1,-1, 3,3,64,1,-1,-1, 4,5,48,1,-1,-1, 5,6,48,1,-1,-1],
                     "references": [0,1,13,-1, 1,2,2,4, 2,3,3,-1, 3,4,4,7],
                     "roots": [0,0,2,0]}}"#;
        let snapshot = crate::load::load(text.as_bytes()).unwrap().snapshot;
        let heap = snapshot.heap.as_ref().unwrap();
        let a = Analysis::of_heap(&snapshot, heap);
        let view = NamingView::new(&snapshot, heap, &a.types, &a.roots);
        assert_eq!(view.python_name(3).as_deref(), Some("__main__._CONNECTIONS<key>"));
        assert_eq!(view.python_name(4).as_deref(), Some("__main__._CONNECTIONS<key>[0]"));
    }
}
