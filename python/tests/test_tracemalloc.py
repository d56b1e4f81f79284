"""tracemalloc section: statistics() and compare_to() recomputed in pure
Python from the exported JSON must equal Python's own, for snapshots exported
directly and for Snapshot.dump() pickles converted with the CLI."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tracemalloc

import pytest

from conftest import Heap, child_env, last_json_line, load, run_python

PROGRAM = """
    import json, sys, tracemalloc
    tracemalloc.start(int(sys.argv[2]))
    import heapscope

    class Item:
        def __init__(self, n):
            self.n = n
            self.blob = "x" * (100 + n)

    def level3(n):
        return [Item(i) for i in range(n)]

    def level2(n):
        return level3(n) + [bytearray(64) for _ in range(n)]

    def recurse(k, n):
        if k == 0:
            return level2(n)
        return recurse(k - 1, n)

    keep = [recurse(3, 200), level2(50)]
    before = tracemalloc.take_snapshot()
    keep.append(recurse(5, 400))
    keep.append({"k%d" % i: list(range(i % 17)) for i in range(300)})
    del keep[0]
    after = tracemalloc.take_snapshot()
    out = sys.argv[1]
    before.dump(out + "/before.pickle")
    after.dump(out + "/after.pickle")
    heapscope.dump(out + "/before.heapscope.json", tracemalloc_snapshot=before, heap=False)
    heapscope.dump(out + "/after.heapscope.json", tracemalloc_snapshot=after, heap=False)
    # The live dump walks the heap while tracing, and every traced allocation
    # costs time per frame: two frames show the walk's callers too.
    live = min(int(sys.argv[2]), 2)
    if live != tracemalloc.get_traceback_limit():
        tracemalloc.stop()
        tracemalloc.start(live)
    def make_marker():
        return b"m" * 5000
    marker = make_marker()
    heapscope.dump(out + "/live.heapscope.json.gz")     # snapshot taken by the exporter
    print(json.dumps({"marker": id(marker), "line": make_marker.__code__.co_firstlineno + 1, "live": live}))
