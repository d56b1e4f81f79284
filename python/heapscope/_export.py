"""Heap walker and writer for the heapscope snapshot format, version 1.

See docs/format.md in the heapscope repository.  Everything here uses the
standard library only and is careful never to run user code: no ``repr()``,
``getattr()``, ``isinstance()``, ``len()`` or ``sys.getsizeof()`` on an object
whose type could redirect it to Python code.  Attributes are read through the
C descriptors of the builtin types (``type.__dict__['__mro__'].__get__`` ...).
"""
from __future__ import annotations

import datetime
import errno
import gc
import gzip as _gzip
import json
import os
import shutil
import sys
import tempfile
import threading
import types
import weakref
from array import array

from . import _environment

try:  # C accelerator of tracemalloc (always present on CPython)
    import _tracemalloc
except ImportError:  # pragma: no cover - other implementations
    _tracemalloc = None

__version__ = "0.1.0"
EXPORTER = "heapscope-python " + __version__
FORMAT_VERSION = 1

OBJECT_FIELDS = ["address", "type", "size", "flags", "description", "traceback"]
REFERENCE_FIELDS = ["from", "to", "kind", "name"]
REFERENCE_KINDS = ["internal", "attribute", "dict_value", "dict_key", "index",
                   "cell", "local", "globals", "defaults", "closure",
                   "class_dict", "mro", "bases", "instance_dict", "weak"]
ROOT_FIELDS = ["object", "kind", "name", "excess"]
ROOT_KINDS = ["module", "thread", "builtins", "native"]
OBJECT_FLAGS = {"gc_tracked": 1, "module": 2, "type": 4, "frame": 8,
                "function": 16, "finalizer": 32, "garbage": 64}
FRAME_FIELDS = ["filename", "lineno"]
TRACE_FIELDS = ["domain", "size", "traceback"]

(K_INTERNAL, K_ATTR, K_DVAL, K_DKEY, K_INDEX, K_CELL, K_LOCAL, K_GLOBALS,
 K_DEFAULTS, K_CLOSURE, K_CLASS_DICT, K_MRO, K_BASES, K_INST_DICT,
 K_WEAK) = range(15)
R_MODULE, R_THREAD, R_BUILTINS, R_NATIVE = range(4)
F_TRACKED, F_MODULE, F_TYPE, F_FRAME, F_FUNCTION, F_FINALIZER, F_GARBAGE = (
    1, 2, 4, 8, 16, 32, 64)

DESC_MAX = 80
_CHUNK = 1 << 16
_PY311 = sys.version_info >= (3, 11)
_PY313 = sys.version_info >= (3, 13)
_TPFLAGS_MANAGED_DICT = 1 << 4
_TPFLAGS_HEAPTYPE = 1 << 9
_TPFLAGS_HAVE_GC = 1 << 14
_IMMORTAL = 1 << 29   # refcounts at or above this are immortal / cached objects

# C-level accessors: calling these never dispatches to Python code.
_type_dict_get = type.__dict__["__dict__"].__get__      # -> mappingproxy
_type_mro_get = type.__dict__["__mro__"].__get__
_type_bases_get = type.__dict__["__bases__"].__get__
_type_base_get = type.__dict__["__base__"].__get__
_type_flags_get = type.__dict__["__flags__"].__get__
_type_module_get = type.__dict__["__module__"].__get__
_type_qualname_get = type.__dict__["__qualname__"].__get__
_module_dict_get = types.ModuleType.__dict__["__dict__"].__get__
_obj_getattr = object.__getattribute__
_dict_items = dict.items
_dict_get = dict.get
_str_repr = str.__repr__
_str_getitem = str.__getitem__
_str_len = str.__len__
_bytes_repr = bytes.__repr__
_bytes_getitem = bytes.__getitem__
_bytes_len = bytes.__len__
_int_repr = int.__repr__
_int_bitlen = int.bit_length
_float_repr = float.__repr__
_ref_call = weakref.ref.__call__
_getsizeof = sys.getsizeof
_get_referents = gc.get_referents
_is_tracked = gc.is_tracked
_FunctionType = types.FunctionType
_MethodType = types.MethodType
_ModuleType = types.ModuleType
_FrameType = types.FrameType
_CodeType = types.CodeType
_BuiltinFunctionType = types.BuiltinFunctionType
_GetSetDescriptorType = types.GetSetDescriptorType
_MemberDescriptorType = types.MemberDescriptorType
_MethodDescriptorType = type(object.__sizeof__)
_CellType = type((lambda x: lambda: x)(0).__closure__[0])
_NoneType = type(None)
_SIMPLE_KEYS = (str, int, float, bool, _NoneType, bytes)

try:
    from collections import deque as _deque
except ImportError:  # pragma: no cover
    _deque = None

_PKG_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _is_own_code(code) -> bool:
    fn = code.co_filename
    return type(fn) is str and fn.startswith(_PKG_DIR)


def _cap(s: str) -> str:
    return s if len(s) <= DESC_MAX else s[:DESC_MAX - 3] + "..."


def _mro(tp):
    """tp.__mro__ through the C accessor; a type that was never readied
    (Python 3.8's functools._lru_list_elem, say) has none: (tp,) then."""
    try:
        return _type_mro_get(tp) or (tp,)
    except Exception:
        return (tp,)


def _class_dicts(tp):
    """The real __dict__ of every class in tp's MRO (C accessors only), one
    per class, in MRO order ({} where a class has none)."""
    out = []
    for c in _mro(tp):
        try:
            out.append(_type_dict_get(c) or {})
        except Exception:
            out.append({})
    return out


def _mro_lookup(tp, name):
    for d in _class_dicts(tp):
        v = d.get(name, _MISSING)
        if v is not _MISSING:
            return v
    return _MISSING


_MISSING = object()


def _is_heap_type(tp) -> bool:
    return bool(_type_flags_get(tp) & _TPFLAGS_HEAPTYPE)


def type_name(tp) -> str:
    """Module-qualified name of a type, read without running user code."""
    try:
        mod = _type_module_get(tp)
    except Exception:
        mod = None
    try:
        qn = _type_qualname_get(tp)
    except Exception:
        qn = None
    if type(qn) is not str:
        qn = "?"
    if type(mod) is not str:
        mod = "?"
    return mod + "." + qn


def _simple_key_repr(k):
    """repr() of a str/int/float/bool/None/bytes key, capped; else None."""
    tk = type(k)
    if tk is str:
        if _str_len(k) > DESC_MAX:
            k = _str_getitem(k, slice(0, DESC_MAX))
        return _cap(_str_repr(k))
    if tk is int or tk is bool:
        if tk is int and _int_bitlen(k) > 256:
            return "<int %d bits>" % _int_bitlen(k)
        return _cap(_int_repr(k)) if tk is int else ("True" if k else "False")
    if tk is float:
        return _float_repr(k)
    if k is None:
        return "None"
    if tk is bytes:
        if _bytes_len(k) > DESC_MAX:
            k = _bytes_getitem(k, slice(0, DESC_MAX))
        return _cap(_bytes_repr(k))
    return None


