//! Type tables: which builtin types are the interpreter's machinery and
//! which hold a program's data.

use crate::analysis::owner::{module_owner, Owner};
use crate::analysis::types::{module_of, TypeIndex};
use crate::graph::{ObjIdx, RefKind};
use crate::model::{Heap, Snapshot};

/// Builtin types that hold the interpreter up by design.
pub const INFRASTRUCTURE_BUILTINS: &[&str] = &[
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
pub const DATA_TYPES: &[&str] = &[
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

/// Classes a module-qualified type name (without the file's environment).
pub fn classify_type(name: &str) -> TypeClass {
    if DATA_TYPES.contains(&name) {
        return TypeClass::Data;
    }
    if INFRASTRUCTURE_BUILTINS.contains(&name) || module_owner(module_of(name), None, None) == Owner::Interpreter {
        return TypeClass::Infrastructure;
    }
    TypeClass::User
}

/// Queue classes of the standard library: their items wait in a deque or
/// list attribute (`Queue.queue`, `asyncio.Queue._queue`) until a consumer
/// takes them.
pub const QUEUE_TYPES: &[&str] = &[
    "queue.Queue",
    "queue.LifoQueue",
    "queue.PriorityQueue",
    "asyncio.queues.Queue",
    "asyncio.queues.LifoQueue",
    "asyncio.queues.PriorityQueue",
];

/// What a standard-library type of items says about their container:
/// suspended generators and coroutines (their frames keep their locals),
/// scheduled callbacks (a timer keeps its callback and arguments until it
/// fires), finalizers (registered until their object dies), loggers
/// (`logging` keeps every logger it made), `logging` handlers (a logger
/// keeps every handler added to it), recorded warnings (the list of a
/// `warnings.catch_warnings(record=True)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Generator,
    ScheduledCallback,
    Finalizer,
    Logger,
    LogHandler,
    /// `warnings.WarningMessage`: only `catch_warnings(record=True)` keeps them.
    RecordedWarning,
}

/// The [`ItemKind`] of a type of items, if it is one.
pub fn item_kind(name: &str) -> Option<ItemKind> {
    match name {
        "builtins.generator" | "builtins.coroutine" | "builtins.async_generator" => Some(ItemKind::Generator),
        "asyncio.events.TimerHandle" | "asyncio.events.Handle" | "sched.Event" => Some(ItemKind::ScheduledCallback),
        "weakref.finalize._Info" | "weakref.finalize" => Some(ItemKind::Finalizer),
        "logging.Logger" | "logging.PlaceHolder" => Some(ItemKind::Logger),
        _ if name.starts_with("logging.") && name.ends_with("Handler") => Some(ItemKind::LogHandler),
        "warnings.WarningMessage" => Some(ItemKind::RecordedWarning),
        _ => None,
    }
}

/// Whether a type is a buffer that grows as a program writes to it.
pub fn is_buffer(name: &str) -> bool {
    matches!(name, "builtins.bytearray" | "_io.StringIO" | "_io.BytesIO" | "array.array")
}

/// Objects that hold an OS handle or memory outside the Python objects
/// (a file descriptor, a database connection, a mapping, a worker thread)
/// until a call releases it: the call. Dropping the last reference
/// releases them too, but late and silently; code that keeps them
/// should say when they are done.
pub fn release_call(item_type: &str) -> Option<&'static str> {
    Some(match item_type {
        "sqlite3.Connection"
        | "mmap.mmap"
        | "socket.socket"
        | "ssl.SSLSocket"
        | "http.client.HTTPConnection"
        | "http.client.HTTPSConnection"
        | "tempfile.SpooledTemporaryFile"
        | "tempfile._TemporaryFileWrapper"
        | "zipfile.ZipFile"
        | "tarfile.TarFile"
        | "_io.TextIOWrapper"
        | "_io.BufferedReader"
        | "_io.BufferedWriter"
        | "_io.BufferedRandom"
        | "_io.FileIO" => "close()",
        "concurrent.futures.thread.ThreadPoolExecutor" | "concurrent.futures.process.ProcessPoolExecutor" => "shutdown()",
        _ => return None,
    })
}

/// The fix for a holder of such objects, told to release each one too.
pub fn with_release(fix: String, item_type: &str) -> String {
    match release_call(item_type) {
        Some(call) if !fix.contains(call) => {
            let short = item_type.rsplit('.').next().unwrap_or(item_type);
            format!("{fix}; call {call} on each `{short}` as it is dropped: it holds an OS handle or memory outside the Python objects until then")
        }
        _ => fix,
    }
}

/// Whether `o` is a `copy.deepcopy` memo: a dict keyed by `id()`s that
/// holds, under its own id, the list keeping the originals alive
/// (`memo[id(memo)] = [x, …]`) — one passed to every call keeps every copy
/// and every original it has seen.
pub fn is_deepcopy_memo(snapshot: &Snapshot, heap: &Heap, types: &TypeIndex, o: ObjIdx) -> bool {
    if types.name_of(o) != "builtins.dict" {
        return false;
    }
    let own = heap.address[o as usize].to_string();
    heap.graph.out_refs(o).any(|(key, label)| {
        label.kind() == RefKind::DictKey && types.name_of(key) == "builtins.int" && snapshot.str(heap.description[key as usize]) == own
    })
}

/// Whether a container type is a mapping (looked up by key).
pub fn is_mapping(name: &str) -> bool {
    matches!(name, "builtins.dict" | "collections.OrderedDict" | "collections.defaultdict" | "collections.Counter")
}

/// Whether items of this type are sequences a program appends to.
pub fn is_sequence(name: &str) -> bool {
    matches!(name, "builtins.list" | "builtins.set" | "collections.deque" | "builtins.tuple")
}

/// Whether a type is a weak reference (or a proxy): what it refers to is
/// not kept alive through it.
pub fn is_weak_reference(type_name: &str) -> bool {
    matches!(
        type_name,
        "weakref.ReferenceType"
            | "weakref.ProxyType"
            | "weakref.CallableProxyType"
            | "weakref.KeyedRef"
            | "weakref.WeakMethod"
            | "builtins.weakref"
            | "builtins.weakproxy"
            | "builtins.weakcallableproxy"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_types() {
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