"""

# --------------------------------------------------------------------------
# pure-Python recomputation (no tracemalloc classes)


def read_traces(doc):
    t = doc["tracemalloc"]
    m = doc["meta"]
    s = doc["strings"]
    FF = len(m["frame_fields"])
    fi = {k: i for i, k in enumerate(m["frame_fields"])}
    fr = t["frames"]
    frames = [(s[fr[i * FF + fi["filename"]]], fr[i * FF + fi["lineno"]])
              for i in range(len(fr) // FF)]
    tbs = [tuple(frames[k] for k in tb) for tb in t["tracebacks"]]   # most recent first
    T = len(m["trace_fields"])
    ti = {k: i for i, k in enumerate(m["trace_fields"])}
    tr = t["traces"]
    return [(tr[i * T + ti["domain"]], tr[i * T + ti["size"]], tbs[tr[i * T + ti["traceback"]]])
            for i in range(len(tr) // T)]


def group(traces, key_type, cumulative):
    """key (frames, oldest first like Traceback._frames) -> [size, count]"""
    stats = {}
    for _domain, size, tb in traces:
        if cumulative:
            keys = [((f if key_type == "lineno" else (f[0], 0)),) for f in tb]
        elif key_type == "traceback":
            keys = [tuple(reversed(tb))]
        elif key_type == "lineno":
            keys = [tb[:1]]
        else:
            keys = [((tb[0][0], 0),)]
        for k in keys:
            st = stats.get(k)
            if st is None:
                stats[k] = [size, 1]
            else:
                st[0] += size
                st[1] += 1
    return stats


def fmt_size(size, sign):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 100 and unit != "B":
            return ("%+.1f %s" if sign else "%.1f %s") % (size, unit)
        if abs(size) < 10 * 1024 or unit == "TiB":
            return ("%+.0f %s" if sign else "%.0f %s") % (size, unit)
        size /= 1024


def statistics(traces, key_type, cumulative=False):
    st = group(traces, key_type, cumulative)
    out = [(k, v[0], v[1]) for k, v in st.items()]
    out.sort(reverse=True, key=lambda x: (x[1], x[2], x[0]))
    return out


def stat_str(k, size, count):
    text = "%s:%s: size=%s, count=%i" % (k[0][0], k[0][1], fmt_size(size, False), count)
    if count:
        text += ", average=%s" % fmt_size(size / count, False)
    return text


def compare_to(new, old, key_type, cumulative=False):
    ng, og = group(new, key_type, cumulative), group(old, key_type, cumulative)
    out = []
    for k, (size, count) in ng.items():
        prev = og.pop(k, None)
        if prev is not None:
            out.append((k, size, size - prev[0], count, count - prev[1]))
        else:
            out.append((k, size, size, count, count))
    for k, (size, count) in og.items():
        out.append((k, 0, -size, 0, -count))
    out.sort(reverse=True, key=lambda x: (abs(x[2]), x[1], abs(x[4]), x[3], x[0]))
    return out


def diff_str(k, size, size_diff, count, count_diff):
    text = "%s:%s: size=%s (%s), count=%i (%+i)" % (
        k[0][0], k[0][1], fmt_size(size, False), fmt_size(size_diff, True), count, count_diff)
    if count:
        text += ", average=%s" % fmt_size(size / count, False)
    return text


# --------------------------------------------------------------------------

CASES = [("lineno", False), ("lineno", True), ("filename", False), ("filename", True),
         ("traceback", False)]


def py_stats(snap, key_type, cumulative):
    return [(tuple(st.traceback._frames), st.size, st.count)
            for st in snap.statistics(key_type, cumulative)]


def check_equal(doc_before, doc_after, snap_before, snap_after):
    tb, ta = read_traces(doc_before), read_traces(doc_after)
    assert len(ta) == len(snap_after.traces)
    for key_type, cumulative in CASES:
        for traces, snap in ((tb, snap_before), (ta, snap_after)):
            mine = statistics(traces, key_type, cumulative)
            assert mine == py_stats(snap, key_type, cumulative), (key_type, cumulative)
            assert [stat_str(*x) for x in mine] == [str(s) for s in snap.statistics(key_type, cumulative)]
        mine = compare_to(ta, tb, key_type, cumulative)
        theirs = snap_after.compare_to(snap_before, key_type, cumulative)
        assert mine == [(tuple(d.traceback._frames), d.size, d.size_diff, d.count, d.count_diff)
                        for d in theirs], (key_type, cumulative)
        assert [diff_str(*x) for x in mine] == [str(d) for d in theirs]
    assert len(statistics(ta, "traceback")) > 10


@pytest.fixture(scope="module", params=[1, 6])
def exported(request, tmp_path_factory):
    d = tmp_path_factory.mktemp("tm%d" % request.param)
    proc = run_python(d, PROGRAM, args=[str(d), str(request.param)])
    return d, request.param, last_json_line(proc.stdout)


def test_statistics_and_compare_to_match_python(exported, validate):
    d, nframe, _ = exported
    before = validate(load(str(d / "before.heapscope.json")))
    after = validate(load(str(d / "after.heapscope.json")))
    assert after["tracemalloc"]["traceback_limit"] == nframe
    snap_b = tracemalloc.Snapshot.load(str(d / "before.pickle"))
    snap_a = tracemalloc.Snapshot.load(str(d / "after.pickle"))
    check_equal(before, after, snap_b, snap_a)
    if sys.version_info >= (3, 9):
        totals = after["tracemalloc"]["traceback_total_nframe"]
        assert len(after["tracemalloc"]["tracebacks"]) == len(totals)
        assert max(totals) >= nframe
        py_totals = sorted(set(t.traceback.total_nframe for t in snap_a.traces))
        assert sorted(set(totals)) == py_totals


def test_convert_pickles_gives_same_numbers(exported, validate):
    d, nframe, _ = exported
    for name in ("before", "after"):
        r = subprocess.run([sys.executable, "-m", "heapscope", "convert", str(d / (name + ".pickle")),
                            str(d / (name + ".converted.heapscope.json"))], env=child_env(),
                           stderr=subprocess.PIPE, universal_newlines=True)
        assert r.returncode == 0, r.stderr
    before = validate(load(str(d / "before.converted.heapscope.json")))
    after = validate(load(str(d / "after.converted.heapscope.json")))
    assert "heap" not in after and after["process"]["source"] == "tracemalloc.Snapshot.dump"
    snap_b = tracemalloc.Snapshot.load(str(d / "before.pickle"))
    snap_a = tracemalloc.Snapshot.load(str(d / "after.pickle"))
    check_equal(before, after, snap_b, snap_a)
    # converted == exported in-process
    assert read_traces(after) == read_traces(load(str(d / "after.heapscope.json")))


def test_live_snapshot_has_object_tracebacks(exported, validate):
    d, nframe, info = exported
    doc = validate(load(str(d / "live.heapscope.json.gz")))
    assert doc["process"]["tracemalloc"] == {"tracing": True, "traceback_limit": info["live"]}
    assert info["live"] == min(nframe, 2)
    h = Heap(doc)
    i = h.by_address(info["marker"])
    assert h.type(i) == "builtins.bytes"
    tb = h.tb[i]
    assert tb >= 0
    frames = doc["tracemalloc"]["tracebacks"][tb]
    fr = doc["tracemalloc"]["frames"]
    fname, line = doc["strings"][fr[2 * frames[0]]], fr[2 * frames[0] + 1]
    assert fname.endswith("prog.py") and line == info["line"]
    # the snapshot is taken before the walk: none of the walk's allocations
    # (its index dict, object list, temp files...) is in it
    tm = read_traces(doc)
    walk_lines = _walk_code_lines()
    walk = [t for t in tm if any((os.path.realpath(f), line) in walk_lines for f, line in t[2])]
    assert walk_lines and tm and not walk
    exporter_dir = os.path.join("heapscope", "_export", "")
    assert sum(size for _, size, t in tm if exporter_dir in t[0][0]) < 200000


def _walk_code_lines():
    """{(file, line)} of the code that runs during the heap walk: the
    walker's methods, the per-type methods and dump's _walk_heap."""
    import dis
    from heapscope._export import dump, typeinfo, walker
    codes = [dump._walk_heap.__code__]
    for cls in (walker._Walker, typeinfo._TypeInfos):
        codes += [f.__code__ for f in vars(cls).values() if callable(f) and hasattr(f, "__code__")]
    out = set()
    while codes:
        c = codes.pop()
        out.update((os.path.realpath(c.co_filename), line) for _, line in dis.findlinestarts(c)
                   if line and line > c.co_firstlineno)
        codes += [k for k in c.co_consts if hasattr(k, "co_filename")]
    return out


def test_convert_rejects_other_pickles(tmp_path):
    import os
    bad = tmp_path / "evil.pickle"

    class Evil(object):
        def __reduce__(self):
            return (os.system, ("echo pwned > %s" % (tmp_path / "pwned"),))
    bad.write_bytes(pickle.dumps(Evil()))
    r = subprocess.run([sys.executable, "-m", "heapscope", "convert", str(bad), str(tmp_path / "o.json")],
                       env=child_env(), stderr=subprocess.PIPE, universal_newlines=True)
    assert r.returncode == 1
    assert "refusing to load" in r.stderr and "system" in r.stderr
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "o.json").exists()
    notsnap = tmp_path / "list.pickle"
    notsnap.write_bytes(pickle.dumps([1, 2, 3]))
    r = subprocess.run([sys.executable, "-m", "heapscope", "convert", str(notsnap), str(tmp_path / "o.json")],
                       env=child_env(), stderr=subprocess.PIPE, universal_newlines=True)
    assert r.returncode == 1 and "not a tracemalloc.Snapshot" in r.stderr


ACCEPT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      "crates", "core", "tests", "data", "tm_accept")


def test_acceptance_corpus(tmp_path, validate):
    """The converter accepts exactly the pickles the core accepts and keeps
    the same traces: the shared corpus (cases.json) that
    crates/core/tests/tracemalloc_acceptance.rs checks too."""
    import json
    from heapscope._convert import convert
    with open(os.path.join(ACCEPT, "cases.json")) as f:
        cases = json.load(f)
    assert len(cases) >= 10
    for name, case in sorted(cases.items()):
        src = os.path.join(ACCEPT, name)
        out = str(tmp_path / (name + ".heapscope.json"))
        warnings = []
        if case["accepted"]:
            convert(src, out, warn=warnings.append)
            doc = validate(load(out))
            assert len(read_traces(doc)) == case["traces"], (name, case["why"], warnings)
            assert doc["process"]["conversion_warnings"] == len(warnings)
        else:
            with pytest.raises((pickle.UnpicklingError, ValueError)):
                convert(src, out, warn=warnings.append)
            assert not os.path.exists(out), name
    bad = [w for w in _warnings_of(os.path.join(ACCEPT, "bad_traces.pickle"))]
    assert len(bad) == 7 and all(w.endswith(")") and "trace skipped" in w for w in bad), bad


def _warnings_of(path):
    from heapscope._convert import read_tracemalloc_pickle
    return read_tracemalloc_pickle(path)[2]
