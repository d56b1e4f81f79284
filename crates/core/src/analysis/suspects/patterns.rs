//! Python's leak patterns: what a suspect looks like, how sure that shape
//! is to be a leak, and the one-line fix a Python developer would apply.

use crate::analysis::suspects::naming::Holder;
use crate::analysis::suspects::tables;

/// The cause a suspect's shape points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// Unreachable reference cycles the collector has not freed (gc disabled,
    /// or kept in `gc.garbage`).
    GarbageCycles,
    /// `functools.lru_cache(maxsize=None)` (or `functools.cache`), on a function or a method.
    UnboundedCache,
    /// A list of bound methods: subscribed callbacks keep their instances alive.
    Listeners,
    /// Exceptions kept with their `__traceback__` (and the frames' locals).
    StoredExceptions,
    /// Frame or traceback objects kept in a container (`sys._getframe()`,
    /// `inspect.currentframe()`, `sys.exc_info()[2]`): each keeps its locals
    /// and the frames that called it.
    StoredFrames,
    /// `logging` records buffered by a handler (`MemoryHandler.buffer`).
    LogBuffer,
    /// asyncio tasks that never finish, kept in a set or list.
    PendingTasks,
    /// Futures (asyncio, concurrent.futures) kept in a container: replies
    /// that never come, or results nobody collects, never removed.
    PendingFutures,
    /// Calls prepared and never made (`functools.partial` objects kept in a
    /// container): each keeps its function and arguments until it is run.
    PendingJobs,
    /// `threading.Thread` objects kept in a container after they were
    /// started (and joined).
    KeptThreads,
    /// File objects or sockets kept in a container (open or not: each keeps
    /// its buffer, an open one its OS handle).
    OpenFiles,
    /// A `weakref.Weak*` container whose entries hold strong references.
    WeakContainer,
    /// A `queue.Queue` (or `asyncio.Queue`) that nothing drains.
    QueueBacklog,
    /// Suspended generators or coroutines: each frame keeps its locals.
    PausedGenerators,
    /// Timers (`loop.call_later`, `sched`) keeping their callbacks and arguments until they fire.
    ScheduledCallbacks,
    /// `weakref.finalize` registrations whose callback or arguments keep their object alive.
    Finalizers,
    /// `logging` keeps every logger ever named (`logging.getLogger(name)` per request).
    LoggerRegistry,
    /// A linked chain of the application's objects, each keeping the next
    /// (`entry.prev = last`): a history that is never cut.
    LinkedChain,
    /// `logging` handlers added again and again to a logger (`logger.addHandler` per call).
    LogHandlers,
    /// The list of a `warnings.catch_warnings(record=True)` that stays
    /// entered: every warning shown since, with its message.
    RecordedWarnings,
    /// The `warnings` module's record of the warnings a module has shown
    /// (`__warningregistry__`): one entry per distinct message text.
    WarningRegistry,
    /// Callbacks pushed on a `contextlib.ExitStack` that lives on and is
    /// never closed (`stack.callback(...)` / `enter_context` per request).
    ExitStack,
    /// Items buffered by `itertools.tee` for an iterator that falls behind.
    TeeBacklog,
    /// A container set as an attribute of a function (`handler.cache = {}`):
    /// it lives as long as the function.
    FunctionAttribute,
    /// Modules made at run time (`types.ModuleType(name)`, importlib) kept
    /// in `sys.modules` (or another registry) under names made per call.
    ModuleRegistry,
    /// A value of a `contextvars.ContextVar`: set in a context that outlives
    /// the requests (the main thread's, a long-lived task's), or its default
    /// (one object shared by every context).
    ContextVar,
    /// Classes made at run time (`type()` or a `class` statement per call) kept in a registry.
    RuntimeClasses,
    /// Objects only C code holds (native roots nothing in Python refers to,
    /// or a C module's own state): callbacks given to `atexit.register`,
    /// `signal.signal`, a C extension.
    NativeHeld,
    /// Closures capturing large objects.
    ClosureCell,
    /// A mutable default argument that grows (`def f(x, seen=[])`).
    DefaultArgument,
    /// Data of a `threading.local`.
    ThreadLocal,
    /// A local variable of a running (thread) frame.
    FrameLocal,
    /// A container set on a class: shared by every instance, lives for ever.
    ClassAttribute,
    /// A buffer written to and never emptied (`io.StringIO`, `bytearray`) in
    /// a module global or an instance attribute.
    GrowingBuffer,
    /// A module-level container.
    ModuleGlobal,
    /// A container in an instance attribute.
    InstanceAttribute,
    /// A container reached some other way.
    Container,
    /// Instances of one class that together retain a large share.
    LargeType,
    /// One object that retains a large share.
    LargeObject,
}