# ---------------------------------------------------------------- strings

class _Strings:
    """Shared string table.  Strings are streamed to a temp file as JSON as
    soon as a chunk is full, so only the de-duplication index stays in memory
    (and per-object descriptions, which are nearly always unique, are not even
    indexed)."""

    __slots__ = ("index", "buf", "n", "out", "first")

    def __init__(self):
        self.index = {"": 0}
        self.buf = [""]
        self.n = 1
        self.out = None
        self.first = True

    def add(self, s):
        i = self.index.get(s)
        if i is None:
            i = self.n
            self.n = i + 1
            self.index[s] = i
            self.buf.append(s)
            if len(self.buf) >= 8192 and self.out is not None:
                self.flush()
        return i

    def unique(self, s):
        i = self.n
        self.n = i + 1
        self.buf.append(s)
        if len(self.buf) >= 8192 and self.out is not None:
            self.flush()
        return i

    def flush(self):
        buf = self.buf
        if not buf:
            return
        text = json.dumps(buf, ensure_ascii=False, separators=(",", ":"))[1:-1]
        if not self.first:
            self.out.write(",")
        self.first = False
        self.out.write(text)
        self.buf = []


class _IntWriter:
    """Streams a flat JSON integer array in chunks to a temp text file."""

    __slots__ = ("out", "first", "count")

    def __init__(self, out):
        self.out = out
        self.first = True
        self.count = 0

    def write(self, ints):
        if not ints:
            return
        text = _ints_text(ints)
        if not self.first:
            self.out.write(",")
        self.first = False
        self.out.write(text)
        self.count += len(ints)


def _tempfile(directory):
    return tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace",
                                  dir=directory, prefix=".heapscope-")


# ---------------------------------------------------------------- tracemalloc

class _TraceTables:
    __slots__ = ("strings", "limit", "frame_ix", "frames", "tb_ix", "tb_data",
                 "tb_off", "tb_total", "traces")
    """Frames / tracebacks / traces tables of the tracemalloc section, kept in
    arrays and int/bytes-keyed dicts so that none of them is a gc-tracked
    object that would show up in the heap walk."""

    def __init__(self, strings, limit):
        self.strings = strings
        self.limit = limit
        self.frame_ix = {}          # (filename idx << 32 | lineno) -> frame idx
        self.frames = array("q")    # flat filename idx, lineno
        self.tb_ix = {}             # bytes of frame indices -> traceback idx
        self.tb_data = array("q")   # flat frame indices
        self.tb_off = array("q", [0])
        self.tb_total = array("q")  # total_nframe or -1
        self.traces = array("q")    # flat domain, size, traceback idx

    def traceback_index(self, raw, total=-1):
        fr = array("q")
        fix = self.frame_ix
        for f in raw:
            fname, lineno = f[0], f[1]
            si = self.strings.add(fname if type(fname) is str else str(fname))
            key = (si << 32) | (lineno & 0xFFFFFFFF)
            k = fix.get(key)
            if k is None:
                k = len(self.frames) // 2
                fix[key] = k
                self.frames.append(si)
                self.frames.append(lineno)
            fr.append(k)
        if total is None:
            total = -1
        fkey = fr.tobytes()
        if total < 0:
            # an object's traceback: any traceback with these frames will do
            t = self.tb_ix.get(fkey)
            if t is not None:
                return t
        key = fkey + array("q", [total]).tobytes()
        t = self.tb_ix.get(key)
        if t is None:
            t = len(self.tb_total)
            self.tb_ix[key] = t
            self.tb_ix.setdefault(fkey, t)
            self.tb_data.extend(fr)
            self.tb_off.append(len(self.tb_data))
            self.tb_total.append(total)
        return t

    def add_traces(self, raw_traces):
        cache = {}  # id(raw traceback tuple) -> idx; tuples alive via raw_traces
        tr = self.traces
        for t in raw_traces:
            domain, size, tb = t[0], t[1], t[2]
            total = t[3] if len(t) > 3 else -1
            ck = (id(tb) << 17) | (total & 0x1FFFF)   # total_nframe <= 65535
            k = cache.get(ck)
            if k is None:
                k = self.traceback_index(tb, total)
                cache[ck] = k
            tr.append(domain)
            tr.append(size)
            tr.append(k)

    def object_traceback(self, obj):
        try:
            raw = _tracemalloc._get_object_traceback(obj)
        except Exception:
            return -1
        if raw is None:
            return -1
        return self.traceback_index(raw, -1)

    def write(self, out):
        """Write the "tracemalloc" object (without a leading comma)."""
        out.write('"tracemalloc":{"traceback_limit":%d,"frames":[' % int(self.limit))
        _write_array(out, self.frames)
        out.write('],"tracebacks":[')
        data, off = self.tb_data, self.tb_off
        n = len(self.tb_total)
        parts = []
        for t in range(n):
            parts.append("[" + _ints_text(data[off[t]:off[t + 1]]) + "]")
            if len(parts) >= 4096:
                out.write(",".join(parts))
                parts = []
                if t + 1 < n:
                    out.write(",")
        if parts:
            out.write(",".join(parts))
        out.write('],"traceback_total_nframe":[')
        _write_array(out, self.tb_total)
        out.write('],"traces":[')
        _write_array(out, self.traces)
        out.write("]}")


_FMT_CACHE = {}


def _ints_text(ints):
    """'1,2,3' for a sequence of ints.  %-formatting writes the digits
    straight into one string: no temporary str per integer, which matters a
    lot when tracemalloc traces every allocation."""
    n = len(ints)
    fmt = _FMT_CACHE.get(n)
    if fmt is None:
        fmt = ",".join(["%d"] * n)
        if n >= 1024 and len(_FMT_CACHE) < 8:
            _FMT_CACHE[n] = fmt
    return fmt % tuple(ints)


def _write_array(out, arr):
    n = len(arr)
    for s in range(0, n, _CHUNK):
        if s:
            out.write(",")
        out.write(_ints_text(arr[s:s + _CHUNK]))


def _snapshot_raw(snapshot):
    """(raw trace tuples, traceback_limit) of a tracemalloc.Snapshot-like object."""
    traces = snapshot.traces
    raw = getattr(traces, "_traces", traces)
    return raw, getattr(snapshot, "traceback_limit", 1)


# ---------------------------------------------------------------- metadata

def _rss_bytes():
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024
    except Exception:
        pass
    try:
        import resource
        ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return ru if sys.platform == "darwin" else ru * 1024
    except Exception:
        return None


