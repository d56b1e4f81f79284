//! Leak suspects: where memory accumulates, ranked so that what a program
//! put there comes before what the interpreter needs to run.
//!
//! Three kinds of suspect, each with a one-line reason:
//!
//! * **Accumulation points**: a container whose dominator-tree children
//!   include at least [`MIN_INSTANCES`] objects of one type that together
//!   make up at least [`MIN_INSTANCE_SHARE`] of what the container keeps
//!   alive (by retained bytes, so an instance counts with everything it
//!   owns: its `__dict__`, its attribute values, its body). An instance
//!   `__dict__` that is a sibling of its instance is counted with the
//!   instance, and an accumulation under an instance's `__dict__` is
//!   reported on the instance. The reason says how the container is reached
//!   (the reference from its dominator), e.g. "dict @0x7f… (`cache` of
//!   module __main__) holds 200 __main__.Request objects (93% of what it
//!   keeps alive), 208 KiB retained".
//! * **Types** whose instances together retain a large share.
//! * **Objects** that alone retain a large share ([`MIN_OBJECT_SHARE`]).
//!
//! Ranking. Every type is classed as *user* (defined outside the standard
//! library: `__main__`, the application's packages, third-party code),
//! *data* (str, bytes, int, tuple, list, dict, set, deque, …: what programs
//! store) or *infrastructure* (code, function, type, module, frame,
//! descriptors, metaclasses, and any other type of a standard-library
//! module). Suspects come in tiers, largest retained first within a tier:
//!
//! 1. accumulations of user-type instances, user types retaining at least
//!    [`MIN_USER_TYPE_SHARE`], user-type objects retaining a large share;
//! 2. accumulations of data (e.g. a list of 500 str) and large data
//!    containers that live under a user module (their dominator chain
//!    reaches a module that is not in the standard library) or under a
//!    user-type object;
//! 3. everything else: data types retaining at least [`MIN_TYPE_SHARE`]
//!    (str, tuple: mostly the interpreter's names and constants) and
//!    accumulations inside the interpreter's own structures.
//!
//! Infrastructure types are never type suspects. The pass is linear in the
//! number of objects plus the children of candidate containers (a few ms at
//! 10^6 objects).

// Sizes read the way every front prints them.
use crate::analysis::aggregate::AggregateRow;
use crate::analysis::dominators::{DominatorTree, SUPER_ROOT};
use crate::analysis::types::{module_of, TypeIndex};
use crate::graph::ObjIdx;
use crate::model::{flags, Heap, RefKind, Snapshot};
use crate::units::format_bytes as bytes;

/// An object is a holder when it retains at least this share of the heap.
const MIN_OBJECT_SHARE: f64 = 0.05;
/// A data type is a suspect when its instances retain at least this share.
const MIN_TYPE_SHARE: f64 = 0.10;
/// A user type is a suspect when its instances retain at least this share.
const MIN_USER_TYPE_SHARE: f64 = 0.01;
/// An accumulation point directly dominates at least this many objects of one type…
const MIN_INSTANCES: u32 = 50;
/// …that make up at least this share of its retained bytes.
const MIN_INSTANCE_SHARE: f64 = 0.5;

/// Builtin types that hold the interpreter up by design.
const INFRASTRUCTURE_BUILTINS: &[&str] = &[
    "builtins.builtin_function_or_method",
    "builtins.cell",
    "builtins.classmethod",
    "builtins.classmethod_descriptor",
    "builtins.code",
    "builtins.frame",
    "builtins.function",
    "builtins.getset_descriptor",
    "builtins.mappingproxy",
    "builtins.member_descriptor",
    "builtins.method",
    "builtins.method-wrapper",
    "builtins.method_descriptor",
    "builtins.module",
    "builtins.property",
    "builtins.staticmethod",
    "builtins.type",
    "builtins.weakref",
    "builtins.wrapper_descriptor",
];