impl Pattern {
    /// A short name for the pattern (stable: used in JSON output).
    pub fn name(self) -> &'static str {
        match self {
            Pattern::GarbageCycles => "garbage_cycles",
            Pattern::UnboundedCache => "unbounded_cache",
            Pattern::Listeners => "listeners",
            Pattern::StoredExceptions => "stored_exceptions",
            Pattern::StoredFrames => "stored_frames",
            Pattern::WarningRegistry => "warning_registry",
            Pattern::ExitStack => "exit_stack",
            Pattern::TeeBacklog => "tee_backlog",
            Pattern::FunctionAttribute => "function_attribute",
            Pattern::LogBuffer => "log_buffer",
            Pattern::PendingTasks => "pending_tasks",
            Pattern::WeakContainer => "weak_container",
            Pattern::PendingFutures => "pending_futures",
            Pattern::OpenFiles => "open_files",
            Pattern::PendingJobs => "pending_jobs",
            Pattern::KeptThreads => "kept_threads",
            Pattern::QueueBacklog => "queue_backlog",
            Pattern::PausedGenerators => "paused_generators",
            Pattern::ScheduledCallbacks => "scheduled_callbacks",
            Pattern::Finalizers => "finalizers",
            Pattern::LoggerRegistry => "logger_registry",
            Pattern::RuntimeClasses => "runtime_classes",
            Pattern::ModuleRegistry => "module_registry",
            Pattern::ContextVar => "context_var",
            Pattern::LogHandlers => "log_handlers",
            Pattern::RecordedWarnings => "recorded_warnings",
            Pattern::LinkedChain => "linked_chain",
            Pattern::NativeHeld => "native_held",
            Pattern::ClosureCell => "closure_cell",
            Pattern::DefaultArgument => "default_argument",
            Pattern::ThreadLocal => "thread_local",
            Pattern::FrameLocal => "frame_local",
            Pattern::ClassAttribute => "class_attribute",
            Pattern::ModuleGlobal => "module_global",
            Pattern::GrowingBuffer => "growing_buffer",
            Pattern::InstanceAttribute => "instance_attribute",
            Pattern::Container => "container",
            Pattern::LargeType => "large_type",
            Pattern::LargeObject => "large_object",
        }
    }

    /// How strongly the shape alone says "leak": 0 is a leak by construction
    /// (garbage the collector will never free, an unbounded cache, …); 1 is
    /// a container reached in a way that is rarely meant to grow (a class
    /// attribute, a closure, a default argument, per-thread data); 2 is an
    /// ordinary container; 4 is size alone. (3 is left for ordinary
    /// containers that are mappings: see [`rank`].)
    pub fn strength(self) -> u8 {
        match self {
            Pattern::GarbageCycles
            | Pattern::UnboundedCache
            | Pattern::Listeners
            | Pattern::StoredExceptions
            | Pattern::StoredFrames
            | Pattern::LogBuffer
            | Pattern::PendingTasks
            | Pattern::WeakContainer => 0,
            Pattern::ClosureCell
            | Pattern::DefaultArgument
            | Pattern::ThreadLocal
            | Pattern::FrameLocal
            | Pattern::ClassAttribute
            | Pattern::QueueBacklog
            | Pattern::PausedGenerators
            | Pattern::ScheduledCallbacks
            | Pattern::Finalizers
            | Pattern::LoggerRegistry
            | Pattern::RuntimeClasses
            | Pattern::PendingFutures
            | Pattern::OpenFiles
            | Pattern::PendingJobs
            | Pattern::KeptThreads
            | Pattern::ModuleRegistry
            | Pattern::ContextVar
            | Pattern::NativeHeld
            | Pattern::LogHandlers
            | Pattern::RecordedWarnings
            | Pattern::WarningRegistry
            | Pattern::ExitStack
            | Pattern::TeeBacklog
            | Pattern::FunctionAttribute
            | Pattern::LinkedChain => 1,
            Pattern::ModuleGlobal | Pattern::InstanceAttribute | Pattern::Container | Pattern::GrowingBuffer => 2,
            Pattern::LargeType | Pattern::LargeObject => 4,
        }
    }

    /// The fix, in Python terms, for this cause in this holder.
    pub fn fix(self, holder: &Holder, gc_disabled: bool) -> String {
        match (self, holder) {
            (Pattern::GarbageCycles, Holder::Garbage { .. }) if gc_disabled => {
                "re-enable the collector (gc.enable()) or break the cycle: make the back reference a weakref.ref".to_string()
            }
            (Pattern::GarbageCycles, _) => {
                "break the cycle (make the back reference a weakref.ref); empty gc.garbage and stop gc.DEBUG_SAVEALL".to_string()
            }
            (Pattern::UnboundedCache, Holder::Cache { function }) if function.contains('.') && !function.contains("<locals>") => format!(
                "bound the cache: @functools.lru_cache(maxsize=…); on a method it keeps every `self` alive — cache on the instance or key by an id instead (`{function}`)"
            ),
            (Pattern::UnboundedCache, Holder::ClosureCell { function, variable }) => format!(
                "`{variable}` of `{function}` is a cache that gains an entry per new argument and never loses one: use functools.lru_cache(maxsize=N) instead of the hand-made dict, or evict old entries (an OrderedDict trimmed with popitem(last=False))"
            ),
            (Pattern::UnboundedCache, _) => "bound the cache: functools.lru_cache(maxsize=…), a TTL, or a weakref.WeakValueDictionary".to_string(),
            (Pattern::Listeners, _) => {
                "unsubscribe (disconnect) when done, or store weakref.WeakMethod(callback) instead of the bound method".to_string()
            }
            (Pattern::StoredExceptions, _) => {
                "store str(e) or traceback.format_exception(e) instead, or call traceback.clear_frames(e.__traceback__)".to_string()
            }
            (Pattern::StoredFrames, _) => {
                "a frame keeps every local of its function alive, and through f_back the frames that called it: keep what you need from it instead (traceback.extract_stack(frame), or frame.f_code.co_name and frame.f_lineno), or call frame.clear() once its function has returned".to_string()
            }
            (Pattern::WarningRegistry, _) => {
                "the warnings module records every warning it has shown in the calling module's `__warningregistry__`, one entry per distinct text, and never forgets one: keep per-request values out of the message (a fixed text; the details to logging), or show that warning with the \"always\" or \"ignore\" action (warnings.simplefilter), which records nothing".to_string()
            }
            (Pattern::ExitStack, _) => {
                let stack = match holder {
                    Holder::ModuleGlobal { name, .. } => name.clone(),
                    Holder::InstanceAttribute { name, .. } => format!("self.{name}"),
                    _ => "stack".to_string(),
                };
                format!("an ExitStack keeps every callback and context manager pushed on it until it is closed: use one stack per request (`with contextlib.ExitStack() as stack:`), or call `{stack}.close()` (or pop_all()) when the work is done")
            }
            (Pattern::TeeBacklog, _) => {
                "itertools.tee keeps every item until each of its iterators has read it: read the iterator that falls behind, or drop it (`del`) when it is not needed; if one reads everything before the other starts, use list() instead of tee".to_string()
            }
            (Pattern::FunctionAttribute, Holder::FunctionAttribute { function, name }) => format!(
                "`{function}.{name}` lives as long as the function (for ever, for a module-level one) and every call adds to it: remove entries when done, bound it (functools.lru_cache(maxsize=N) instead of a hand-made cache, a collections.deque(maxlen=N)), or keep the state in an object whose lifetime you control"
            ),
            (Pattern::LogBuffer, _) => {
                "flush the handler (handler.flush()), give MemoryHandler a smaller capacity, or log str() of the arguments".to_string()
            }
            (Pattern::PendingTasks, _) => {
                "cancel or await the tasks, and remove each from the collection when done (task.add_done_callback(tasks.discard))".to_string()
            }
            (Pattern::OpenFiles, _) => {
                "file objects and sockets kept in a collection hold their buffers (and, until closed, an OS handle each): close each when done (`with open(...) as f:`), keep the path or the data you need instead of the file object, and remove it from the collection".to_string()
            }
            (Pattern::PendingJobs, _) => {
                "a functools.partial keeps its function and every argument bound to it (here what each job would work on) until the partial itself is dropped: run the jobs and remove each once run (a queue.Queue or a concurrent.futures executor that a worker drains), or drop the ones that will never run".to_string()
            }
            (Pattern::KeptThreads, _) => {
                "a Thread object outlives its thread: once it has finished it still keeps its name, its locks and every attribute set on it (a subclass's results and inputs; one never started keeps its target and args too, and a threading.Timer keeps its function and arguments even after it has run): remove each thread from the collection after join() (keep only its result), or use a concurrent.futures.ThreadPoolExecutor".to_string()
            }
            (Pattern::PendingFutures, _) => {
                "a future keeps its callbacks (and what they refer to) until it is done, and its result after: remove each future from the collection when it is done, cancelled or timed out (`finally: waiting.pop(msg_id, None)`, or fut.add_done_callback to remove it), and cancel the ones nobody waits for".to_string()
            }
            (Pattern::WeakContainer, _) => {
                "the values refer to their keys (or are strong holders): store weakref.ref(...) values, or nothing that points back to the key".to_string()
            }
            (Pattern::QueueBacklog, _) => {
                "nothing takes the items out: make sure the consumer runs and calls get() (and task_done()), or give the queue a maxsize so producers wait instead of piling up".to_string()
            }
            (Pattern::PausedGenerators, Holder::Object { object, step: Some(step) }) if step.starts_with("local ") => format!(
                "{object} keeps its `{}` as long as it waits for the next value, and it only grows: hand each item on (write it out, put it on a bounded queue) instead of keeping it, keep the last ones in a deque(maxlen=N), or close the generator (gen.close()) when done",
                step.trim_start_matches("local ")
            ),
            (Pattern::PausedGenerators, _) => {
                "a suspended generator keeps its frame and locals alive: run it to the end or close it (gen.close(), contextlib.closing), and do not keep unfinished ones".to_string()
            }
            (Pattern::ScheduledCallbacks, _) => {
                "a scheduled timer keeps its callback and arguments until it fires: cancel it when the work is done (handle.cancel() for a loop's timer, scheduler.cancel(event) for sched), make sure the scheduler runs, use a shorter delay, or pass an id instead of the object".to_string()
            }
            (Pattern::Finalizers, _) => {
                "the finalizer's callback or arguments refer to its object (a bound method, a lambda using it), so the object never dies: pass a function and arguments that do not refer to it, or call or detach() the finalizer when done".to_string()
            }
            (Pattern::LoggerRegistry, _) => {
                "logging never frees a logger: use one logger per module (logging.getLogger(__name__)) and pass per-request values with extra= or a logging.LoggerAdapter instead of a new logger name".to_string()
            }
            (Pattern::RuntimeClasses, _) => {
                let place = match holder {
                    Holder::ClassAttribute { class, name } | Holder::InstanceAttribute { class, name } => format!("`{class}.{name}`"),
                    Holder::ModuleGlobal { name, .. } => format!("`{name}`"),
                    _ => "the registry".to_string(),
                };
                format!("a class made per call (type() or a class statement in a function) stays in {place} for ever: define the class once and make instances of it, cache the classes by key, or remove them from {place} when done")
            }
            (Pattern::ModuleRegistry, _) => {
                let place = match holder {
                    Holder::ModuleGlobal { module, name } if module == "sys" && name == "modules" => "sys.modules".to_string(),
                    other => other.to_string(),
                };
                format!("a module stays in {place} until it is deleted: `del {place}[name]` when it is no longer needed, or make one module per plugin and reuse it (look it up in {place} before creating it); pass per-request values as arguments, not as new modules")
            }
            (Pattern::ContextVar, Holder::ContextVar { name, default: true }) => format!(
                "the default of ContextVar `{name}` is one object shared by every context and every request: use default=None and set a new value per request (`token = {name}.set([])` … `{name}.reset(token)`)"
            ),
            (Pattern::ContextVar, Holder::ContextVar { name, .. }) => format!(
                "a value set in a context lives as long as that context (here one that outlives the requests, such as the main thread's); a copied context shares the same object: set a new value per request and reset it when done (`token = {name}.set([])` … `{name}.reset(token)`), or keep per-request data out of long-lived contexts"
            ),
            (Pattern::LinkedChain, _) => {
                "each object keeps the one it links to alive, back to the first: cut the link when it is no longer needed (obj.prev = None), keep a bounded collections.deque(maxlen=N) instead, or make the link a weakref.ref".to_string()
            }
            (Pattern::LogHandlers, _) => {
                "a logger keeps every handler added to it: add handlers once at start-up (logging.config), or call logger.removeHandler(h) and h.close() when done".to_string()
            }
            (Pattern::RecordedWarnings, _) => {
                "a `warnings.catch_warnings(record=True)` was entered and never exited (or stays open for the program's life): its list keeps every warning shown since, with its message: use it as a `with` block around the code it checks, or read and clear the list (`del log[:]`) as you go".to_string()
            }
            (Pattern::NativeHeld, Holder::Object { object, .. }) if object == CODEC_SEARCH_PATH => codec_search_path_fix(),
            (Pattern::NativeHeld, _) => {
                "a registry in C holds them for the life of the process — callbacks given to atexit.register, signal.signal, sys.settrace or a C extension: unregister them when done (atexit.unregister(fn)), or register one function that cleans up a weakref.WeakSet".to_string()
            }
            (Pattern::ClosureCell, Holder::ClosureCell { variable, .. }) => {
                format!("`del {variable}` (or set it to None) in the enclosing function once the closure no longer needs it")
            }
            // Many closures of one function in a container: one made and added per call.
            (Pattern::ClosureCell, _) => {
                "a closure is made and added per call and never removed: register it once, or remove it when its call is done; and do not capture large objects in long-lived closures (pass what is needed)".to_string()
            }
            (Pattern::DefaultArgument, Holder::DefaultArgument { function, parameter: Some(p) }) => {
                let function = function.rsplit('.').next().unwrap_or(function);
                format!("use `{p}=None` in `{function}` and create the container inside the function (`if {p} is None: {p} = []`)")
            }
            (Pattern::DefaultArgument, _) => {
                "a mutable default lives as long as the function: default to None and create the container inside".to_string()
            }
            (Pattern::ThreadLocal, _) => "clear the threading.local data when the request or task ends (del local.attr)".to_string(),
            (Pattern::FrameLocal, _) => {
                "the function is still running: process and drop the data in batches, or let the thread finish".to_string()
            }
            (Pattern::ClassAttribute, Holder::ClassAttribute { class, name }) => format!(
                "remove entries when done, bound `{class}.{name}` (e.g. an LRU or a weakref.WeakValueDictionary), or make it a per-instance attribute"
            ),
            (Pattern::GrowingBuffer, _) => {
                let name = match holder {
                    Holder::ModuleGlobal { name, .. } => name.clone(),
                    Holder::InstanceAttribute { name, .. } => format!("self.{name}"),
                    _ => "the buffer".to_string(),
                };
                format!("`{name}` is only written to: send the output to a file or a logging handler, empty it once its content is used (`{name}.seek(0); {name}.truncate()` for a StringIO/BytesIO, `del {name}[:]` for a bytearray), or keep the last entries in a collections.deque(maxlen=N)")
            }
            // A list or dict of the interpreter's (`sys.meta_path`, `sys.path`):
            // not the program's to delete, but what the program adds to it is.
            (Pattern::ModuleGlobal, Holder::ModuleGlobal { module, name }) if crate::analysis::owner::is_stdlib_module(module) => {
                stdlib_global_fix(module, name, None)
            }
            (Pattern::ModuleGlobal, Holder::ModuleGlobal { name, .. }) => {
                format!("`del {name}` or rebind it when done, bound it, or move it into the function that uses it")
            }
            (Pattern::InstanceAttribute, Holder::InstanceAttribute { class, name }) => {
                format!("remove entries from `{class}.{name}` when done, or bound it (an LRU, a maxlen deque, weak references)")
            }
            (
                Pattern::ModuleGlobal | Pattern::InstanceAttribute | Pattern::ClassAttribute | Pattern::FunctionAttribute | Pattern::Container,
                Holder::Within { inner, outer },
            ) => {
                let code = match &**outer {
                    Holder::ModuleGlobal { name, .. } => name.clone(),
                    Holder::InstanceAttribute { name, .. } => format!("self.{name}"),
                    Holder::ClassAttribute { class, name } => format!("{class}.{name}"),
                    Holder::FunctionAttribute { function, name } => format!("{function}.{name}"),
                    other => other.to_string(),
                };
                match &**inner {
                    Holder::InstanceAttribute { class, name } if class == "ChainMap" && name == "maps" => format!(
                        "every new_child() adds a map in front of `{code}.maps` and none is dropped: go back to the parent when the scope ends (`{code} = {code}.parents`), or make each child from the base map instead of from the last child"
                    ),
                    Holder::InstanceAttribute { class, name } => format!(
                        "`{code}` (a `{class}`) keeps what is added to it in its `{name}`, and nothing removes it: remove what is no longer needed (or replace `{code}` with a new one), or bound what is added"
                    ),
                    _ => "remove entries when done or bound the container; follow the retainer path to see who keeps it".to_string(),
                }
            }
            (Pattern::LargeType, Holder::Type { name }) => {
                format!("find what keeps the `{name}` objects (their retainers) and drop those references when done")
            }
            _ => "remove entries when done or bound the container; follow the retainer path to see who keeps it".to_string(),
        }
    }
}