def _exact_list(x):
    """An atomic C-level copy of a list or list subclass (no __iter__ or
    __len__ of a subclass runs); [] for anything else."""
    try:
        if type(x) is list or list in _mro(type(x)):
            return list.copy(x)
    except Exception:
        pass
    return []


def _safe_text(s):
    if type(s) is not str:
        try:
            s = str.__str__(s) if str in _mro(type(s)) else "?"
        except Exception:
            s = "?"
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "replace").decode("utf-8")


def process_info(gc_enabled, extra=None):
    try:
        tracing = _tracemalloc is not None and _tracemalloc.is_tracing()
        tlimit = _tracemalloc.get_traceback_limit() if _tracemalloc else 1
    except Exception:
        tracing, tlimit = False, 1
    info = {
        "python_version": _safe_text(sys.version),
        "implementation": sys.implementation.name,
        "platform": _safe_text(_environment.PLATFORM),
        "pid": os.getpid(),
        "argv": [_safe_text(a) for a in _exact_list(sys.argv)],
        "time": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "gc": {"enabled": bool(gc_enabled), "stats": gc.get_stats(),
               "thresholds": list(gc.get_threshold()), "counts": list(gc.get_count())},
        "rss_bytes": _rss_bytes(),
        "tracemalloc": {"tracing": bool(tracing), "traceback_limit": tlimit},
        "exporter": EXPORTER,
        "environment": _environment.ENVIRONMENT,
        "module_files": _environment.module_files(),
    }
    if extra:
        info.update(extra)
    return info


def _meta_json():
    return json.dumps({
        "object_fields": OBJECT_FIELDS, "reference_fields": REFERENCE_FIELDS,
        "reference_kinds": REFERENCE_KINDS, "root_fields": ROOT_FIELDS,
        "root_kinds": ROOT_KINDS, "object_flags": OBJECT_FLAGS,
        "frame_fields": FRAME_FIELDS, "trace_fields": TRACE_FIELDS,
    }, separators=(",", ":"))


def _open_output(path, compress):
    if compress:
        return _gzip.open(path, "wt", encoding="utf-8", compresslevel=6)
    return open(path, "w", encoding="utf-8", buffering=1 << 20)


# ---------------------------------------------------------------- heap walk

def _thread_names():
    """{ident: name} of threading's threads, with no user code: the name is
    read from the instance's own dict (a Thread subclass may make `_name` a
    property), only when it is an exact str."""
    names = {}
    try:
        active = threading._active  # no lock: safe inside a signal handler
        active = dict.copy(active) if type(active) is dict else {}
    except Exception:
        active = {}
    for ident, t in dict.items(active):
        try:
            d = _THREAD_DICT_GET(t)
        except Exception:
            continue
        if type(d) is not dict:
            continue
        for k, v in dict.items(dict.copy(d)):
            if type(k) is str and str.__eq__(k, "_name") is True:
                if type(v) is str:
                    names[ident] = v
                break
    return names


_THREAD_DICT_GET = threading.Thread.__dict__["__dict__"].__get__


class DumpInProgress(RuntimeError):
    """A dump was asked for while another one is running (a second signal
    during a dump, or another thread): it is refused, never nested."""


# Held for the whole of a dump.  A nested dump (from a signal handler that
# interrupts a dump) would export the first one's bookkeeping.
_DUMP_LOCK = threading.Lock()


def export(path, heap=True, tracemalloc_snapshot=None, include_tracemalloc=None,
           compress=None, exclude_stack=False, process_extra=None):
    """Write a snapshot of the current process to *path* (see heapscope.dump)."""
    path = os.fspath(path)
    if compress is None:
        compress = path.endswith(".gz")
    outdir = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(outdir):
        raise FileNotFoundError(errno.ENOENT, "no such directory for the snapshot %s" % path, outdir)
    if not _DUMP_LOCK.acquire(False):
        raise DumpInProgress("a heapscope dump is already running; %s not written" % path)
    try:
        gc_enabled = gc.isenabled()
        gc.disable()
        try:
            return _export(path, heap, tracemalloc_snapshot, include_tracemalloc,
                           compress, exclude_stack, process_extra, gc_enabled)
        finally:
            # The format strings are the exporter's bookkeeping: they must not
            # stay behind in the user's heap (or in the next tracemalloc snapshot).
            _FMT_CACHE.clear()
            if gc_enabled:
                gc.enable()
    finally:
        _DUMP_LOCK.release()


def _export(path, heap, tm_snapshot, include_tm, compress, exclude_stack,
            process_extra, gc_enabled):
    strings = _Strings()
    tables = None

    # 1. tracemalloc: take the snapshot before walking the heap so that the
    #    walk's own allocations are not in it; convert it to compact tables
    #    and drop the raw tuples before gc.get_objects().
    tracing = _tracemalloc is not None and _tracemalloc.is_tracing()
    if include_tm is None:
        include_tm = tracing or tm_snapshot is not None
    if include_tm and (tm_snapshot is not None or tracing):
        if tm_snapshot is None:
            import tracemalloc as _tm
            tm_snapshot = _tm.take_snapshot()
        raw, limit = _snapshot_raw(tm_snapshot)
        tm_snapshot = None
        tables = _TraceTables(strings, limit)
        tables.add_traces(raw)
        raw = None
    process_json = json.dumps(process_info(gc_enabled, process_extra),
                              separators=(",", ":"), default=str)

    outdir = os.path.dirname(os.path.abspath(path)) or "."
    tmp_path = path + ".tmp%d" % os.getpid()
    try:
        if heap:
            heap_parts = _walk_heap(strings, tables if tracing else None,
                                    exclude_stack, outdir)
        else:
            heap_parts = None
        _assemble(tmp_path, compress, process_json, heap_parts, tables, strings, outdir)
        os.replace(tmp_path, path)
    finally:
        if os.path.exists(tmp_path):
            try:
                os.unlink(tmp_path)
            except OSError:
                pass
    return path


def _assemble(tmp_path, compress, process_json, heap_parts, tables, strings, outdir):
    with _open_output(tmp_path, compress) as out:
        out.write('{"format":"heapscope","version":%d,"meta":' % FORMAT_VERSION)
        out.write(_meta_json())
        out.write(',"process":')
        out.write(process_json)
        if heap_parts is not None:
            objf, reff, roots = heap_parts
            out.write(',"heap":{"objects":[')
            objf.seek(0)
            shutil.copyfileobj(objf, out, 1 << 20)
            objf.close()
            out.write('],"references":[')
            reff.seek(0)
            shutil.copyfileobj(reff, out, 1 << 20)
            reff.close()
            out.write('],"roots":[')
            _write_array(out, roots)
            out.write("]}")
        if tables is not None:
            out.write(",")
            tables.write(out)
        out.write(',"strings":[')
        if strings.out is None:
            strings.out = _tempfile(outdir)
        strings.flush()
        sf = strings.out
        sf.seek(0)
        shutil.copyfileobj(sf, out, 1 << 20)
        sf.close()
        out.write("]}\n")


