"""Issue 14's exporter parts at a small scale: references of a huge container
are streamed out as they are produced (bounded memory), the progress
callback, gzip chosen by size.  The thresholds are lowered in a child
process so that a few thousand objects exercise them."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

from conftest import Heap, child_env, decode, last_json_line, load, load_raw, run_python


STREAMING = r"""
import json, sys
from heapscope._export import walker, writers
import heapscope
walker.BIG = 64
walker._CHUNK = 512
walker.PROGRESS_EVERY = 1000
widest = [0]
write = writers._IntWriter.write
def spy(self, ints):
    widest[0] = max(widest[0], len(ints))
    return write(self, ints)
writers._IntWriter.write = spy
big = {"key%d" % i: ("v", i) for i in range(3000)}
lst = ["item%d" % i for i in range(3000)]
calls = []
path = heapscope.dump(sys.argv[1], progress=lambda o, r: calls.append((o, r)))
print(json.dumps({"widest": widest[0], "chunk": walker._CHUNK, "calls": calls, "path": path,
                  "big": id(big), "lst": id(lst)}))
"""


def test_huge_containers_stream_and_progress(tmp_path, validate):
    out = tmp_path / "s.heapscope.json"
    info = last_json_line(run_python(tmp_path, STREAMING, args=[str(out)]).stdout)
    # a dict's 6,000 or a list's 3,000 references never sit in memory at once: the
    # widest write is one chunk plus one slice of BIG entries (4 ints each)
    assert info["widest"] <= info["chunk"] + 2 * 4 * 64, info["widest"]
    raw = validate(load_raw(info["path"]))
    # the compact fields (docs/format.md): deltas, no traceback column
    # without tracemalloc; decoded, they give the objects' real ids below
    assert raw["meta"]["object_fields"] == ["address_delta", "type", "size", "flags", "description"]
    assert raw["meta"]["reference_fields"] == ["from_delta", "to", "kind", "name"]
    assert len(raw["heap"]["objects"]) % 5 == 0
    doc = decode(raw)
    h = Heap(doc)
    assert len(set(h.address)) == h.n
    d = h.by_address(info["big"])
    names = {}
    for (j, kind, name) in h.out[d]:
        names.setdefault(name, set()).add(kind)
    assert len(names) == 3000 and names["'key2999'"] == {"dict_key", "dict_value"}
    v = [j for (j, kind, name) in h.out[d] if name == "'key123'" and kind == "dict_value"][0]
    assert h.type(v) == "builtins.tuple"
    # the key's description is its name's string (shared, not written twice)
    k = [j for (j, kind, name) in h.out[d] if name == "'key123'" and kind == "dict_key"][0]
    assert h.desc(k) == "'key123'"
    ls = h.by_address(info["lst"])
    items = sorted((name, h.desc(j)) for (j, kind, name) in h.out[ls])
    assert len(items) == 3000
    assert dict(items)["2999"] == "'item2999'" and dict(items)["1234"] == "'item1234'"
    # progress: every 1000 objects, then the totals once
    calls = info["calls"]
    n = len(doc["heap"]["objects"]) // len(doc["meta"]["object_fields"])
    r = len(doc["heap"]["references"]) // len(doc["meta"]["reference_fields"])
    assert calls[-1] == [n, r]
    assert [c[0] for c in calls[:-1]] == list(range(1000, 1000 * len(calls), 1000))
    assert all(a[1] <= b[1] for a, b in zip(calls, calls[1:]))


GZIP_BY_SIZE = r"""
import json, sys, os
from heapscope._export import dump as d
import heapscope
from heapscope import _series
out = sys.argv[1]
res = {}
d.GZIP_OVER_BYTES = 10 ** 12
res["small"] = heapscope.dump(os.path.join(out, "a.heapscope.json"))
d.GZIP_OVER_BYTES = 1000
res["big"] = heapscope.dump(os.path.join(out, "b.heapscope.json"))
res["forced_plain"] = heapscope.dump(os.path.join(out, "c.heapscope.json"), gzip=False)
res["forced_gz"] = heapscope.dump(os.path.join(out, "d.heapscope.json"), gzip=True)
os.mkdir(os.path.join(out, "series"))
res["series"] = _series.dump_in_series(os.path.join(out, "series"), keep=1)
res["series2"] = _series.dump_in_series(os.path.join(out, "series"), keep=1)
print(json.dumps(res))
"""


def _is_gzip(path):
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def test_gzip_chosen_by_size(tmp_path):
    res = last_json_line(run_python(tmp_path, GZIP_BY_SIZE, args=[str(tmp_path)]).stdout)
    assert res["small"].endswith("a.heapscope.json") and not _is_gzip(res["small"])
    assert res["big"] == str(tmp_path / "b.heapscope.json.gz") and _is_gzip(res["big"])
    assert not os.path.exists(str(tmp_path / "b.heapscope.json"))
    with gzip.open(res["big"], "rt") as f:
        assert json.load(f)["format"] == "heapscope"
    assert res["forced_plain"].endswith("c.heapscope.json") and not _is_gzip(res["forced_plain"])
    assert res["forced_gz"].endswith("d.heapscope.json") and _is_gzip(res["forced_gz"])
    # a series names the compressed file, and pruning still finds it
    assert res["series2"].endswith(".heapscope.json.gz") and _is_gzip(res["series2"])
    assert os.listdir(str(tmp_path / "series")) == [os.path.basename(res["series2"])]
    assert not [n for n in os.listdir(str(tmp_path)) if ".tmp" in n]


def test_progress_logged_by_environment(tmp_path):
    script = tmp_path / "p.py"
    script.write_text("x = [str(i) for i in range(1000)]\n")
    env = child_env()
    env["HEAPSCOPE_PROGRESS"] = "1"
    out = tmp_path / "p.heapscope.json"
    proc = subprocess.run([sys.executable, "-m", "heapscope", "run", str(script), "--out", str(out)],
                          cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    doc = load(str(out))
    n = len(doc["heap"]["objects"]) // len(doc["meta"]["object_fields"])
    r = len(doc["heap"]["references"]) // len(doc["meta"]["reference_fields"])
    assert "heapscope: %d objects, %d references walked" % (n, r) in proc.stderr