/// How a finding names the interpreter's list of codec search functions
/// (no Python name refers to it).
pub const CODEC_SEARCH_PATH: &str = "the interpreter's codec search path (`codecs.register`)";

/// Whether a list only C refers to is the interpreter's codec search path:
/// its first item is the function `encodings` registers at start-up.
pub fn is_codec_search_path(type_name: &str, first_item_function: Option<&str>) -> bool {
    type_name == "builtins.list" && first_item_function == Some("search_function")
}

pub fn codec_search_path_fix() -> String {
    "each codecs.register(fn) adds a search function for the life of the interpreter (and all it refers to): register one function once, at import time, that looks names up in a table the program can change, or call codecs.unregister(fn) (Python 3.10+) when it is no longer needed".to_string()
}

/// The fix for a list or dict of a standard-library module that the program
/// fills (`sys.path`, `warnings.filters`, `copyreg.dispatch_table`): not
/// the program's to delete, but what it adds is. `mapping`: whether it is a
/// dict (`None`: not known, both ways are said).
pub fn stdlib_global_fix(module: &str, name: &str, mapping: Option<bool>) -> String {
    let code = match mapping {
        Some(true) => format!("`del {module}.{name}[key]`"),
        Some(false) => format!("`{module}.{name}.remove(item)`"),
        None => format!("`{module}.{name}.remove(item)`, or `del {module}.{name}[key]` for a dict"),
    };
    format!("`{module}.{name}` belongs to `{module}` and lives as long as the process: remove what the program adds to it once that is no longer needed ({code}), and add once per process, not per call")
}

