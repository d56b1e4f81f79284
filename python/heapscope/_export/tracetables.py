"""The tracemalloc section: frames, tracebacks and traces as compact tables."""
from __future__ import annotations

from array import array

from .errors import note as _note
from .writers import _ints_text, _write_array


try:  # C accelerator of tracemalloc (always present on CPython)
    import _tracemalloc
except ImportError:  # pragma: no cover - other implementations
    _tracemalloc = None


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
        except Exception as e:
            _note("tracetables.object_traceback", e)
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


def _snapshot_raw(snapshot):
    """(raw trace tuples, traceback_limit) of a tracemalloc.Snapshot-like object."""
    traces = snapshot.traces
    raw = getattr(traces, "_traces", traces)
    return raw, getattr(snapshot, "traceback_limit", 1)
