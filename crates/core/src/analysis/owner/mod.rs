//! Whose memory is it: every object is owned by the interpreter (with its
//! standard library), by third-party code (site-packages, dist-packages) or
//! by the application (`__main__` and the user's own modules).
//!
//! Modules are classified by name and file: with the environment the
//! exporter records (`process.environment`, `process.module_files`) a module
//! whose file is under a site directory is third-party, one under the
//! standard library's directories, built in or frozen, or named in
//! `sys.stdlib_module_names` is the interpreter's; without it (older files)
//! a built-in list of standard-library names and the `site-packages` /
//! `dist-packages` path components decide. `heapscope` (the exporter) counts
//! as the interpreter's: its memory is in every snapshot.
//!
//! Objects. A module, a frame (by its code's file), a class (by the module
//! that defines it: a third-party class the application imports stays
//! third-party) and an instance of a class defined by the application or a
//! third party own themselves.
//! Everything else belongs to whoever owns its immediate dominator — the one
//! object every path from the roots passes through — so a dict held only by
//! the application's module is the application's, and an `OrderedDict`
//! inside an application object too. An object that several roots reach
//! (its dominator is the super-root) takes the owner of a referrer nearer
//! the roots: the application's if one refers to it, except for strings,
//! numbers, bytes, tuples and code, which the interpreter shares with
//! everyone (its interned names). Unreachable objects take the owner of the
//! garbage that refers to them. One pass in breadth-first order: linear.

mod stdlib;

pub use stdlib::STDLIB_MODULES;

use crate::analysis::distance::Distances;
use crate::analysis::dominators::{DominatorTree, SUPER_ROOT};
use crate::analysis::types::{module_of, TypeIndex};
use crate::graph::ObjIdx;
use crate::model::{flags, Heap, PythonEnvironment, RefKind, Snapshot};

/// Who owns memory. Ordered: the application first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Owner {
    /// `__main__` and the program's own modules and classes.
    Application,
    /// Code from site-packages / dist-packages.
    ThirdParty,
    /// CPython, its built-in and standard-library modules (and the exporter).
    Interpreter,
}

impl Owner {
    pub const ALL: [Owner; 3] = [Owner::Application, Owner::ThirdParty, Owner::Interpreter];

    /// How a person names it.
    pub fn describe(self) -> &'static str {
        match self {
            Owner::Application => "application",
            Owner::ThirdParty => "third-party",
            Owner::Interpreter => "interpreter and standard library",
        }
    }
}

/// Objects and shallow bytes of one owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OwnerTotals {
    pub objects: u64,
    pub size_bytes: u64,
}

/// The owner of every object, and the totals per owner.
#[derive(Debug, Clone, Default)]
pub struct Owners {
    of_object: Vec<Owner>,
    /// Indexed like [`Owner::ALL`].
    totals: [OwnerTotals; 3],
    /// Owner of each type's *definition* (its module), by type id.
    of_type: Vec<Owner>,
    /// The module that defines each type, by type id: the longest prefix
    /// of its name that is a module of the heap (`app.Outer.Inner` →
    /// `app`), else `types::module_of`.
    module_of_type: Vec<String>,
}

impl Owners {
    pub fn of(&self, o: ObjIdx) -> Owner {
        self.of_object.get(o as usize).copied().unwrap_or(Owner::Interpreter)
    }

    /// The owner of the module that defines a type (by type id).
    pub fn of_type(&self, type_id: u32) -> Owner {
        self.of_type.get(type_id as usize).copied().unwrap_or(Owner::Interpreter)
    }

    /// The module that defines a type (by type id), when owners were computed.
    pub fn module_of_type(&self, type_id: u32) -> Option<&str> {
        self.module_of_type.get(type_id as usize).map(String::as_str)
    }

    pub fn totals(&self, owner: Owner) -> OwnerTotals {
        self.totals[owner as usize]
    }