def _walk_heap(strings, tables, exclude_stack, outdir):
    # ---- 2. threads: materialize every thread's frame chain so the frames
    #         are gc objects, and find the exporter's own frames.
    me = threading.get_ident()
    names = _thread_names()
    excl = set()
    root_frames = []          # innermost non-exporter frame of each thread
    root_names = array("q")
    live = set()              # ids of frames executing in some thread
    caller_frame_id = 0
    cur = sys._current_frames()
    for ident, f in cur.items():
        if ident == me:
            # skip the exporter's frames (and, in "run" mode, the whole stack)
            while f is not None and (exclude_stack or _is_own_code(f.f_code)):
                excl.add(id(f))
                f = f.f_back
            if f is not None:
                caller_frame_id = id(f)
        if f is None:
            continue
        root_frames.append(f)
        nm = names.get(ident)
        root_names.append(strings.add(nm if nm is not None else "thread-%d" % ident))
        g = f
        while g is not None:
            live.add(id(g))
            g = g.f_back
    cur = f = g = None
    names = None
    garbage_ids = set(id(x) for x in _exact_list(gc.garbage))

    # ---- 3. every gc-tracked object; the exporter's pre-existing containers
    #         are excluded by identity.
    excl.add(id(excl))
    excl.add(id(root_frames))
    excl.add(id(live))
    excl.add(id(garbage_ids))
    excl.add(id(strings))
    excl.add(id(strings.buf))
    excl.add(id(strings.index))
    if tables is not None:
        excl.add(id(tables))
    everything = gc.get_objects()
    objs = [o for o in everything if id(o) not in excl]
    everything = None

    objf = _tempfile(outdir)
    reff = _tempfile(outdir)
    strings.out = _tempfile(outdir)
    try:
        w = _Walker(objs, excl, strings, tables, live, garbage_ids, root_frames)
        w.run(objf, reff)
        roots = w.roots(root_frames, root_names, caller_frame_id)
    except BaseException:
        objf.close()
        reff.close()
        raise
    return objf, reff, roots


class _TypeInfo:
    __slots__ = ("name", "flags", "handler", "sizer", "desc", "slots", "dict_get",
                 "inline", "attrs", "attr_set", "learned", "base_len", "kind",
                 "container")


H_NOREF, H_DICT, H_SEQ, H_SET, H_GENERIC, H_LABELED = range(6)


