"""One dump from start to finish: the lock against nested dumps, the
tracemalloc snapshot taken before the walk, the thread stacks, the heap walk
and the assembly of the output file (renamed into place when complete)."""
from __future__ import annotations

import errno
import gc
import gzip as _gzip
import io
import json
import os
import shutil
import sys
import threading
from array import array

from . import errors
from .errors import note as _note
from .format_v1 import FORMAT_VERSION, _meta_json
from .process import process_info
from .safe import _exact_list, _is_own_code
from .tracetables import _snapshot_raw, _TraceTables, _tracemalloc
from .typeinfo import learned_ids
from .walker import _Walker
from .writers import _FMT_CACHE, _open_output, _Strings, _tempfile, _write_array


def _thread_names():
    """{ident: name} of threading's threads, with no user code: the name is
    read from the instance's own dict (a Thread subclass may make `_name` a
    property), only when it is an exact str."""
    names = {}
    try:
        active = threading._active  # no lock: safe inside a signal handler
        active = dict.copy(active) if type(active) is dict else {}
    except Exception as e:
        _note("dump.threads", e)
        active = {}
    for ident, t in dict.items(active):
        try:
            d = _THREAD_DICT_GET(t)
        except Exception as e:
            _note("dump.thread_dict", e)
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


def _is_file_object(x):
    return not isinstance(x, (str, bytes, os.PathLike)) and hasattr(x, "write")


# A file name not ending with .gz gets gzip (and ".gz" added to its name)
# when the plain JSON would be larger than this, unless compress= says
# otherwise (docs/format.md, "Compression").  The walk writes every record
# to temp files before the document is assembled, so the size is known
# exactly, not guessed, before the first byte of the output is written.
GZIP_OVER_BYTES = 100 * 1000 * 1000
# HEAPSCOPE_PROGRESS=1 makes dumps that were given no progress callback log
# their progress on stderr (run, watch, the signal handler).
PROGRESS_ENV = "HEAPSCOPE_PROGRESS"


def _stderr_progress(objects, references):
    try:
        sys.stderr.write("heapscope: %d objects, %d references walked\n" % (objects, references))
        sys.stderr.flush()
    except Exception:
        pass


def export(path, heap=True, tracemalloc_snapshot=None, include_tracemalloc=None,
           compress=None, exclude_stack=False, process_extra=None, progress=None,
           gzip_over=None):
    """Write a snapshot of the current process to *path* (see heapscope.dump):
    a file name, or a binary file object open for writing.  Returns the path
    written (*path*, or *path* + ".gz" when the size made it gzip), or the
    file object.

    *progress*, if given, is called as ``progress(objects_done,
    references_done)`` every ``walker.PROGRESS_EVERY`` objects of the walk
    and once at its end with the totals.  *gzip_over* overrides
    ``GZIP_OVER_BYTES``."""
    if progress is None and os.environ.get(PROGRESS_ENV, "") not in ("", "0"):
        progress = _stderr_progress
    if progress is not None and not callable(progress):
        raise TypeError("progress must be a callable (objects_done, references_done), not %r" % (progress,))
    if _is_file_object(path):
        if isinstance(path, io.TextIOBase):
            raise TypeError("heapscope.dump() writes bytes: give it a binary file object (opened "
                            "with 'wb', or io.BytesIO), not a text one (%s)" % type(path).__name__)
        target, path, outdir = path, None, None
        compress = bool(compress)       # a caller's stream is compressed only when asked
        what = "the file object"
    else:
        path = os.fspath(path)
        target = None
        if compress is None and path.endswith(".gz"):
            compress = True
        outdir = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(outdir):
            raise FileNotFoundError(errno.ENOENT, "no such directory for the snapshot %s" % path, outdir)
        what = path
    if not _DUMP_LOCK.acquire(False):
        raise DumpInProgress("a heapscope dump is already running; %s not written" % what)
    try:
        errors.COUNTS.clear()
        gc_enabled = gc.isenabled()
        gc.disable()
        try:
            return _export(path, target, outdir, heap, tracemalloc_snapshot, include_tracemalloc,
                           compress, exclude_stack, process_extra, gc_enabled, progress,
                           GZIP_OVER_BYTES if gzip_over is None else gzip_over)
        finally:
            # The format strings are the exporter's bookkeeping: they must not
            # stay behind in the user's heap (or in the next tracemalloc snapshot).
            _FMT_CACHE.clear()
            errors.COUNTS.clear()
            if gc_enabled:
                gc.enable()
    finally:
        _DUMP_LOCK.release()


