"""Conversion of ``tracemalloc.Snapshot.dump()`` pickles to heapscope format.

The pickle is read with a restricted unpickler that only resolves the
tracemalloc classes a snapshot pickle contains (mapped to inert stand-ins)
plus ``copyreg._reconstructor``/``builtins.object`` for old protocols;
anything else is rejected, so converting an untrusted file cannot run code.
"""
from __future__ import annotations

import os
import pickle

from ._export import export


class _Stub(object):
    """Inert stand-in for a tracemalloc class: just stores pickled state."""

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


class Traceback(_Stub):
    pass


class Frame(_Stub):
    pass


class Trace(_Stub):
    pass


class Statistic(_Stub):
    pass


_ALLOWED = {
    ("tracemalloc", "Snapshot"): Snapshot,
    ("tracemalloc", "_Traces"): _Traces,
    ("tracemalloc", "Traceback"): Traceback,
    ("tracemalloc", "Frame"): Frame,
    ("tracemalloc", "Trace"): Trace,
}


def _reconstructor(cls, base, state):
    if cls not in _ALLOWED.values() or base is not object or state is not None:
        raise pickle.UnpicklingError("unexpected copyreg._reconstructor call in pickle")
    return object.__new__(cls)


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        cls = _ALLOWED.get((module, name))
        if cls is not None:
            return cls
        if (module, name) == ("copyreg", "_reconstructor"):
            return _reconstructor
        if (module, name) in (("builtins", "object"), ("__builtin__", "object")):
            return object
        raise pickle.UnpicklingError(
            "refusing to load %s.%s: only tracemalloc.Snapshot pickles "
            "(from Snapshot.dump()) can be converted" % (module, name))


def load_tracemalloc_pickle(path):
    """Load a ``tracemalloc.Snapshot.dump()`` file safely.

    Returns ``(traces, traceback_limit)`` where *traces* is the list of raw
    trace tuples ``(domain, size, frames[, total_nframe])``.
    """
    with open(path, "rb") as f:
        obj = _RestrictedUnpickler(f).load()
    if not isinstance(obj, Snapshot):
        raise ValueError("%s: not a tracemalloc.Snapshot pickle" % (path,))
    traces = getattr(obj, "traces", None)
    raw = getattr(traces, "_traces", None)
    if raw is None or not isinstance(raw, (list, tuple)):
        raise ValueError("%s: tracemalloc.Snapshot without traces" % (path,))
    for t in raw[:1]:
        if not (isinstance(t, tuple) and len(t) in (3, 4) and isinstance(t[2], tuple)):
            raise ValueError("%s: unexpected trace layout %r" % (path, type(t)))
    limit = getattr(obj, "traceback_limit", 1)
    if not isinstance(limit, int):
        limit = 1
    return raw, limit


class _RawSnapshot(object):
    def __init__(self, traces, limit):
        self.traces = traces
        self.traceback_limit = limit


def convert(pickle_path, out_path, gzip=None):
    """Convert a ``tracemalloc.Snapshot.dump()`` pickle to a heapscope file."""
    raw, limit = load_tracemalloc_pickle(pickle_path)
    snap = _RawSnapshot(raw, limit)
    return export(out_path, heap=False, tracemalloc_snapshot=snap,
                  include_tracemalloc=True, compress=gzip,
                  process_extra={"source": "tracemalloc.Snapshot.dump",
                                 "source_file": os.path.abspath(os.fspath(pickle_path))})