/// The fix for a `copy.deepcopy` memo kept across calls
/// ([`tables::is_deepcopy_memo`]), named `name` in code.
pub fn deepcopy_memo_fix(name: &str) -> String {
    format!(
        "`{name}` is a `copy.deepcopy` memo passed to call after call: it keeps every copy it made (keyed by the original's id) and every original (in the list under its own id), so nothing any of the calls saw is ever freed: pass a new dict to each deepcopy (or none), and share what must not be copied by a `__deepcopy__` that returns it"
    )
}

/// The class attribute of `unittest.mock._patch` that holds every started patcher.
pub const ACTIVE_PATCHES: &str = "_active_patches";

/// The fix for a holder that is (an attribute of) an object of a class
/// whose own API is the fix, whatever the shape says: a mock records every
/// call until `reset_mock()`, a pickler's memo lives until `clear_memo()`.
/// `class` is the object's type, `attribute` the holder's name on it (none
/// when the holder is the object itself), `object` how code names the
/// object (`statsd`, `self.loop`, `Perm`).
pub fn class_fix(class: &str, attribute: Option<&str>, object: &str) -> Option<String> {
    let short = class.rsplit('.').next().unwrap_or(class);
    if class.starts_with("unittest.mock.") && short.ends_with("Mock") {
        return Some(format!(
            "`{object}` is a `unittest.mock.{short}`: it records every call it gets (`mock_calls`, `method_calls`, `call_args_list`, and each child mock its own) with its arguments: call `{object}.reset_mock()` once the calls are checked, or use a real or no-op object outside tests"
        ));
    }
    if matches!(class, "_pickle.Pickler" | "pickle._Pickler") {
        return Some(format!(
            "`{object}` is a pickle.Pickler whose memo keeps every object it has written: call `{object}.clear_memo()` after each dump(), or make a new Pickler per message"
        ));
    }
    if short.ends_with("EventLoop") && attribute == Some("_ready") {
        return Some(format!(
            "`{object}` is an asyncio event loop that does not run: what is given to it (call_soon, call_soon_threadsafe, a future's done callbacks) waits in its `_ready` queue with its arguments until it runs: run it (run_forever, run_until_complete), schedule on the loop that runs (asyncio.get_running_loop()), or close a loop that is done and stop using it"
        ));
    }
    // (a function's `registry` behind a mappingproxy: see `class_fix_of`)
    if class == "functools.singledispatch" {
        return Some(format!(
            "`{object}` is a functools.singledispatch function whose registry keeps every class registered with it, and its implementation: register implementations once, at import time, for classes made once; a class made per call (type(), dataclasses.make_dataclass, namedtuple) is a new key each time — make it once and reuse it, or dispatch on a common base class"
        ));
    }
    if class.starts_with("selectors.")
        && short.ends_with("Selector")
        && matches!(attribute, None | Some("_fd_to_key" | "_map" | "_readers" | "_writers"))
    {
        return Some(format!(
            "`{object}` is a selectors selector: it keeps a SelectorKey (the file object and its data) for each register() until unregister(): call `{object}.unregister(fileobj)` before closing each file object (a closed one stays registered)"
        ));
    }
    if class == "zipfile.ZipFile" && matches!(attribute, None | Some("filelist" | "NameToInfo" | "fp")) {
        return Some(format!(
            "`{object}` is a zipfile.ZipFile kept open for writing: it keeps a ZipInfo for every member written (`filelist`, `NameToInfo`) and, on a BytesIO, every compressed byte, until close(): close it after each batch and start a new archive, or write it to a file"
        ));
    }
    if matches!(
        (class, attribute),
        ("concurrent.futures._base.Future", Some("_done_callbacks"))
            | ("_asyncio.Future" | "asyncio.futures.Future" | "_asyncio.Task" | "asyncio.tasks.Task", Some("_callbacks"))
    ) {
        return Some(format!(
            "`{object}` is a future that has not completed: each add_done_callback() keeps its callback (and all the callback closes over) until it completes: call `{object}.remove_done_callback(fn)` when the work the callback was for ends, or register one callback that looks up what is still open"
        ));
    }
    if class == "tarfile.TarFile" && matches!(attribute, None | Some("members")) {
        return Some(format!(
            "`{object}` is a tarfile.TarFile: it keeps a TarInfo for every member it has read or written (`members`, for getmembers()), in stream mode (\"r|\") too: empty `{object}.members` after each member when reading a stream that does not end, or close it and open a new one per archive"
        ));
    }
    if matches!(
        (class, attribute),
        ("asyncio.queues.Queue" | "asyncio.queues.PriorityQueue" | "asyncio.queues.LifoQueue", Some("_queue"))
            | ("queue.Queue" | "queue.PriorityQueue" | "queue.LifoQueue", Some("queue"))
    ) {
        let bounded = if class.starts_with("asyncio.") { "asyncio.Queue(maxsize=N)" } else { "queue.Queue(maxsize=N)" };
        return Some(format!(
            "`{object}` is a queue that nothing takes from fast enough: each put() keeps its item until a get(): run its consumer (a task awaiting get(), a thread calling get()) or more of them, make it bounded ({bounded}: put() then waits, so the producer slows down instead of memory growing), or stop putting when no one consumes"
        ));
    }
    if matches!(class, "email.message.Message" | "email.message.EmailMessage" | "email.message.MIMEPart") && attribute == Some("_payload") {
        return Some(format!(
            "`{object}` is an email message that keeps every part attached to it (add_attachment, attach, set_content): send or write out the message and start a new one per batch instead of adding to one that lives as long as the process"
        ));
    }
    // `unittest.mock._patch._active_patches`: a class attribute (the
    // owner is the class `_patch` itself) that `patch(...).start()` appends to.
    if class == "builtins.type" && attribute == Some(ACTIVE_PATCHES) {
        return Some(format!(
            "`{object}.{ACTIVE_PATCHES}` keeps every patcher started with `start()` — with its mock and every call that mock recorded — until its `stop()`: call `patcher.stop()` for each `patch(...).start()` (in a test, `self.addCleanup(patcher.stop)`), use `with patch(...)` or the decorator instead, or call `unittest.mock.patch.stopall()` when the work is done"
        ));
    }
    if matches!(class, "shelve.Shelf" | "shelve.DbfilenameShelf" | "shelve.BsdDbShelf") && attribute == Some("cache") {
        return Some(format!(
            "`{object}` is a shelf opened with writeback=True: every entry read or written stays in its `cache` until `{object}.sync()` or close() writes them back: call `{object}.sync()` after each batch of changes (it writes and empties the cache; dropping cache entries would lose their changes), or open it with writeback=False and store a changed entry back (`{object}[key] = entry`)"
        ));
    }
    if matches!(class, "xml.etree.ElementTree.Element" | "xml.etree.cElementTree.Element") && attribute.is_none() {
        return Some(format!(
            "`{object}` is an xml.etree Element: it keeps every child appended to it (and their subtrees): write finished children out and remove them (`{object}.remove(child)`, or `{object}.clear()` once the tree is written), or build a tree per document (xml.etree.ElementTree.iterparse / XMLPullParser to read a stream) instead of one that lives as long as the process"
        ));
    }
    if matches!(class, "enum.EnumType" | "enum.EnumMeta") && attribute == Some("_value2member_map_") {
        return Some(format!(
            "`{object}(value)` caches a new pseudo-member in `_value2member_map_` for each distinct value it converts (a flag combination, a value `_missing_` accepts), and keeps it: convert only values made of its defined members (mask the input first), or keep such values as plain ints"
        ));
    }
    None
}