class _Walker:
    def __init__(self, objs, excl, strings, tables, live, garbage_ids, root_frames):
        self.objs = objs
        self.strings = strings
        self.tables = tables
        self.live = live
        self.garbage_ids = garbage_ids
        self.index = index = {}
        for i, o in enumerate(objs):
            index[id(o)] = i
        for x in excl:
            index[x] = -1
        # executing frames are not gc-tracked on 3.11+: add the innermost
        # frame of each thread; the callers are reached through f_back
        for f in root_frames:
            if id(f) not in index:
                index[id(f)] = len(objs)
                objs.append(f)
        self.incount = array("l", bytes(array("l").itemsize * len(objs)))
        self.own = {}           # id -> references held by the exporter itself
        self.tinfo = {}
        self.knames = {}        # id(dict key) -> name string idx
        self.idxnames = array("q")
        self.cellnames = {}     # id(cell) -> name idx
        self.closures = {}      # id(closure tuple) -> array of name idx
        self.hold = []          # objects the exporter keeps (counted in own)

    # -- helpers ---------------------------------------------------------
    def _own(self, x, n=1):
        k = id(x)
        self.own[k] = self.own.get(k, 0) + n

    def idxname(self, i):
        names = self.idxnames
        while len(names) <= i:
            names.append(self.strings.add(str(len(names))))
        return names[i]

    def keyname(self, k):
        kn = self.knames.get(id(k))
        if kn is None:
            try:
                r = _simple_key_repr(k)
            except Exception:
                r = None
            kn = -1 if r is None else self.strings.add(r)
            self.knames[id(k)] = kn
        return kn

    # -- per-type info -----------------------------------------------------
    def typeinfo(self, tp):
        ti = _TypeInfo()
        s = self.strings
        try:
            ti.name = s.add(type_name(tp))
        except Exception:
            ti.name = s.add("?")
        mro = _mro(tp)
        try:
            tflags = _type_flags_get(tp)
        except Exception:
            tflags = 0
        dicts = _class_dicts(tp)
        flags = 0
        if _ModuleType in mro:
            flags |= F_MODULE
        if type in mro:
            flags |= F_TYPE
        if tp is _FrameType:
            flags |= F_FRAME
        if tp is _FunctionType or tp is _MethodType:
            flags |= F_FUNCTION
        for d in dicts[:-1] if dicts and mro[-1] is object else dicts:
            if "__del__" in d:
                flags |= F_FINALIZER
                break
        ti.flags = flags
        # size: sys.getsizeof unless __sizeof__ is overridden in Python code
        ti.sizer = _getsizeof
        for c, d in zip(mro, dicts):
            if "__sizeof__" in d:
                # only a __sizeof__ written in Python is a user override; C
                # extension heap types (array.array, deque, BytesIO...) have
                # a C one, which sys.getsizeof may call
                if type(d["__sizeof__"]) is not _MethodDescriptorType:
                    ti.sizer = self._safe_sizer(mro, dicts)
                break
        ti.slots = ()
        ti.dict_get = None
        ti.inline = False
        ti.attrs = []
        ti.attr_set = set()
        ti.learned = 0
        ti.base_len = None
        ti.kind = None
        ti.container = any(c in mro for c in _CONTAINERS)
        heap = bool(tflags & _TPFLAGS_HEAPTYPE)
        # builtin base used for len()/descriptions of subclasses
        base = None
        for c in mro:
            if not (_type_flags_get(c) & _TPFLAGS_HEAPTYPE):
                base = c
                break
        ti.desc = _DESCRIBERS.get(tp)
        if ti.desc is None and base is not None and base is not object:
            d = _SUB_DESCRIBERS.get(base)
            if d is not None:
                ti.desc = d
            else:
                base_dict = _type_dict_get(base) or {}
                if "__len__" in base_dict:
                    ti.base_len = base_dict["__len__"]
                    ti.desc = _desc_len_base
        if tp is _CodeType:
            # code objects are not gc objects but own their constants/names
            ti.handler = H_LABELED
            ti.kind = _lab_code
        elif not (tflags & _TPFLAGS_HAVE_GC) and not issubclass(tp, weakref.ref):
            ti.handler = H_NOREF
        elif tp is dict:
            ti.handler = H_DICT
        elif tp is list or tp is tuple:
            ti.handler = H_SEQ
        elif tp is set or tp is frozenset:
            ti.handler = H_SET
        else:
            ti.handler = H_LABELED
            ti.kind = self._labeler_for(tp, mro, base)
            if heap or ti.kind is _lab_instance:
                self._instance_layout(ti, tp, mro, dicts, tflags)
        self.tinfo[id(tp)] = ti
        self.hold.append(tp)
        self._own(tp)
        return ti

    def _safe_sizer(self, mro, dicts):
        fn = None
        for c, d in zip(mro, dicts):
            if "__sizeof__" in d and type(d["__sizeof__"]) is _MethodDescriptorType:
                fn = d["__sizeof__"]
                break
        extra = _GC_EXTRA

        def sizer(o):
            return fn(o) + extra if fn is not None else 0
        return sizer

    def _labeler_for(self, tp, mro, base):
        if tp is _FunctionType:
            return _lab_function
        if type in mro:
            return _lab_type
        if _ModuleType in mro:
            return _lab_module
        if tp is _FrameType:
            return _lab_frame
        if tp is _CellType:
            return _lab_cell
        if tp is _CodeType:
            return _lab_code
        if tp is _MethodType:
            return _lab_method
        if tp is _BuiltinFunctionType:
            return _lab_builtin_method
        if weakref.ref in mro:
            return _lab_weakref
        return _lab_instance

    def _instance_layout(self, ti, tp, mro, dicts, tflags):
        slots = []
        dict_get = None
        for c, d in zip(mro, dicts):
            for name, v in list(d.items()):
                tv = type(v)
                if tv is _MemberDescriptorType and type(name) is str and name not in ("__weakref__",):
                    if c is type or c is object:
                        continue
                    slots.append((self.strings.add(name), v.__get__))
                    self._own(v, 2)
                    self.hold.append(v)
                elif (name == "__dict__" and tv is _GetSetDescriptorType
                      and dict_get is None and (_type_flags_get(c) & _TPFLAGS_HEAPTYPE)):
                    dict_get = v.__get__
                    self._own(v, 2)
                    self.hold.append(v)
        ti.slots = slots
        ti.dict_get = dict_get
        ti.inline = bool(_PY311 and dict_get is not None and (tflags & _TPFLAGS_MANAGED_DICT))

    def _learn(self, ti, tp, d):
        """Learn attribute names of an inline-values class from a dict."""
        for k in list(_dict_items(d)):
            name = k[0]
            if type(name) is not str or name in ti.attr_set:
                continue
            ti.attr_set.add(name)
            self._own(name)
            if _safe_attr(tp, name):
                ti.attrs.append((name, self.strings.add(name)))
                self._own(name)

    # -- main walk -----------------------------------------------------------
    def run(self, objf, reff):
        # The hot loop of the export, run once per object (10^6 times): the
        # "add referent, count the reference" step is written out inline at
        # each use on purpose: a helper would add a Python function call per
        # reference to the hottest path of the exporter.
        objs = self.objs
        index = self.index
        index_get = index.get
        incount = self.incount
        strings = self.strings
        sadd = strings.add
        tinfo_get = self.tinfo.get
        typeinfo = self.typeinfo
        is_tracked = _is_tracked
        get_referents = _get_referents
        garbage = self.garbage_ids
        tables = self.tables
        objtb = tables.object_traceback if tables is not None else None
        keyname = self.keyname
        knames_get = self.knames.get
        idxnames = self.idxnames
        idxname = self.idxname
        closures_get = self.closures.get
        ow = _IntWriter(objf)
        rw = _IntWriter(reff)
        ob = []
        rb = []
        objs_append = objs.append
        incount_append = incount.append
        dict_items = _dict_items
        _id = id
        _type = type
        _len = len

        self._prepass()

        i = -1
        for o in objs:
            i += 1
            tp = _type(o)
            ti = tinfo_get(_id(tp))
            if ti is None:
                ti = typeinfo(tp)
            flags = ti.flags
            oid = _id(o)
            if is_tracked(o):
                flags |= 1
            if garbage and oid in garbage:
                flags |= 64
            try:
                size = ti.sizer(o)
                if _type(size) is not int or size < 0:
                    size = 0
            except Exception:
                size = 0
            d = ti.desc
            if d is not None:
                try:
                    d = d(o, strings, ti)
                except Exception:
                    d = -1
            else:
                d = -1
            ob += (oid, ti.name, size, flags, d,
                   objtb(o) if objtb is not None else -1)
            if _len(ob) >= _CHUNK:
                ow.write(ob)
                ob = []
            h = ti.handler
            if h == H_NOREF:
                continue
            if h == H_DICT:
                for k, v in dict_items(o):
                    xid = _id(k)
                    kn = knames_get(xid)
                    if kn is None:
                        kn = keyname(k)
                    j = index_get(xid)
                    if j is None:
                        j = _len(objs)
                        objs_append(k)
                        index[xid] = j
                        incount_append(1)
                        rb += (i, j, 3, kn)
                    elif j >= 0:
                        incount[j] += 1
                        rb += (i, j, 3, kn)
                    xid = _id(v)
                    j = index_get(xid)
                    if j is None:
                        j = _len(objs)
                        objs_append(v)
                        index[xid] = j
                        incount_append(1)
                        rb += (i, j, 2, kn)
                    elif j >= 0:
                        incount[j] += 1
                        rb += (i, j, 2, kn)
            elif h == H_SEQ or h == H_SET:
                try:
                    refs = get_referents(o)
                except Exception:
                    refs = ()
                if h == H_SET:
                    kind = 4
                    names = None
                else:
                    # positional names; gc visits list/tuple items last to
                    # first (checked at import time and per object)
                    n = _len(refs)
                    cl = closures_get(_id(o)) if tp is tuple else None
                    if cl is not None and _len(cl) == n:
                        kind = 9
                        names = cl
                    else:
                        kind = 4
                        if _len(idxnames) < n:
                            idxname(n - 1)
                        names = idxnames
                    if n and (n != _len(o) or refs[0] is not o[n - 1 if _SEQ_REVERSED[tp] else 0]):
                        names = None  # changed under our feet: no names
                    elif _SEQ_REVERSED[tp]:
                        refs = refs[::-1]
                n = 0
                for x in refs:
                    xid = _id(x)
                    j = index_get(xid)
                    if j is None:
                        j = _len(objs)
                        objs_append(x)
                        index[xid] = j
                        incount_append(1)
                    elif j < 0:
                        n += 1
                        continue
                    else:
                        incount[j] += 1
                    rb += (i, j, kind, names[n] if names is not None else -1)
                    n += 1
                refs = None
            else:
                # generic / labeled path
                try:
                    refs = get_referents(o)
                except Exception:
                    refs = []
                labels = None
                syn = None
                if h == H_LABELED:
                    labels = {}
                    syn = []
                    hold = []
                    try:
                        ti.kind(self, o, tp, ti, labels, syn, hold, refs)
                    except Exception:
                        pass
                for x in refs:
                    kind = 0
                    name = -1
                    if labels:
                        L = labels.get(_id(x))
                        if L:
                            name = L.pop()
                            kind = L.pop()
                    xid = _id(x)
                    j = index_get(xid)
                    if j is None:
                        j = _len(objs)
                        objs_append(x)
                        index[xid] = j
                        incount_append(1)
                    elif j < 0:
                        continue
                    else:
                        incount[j] += 1
                    rb += (i, j, kind, name)
                if syn:
                    for x, kind, name, counted in syn:
                        if kind < 0:
                            # dict-subclass key: only if gc did not report it
                            kind = -kind
                            L = labels.get(_id(x))
                            if not L or kind not in L[0::2]:
                                continue
                            q = L[0::2].index(kind) * 2
                            del L[q:q + 2]
                        j = index_get(_id(x))
                        if j is None:
                            j = _len(objs)
                            objs_append(x)
                            index[_id(x)] = j
                            incount_append(1 if counted else 0)
                        elif j < 0:
                            continue
                        elif counted:
                            incount[j] += 1
                        rb += (i, j, kind, name)
                refs = labels = syn = hold = None
            if _len(rb) >= _CHUNK:
                rw.write(rb)
                rb = []
        ow.write(ob)
        rw.write(rb)
        self.nobjects = ow.count // 6
        o = None

    def _prepass(self):
        """Name closure cells from the functions that own them."""
        sadd = self.strings.add
        closures = self.closures
        cellnames = self.cellnames
        for o in self.objs:
            if type(o) is _FunctionType:
                try:
                    cl = o.__closure__
                    if not cl:
                        continue
                    fv = o.__code__.co_freevars
                    names = array("q", [sadd(n) for n in fv])
                    if len(names) != len(cl):
                        continue
                    closures[id(cl)] = names
                    for c, n in zip(cl, names):
                        cellnames.setdefault(id(c), n)
                except Exception:
                    pass

    # -- roots ---------------------------------------------------------------
    def roots(self, root_frames, root_names, caller_frame_id):
        out = array("q")
        index_get = self.index.get
        sadd = self.strings.add
        is_root = set()
        try:
            mods = list(sys.modules.items())
        except Exception:
            mods = []
        for name, mod in mods:
            j = index_get(id(mod))
            if j is None or j < 0 or type(name) is not str:
                continue
            out.extend((j, R_MODULE, sadd(name), 0))
        mods = name = mod = None
        for f, n in zip(root_frames, root_names):
            j = index_get(id(f))
            if j is not None and j >= 0:
                out.extend((j, R_THREAD, n, 0))
                is_root.add(j)
        f = None
        del root_frames[:]
        if not _PY311 and caller_frame_id:
            # an exporter frame's f_back holds the caller's frame (< 3.11)
            self.own[caller_frame_id] = self.own.get(caller_frame_id, 0) + 1
        try:
            import builtins
            bd = _module_dict_get(builtins)
            j = index_get(id(bd))
            if j is not None and j >= 0:
                out.extend((j, R_BUILTINS, sadd("builtins"), 0))
            bd = None
        except Exception:
            pass
        # native roots: refcount not explained by references in the graph
        self.strings.flush()
        keyids = set(id(k) for k in self.strings.index)
        own = self.own
        base = _excess_scan([object()], array("l", [0]), {}, set(), 0, None, 0)
        _excess_scan(self.objs, self.incount, own, keyids, base, out, R_NATIVE,
                     is_root)
        return out


