"""Streaming writers: the shared string table, flat integer arrays and the
output file (plain or gzip), all written in chunks through temp files."""
from __future__ import annotations

import gzip as _gzip
import json
import tempfile
from operator import sub as _sub

from .format_v1 import _CHUNK


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

    def extend(self, items):
        """unique() of each of the list *items*: their indices (a range)."""
        i = self.n
        self.n = i + len(items)
        self.buf += items
        if len(self.buf) >= 8192 and self.out is not None:
            self.flush()
        return range(i, self.n)

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
    """Streams a flat JSON integer array in chunks to a temp text file.
    With *delta_width*, the first field of each record of that many is
    written as the difference to the previous record's (a ``_delta``
    field, docs/format.md); *ints* must then be a list (it is changed)."""

    __slots__ = ("out", "first", "count", "width", "prev")

    def __init__(self, out, delta_width=0):
        self.out = out
        self.first = True
        self.count = 0
        self.width = delta_width
        self.prev = 0

    def write(self, ints):
        if not ints:
            return
        w = self.width
        if w:
            col = ints[0::w]
            prev = [self.prev]
            prev += col
            del prev[-1]
            self.prev = col[-1]
            ints[0::w] = list(map(_sub, col, prev))
        text = _ints_text(ints)
        if not self.first:
            self.out.write(",")
        self.first = False
        self.out.write(text)
        self.count += len(ints)


def _tempfile(directory):
    return tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace",
                                  dir=directory, prefix=".heapscope-")


_FMT_CACHE = {}


def _ints_text(ints):
    """'1,2,3' for a sequence of ints.  %-formatting writes the digits
    straight into one string: no temporary str per integer, which matters a
    lot when tracemalloc traces every allocation.  The format is a prefix
    of one cached "%d,%d,..." string as long as the longest asked for."""
    n = len(ints)
    if n < 1024:
        return ",".join(["%d"] * n) % tuple(ints)
    fmt = _FMT_CACHE.get(0)
    if fmt is None or len(fmt) < 3 * n - 1:
        fmt = _FMT_CACHE[0] = ",".join(["%d"] * n)
    elif len(fmt) > 3 * n - 1:
        fmt = fmt[:3 * n - 1]
    return fmt % tuple(ints)


def _write_array(out, arr):
    n = len(arr)
    for s in range(0, n, _CHUNK):
        if s:
            out.write(",")
        out.write(_ints_text(arr[s:s + _CHUNK]))


def _open_output(path, compress):
    if compress:
        return _gzip.open(path, "wt", encoding="utf-8", compresslevel=6)
    return open(path, "w", encoding="utf-8", buffering=1 << 20)