/// Types that hold a program's data.
const DATA_TYPES: &[&str] = &[
    "array.array",
    "builtins.bool",
    "builtins.bytearray",
    "builtins.bytes",
    "builtins.complex",
    "builtins.dict",
    "builtins.float",
    "builtins.frozenset",
    "builtins.int",
    "builtins.list",
    "builtins.memoryview",
    "builtins.set",
    "builtins.str",
    "builtins.tuple",
    "collections.Counter",
    "collections.OrderedDict",
    "collections.defaultdict",
    "collections.deque",
    "decimal.Decimal",
];

/// Python 3.11's `sys.stdlib_module_names` (without `__main__`), sorted.
const STDLIB_MODULES: &[&str] = &[
    "__future__",
    "_abc",
    "_aix_support",
    "_ast",
    "_asyncio",
    "_bisect",
    "_blake2",
    "_bootsubprocess",
    "_bz2",
    "_codecs",
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
    "_collections",
    "_collections_abc",
    "_compat_pickle",
    "_compression",
    "_contextvars",
    "_crypt",
    "_csv",
    "_ctypes",
    "_curses",
    "_curses_panel",
    "_datetime",
    "_dbm",
    "_decimal",
    "_elementtree",
    "_frozen_importlib",
    "_frozen_importlib_external",
    "_functools",
    "_gdbm",
    "_hashlib",
    "_heapq",
    "_imp",
    "_io",
    "_json",
    "_locale",
    "_lsprof",
    "_lzma",
    "_markupbase",
    "_md5",
    "_msi",
    "_multibytecodec",
    "_multiprocessing",
    "_opcode",
    "_operator",
    "_osx_support",
    "_overlapped",
    "_pickle",
    "_posixshmem",
    "_posixsubprocess",
    "_py_abc",
    "_pydecimal",
    "_pyio",
    "_queue",
    "_random",
    "_scproxy",
    "_sha1",
    "_sha256",
    "_sha3",
    "_sha512",
    "_signal",
    "_sitebuiltins",
    "_socket",
    "_sqlite3",
    "_sre",
    "_ssl",
    "_stat",
    "_statistics",
    "_string",
    "_strptime",
    "_struct",
    "_symtable",
    "_thread",
    "_threading_local",
    "_tkinter",
    "_tokenize",
    "_tracemalloc",
    "_typing",
    "_uuid",
    "_warnings",
    "_weakref",
    "_weakrefset",
    "_winapi",
    "_zoneinfo",
    "abc",
    "aifc",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

/// How a type is ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeClass {
    /// Defined outside the standard library (`__main__`, the application, third parties).
    User,
    /// What programs store: str, bytes, tuple, list, dict, set, …
    Data,
    /// The interpreter's own: code, function, type, module, descriptors, stdlib types.
    Infrastructure,
}

/// Classes a module-qualified type name.
pub fn classify_type(name: &str) -> TypeClass {
    if DATA_TYPES.contains(&name) {
        return TypeClass::Data;
    }
    if INFRASTRUCTURE_BUILTINS.contains(&name) || is_stdlib_module(module_of(name)) {
        return TypeClass::Infrastructure;
    }
    TypeClass::User
}

/// Whether a module (dotted name) belongs to the standard library or the interpreter.
pub fn is_stdlib_module(module: &str) -> bool {
    let top = module.split('.').next().unwrap_or(module);
    // `heapscope` is the exporter itself: its caches are in every snapshot.
    top == "builtins" || top == "heapscope" || top.is_empty() || STDLIB_MODULES.binary_search(&top).is_ok()
}

#[derive(Debug, Clone, PartialEq)]
pub enum SuspectKind {
    /// One object retains a large share of the heap.
    Object(ObjIdx),
    /// A type's instances together retain a large share.
    Type(String),
    /// `container` directly dominates `instances` objects of `type_name`.
    Accumulation { container: ObjIdx, type_name: String, instances: u32 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suspect {
    pub kind: SuspectKind,
    pub retained_bytes: u64,
    /// Share of the reachable bytes, 0 to 1.
    pub share: f64,
    pub reason: String,
}

struct Ctx<'a> {
    snapshot: &'a Snapshot,
    heap: &'a Heap,
    types: &'a TypeIndex,
    tree: &'a DominatorTree,
    class: Vec<TypeClass>,
}

impl Ctx<'_> {
    fn class_of(&self, o: ObjIdx) -> TypeClass {
        self.class[self.types.type_of(o) as usize]
    }