def _export(path, target, outdir, heap, tm_snapshot, include_tm, compress, exclude_stack,
            process_extra, gc_enabled, progress, gzip_over):
    strings = _Strings()
    tables = None

    # 1. tracemalloc: take the snapshot before walking the heap so that the
    #    walk's own allocations are not in it; convert it to compact tables
    #    and drop the raw tuples before gc.get_objects().  The traces come
    #    from _tracemalloc itself (what tracemalloc.take_snapshot() reads):
    #    a dump imports nothing, so no import hook or __import__ wrapper runs.
    tracing = _tracemalloc is not None and _tracemalloc.is_tracing()
    if include_tm is None:
        include_tm = tracing or tm_snapshot is not None
    if include_tm and (tm_snapshot is not None or tracing):
        if tm_snapshot is None:
            raw = _tracemalloc._get_traces()
            limit = _tracemalloc.get_traceback_limit()
        else:
            raw, limit = _snapshot_raw(tm_snapshot)
        tm_snapshot = None
        tables = _TraceTables(strings, limit)
        tables.add_traces(raw)
        raw = None
    process_json = json.dumps(process_info(gc_enabled, process_extra),
                              separators=(",", ":"), default=str)

    if target is not None:
        heap_parts = _walk_heap(strings, tables if tracing else None, exclude_stack, None,
                                progress=progress) if heap else None
        out = _wrap_output(target, compress)
        try:
            _write_document(out, process_json, heap_parts, tables, strings, None)
        finally:
            if compress:
                out.close()           # the GzipFile's trailer; target stays open
            else:
                out.flush()
                out.detach()
        return target

    tmp_path = path + ".tmp%d" % os.getpid()
    try:
        if heap:
            heap_parts = _walk_heap(strings, tables if tracing else None,
                                    exclude_stack, outdir, process_extra, progress)
        else:
            heap_parts = None
        if compress is None:
            compress = _plain_size(heap_parts, tables, strings, process_json) > gzip_over
            if compress:
                path = path + ".gz"
                tmp_path = path + ".tmp%d" % os.getpid()
        with _open_output(tmp_path, compress) as out:
            _write_document(out, process_json, heap_parts, tables, strings, outdir)
        os.replace(tmp_path, path)
    finally:
        if os.path.exists(tmp_path):
            try:
                os.unlink(tmp_path)
            except OSError:
                pass
    return path


def _plain_size(heap_parts, tables, strings, process_json):
    """The size of the plain JSON document, known before it is written: the
    temp files hold every record; the tracemalloc tables are estimated at
    their widest (20 characters per integer)."""
    n = len(process_json) + 2048
    if heap_parts is not None:
        objf, reff, roots = heap_parts[0], heap_parts[1], heap_parts[2]
        objf.seek(0, 2)
        reff.seek(0, 2)
        n += objf.tell() + reff.tell() + 21 * len(roots)
    if tables is not None:
        n += 21 * (len(tables.frames) + len(tables.tb_data) + len(tables.traces) + 2 * len(tables.tb_total))
    if strings.out is not None:
        strings.out.seek(0, 2)
        n += strings.out.tell()
    n += sum(len(x) + 3 for x in strings.buf)
    return n


def _wrap_output(target, compress):
    """A text stream over the caller's binary file object (left open)."""
    if compress:
        return io.TextIOWrapper(_gzip.GzipFile(fileobj=target, mode="wb", compresslevel=6),
                                encoding="utf-8")
    return io.TextIOWrapper(target, encoding="utf-8")


def _write_document(out, process_json, heap_parts, tables, strings, outdir):
    out.write('{"format":"heapscope","version":%d,"meta":' % FORMAT_VERSION)
    out.write(_meta_json(errors.records(), heap_parts is not None and heap_parts[4]))
    out.write(',"process":')
    out.write(process_json)
    if heap_parts is not None:
        objf, reff, roots, changed = heap_parts[:4]
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
        out.write("]")
        if changed:
            out.write(',"changed_during_dump":true')
        out.write("}")
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


def _walk_heap(strings, tables, exclude_stack, outdir, process_extra=None, progress=None):
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
    excl.add(id(root_names))    # arrays are gc objects on 3.11+
    excl.add(id(live))
    excl.add(id(garbage_ids))
    excl.add(id(strings))
    excl.add(id(errors.COUNTS))
    excl.add(id(strings.buf))
    excl.add(id(strings.index))
    if tables is not None:
        excl.add(id(tables))
    # what the caller asked to add to `process` (a series' sequence number),
    # made for this dump, and the exporter's memory of classes
    if process_extra is not None:
        excl.add(id(process_extra))
        for v in dict.values(process_extra) if type(process_extra) is dict else ():
            if type(v) in (dict, list):
                excl.add(id(v))
    excl.update(learned_ids())
    excl.add(id(_FMT_CACHE))    # the writers' format strings, filled during the walk
    everything = gc.get_objects()
    objs = [o for o in everything if id(o) not in excl]
    everything = None

    objf = _tempfile(outdir)
    reff = _tempfile(outdir)
    strings.out = _tempfile(outdir)
    try:
        w = _Walker(objs, excl, strings, tables, live, garbage_ids, root_frames)
        w.run(objf, reff, progress)
        roots = w.roots(root_frames, root_names, caller_frame_id)
        w.save_learned()
    except BaseException:
        objf.close()
        reff.close()
        raise
    return objf, reff, roots, w.changed, w.object_tracebacks