    /// Classifies every object (see the module doc).
    pub fn compute(snapshot: &Snapshot, heap: &Heap, types: &TypeIndex, distances: &Distances, tree: &DominatorTree) -> Owners {
        let n = heap.object_count();
        let env = snapshot.process.environment.as_ref();
        let g = &heap.graph;
        // Module objects by name, for types' modules.
        let mut modules: Vec<(&str, Owner)> = Vec::new();
        let mut intrinsic: Vec<Option<Owner>> = vec![None; n];
        // Per type, not per object: whether it names a module, whether the
        // interpreter shares its instances with everyone.
        let module_type: Vec<bool> = types.names.iter().map(|t| t == "builtins.module").collect();
        let shared_type: Vec<bool> = types
            .names
            .iter()
            .map(|t| {
                matches!(
                    t.as_str(),
                    "builtins.str"
                        | "builtins.int"
                        | "builtins.float"
                        | "builtins.bytes"
                        | "builtins.tuple"
                        | "builtins.code"
                        | "builtins.NoneType"
                )
            })
            .collect();
        // Each namespace's `__file__`, looked up once: modules may share one.
        let mut files = std::collections::HashMap::new();
        for o in 0..n as ObjIdx {
            let oi = o as usize;
            if heap.flags[oi] & flags::MODULE != 0 || module_type[types.of_object[oi] as usize] {
                let name = snapshot.str(heap.description[oi]);
                let owner = module_owner(name, module_file(snapshot, heap, o, &mut files).as_deref(), env);
                modules.push((name, owner));
                intrinsic[oi] = Some(owner);
            } else if heap.flags[oi] & flags::FRAME != 0 {
                intrinsic[oi] = frame_file(snapshot.str(heap.description[oi])).map(|f| path_owner(f, env));
            }
        }
        modules.sort_unstable();
        let (of_type, module_of_type): (Vec<Owner>, Vec<String>) = types
            .names
            .iter()
            .map(|t| {
                let (module, owner) = defining_module(&modules, t, env);
                (owner, module.to_string())
            })
            .unzip();
        // A class owns itself by the module that defines it, as a module
        // does: `sqlalchemy`'s `Column` is third-party even when the
        // application's module imports it (its namespace and methods with it).
        for (o, owner) in intrinsic.iter_mut().enumerate() {
            if owner.is_none() && heap.flags[o] & flags::TYPE != 0 {
                let name = snapshot.str(heap.description[o]);
                if !name.is_empty() && !name.starts_with('?') {
                    *owner = Some(defining_module(&modules, name, env).1);
                }
            }
        }
        for o in 0..n {
            if intrinsic[o].is_none() {
                let t = of_type[types.of_object[o] as usize];
                if t != Owner::Interpreter {
                    intrinsic[o] = Some(t);
                }
            }
        }
        // Reachable objects in breadth-first order (a counting sort by distance).
        let levels = distances.max_depth as usize + 1;
        let mut start = vec![0usize; levels + 1];
        for &d in &distances.depth {
            if (d as usize) < levels {
                start[d as usize + 1] += 1;
            }
        }
        for i in 0..levels {
            start[i + 1] += start[i];
        }
        let mut order = vec![0 as ObjIdx; start[levels]];
        let mut next = start.clone();
        for (o, &d) in distances.depth.iter().enumerate() {
            if (d as usize) < levels {
                order[next[d as usize]] = o as ObjIdx;
                next[d as usize] += 1;
            }
        }
        const UNSET: u8 = u8::MAX;
        let mut owner = vec![UNSET; n];
        for &o in &order {
            let oi = o as usize;
            let decided = match (intrinsic[oi], tree.idom(o)) {
                (Some(x), _) => x,
                (None, Some(d)) if d != SUPER_ROOT && owner[d as usize] != UNSET => Owner::ALL[owner[d as usize] as usize],
                _ => {
                    let depth = distances.depth[oi];
                    let nearer = g.strong_predecessors(o).filter(|&p| owner[p as usize] != UNSET && distances.depth[p as usize] < depth);
                    // The interpreter's (the largest) wins for shared types, the
                    // application's (the smallest) for the others: stop when it is
                    // found (hubs have millions of referrers).
                    let (decisive, pick): (u8, fn(u8, u8) -> u8) = if shared_type[types.of_object[oi] as usize] {
                        (Owner::Interpreter as u8, u8::max)
                    } else {
                        (Owner::Application as u8, u8::min)
                    };
                    let mut best: Option<u8> = None;
                    for x in nearer.map(|p| owner[p as usize]) {
                        let b = best.map_or(x, |b| pick(b, x));
                        best = Some(b);
                        if b == decisive {
                            break;
                        }
                    }
                    best.map_or(Owner::Interpreter, |b| Owner::ALL[b as usize])
                }
            };
            owner[oi] = decided as u8;
        }
        // Garbage: from the unreachable objects that own themselves, outwards.
        let mut queue: Vec<ObjIdx> = Vec::new();
        for o in distances.unreachable() {
            if let Some(x) = intrinsic[o as usize] {
                owner[o as usize] = x as u8;
                queue.push(o);
            }
        }
        let mut head = 0;
        while head < queue.len() {
            let v = queue[head];
            head += 1;
            for t in g.strong_successors(v) {
                if owner[t as usize] == UNSET {
                    owner[t as usize] = owner[v as usize];
                    queue.push(t);
                }
            }
        }
        let mut totals = [OwnerTotals::default(); 3];
        let of_object: Vec<Owner> = owner
            .iter()
            .enumerate()
            .map(|(o, &x)| {
                let x = if x == UNSET { Owner::Interpreter } else { Owner::ALL[x as usize] };
                totals[x as usize].objects += 1;
                totals[x as usize].size_bytes += heap.size_bytes[o];
                x
            })
            .collect();
        Owners { of_object, totals, of_type, module_of_type }
    }
}