    fn is_module(&self, o: ObjIdx) -> bool {
        self.heap.flags[o as usize] & flags::MODULE != 0 || self.types.name_of(o) == "builtins.module"
    }

    fn module_name(&self, o: ObjIdx) -> &str {
        self.snapshot.str(self.heap.description[o as usize])
    }

    /// `dict @0x7f…`, `__main__.Request @0x7f…`.
    fn short(&self, o: ObjIdx) -> String {
        let t = self.types.name_of(o);
        let t = t.strip_prefix("builtins.").unwrap_or(t);
        format!("{t} @{:#x}", self.heap.address[o as usize])
    }

    /// The owner of an instance `__dict__` (`owner —__dict__→ dict`), if `o` is one.
    fn dict_owner(&self, o: ObjIdx) -> Option<ObjIdx> {
        let g = &self.heap.graph;
        let preds = g.predecessors(o);
        if preds.len() > 4 || self.types.name_of(o) != "builtins.dict" {
            return None;
        }
        // An instance has few references of its own; a big container is no owner.
        preds
            .iter()
            .copied()
            .find(|&s| g.out_edges(s).len() <= 256 && g.out_refs(s).any(|(t, l)| t == o && l.kind() == RefKind::InstanceDict))
    }

    /// The module `o` is, or whose namespace dict `o` is.
    fn namespace_module(&self, o: ObjIdx) -> Option<ObjIdx> {
        if self.is_module(o) {
            return Some(o);
        }
        if self.types.name_of(o) != "builtins.dict" {
            return None;
        }
        self.heap.graph.predecessors(o).iter().take(64).copied().find(|&s| self.is_module(s))
    }

    /// The module whose namespace `o` lives under: `o` itself or the first
    /// module (or module dict) on its dominator chain; `None` when a
    /// user-type object comes first or there is none.
    fn home_module(&self, o: ObjIdx) -> Option<&str> {
        for d in std::iter::once(o).chain(self.tree.chain(o).take(64)) {
            if let Some(m) = self.namespace_module(d) {
                return Some(self.module_name(m));
            }
            if self.class_of(d) == TypeClass::User {
                return None;
            }
        }
        None
    }

    /// Whether `o` belongs to the program: a user-type object or one under a
    /// user module or user-type object on its dominator chain.
    fn in_user_land(&self, o: ObjIdx) -> bool {
        if self.class_of(o) == TypeClass::User {
            return true;
        }
        for d in std::iter::once(o).chain(self.tree.chain(o).take(64)) {
            if let Some(m) = self.namespace_module(d) {
                return !is_stdlib_module(self.module_name(m));
            }
            if self.class_of(d) == TypeClass::User {
                return true;
            }
        }
        false
    }

    /// Whether `o` is the exporter's own memory (under its `heapscope` modules).
    fn is_exporters(&self, o: ObjIdx) -> bool {
        self.home_module(o).is_some_and(|m| m == "heapscope" || m.starts_with("heapscope."))
    }

    /// How `o` is reached from its dominator, e.g. "`cache` of module __main__".
    fn how_reached(&self, o: ObjIdx) -> Option<String> {
        let g = &self.heap.graph;
        let idom = self.tree.idom(o).filter(|&d| d != SUPER_ROOT);
        let mut best = None;
        for (src, e) in g.incoming(o).take(64) {
            let label = g.label(e);
            if !label.is_strong() {
                continue;
            }
            best = Some((src, label));
            if Some(src) == idom {
                break;
            }
        }
        let (src, label) = best?;
        let name = self.snapshot.str(label.name());
        let step = match label.kind() {
            RefKind::DictValue if !name.is_empty() => {
                let bare = name.strip_prefix('\'').and_then(|n| n.strip_suffix('\'')).unwrap_or(name);
                format!("`{bare}`")
            }
            RefKind::Attribute if !name.is_empty() => format!("`.{name}`"),
            kind => format!("`{}`", kind.display((!name.is_empty()).then_some(name))),
        };
        // Name the holder: a module's namespace, an instance's __dict__, or the object.
        let holder = if let Some(m) = self.namespace_module(src) {
            format!("module {}", self.module_name(m))
        } else if let Some(owner) = self.dict_owner(src) {
            if self.is_module(owner) {
                format!("module {}", self.module_name(owner))
            } else {
                self.short(owner)
            }
        } else {
            self.short(src)
        };
        Some(format!("{step} of {holder}"))
    }

