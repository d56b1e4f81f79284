"""Benchmark: heapscope.dump() against guppy3's census and a bare gc walk.

    python3 python/bench/bench_vs_guppy.py [--objects 1000000] [--dict-entries 2000000]
                                           [--shapes requests,mixed,bigdict] [--tools walk,guppy3,heapscope]
                                           [--repeat 1] [--gzip]

Three heap shapes, each built the same way in a fresh subprocess per tool:

* ``requests``: the heap of ``bench_export.py`` (Request/User instances,
  their dicts, lists, tuples, strings, bytes, ints), ~``--objects`` objects;
* ``mixed``: a realistic-shaped heap of many small dicts, instances (with a
  ``__dict__`` and with ``__slots__``), strings, lists, tuples and sets;
* ``bigdict``: one dict of ``--dict-entries`` str -> int entries (bounded
  memory for huge containers).

Tools, each measured in its own fresh process after the heap is built:

* ``walk``: the bare ``gc.get_referents`` walk from ``gc.get_objects()`` with
  an id -> index dict (the floor any exporter pays in pure Python);
* ``guppy3``: ``guppy.hpy().heap()`` (the census);
* ``heapscope``: ``heapscope.dump()`` to a file.

Time is the process CPU time of that step (less disturbed by other load than
wall time, also printed); extra memory is the RSS high-water mark during
the step minus the RSS before it (Linux: VmHWM reset through
/proc/self/clear_refs; elsewhere getrusage's peak, an upper bound).

guppy3 is a benchmark-only dependency: it is installed with pip into a venv
of its own (``--venv``, default ``target/bench-venv-guppy3`` in the
repository) the first time, and the children run in that venv's Python
(the same interpreter, without the user's site-packages).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

from _child_helpers import HEAP_HELPERS

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)
REPO = os.path.dirname(PKG)

CHILD = r'''
import gc, json, os, sys, time
pkg, shape, tool, target, dict_entries, out = sys.argv[1:7]
target = int(target)
dict_entries = int(dict_entries)
sys.path.insert(0, pkg)
if tool == "heapscope":
    import heapscope
elif tool == "guppy3":
    import guppy

''' + HEAP_HELPERS + r'''
class Point:
    __slots__ = ("x", "y", "label")
    def __init__(self, x, y, label):
        self.x = x
        self.y = y
        self.label = label

class Record:
    def __init__(self, i):
        self.key = "rec:%d" % i
        self.values = [i, i + 0.5, "v%d" % (i % 1000)]
        self.meta = {"kind": "k%d" % (i % 13), "seen": i % 2 == 0}

keep = []
base = len(gc.get_objects())
if shape == "requests":
    n = max(1, (target - base) // 13)
    users = [User(i) for i in range(n // 2 + 1)]
    reqs = {}
    for i in range(n):
        r = Request(i, users[i // 2])
        reqs[r.id] = r
    keep += [users, reqs]
elif shape == "mixed":
    # per unit: Record (+ its dict on 3.8-3.10), its key str, values list,
    # the list's float and str, the meta dict; a Point and its label; a
    # small tuple, a set and a str -- about 12 objects with the leaves
    n = max(1, (target - base) // 12)
    recs = [Record(i) for i in range(n)]
    pts = [Point(i, -i, "p%d" % i) for i in range(n)]
    tups = [("t", i, str(i)) for i in range(n)]
    sets = [{i, -i} for i in range(0, n, 4)]
    keep += [recs, pts, tups, sets]
elif shape == "bigdict":
    big = {"k%d" % i: i for i in range(dict_entries)}
    keep.append(big)
else:
    raise SystemExit("unknown shape " + shape)
gc.collect()
tracked = len(gc.get_objects())

def walk():
    objs = gc.get_objects()
    index = {}
    for i, o in enumerate(objs):
        index[id(o)] = i
    nref = 0
    get = gc.get_referents
    append = objs.append
    for o in objs:
        for x in get(o):
            nref += 1
            if id(x) not in index:
                index[id(x)] = len(objs)
                append(x)
    return len(objs), nref

rss0 = status("VmRSS")
exact = reset_peak()
w0 = time.perf_counter()
c0 = time.process_time()
res = {}
if tool == "walk":
    res["objects"], res["references"] = walk()
elif tool == "guppy3":
    h = guppy.hpy().heap()
    res["objects"] = h.count
    res["size"] = h.size
elif tool == "heapscope":
    last = []
    kw = {}
    import inspect
    if "progress" in inspect.signature(heapscope.dump).parameters:
        kw["progress"] = lambda o, r: last.__setitem__(slice(None), [o, r])
    # plain JSON unless the name says .gz (the size is the table's "file B/obj")
    res["path"] = heapscope.dump(out, gzip=out.endswith(".gz"), **kw)
    if last:
        res["objects"], res["references"] = last
cpu = time.process_time() - c0
wall = time.perf_counter() - w0
peak = status("VmHWM")
if peak is None:
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    exact = False
res.update({"tracked": tracked, "cpu": cpu, "wall": wall, "rss_before": rss0, "peak": peak, "exact": exact})
print(json.dumps(res))
'''


def guppy_python(venv):
    """The venv's python with guppy3, installing it there when missing."""
    py = os.path.join(venv, "bin", "python")
    if os.path.exists(py) and subprocess.run([py, "-c", "import guppy"], stderr=subprocess.DEVNULL).returncode == 0:
        return py
    print("installing guppy3 (benchmark only) into %s ..." % venv, file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([py, "-m", "pip", "install", "-q", "guppy3"], check=True)
    return py


def count_file(path):
    sys.path.insert(0, os.path.join(PKG, "tests"))
    from hsfile import load
    doc = load(path)
    m = doc["meta"]
    return (len(doc["heap"]["objects"]) // len(m["object_fields"]),
            len(doc["heap"]["references"]) // len(m["reference_fields"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--objects", type=int, default=1000000, help="approximate objects of requests/mixed (10^6)")
    ap.add_argument("--dict-entries", type=int, default=2000000, help="entries of the bigdict shape (2*10^6)")
    ap.add_argument("--shapes", default="requests,mixed,bigdict")
    ap.add_argument("--tools", default="walk,guppy3,heapscope")
    ap.add_argument("--repeat", type=int, default=1, help="runs per (shape, tool); the best CPU time is shown")
    ap.add_argument("--gzip", action="store_true", help="heapscope writes .heapscope.json.gz")
    ap.add_argument("--venv", default=os.path.join(REPO, "target", "bench-venv-guppy3"))
    ap.add_argument("--json", help="also write the rows to this JSON file")
    ap.add_argument("--package", default=PKG,
                    help="the directory holding heapscope/ (another checkout's python/, for before/after runs)")
    a = ap.parse_args()
    tools = a.tools.split(",")
    py = guppy_python(a.venv) if "guppy3" in tools else sys.executable
    d = tempfile.mkdtemp(prefix="heapscope-bench-")
    rows = []
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    print("python %s, load average %s" % (sys.version.split()[0], "%.2f %.2f %.2f" % load if load else "?"))
    hdr = "%-9s %-10s %10s %11s %8s %8s %9s %9s %10s %9s" % (
        "shape", "tool", "objects", "references", "cpu s", "wall s", "us/obj", "extra MB", "B/obj", "file B/obj")
    print(hdr)
    print("-" * len(hdr))
    for shape in a.shapes.split(","):
        for tool in tools:
            best = None
            for _ in range(a.repeat):
                path = os.path.join(d, "b.heapscope.json" + (".gz" if a.gzip else ""))
                r = subprocess.run([py, "-c", CHILD, os.path.abspath(a.package), shape, tool, str(a.objects), str(a.dict_entries), path],
                                   check=True, stdout=subprocess.PIPE, universal_newlines=True)
                res = json.loads(r.stdout.strip().splitlines()[-1])
                if tool == "heapscope":
                    path = res["path"]
                    res["file"] = os.path.getsize(path)
                    if "objects" not in res:
                        res["objects"], res["references"] = count_file(path)
                    os.unlink(path)
                if best is None or res["cpu"] < best["cpu"]:
                    best = res
            res = best
            n = res["objects"]
            extra = res["peak"] - res["rss_before"]
            row = {"shape": shape, "tool": tool, "objects": n, "references": res.get("references"),
                   "cpu": res["cpu"], "wall": res["wall"], "extra_bytes": extra, "file_bytes": res.get("file"),
                   "tracked_before": res["tracked"], "peak_exact": res["exact"]}
            rows.append(row)
            print("%-9s %-10s %10d %11s %8.2f %8.2f %9.2f %9.1f %10.1f %9s" % (
                shape, tool, n, "" if row["references"] is None else row["references"], res["cpu"], res["wall"],
                res["cpu"] * 1e6 / n, extra / 1e6, extra / n,
                "" if row["file_bytes"] is None else "%.1f" % (row["file_bytes"] / n)), flush=True)
    os.rmdir(d)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"load": load, "python": sys.version, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