/// The module that defines `qualified` (`app.models.Request`,
/// `app.Outer.Inner`) and its owner: the longest prefix that names a module
/// of the heap (`modules`, sorted by name), else the name's module part by
/// name alone.
fn defining_module<'q>(modules: &[(&str, Owner)], qualified: &'q str, env: Option<&PythonEnvironment>) -> (&'q str, Owner) {
    let mut m = module_of(qualified);
    loop {
        if let Ok(i) = modules.binary_search_by(|(name, _)| (*name).cmp(m)) {
            return (m, modules[i].1);
        }
        match m.rfind('.') {
            Some(i) if i > 0 => m = &m[..i],
            _ => return (module_of(qualified), module_owner(module_of(qualified), None, env)),
        }
    }
}

/// The owner of a module, from its name and (when known) its file.
pub fn module_owner(name: &str, file: Option<&str>, env: Option<&PythonEnvironment>) -> Owner {
    let top = name.split('.').next().unwrap_or(name);
    if top == "__main__" || top == "__mp_main__" {
        return Owner::Application;
    }
    if top.is_empty() || top == "builtins" || top == "heapscope" {
        return Owner::Interpreter;
    }
    if let Some(env) = env {
        let recorded = env.module_file(name);
        if let Some(Some(path)) = recorded.or(file.map(Some)) {
            let owner = path_owner(path, Some(env));
            if owner != Owner::Application {
                return owner;
            }
        }
        // A module without a file is the interpreter's only when its name is
        // (a built-in or frozen one): a program makes its own at run time
        // (`types.ModuleType("app_state")` put in `sys.modules`).
        if env.builtin_module_names.binary_search_by(|m| m.as_str().cmp(top)).is_ok() {
            return Owner::Interpreter;
        }
        if let Some(names) = &env.stdlib_module_names {
            return if names.binary_search_by(|m| m.as_str().cmp(top)).is_ok() { Owner::Interpreter } else { Owner::Application };
        }
    } else if let Some(path) = file {
        if path_owner(path, None) == Owner::ThirdParty {
            return Owner::ThirdParty;
        }
    }
    if is_stdlib_module(top) {
        Owner::Interpreter
    } else {
        Owner::Application
    }
}

/// Whether `module` (a dotted name) is of the standard library, by the
/// list of its top-level modules (the exporter's own list, when it wrote
/// one, is not at hand here).
pub fn is_stdlib_module(module: &str) -> bool {
    let top = module.split('.').next().unwrap_or(module);
    STDLIB_MODULES.binary_search(&top).is_ok()
}

/// The owner of code in a file: under a site directory (or a
/// `site-packages`/`dist-packages` component), third-party; under the
/// standard library's directories, the interpreter's; otherwise the application's.
pub fn path_owner(path: &str, env: Option<&PythonEnvironment>) -> Owner {
    let under = |dir: &str| !dir.is_empty() && path.starts_with(dir) && path[dir.len()..].starts_with(['/', '\\']);
    if path.contains("/site-packages/") || path.contains("/dist-packages/") || path.contains("\\site-packages\\") {
        return Owner::ThirdParty;
    }
    if let Some(env) = env {
        if env.site_dirs.iter().any(|d| under(d)) {
            return Owner::ThirdParty;
        }
        if env.stdlib_dirs.iter().any(|d| under(d)) {
            return Owner::Interpreter;
        }
    }
    // Frozen modules and the exporter's own frames.
    if path.starts_with("<frozen ") || path.contains("/heapscope/_") {
        return Owner::Interpreter;
    }
    // Without a recorded environment: the usual layout of an installation.
    if env.is_none() && (path.contains("/lib/python3") || path.contains("/lib/python2") || path.contains("\\Lib\\")) {
        return Owner::Interpreter;
    }
    Owner::Application
}

/// The file in a frame's description (`function at file:line`).
fn frame_file(description: &str) -> Option<&str> {
    let (_, rest) = description.split_once(" at ")?;
    Some(rest.rsplit_once(':').map_or(rest, |(f, _)| f))
}