    fn describe(&self, o: ObjIdx) -> String {
        match self.how_reached(o) {
            Some(how) => format!("{} ({how})", self.short(o)),
            None => self.short(o),
        }
    }
}

/// At most `limit` suspects, most likely leaks first (see the module doc).
pub fn suspects(
    snapshot: &Snapshot,
    heap: &Heap,
    types: &TypeIndex,
    tree: &DominatorTree,
    by_type: &[AggregateRow],
    limit: usize,
) -> Vec<Suspect> {
    let total = tree.reachable_bytes().max(1);
    let share = |b: u64| b as f64 / total as f64;
    let pct = |b: u64, of: u64| 100.0 * b as f64 / of.max(1) as f64;
    let class: Vec<TypeClass> = types.names.iter().map(|n| classify_type(n)).collect();
    let cx = Ctx { snapshot, heap, types, tree, class };
    // (tier, suspect); tier 0 first.
    let mut out: Vec<(u8, Suspect)> = Vec::new();

    // Accumulation points.
    let mut tally_bytes: Vec<u64> = vec![0; types.len()];
    let mut tally_count: Vec<u32> = vec![0; types.len()];
    let mut reported: Vec<ObjIdx> = Vec::new();
    for o in 0..heap.object_count() as ObjIdx {
        let children = tree.children(o);
        if children.len() < MIN_INSTANCES as usize {
            continue;
        }
        for &c in children {
            // An instance's __dict__ beside its instance counts with the instance.
            let counted = match cx.dict_owner(c) {
                Some(owner) if types.name_of(c) == "builtins.dict" && tree.idom(owner) == Some(o) => owner,
                _ => c,
            };
            let t = types.type_of(counted) as usize;
            tally_bytes[t] += tree.retained_bytes(c);
            tally_count[t] += (counted == c) as u32;
        }
        let mut best = 0usize;
        for &c in children {
            let t = types.type_of(c) as usize;
            if (tally_count[t], tally_bytes[t]) > (tally_count[best], tally_bytes[best]) && tally_count[t] >= MIN_INSTANCES {
                best = t;
            }
        }
        // Prefer the type with the most bytes among those with enough instances.
        for &c in children {
            let t = types.type_of(c) as usize;
            if tally_count[t] >= MIN_INSTANCES && tally_bytes[t] > tally_bytes[best] {
                best = t;
            }
        }
        let (count, instance_bytes) = (tally_count[best], tally_bytes[best]);
        for &c in children {
            let t = types.type_of(c) as usize;
            tally_bytes[t] = 0;
            tally_count[t] = 0;
            if let Some(owner) = cx.dict_owner(c) {
                tally_bytes[types.type_of(owner) as usize] = 0;
                tally_count[types.type_of(owner) as usize] = 0;
            }
        }
        let retained = tree.retained_bytes(o);
        if count < MIN_INSTANCES || (instance_bytes as f64) < MIN_INSTANCE_SHARE * retained as f64 {
            continue;
        }
        // An accumulation under an instance's __dict__ belongs to the instance.
        let container = match cx.dict_owner(o) {
            Some(owner) if tree.idom(o) == Some(owner) => owner,
            _ => o,
        };
        if reported.contains(&container) || cx.is_exporters(container) {
            continue;
        }
        reported.push(container);
        let retained = tree.retained_bytes(container);
        let type_name = types.names[best].clone();
        let tier = match cx.class[best] {
            TypeClass::User => 0,
            TypeClass::Data if cx.in_user_land(container) => 1,
            _ => 2,
        };
        out.push((
            tier,
            Suspect {
                reason: format!(
                    "{} holds {count} {type_name} objects ({:.0}% of what it keeps alive), {} retained",
                    cx.describe(container),
                    pct(instance_bytes, retained).min(100.0),
                    bytes(retained)
                ),
                kind: SuspectKind::Accumulation { container, type_name, instances: count },
                retained_bytes: retained,
                share: share(retained),
            },
        ));
    }

    // Types.
    for row in by_type {
        let c = classify_type(&row.name);
        let tier = match c {
            TypeClass::User if share(row.retained_bytes) >= MIN_USER_TYPE_SHARE => 0,
            // Dicts hold every namespace: their total says nothing.
            TypeClass::Data if share(row.retained_bytes) >= MIN_TYPE_SHARE && row.name != "builtins.dict" => 2,
            _ => continue,
        };
        out.push((
            tier,
            Suspect {
                kind: SuspectKind::Type(row.name.clone()),
                retained_bytes: row.retained_bytes,
                share: share(row.retained_bytes),
                reason: format!(
                    "{} {} objects retain {} ({:.0}% of reachable memory)",
                    row.count,
                    row.name,
                    bytes(row.retained_bytes),
                    100.0 * share(row.retained_bytes)
                ),
            },
        ));
    }

    // Single objects: walk the dominator tree from the top through objects
    // big enough; a holder is one whose bytes are not mostly one child's.
    let mut stack: Vec<ObjIdx> = tree.top_level().iter().copied().filter(|&o| share(tree.retained_bytes(o)) >= MIN_OBJECT_SHARE).collect();
    while let Some(o) = stack.pop() {
        let retained = tree.retained_bytes(o);
        let children = tree.children(o);
        let big_child = children.first().is_some_and(|&c| tree.retained_bytes(c) * 2 >= retained);
        let c = cx.class_of(o);
        let owned_by_reported = cx.dict_owner(o).is_some_and(|owner| reported.contains(&owner));
        if !big_child
            && c != TypeClass::Infrastructure
            && !reported.contains(&o)
            && !owned_by_reported
            && !cx.is_module(o)
            && !cx.is_exporters(o)
        {
            let tier = match c {
                TypeClass::User => 0,
                _ if cx.in_user_land(o) && cx.dict_owner(o).is_none() => 1,
                _ => 2,
            };
            out.push((
                tier,
                Suspect {
                    kind: SuspectKind::Object(o),
                    retained_bytes: retained,
                    share: share(retained),
                    reason: format!(
                        "{} retains {:.0}% of reachable memory ({} in {} objects)",
                        cx.describe(o),
                        100.0 * share(retained),
                        bytes(retained),
                        tree.retained_count(o)
                    ),
                },
            ));
        }
        stack.extend(children.iter().copied().take_while(|&c| share(tree.retained_bytes(c)) >= MIN_OBJECT_SHARE));
    }

    let kind_order = |k: &SuspectKind| match k {
        SuspectKind::Accumulation { .. } => 0,
        SuspectKind::Type(_) => 1,
        SuspectKind::Object(_) => 2,
    };
    out.sort_by(|(ta, a), (tb, b)| {
        ta.cmp(tb).then(b.retained_bytes.cmp(&a.retained_bytes)).then(kind_order(&a.kind).cmp(&kind_order(&b.kind)))
    });
    out.truncate(limit);
    out.into_iter().map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_types() {
        assert!(STDLIB_MODULES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(classify_type("__main__.Request"), TypeClass::User);
        assert_eq!(classify_type("app.models.Request"), TypeClass::User);
        assert_eq!(classify_type("builtins.str"), TypeClass::Data);
        assert_eq!(classify_type("collections.deque"), TypeClass::Data);
        assert_eq!(classify_type("builtins.code"), TypeClass::Infrastructure);
        assert_eq!(classify_type("abc.ABCMeta"), TypeClass::Infrastructure);
        assert_eq!(classify_type("_io.TextIOWrapper"), TypeClass::Infrastructure);
        assert_eq!(classify_type("builtins.some_c_thing"), TypeClass::Infrastructure);
    }
}
