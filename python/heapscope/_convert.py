"""Conversion of ``tracemalloc.Snapshot.dump()`` pickles to heapscope format.

What is accepted is the core's rule (crates/core/src/load/pickle/), written
down in docs/format.md ("tracemalloc pickles") and pinned by one shared
corpus of files that both readers are tested against
(crates/core/tests/data/tm_accept/cases.json):

* a pickle of protocol 2 to 5, using only the opcodes such a pickle uses
  (checked by parsing it with :mod:`pickletools` before anything is built);
* only the classes ``tracemalloc.Snapshot`` and ``tracemalloc._Traces``
  (mapped to inert stand-ins), so converting an untrusted file runs no code;
* traces that are tuples ``(domain, size, traceback[, total_nframe])`` with
  a traceback of ``(filename, lineno)`` pairs; any other trace is skipped
  with a warning, as the core does.
"""
from __future__ import annotations

import io
import os
import pickle
import pickletools

from ._export import export

# The opcodes the core's pickle machine implements (load/pickle/machine.rs).
_OPCODES = frozenset((
    "PROTO", "FRAME", "STOP", "MARK", "POP", "POP_MARK", "DUP", "NONE", "NEWTRUE", "NEWFALSE",
    "BININT", "BININT1", "BININT2", "LONG1", "LONG4", "INT", "LONG",
    "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8",
    "EMPTY_TUPLE", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "EMPTY_LIST", "LIST", "APPEND", "APPENDS",
    "EMPTY_DICT", "DICT", "SETITEM", "SETITEMS",
    "MEMOIZE", "BINPUT", "LONG_BINPUT", "PUT", "BINGET", "LONG_BINGET", "GET",
    "GLOBAL", "STACK_GLOBAL", "NEWOBJ", "REDUCE", "BUILD",
))
_U32 = (1 << 32) - 1
_MAX_SIZE = 1 << 48


class _Stub(object):
    """Inert stand-in for a tracemalloc class: just stores pickled state."""

    def __init__(self, *args):
        pass

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 2:
            state, slots = state
            if isinstance(slots, dict):
                self.__dict__.update(slots)
        if isinstance(state, dict):
            self.__dict__.update(state)
        elif state is not None:
            self._state = state


class Snapshot(_Stub):
    pass


class _Traces(_Stub):
    pass


_ALLOWED = {
    ("tracemalloc", "Snapshot"): Snapshot,
    ("tracemalloc", "_Traces"): _Traces,
}


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        cls = _ALLOWED.get((module, name))
        if cls is not None:
            return cls
        raise pickle.UnpicklingError(
            "refusing to load %s.%s: only tracemalloc.Snapshot pickles "
            "(from Snapshot.dump()) can be converted" % (module, name))


def _check_opcodes(data):
    """Refuse what the core's pickle machine refuses, before building anything."""
    if len(data) < 2 or data[0] != 0x80:
        raise pickle.UnpicklingError("pickle protocol 0/1 is not supported; dump with protocol >= 2 "
                                     "(tracemalloc.Snapshot.dump() does)")
    if data[1] > 5:
        raise pickle.UnpicklingError("pickle protocol %d is newer than this reader (5)" % data[1])
    try:
        for op, _arg, pos in pickletools.genops(data):
            if op.name not in _OPCODES:
                raise pickle.UnpicklingError("unsupported pickle opcode %s at byte %d: only tracemalloc "
                                             "snapshots are accepted" % (op.name, pos))
    except ValueError as e:  # truncated or malformed
        raise pickle.UnpicklingError("malformed pickle: %s" % e)


def _int(x):
    """An int (bools count) or None."""
    return int(x) if type(x) is int or type(x) is bool else None


def _trace_problem(t, tb_ok):
    """Why trace *t* is skipped (the core's rules), or None when it is kept."""
    if type(t) is not tuple:
        return "the trace is not a tuple"
    if not 3 <= len(t) <= 4:
        return "the trace has %d fields; expected 3 or 4" % len(t)
    domain, size = _int(t[0]), _int(t[1])
    if domain is None:
        return "the domain is not an integer"
    if not 0 <= domain <= _U32:
        return "the domain is out of range"
    if size is None:
        return "the size is not an integer"
    if not 0 <= size <= _MAX_SIZE:
        return "size %d is not believable" % size
    tb = t[2]
    ok = tb_ok.get(id(tb))
    if ok is None:
        ok = _traceback_problem(tb) or ""
        tb_ok[id(tb)] = ok
    return ok or None