/// The rank of a suspect's shape: its pattern's [`Pattern::strength`], with
/// one refinement among ordinary containers: a dict (or other mapping) comes
/// after the rest — something looks its items up by key, so it is usually a
/// table the program needs (its users, its routes) — while a list, deque or
/// set that something appends to is a log or a history. A mapping whose
/// values are themselves lists, sets or deques (an index, `defaultdict(list)`)
/// is a log per key, and ranks with the lists; so does a mapping whose keys
/// are made per event (`generated_keys`: request ids, session tokens —
/// see `passes::generated_keys`), whatever its size: a big table loaded
/// once (users by uid) then comes after a smaller dict that gains an entry
/// per request.
pub fn rank(pattern: Pattern, container_type: Option<&str>, item_type: Option<&str>, generated_keys: bool) -> u8 {
    let s = pattern.strength();
    match container_type {
        Some(c)
            if s == 2
                && tables::is_mapping(c)
                && !generated_keys
                && !matches!(item_type, Some("builtins.list" | "builtins.set" | "collections.deque")) =>
        {
            3
        }
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Holders of connections, maps, files and executors are told to release
    /// each one, unless the fix already says how.
    #[test]
    fn holders_of_what_needs_closing_say_to_close_it() {
        use super::super::tables::with_release;
        let fix = with_release("delete the entry".to_string(), "sqlite3.Connection");
        assert!(fix.starts_with("delete the entry; call close() on each `Connection`"), "{fix}");
        assert!(with_release("x".to_string(), "mmap.mmap").contains("close() on each `mmap`"));
        assert!(with_release("x".to_string(), "concurrent.futures.thread.ThreadPoolExecutor").contains("shutdown()"));
        assert_eq!(with_release("f.close() them".to_string(), "_io.TextIOWrapper"), "f.close() them");
        assert_eq!(with_release("x".to_string(), "builtins.dict"), "x");
    }

    #[test]
    fn standard_library_classes_that_keep_what_they_are_given_say_how_to_let_go() {
        let cases = [
            ("selectors.SelectSelector", Some("_fd_to_key"), "sel.unregister(fileobj)"),
            ("selectors.EpollSelector", None, "sel.unregister(fileobj)"),
            ("zipfile.ZipFile", Some("filelist"), "close()"),
            ("concurrent.futures._base.Future", Some("_done_callbacks"), "sel.remove_done_callback(fn)"),
            ("_asyncio.Future", Some("_callbacks"), "sel.remove_done_callback(fn)"),
            ("tarfile.TarFile", Some("members"), "empty `sel.members`"),
            ("asyncio.queues.Queue", Some("_queue"), "asyncio.Queue(maxsize=N)"),
            ("queue.Queue", Some("queue"), "queue.Queue(maxsize=N)"),
            ("email.message.EmailMessage", Some("_payload"), "start a new one"),
            ("builtins.type", Some(ACTIVE_PATCHES), "patcher.stop()"),
            ("shelve.DbfilenameShelf", Some("cache"), "sel.sync()"),
            ("xml.etree.ElementTree.Element", None, "sel.remove(child)"),
        ];
        for (class, attribute, says) in cases {
            let fix = class_fix(class, attribute, "sel").unwrap_or_else(|| panic!("no fix for {class}"));
            assert!(fix.contains(says), "{class}: {fix}");
        }
        // Their other attributes, and look-alike names elsewhere, are no such case.
        assert_eq!(class_fix("selectors.SelectSelector", Some("cache"), "sel"), None);
        assert_eq!(class_fix("app.Future", Some("_callbacks"), "f"), None);
        assert_eq!(class_fix("zipfile.ZipInfo", None, "z"), None);
        assert_eq!(class_fix("asyncio.queues.Queue", Some("_getters"), "q"), None);
        assert_eq!(class_fix("builtins.type", Some("_registry"), "Plugin"), None);
        assert_eq!(class_fix("shelve.DbfilenameShelf", Some("dict"), "s"), None);
        assert_eq!(class_fix("xml.etree.ElementTree.Element", Some("attrib"), "e"), None);
        // A dict of the standard library's, a list, or either.
        assert!(stdlib_global_fix("copyreg", "dispatch_table", Some(true)).contains("`del copyreg.dispatch_table[key]`"));
        assert!(stdlib_global_fix("sys", "path", Some(false)).contains("`sys.path.remove(item)`"));
        let either = stdlib_global_fix("_warnings", "filters", None);
        assert!(
            either.contains("`_warnings.filters.remove(item)`") && either.contains("`del _warnings.filters[key]` for a dict"),
            "{either}"
        );
    }

    #[test]
    fn a_mapping_of_lists_ranks_with_the_lists() {
        let dict = Some("collections.defaultdict");
        assert_eq!(rank(Pattern::InstanceAttribute, Some("builtins.list"), Some("app.Event"), false), 2);
        assert_eq!(rank(Pattern::InstanceAttribute, dict, Some("app.Event"), false), 3);
        assert_eq!(rank(Pattern::InstanceAttribute, dict, Some("builtins.tuple"), false), 3);
        for seq in ["builtins.list", "builtins.set", "collections.deque"] {
            assert_eq!(rank(Pattern::InstanceAttribute, dict, Some(seq), false), 2, "{seq}");
            assert_eq!(rank(Pattern::ModuleGlobal, Some("builtins.dict"), Some(seq), false), 2, "{seq}");
        }
        // the stronger shapes keep their own rank
        // keys made per event (request ids): a log, ranked with the lists
        assert_eq!(rank(Pattern::ModuleGlobal, Some("builtins.dict"), Some("builtins.dict"), true), 2);
        assert_eq!(rank(Pattern::ModuleGlobal, Some("collections.Counter"), Some("builtins.str"), true), 2);
        assert_eq!(rank(Pattern::ClassAttribute, dict, Some("builtins.list"), false), 1);
        assert_eq!(rank(Pattern::QueueBacklog, Some("collections.deque"), Some("builtins.dict"), false), 1);
    }
}