/// A module's `__file__`, read from its namespace (the description of the
/// string, without its quotes; it may be cut short). `files` keeps each
/// namespace's answer: a hostile file may give many modules one namespace
/// of many entries, which would be read once per module.
fn module_file(
    snapshot: &Snapshot,
    heap: &Heap,
    module: ObjIdx,
    files: &mut std::collections::HashMap<ObjIdx, Option<ObjIdx>>,
) -> Option<String> {
    let g = &heap.graph;
    let ns = g.out_refs(module).find(|(_, l)| l.kind() == RefKind::InstanceDict)?.0;
    let file = *files.entry(ns).or_insert_with(|| {
        g.out_refs(ns).find(|(_, l)| l.kind() == RefKind::DictValue && snapshot.str(l.name()) == "'__file__'").map(|(f, _)| f)
    });
    let file = file?;
    let d = snapshot.str(heap.description[file as usize]);
    let d = d.strip_prefix('\'').unwrap_or(d);
    Some(d.strip_suffix('\'').unwrap_or(d).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> PythonEnvironment {
        PythonEnvironment {
            stdlib_dirs: vec!["/usr/lib/python3.11".into()],
            site_dirs: vec!["/srv/venv/lib/python3.11/site-packages".into()],
            stdlib_module_names: Some(vec!["json".into(), "os".into()]),
            builtin_module_names: vec!["sys".into()],
            module_files: vec![
                ("app_state".into(), None),
                ("json".into(), Some("/usr/lib/python3.11/json/__init__.py".into())),
                ("requests".into(), Some("/srv/venv/lib/python3.11/site-packages/requests/__init__.py".into())),
                ("sys".into(), None),
                ("tools".into(), Some("/srv/app/tools.py".into())),
            ],
            ..Default::default()
        }
    }

    /// Many modules sharing one namespace of many entries (a hostile file):
    /// each namespace's `__file__` is looked up once, not once per module
    /// (2·10^5 × 2·10^5 name comparisons before: minutes). Layout as
    /// `/tmp/hostile3/modshare.py` wrote it.
    #[test]
    fn modules_sharing_one_big_namespace_are_read_once() {
        let (m, e) = (200_000usize, 200_000usize);
        let mut text = String::from(
            r#"{"format":"heapscope","version":1,"meta":{"object_fields":["address_delta","type","size","flags","description"],"reference_fields":["from","to","kind","name"],"root_fields":["object","kind","name","excess"]},"heap":{"objects":[4096,1,72,2,2"#,
        );
        text.push_str(&",16,1,72,2,2".repeat(m - 1));
        text.push_str(",16,3,100,1,-1");
        text.push_str(&",16,4,28,0,-1".repeat(e));
        text.push_str(r#"],"references":["#);
        let refs: Vec<String> = (0..m).map(|i| format!("{i},{m},13,-1")).chain((0..e).map(|j| format!("{m},{},2,5", m + 1 + j))).collect();
        text.push_str(&refs.join(","));
        text.push_str(r#"],"roots":["#);
        text.push_str(&(0..m).map(|i| format!("{i},0,2,0")).collect::<Vec<_>>().join(","));
        text.push_str(r#"]},"strings":["","builtins.module","app","builtins.dict","builtins.int","'k'"]}"#);
        let loaded = crate::load::load(text.as_bytes()).unwrap();
        let analysis = crate::analysis::Analysis::compute(&loaded.snapshot).unwrap();
        assert_eq!(analysis.owners.of(0), Owner::Application);
        assert_eq!(analysis.owners.of((m - 1) as ObjIdx), Owner::Application);
    }

    #[test]
    fn modules_by_recorded_environment() {
        let e = env();
        assert_eq!(module_owner("json", None, Some(&e)), Owner::Interpreter);
        assert_eq!(module_owner("json.decoder", None, Some(&e)), Owner::Interpreter);
        assert_eq!(module_owner("requests", None, Some(&e)), Owner::ThirdParty);
        assert_eq!(module_owner("sys", None, Some(&e)), Owner::Interpreter);
        assert_eq!(module_owner("tools", None, Some(&e)), Owner::Application);
        assert_eq!(module_owner("__main__", None, Some(&e)), Owner::Application);
        // No file, and not a built-in or standard-library name: the program made it.
        assert_eq!(module_owner("app_state", None, Some(&e)), Owner::Application);
        // Not in the recorded names: the environment's list wins over the built-in one.
        assert_eq!(module_owner("csv", None, Some(&e)), Owner::Application);
    }

    #[test]
    fn modules_without_an_environment() {
        assert_eq!(module_owner("json", None, None), Owner::Interpreter);
        assert_eq!(module_owner("email.message", None, None), Owner::Interpreter);
        assert_eq!(module_owner("app.models", None, None), Owner::Application);
        assert_eq!(module_owner("numpy", Some("/usr/lib/python3/dist-packages/numpy/__init__.py"), None), Owner::ThirdParty);
        assert_eq!(module_owner("heapscope._export", None, None), Owner::Interpreter);
        assert!(STDLIB_MODULES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn frame_files() {
        assert_eq!(frame_file("worker at /srv/app.py:12"), Some("/srv/app.py"));
        assert_eq!(path_owner("/srv/venv/lib/python3.11/site-packages/x.py", None), Owner::ThirdParty);
        assert_eq!(path_owner("/usr/lib/python3.11/threading.py", Some(&env())), Owner::Interpreter);
        assert_eq!(path_owner("/srv/app.py", Some(&env())), Owner::Application);
    }

    /// A class is owned by the module that defines it, like a module: a
    /// third-party class the application's module imports is third-party,
    /// and so are its namespace and methods (they used to follow the
    /// application's module, the nearer referrer).
    #[test]
    fn a_class_belongs_to_its_defining_module() {
        // app (root) → dict → ['Column'] → type lib.schema.Column → __dict__ → function;
        // lib.schema (root) → dict → ['Column'] (the same type), ['__file__'] → its path in site-packages
        let doc = r#"{"format":"heapscope","version":1,"heap":{
            "objects":[16,1,72,2,2,-1, 32,3,100,1,-1,-1, 48,1,72,2,4,-1, 64,3,100,1,-1,-1,
                       80,5,900,5,6,-1, 96,3,300,1,-1,-1, 112,7,150,17,8,-1, 128,9,90,0,10,-1],
            "references":[0,1,13,-1, 1,4,2,11, 2,3,13,-1, 3,4,2,11, 3,7,2,12, 4,5,10,-1, 5,6,2,-1],
            "roots":[0,0,-1,0, 2,0,-1,0]},
            "strings":["","builtins.module","app","builtins.dict","lib.schema","builtins.type","lib.schema.Column",
                       "builtins.function","Column.__init__","builtins.str","'/venv/lib/python3.11/site-packages/lib/schema.py'",
                       "'Column'","'__file__'"]}"#;
        let loaded = crate::load(doc.as_bytes()).unwrap();
        let s = loaded.snapshot;
        let heap = s.heap.as_ref().unwrap();
        let a = crate::Analysis::of_heap(&s, heap);
        let owners: Vec<Owner> = (0..8).map(|o| a.owners.of(o)).collect();
        use Owner::{Application as A, ThirdParty as T};
        // app, its dict, lib.schema, its dict, the class, its namespace, its method, the path
        assert_eq!(owners[..7], [A, A, T, T, T, T, T]);
    }

    /// Objects several roots reach take the owner of a referrer nearer the
    /// roots: for strings the interpreter's if any such referrer is its (even
    /// when the application's comes first), otherwise the application's if
    /// any (even after the interpreter's); referrers no nearer are ignored.
    #[test]
    fn shared_objects_take_the_owner_of_a_nearer_referrer() {
        let doc = r#"{"format":"heapscope","version":1,"heap":{
            "objects":[16,1,72,2,2,-1, 32,1,72,2,3,-1, 48,4,50,0,-1,-1, 64,5,100,1,-1,-1, 80,5,100,1,-1,-1, 96,6,56,1,-1,-1, 112,4,50,0,-1,-1],
            "references":[0,2,1,-1, 0,3,1,-1, 0,5,1,-1, 1,2,1,-1, 1,3,1,-1, 1,4,1,-1, 1,6,1,-1, 5,6,1,-1],
            "roots":[0,0,-1,0, 1,0,-1,0]},
            "strings":["","builtins.module","sys","app","builtins.str","builtins.dict","builtins.list"]}"#;
        let loaded = crate::load(doc.as_bytes()).unwrap();
        let s = loaded.snapshot;
        let heap = s.heap.as_ref().unwrap();
        let a = crate::Analysis::of_heap(&s, heap);
        let owners: Vec<Owner> = (0..7).map(|o| a.owners.of(o)).collect();
        use Owner::{Application as A, Interpreter as I};
        // sys, app, str of both, dict of both, app's dict, sys's list, str of app and of sys's list.
        assert_eq!(owners, [I, A, I, A, A, I, A]);
    }
}