def _traceback_problem(tb):
    if type(tb) is not tuple and type(tb) is not list:
        return "the traceback is not a tuple"
    for f in tb:
        if type(f) is not tuple and type(f) is not list:
            return "a frame is not a (filename, lineno) tuple"
        if len(f) != 2:
            return "a frame is not a (filename, lineno) pair"
        if type(f[0]) is not str:
            return "a frame's filename is not a string"
        line = _int(f[1])
        if line is None:
            return "a line number is not an integer"
        if not 0 <= line <= _U32:
            return "a line number is out of range"
    return None


def read_tracemalloc_pickle(path):
    """Read a ``tracemalloc.Snapshot.dump()`` file safely, as the core does.

    Returns ``(traces, traceback_limit, warnings)``: the kept raw trace
    tuples ``(domain, size, frames[, total_nframe])``, and one message per
    skipped trace or assumed value.  Raises :class:`pickle.UnpicklingError`
    or :class:`ValueError` for a file the core refuses too.
    """
    with open(path, "rb") as f:
        data = f.read()
    _check_opcodes(data)
    try:
        obj = _RestrictedUnpickler(io.BytesIO(data)).load()
    except pickle.UnpicklingError:
        raise
    except Exception as e:  # stand-ins only: a malformed pickle, never user code
        raise pickle.UnpicklingError("malformed pickle: %s: %s" % (type(e).__name__, e))
    if type(obj) is not Snapshot:
        raise ValueError("%s: not a tracemalloc.Snapshot pickle" % (path,))
    warnings = []
    limit = obj.__dict__.get("traceback_limit")
    if type(limit) is not int:
        warnings.append("the snapshot has no integer `traceback_limit`; 0 assumed")
        limit = 0
    elif not 0 <= limit <= _U32:
        limit = 0
    if "traces" not in obj.__dict__:
        raise ValueError("%s: tracemalloc.Snapshot without `traces`" % (path,))
    traces = obj.__dict__["traces"]
    if type(traces) is _Traces:
        if "_traces" not in traces.__dict__:
            raise ValueError("%s: `traces` has no `_traces`" % (path,))
        traces = traces.__dict__["_traces"]
    if type(traces) is not list and type(traces) is not tuple:
        raise ValueError("%s: the traces are not a list" % (path,))
    kept = []
    tb_ok = {}
    for i, t in enumerate(traces):
        problem = _trace_problem(t, tb_ok)
        if problem is None:
            total = t[3] if len(t) == 4 and type(t[3]) is int else None
            kept.append((t[0], t[1], t[2], total if total is not None and 0 <= total <= _U32 else -1))
        else:
            warnings.append("%s; trace skipped (traces record %d)" % (problem, i))
    return kept, limit, warnings


def load_tracemalloc_pickle(path):
    """Load a ``tracemalloc.Snapshot.dump()`` file safely.

    Returns ``(traces, traceback_limit)`` where *traces* is the list of raw
    trace tuples ``(domain, size, frames, total_nframe)`` that the core
    keeps too (see :func:`read_tracemalloc_pickle` for the warnings).
    """
    traces, limit, _warnings = read_tracemalloc_pickle(path)
    return traces, limit


class _RawSnapshot(object):
    def __init__(self, traces, limit):
        self.traces = traces
        self.traceback_limit = limit


def convert(pickle_path, out_path, gzip=None, warn=None):
    """Convert a ``tracemalloc.Snapshot.dump()`` pickle to a heapscope file.

    *warn*, if given, is called with each warning (a skipped trace...); their
    number is also recorded as ``process.conversion_warnings``."""
    raw, limit, warnings = read_tracemalloc_pickle(pickle_path)
    if warn is not None:
        for w in warnings:
            warn(w)
    snap = _RawSnapshot(raw, limit)
    return export(out_path, heap=False, tracemalloc_snapshot=snap,
                  include_tracemalloc=True, compress=gzip,
                  process_extra={"source": "tracemalloc.Snapshot.dump",
                                 "source_file": os.path.abspath(os.fspath(pickle_path)),
                                 "conversion_warnings": len(warnings)})