def _excess_scan(objs, incount, own, keyids, base, out, kind=0, skip=None):
    """Identical code path for calibration (out is None) and the real scan."""
    getrc = sys.getrefcount
    own_get = own.get
    for j in range(len(objs)):
        o = objs[j]
        rc = getrc(o)
        if out is None:
            return rc
        if rc >= _IMMORTAL:
            continue
        k = id(o)
        ex = rc - base - incount[j] - own_get(k, 0)
        if k in keyids:
            ex -= 1
        if ex > 0 and (skip is None or j not in skip):
            out.extend((j, kind, -1, ex))
    return 0


def _gc_extra():
    class _P(object):
        pass
    p = _P()
    try:
        return _getsizeof(p) - object.__sizeof__(p)
    except Exception:
        return 16


_GC_EXTRA = _gc_extra()


def _safe_attr(tp, name):
    """True if object.__getattribute__(obj, name) cannot run Python code."""
    v = _mro_lookup(tp, name)
    if v is _MISSING:
        return True
    tv = type(v)
    if tv is _FunctionType or tv is staticmethod or tv is classmethod:
        return True  # non-data descriptors implemented in C
    for d in _class_dicts(tv):
        if "__get__" in d or "__set__" in d or "__delete__" in d:
            return False
    return True


# ---------------------------------------------------------------- labelers
# Each labeler fills ``labels`` (id -> [kind, name, kind, name, ...]) for the
# referents returned by gc.get_referents, and ``syn`` with references that
# gc.get_referents does not report (weak referents, live frames' locals, dict
# keys of dict subclasses).  ``hold`` keeps temporaries alive while their id
# is used as a key.

def _add(labels, x, kind, name):
    L = labels.get(id(x))
    if L is None:
        labels[id(x)] = [kind, name]
    else:
        L.append(kind)
        L.append(name)


