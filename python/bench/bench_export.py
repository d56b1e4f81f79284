"""Benchmark: export time and peak extra memory for a heap of ~N objects.

    python3 python/bench/bench_export.py [--objects 1000000] [--out DIR] [--gzip | --plain]

Builds the heap in a fresh subprocess (tracemalloc off), then times
heapscope.dump() and measures the peak RSS increase during the dump
(Linux: VmHWM after resetting it through /proc/self/clear_refs; elsewhere
the getrusage() peak, which is only an upper bound).
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

CHILD = r'''
import gc, json, os, sys, time
sys.path.insert(0, sys.argv[1])
import heapscope

''' + HEAP_HELPERS + r'''
target = int(sys.argv[2])
base = len(gc.get_objects())
# about 13 objects per Request/User pair, plus strings/ints they point to
per = 13
n = max(1, (target - base) // per)
users = [User(i) for i in range(n // 2 + 1)]
reqs = {}
for i in range(n):
    r = Request(i, users[i // 2])
    reqs[r.id] = r
gc.collect()
nobj = len(gc.get_objects())
rss0 = status("VmRSS")
exact = reset_peak()
t0 = time.perf_counter()
c0 = time.process_time()
written = heapscope.dump(sys.argv[3], gzip=False if sys.argv[4] == "plain" else None)
dt = time.perf_counter() - t0
cpu = time.process_time() - c0
peak = status("VmHWM")
if peak is None:
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    exact = False
print(json.dumps({"path": written, "tracked_objects": nobj, "seconds": dt, "cpu_seconds": cpu, "rss_before": rss0,
                  "peak_rss": peak, "peak_exact": exact}))
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--objects", type=int, default=1000000,
                    help="approximate number of gc-tracked objects (default 10^6)")
    ap.add_argument("--out", default=None, help="directory for the snapshot (default: a temp dir)")
    ap.add_argument("--gzip", action="store_true", help="write .heapscope.json.gz")
    ap.add_argument("--plain", action="store_true",
                    help="write plain JSON at any size (by default over 100 MB is gzip)")
    ap.add_argument("--keep", action="store_true", help="keep the snapshot file")
    a = ap.parse_args()
    d = a.out or tempfile.mkdtemp(prefix="heapscope-bench-")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "bench.heapscope.json" + (".gz" if a.gzip else ""))
    r = subprocess.run([sys.executable, "-c", CHILD, PKG, str(a.objects), path,
                        "plain" if a.plain else "auto"],
                       check=True, stdout=subprocess.PIPE, universal_newlines=True)
    res = json.loads(r.stdout.strip().splitlines()[-1])
    # Over 100 MB of plain JSON the exporter writes gzip, to path + ".gz".
    path = res["path"]
    size = os.path.getsize(path)
    sys.path.insert(0, os.path.join(PKG, "tests"))
    from hsfile import load
    doc = load(path)
    m = doc["meta"]
    nobj = len(doc["heap"]["objects"]) // len(m["object_fields"])
    nref = len(doc["heap"]["references"]) // len(m["reference_fields"])
    doc = None
    extra = res["peak_rss"] - res["rss_before"] if res["rss_before"] else None
    print("python          %s" % sys.version.split()[0])
    print("tracked objects %d (before export)" % res["tracked_objects"])
    print("exported        %d objects, %d references" % (nobj, nref))
    print("export time     %.2f s" % res["seconds"])
    print("export CPU time %.2f s (less disturbed by other processes than wall time)" % res["cpu_seconds"])
    print("RSS before      %.1f MiB" % (res["rss_before"] / 2**20))
    print("peak extra RSS  %.1f MiB%s" % (extra / 2**20, "" if res["peak_exact"] else " (upper bound)"))
    print("file size       %.1f MiB" % (size / 2**20))
    if not a.keep and a.out is None:
        os.unlink(path)
        os.rmdir(d)


if __name__ == "__main__":
    main()