def _lab_function(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    _add(labels, o.__code__, K_INTERNAL, s("__code__"))
    _add(labels, o.__globals__, K_GLOBALS, -1)
    if o.__defaults__ is not None:
        _add(labels, o.__defaults__, K_DEFAULTS, s("__defaults__"))
    if o.__kwdefaults__ is not None:
        _add(labels, o.__kwdefaults__, K_DEFAULTS, s("__kwdefaults__"))
    if o.__closure__ is not None:
        _add(labels, o.__closure__, K_INTERNAL, s("__closure__"))
    for attr in ("__name__", "__qualname__", "__module__", "__doc__"):
        try:
            _add(labels, _obj_getattr(o, attr), K_INTERNAL, s(attr))
        except Exception:
            pass
    b = getattr(o, "__builtins__", None) if sys.version_info >= (3, 10) else None
    if b is not None:
        _add(labels, b, K_INTERNAL, s("__builtins__"))


_TPFLAGS_READY = 1 << 12


def _lab_type(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    if not _type_flags_get(o) & _TPFLAGS_READY:
        # A type never passed to PyType_Ready (3.8's functools._lru_list_elem):
        # its C slots are NULL, and reading __bases__ would crash CPython.
        return
    mp = _type_dict_get(o)
    real = _get_referents(mp)
    if real:
        _add(labels, real[0], K_CLASS_DICT, -1)
    hold.append(real)
    mro = _type_mro_get(o)
    if mro is not None:
        _add(labels, mro, K_MRO, -1)
    _add(labels, _type_bases_get(o), K_BASES, -1)
    b = _type_base_get(o)
    if b is not None:
        _add(labels, b, K_INTERNAL, s("__base__"))
    if _type_flags_get(o) & _TPFLAGS_HEAPTYPE:
        # heap types own their name strings (not reported by gc)
        for attr in ("__name__", "__qualname__"):
            try:
                v = type.__dict__[attr].__get__(o)
            except Exception:
                continue
            if type(v) is str:
                syn.append((v, K_INTERNAL, s(attr), True))
    if ti.slots or ti.dict_get is not None:
        _lab_instance(w, o, tp, ti, labels, syn, hold, refs)


def _lab_module(w, o, tp, ti, labels, syn, hold, refs):
    _add(labels, _module_dict_get(o), K_INST_DICT, -1)
    if ti.slots or ti.dict_get is not None:
        _lab_instance(w, o, tp, ti, labels, syn, hold, refs)


def _lab_cell(w, o, tp, ti, labels, syn, hold, refs):
    n = w.cellnames.get(id(o), -1)
    for x in refs:
        _add(labels, x, K_CELL, n)


# attributes that are stored fields of code objects (not computed or cached
# on first access) in each version
_CODE_ATTRS = ("co_consts", "co_names", "co_filename", "co_name")
if sys.version_info < (3, 11):
    _CODE_ATTRS += ("co_code", "co_varnames", "co_freevars", "co_cellvars")
if sys.version_info < (3, 10):
    _CODE_ATTRS += ("co_lnotab",)
else:
    _CODE_ATTRS += ("co_linetable",)
if _PY311:
    _CODE_ATTRS += ("co_qualname", "co_exceptiontable")


def _lab_code(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    for a in _CODE_ATTRS:
        try:
            v = _obj_getattr(o, a)
        except Exception:
            continue
        syn.append((v, K_INTERNAL, s(a), True))


def _lab_method(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    _add(labels, o.__func__, K_INTERNAL, s("__func__"))
    _add(labels, o.__self__, K_INTERNAL, s("__self__"))


def _lab_builtin_method(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    _add(labels, o.__self__, K_INTERNAL, s("__self__"))
    _add(labels, o.__module__, K_INTERNAL, s("__module__"))


def _lab_weakref(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    try:
        target = _ref_call(o)
    except Exception:
        target = None
    if target is not None:
        hold.append(target)
        syn.append((target, K_WEAK, -1, False))
    try:
        cb = weakref.ref.__dict__["__callback__"].__get__(o)
        if cb is not None:
            _add(labels, cb, K_INTERNAL, s("__callback__"))
    except Exception:
        pass
    if ti.slots or ti.dict_get is not None:
        _lab_instance(w, o, tp, ti, labels, syn, hold, refs)


def _lab_frame(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    live = id(o) in w.live
    items = []
    back = o.f_back
    code = o.f_code
    glob = o.f_globals
    items.append((back, s("f_back")))
    items.append((code, s("f_code")))
    items.append((glob, s("f_globals")))
    try:
        items.append((o.f_builtins, s("f_builtins")))
    except Exception:
        pass
    fl = None
    loc = []
    if live or refs:
        # (a suspended generator's frame reports nothing on 3.11+: its
        # generator does, and reading f_locals would only create a dict)
        try:
            fl = o.f_locals
        except Exception:
            fl = None
        if fl is not None and fl is not glob:
            try:
                if type(fl) is dict:
                    loc = list(_dict_items(fl))
                else:  # PEP 667 FrameLocalsProxy (3.13+): reads the fast locals
                    loc = list(fl.items())
            except Exception:
                loc = []
    hold.append(items)
    hold.append(loc)
    if type(fl) is dict and fl is not glob and not any(fl is r for r in refs):
        # the f_locals dict (created or refreshed by reading f_locals, < 3.13)
        # is not reported by gc: its references are the exporter's doing
        for name, v in loc:
            w._own(v)
    if not refs and live:
        # a frame executing in some thread: gc.get_referents() sees nothing
        # (3.11+); the interpreter frame holds the code, locals and caller.
        for x, n in items[:3]:
            if x is not None:
                syn.append((x, K_INTERNAL, n, True))
        for name, v in loc:
            if type(name) is str:
                syn.append((v, K_LOCAL, s(name), True))
        return
    for x, n in items:
        if x is not None:
            _add(labels, x, K_INTERNAL, n)
    if type(fl) is dict and fl is not glob:
        _add(labels, fl, K_INTERNAL, s("f_locals"))
    for name, v in loc:
        if type(name) is str:
            _add(labels, v, K_LOCAL, s(name))


def _lab_instance(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    # container part of subclasses of builtin containers
    if ti.container:
        _lab_container(w, o, tp, labels, syn, hold)
    _add(labels, tp, K_INTERNAL, s("__class__"))
    for nidx, get in ti.slots:
        try:
            v = get(o)
        except Exception:
            continue
        hold.append(v)
        _add(labels, v, K_ATTR, nidx)
    dget = ti.dict_get
    if dget is None:
        return
    if not ti.inline:
        # the instance dict, if any, is among the referents (never create it)
        for x in refs:
            if type(x) is dict:
                try:
                    d = dget(o)
                except Exception:
                    return
                if d is x or any(d is r for r in refs):
                    _add(labels, d, K_INST_DICT, -1)
                return
        return
    # CPython 3.11+: attribute values may live inline in the object (no dict);
    # gc.get_referents() then returns the values themselves.  Label them with
    # names learned per class, read with object.__getattribute__ only where
    # that cannot run Python code.
    _label_inline(w, o, tp, ti, labels, hold)
    unmatched = [x for x in refs if not labels.get(id(x))]
    if not unmatched:
        return
    if ti.learned >= 32 and not any(type(x) is dict for x in unmatched):
        return
    try:
        d = dget(o)  # may materialize the instance dict (C code, no user code)
    except Exception:
        return
    ti.learned += 1
    hold.append(d)
    if any(d is r for r in refs):
        # a real instance dict (3.11/3.12 once materialized; 3.13 with a
        # `__dict__` slot): undo the inline-attribute labels put on values,
        # but keep those of real slots (they are attributes either way)
        slot_names = {nidx for nidx, _ in ti.slots}
        for x in refs:
            L = labels.get(id(x))
            if L:
                keep = []
                for q in range(0, len(L), 2):
                    if L[q] != K_ATTR or L[q + 1] in slot_names:
                        keep += L[q:q + 2]
                labels[id(x)] = keep
        _add(labels, d, K_INST_DICT, -1)
        return
    w._learn(ti, tp, d)
    _label_inline(w, o, tp, ti, labels, hold, only_unlabeled=True)


def _label_inline(w, o, tp, ti, labels, hold, only_unlabeled=False):
    for name, nidx in ti.attrs:
        try:
            v = _obj_getattr(o, name)
        except Exception:
            continue
        hold.append(v)
        if only_unlabeled:
            L = labels.get(id(v))
            if L:
                continue
        _add(labels, v, K_ATTR, nidx)


def _lab_container(w, o, tp, labels, syn, hold):
    try:
        if issubclass(tp, dict):
            for k, v in list(_dict_items(o)):
                kn = w.keyname(k)
                hold.append(k)
                hold.append(v)
                _add(labels, v, K_DVAL, kn)
                # keys: labelled if reported by gc, else added below
                _add(labels, k, K_DKEY, kn)
                syn.append((k, -K_DKEY, kn, True))
        elif issubclass(tp, (list, tuple)) or (_deque is not None and issubclass(tp, _deque)):
            for n, v in enumerate(list.__iter__(o) if issubclass(tp, list)
                                  else tuple.__iter__(o) if issubclass(tp, tuple)
                                  else _deque.__iter__(o)):
                hold.append(v)
                _add(labels, v, K_INDEX, w.idxname(n))
        elif issubclass(tp, (set, frozenset)):
            for v in (set.__iter__(o) if issubclass(tp, set) else frozenset.__iter__(o)):
                hold.append(v)
                _add(labels, v, K_INDEX, -1)
    except Exception:
        pass


# ---------------------------------------------------------------- describers

def _fit(body, suffix):
    """body + suffix within DESC_MAX characters, cutting body with '...'."""
    if len(body) + len(suffix) <= DESC_MAX:
        return body + suffix
    return body[:max(0, DESC_MAX - len(suffix) - 3)] + "..." + suffix


def _desc_str(o, strings, ti):
    n = _str_len(o)
    if n <= DESC_MAX:
        r = _str_repr(o)
        if len(r) <= DESC_MAX:
            return strings.unique(r)
    s = _str_getitem(o, slice(0, DESC_MAX)) if n > DESC_MAX else o
    return strings.unique(_fit(_str_repr(s), " (%d chars)" % n))


def _desc_bytes(o, strings, ti):
    tp = type(o)
    if tp is bytearray or bytearray in _mro(tp):
        n = bytearray.__len__(o)
        b = bytes(bytearray.__getitem__(o, slice(0, 40)))
        pre = "bytearray "
    else:
        n = _bytes_len(o)
        b = _bytes_getitem(o, slice(0, 40))
        pre = ""
    r = pre + _bytes_repr(b)
    if n <= 40 and len(r) <= DESC_MAX:
        return strings.unique(r)
    return strings.unique(_fit(r, " (%d bytes)" % n))


def _desc_int(o, strings, ti):
    if type(o) is bool or bool in _mro(type(o)):
        return strings.add("True" if int.__bool__(o) else "False")
    bl = _int_bitlen(o)
    if bl > 200:
        return strings.add("<int of %d bits>" % bl)
    return strings.unique(_int_repr(o))


def _desc_float(o, strings, ti):
    return strings.unique(_float_repr(o))


def _desc_complex(o, strings, ti):
    return strings.unique(_cap(complex.__repr__(o)))


def _desc_len(o, strings, ti):
    return strings.add("len=%d" % len(o))


def _desc_len_base(o, strings, ti):
    return strings.add("len=%d" % ti.base_len(o))


def _desc_function(o, strings, ti):
    qn = o.__qualname__
    return strings.add(_cap(qn) if type(qn) is str else "?")


def _desc_method(o, strings, ti):
    f = o.__func__
    if type(f) is _FunctionType:
        return strings.add(_cap("bound " + f.__qualname__))
    return -1


def _desc_type(o, strings, ti):
    return strings.add(_cap(type_name(o)))


def _desc_module(o, strings, ti):
    n = _dict_get(_module_dict_get(o), "__name__")
    return strings.add(_cap(n)) if type(n) is str else -1


def _short_location(fn, line):
    if type(fn) is not str:
        fn = "?"
    return "%s:%s" % (fn, line)


def _desc_frame(o, strings, ti):
    code = o.f_code
    name = code.co_name
    fn = code.co_filename
    r = "%s at %s" % (name, _short_location(fn, o.f_lineno))
    if len(r) > DESC_MAX:
        r = "%s at %s" % (name, _short_location(os.path.basename(fn), o.f_lineno))
    return strings.add(_cap(r))


def _desc_code(o, strings, ti):
    fn = o.co_filename
    r = "%s at %s" % (o.co_name, _short_location(fn, o.co_firstlineno))
    if len(r) > DESC_MAX:
        r = "%s at %s" % (o.co_name, _short_location(os.path.basename(fn), o.co_firstlineno))
    return strings.add(_cap(r))


def _desc_builtin(o, strings, ti):
    qn = o.__qualname__
    return strings.add(_cap(qn)) if type(qn) is str else -1


def _desc_none(o, strings, ti):
    return strings.add("None")


def _desc_weakref(o, strings, ti):
    t = _ref_call(o)
    if t is None:
        return strings.add("dead")
    return strings.add(_cap("to " + type_name(type(t))))


def _desc_cell(o, strings, ti):
    try:
        o.cell_contents
    except ValueError:
        return strings.add("empty")
    return -1


_DESCRIBERS = {
    str: _desc_str, bytes: _desc_bytes, bytearray: _desc_bytes, int: _desc_int,
    bool: _desc_int, float: _desc_float, complex: _desc_complex,
    list: _desc_len, tuple: _desc_len, dict: _desc_len, set: _desc_len,
    frozenset: _desc_len, _FunctionType: _desc_function, _MethodType: _desc_method,
    type: _desc_type, _ModuleType: _desc_module, _FrameType: _desc_frame,
    _CodeType: _desc_code, _BuiltinFunctionType: _desc_builtin,
    _NoneType: _desc_none, weakref.ref: _desc_weakref, _CellType: _desc_cell,
    type(str.join): _desc_builtin, type(dict.__dict__["fromkeys"]): _desc_builtin,
    type(object.__init__): _desc_builtin, type(str.__add__): _desc_builtin,
}
if _deque is not None:
    _DESCRIBERS[_deque] = _desc_len
def _seq_reversed(tp):
    a, b = object(), object()
    r = gc.get_referents(tp([a, b]))
    return r[0] is b


_SEQ_REVERSED = {list: _seq_reversed(list), tuple: _seq_reversed(tuple)}
_CONTAINERS = (dict, list, tuple, set, frozenset) + ((_deque,) if _deque is not None else ())
_SUB_DESCRIBERS = {str: _desc_str, bytes: _desc_bytes, bytearray: _desc_bytes,
                   int: _desc_int, float: _desc_float, type: _desc_type,
                   _ModuleType: _desc_module}
