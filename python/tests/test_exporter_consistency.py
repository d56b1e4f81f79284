"""The exporter under concurrency and side effects: containers exported from
atomic copies, the file says when the heap changed during the walk, frames
are read without side effects, no import or import hook runs, the
exporter's own objects stay out, and dump() writes to binary file objects
(issue 9)."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

import heapscope
from conftest import HANG_GUARD_S, Heap, check_structure, child_env, last_json_line, load, run_python


def test_dict_mutated_by_another_thread_during_the_dump(tmp_path):
    # A profile hook (C calls of the exporter's own frames) hands the GIL to
    # a mutator thread every 997 calls and waits until it has grown the
    # 5,000-entry dict by 20 keys and dropped its oldest: a real other
    # thread mutating it mid-walk, at points fixed by handshakes, not timing.
    # Walking the dict takes at least 5 exporter C calls per entry (id,
    # two index lookups, two appends), so at least 25 hand-overs land while
    # it is walked: the exporter that iterated the live dict raised
    # "dictionary changed size during iteration" (3.8-3.9) or lost entries
    # (3.10+), whatever the interpreter's own heap size.
    out = tmp_path / "mutated.heapscope.json"
    proc = run_python(tmp_path, """
import json, os, sys, threading
import heapscope
PKG = os.path.dirname(heapscope.__file__)
OUT = sys.argv[1]
N = 5000
table = {i: None for i in range(N)}
state = {"next": N, "oldest": 0, "rounds": 0}
go, done = threading.Semaphore(0), threading.Semaphore(0)
stop = []

def mutator():
    while True:
        go.acquire()
        if stop:
            return
        for _ in range(20):
            table[state["next"]] = None
            state["next"] += 1
        del table[state["oldest"]]
        state["oldest"] += 1
        state["rounds"] += 1
        done.release()

t = threading.Thread(target=mutator, daemon=True)
t.start()
calls = [0]

def hand_over(frame, event, arg):
    if event == "c_call" and frame.f_code.co_filename.startswith(PKG):
        calls[0] += 1
        if calls[0] % 997 == 0:
            go.release()
            done.acquire()

sys.setprofile(hand_over)
try:
    heapscope.dump(OUT)
finally:
    sys.setprofile(None)
    stop.append(1)
    go.release()
    t.join()
print(json.dumps({"table": id(table), "rounds": state["rounds"], "n": N}))
""", args=[str(out)])
    info = last_json_line(proc.stdout)
    assert info["rounds"] > 25
    doc = load(str(out))
    check_structure(doc)   # (the JSON Schema pass: the idle test runs it)
    assert doc["heap"]["changed_during_dump"] is True
    h = Heap(doc)
    i = h.by_address(info["table"])
    keys = sorted(int(n) for _, k, n in h.out[i] if k == "dict_value")
    # one consistent state of the dict: every entry, none twice, no gap
    assert len(keys) >= info["n"]
    assert keys == list(range(keys[0], keys[0] + len(keys)))
    assert h.desc(i) == "len=%d" % len(keys)


def test_idle_process_heap_not_changed(tmp_path, validate):
    out = tmp_path / "idle.heapscope.json"
    run_python(tmp_path, """
import functools, sys, heapscope
data = {i: [i] for i in range(1000)}
# A bounded lru_cache in use: on 3.8/3.9 its links' type is readied only when
# the walk reads it, which adds it to object's subclass registry mid-dump
# (that alone used to mark the heap as changed by another thread).
@functools.lru_cache(maxsize=8)
def square(x):
    return x * x
for i in range(20):
    square(i)
heapscope.dump(sys.argv[1])
""", args=[str(out)])
    doc = validate(load(str(out)))
    assert doc["heap"].get("changed_during_dump", False) is False


def test_reading_frames_has_no_side_effects(tmp_path, validate):
    # (1) A frame whose f_locals dict was read once (a debugger, a previous
    # dump) holds a stale value: the f_locals getter of 3.8-3.12 would
    # replace it and free the object, running its __del__ during the dump.
    # (2) Suspended generators: the getter gave each frame a permanent
    # f_locals dict on 3.8-3.10, so two idle dumps differed by +1000 dicts.
    out1, out2 = tmp_path / "one.heapscope.json", tmp_path / "two.heapscope.json"
    proc = run_python(tmp_path, """
import json, sys, heapscope
CALLS = []

class Noisy:
    def __del__(self):
        CALLS.append("Noisy.__del__")

def gen(n):
    mine = [n]
    yield mine

gens = [gen(n) for n in range(1000)]
for g in gens:
    next(g)

def holder():
    x = Noisy()
    sys._getframe().f_locals      # a debugger's read: a dict now holds x
    addr = id(x)
    x = None                      # the Noisy lives on in that stale dict only
    del CALLS[:]                  # (3.13 has no such dict: it died just now)
    heapscope.dump(sys.argv[1])
    heapscope.dump(sys.argv[2])
    return addr, list(CALLS)      # (x's frame dies at return: __del__ then)

addr, during = holder()
print(json.dumps({"calls": during, "noisy": addr}))
""", args=[str(out1), str(out2)])
    info = last_json_line(proc.stdout)
    assert info["calls"] == []
    one, two = Heap(validate(load(str(out1)))), Heap(validate(load(str(out2))))
    if sys.version_info < (3, 13):
        assert one.type(one.by_address(info["noisy"])) == "__main__.Noisy"
    n1, n2 = len(one.find("builtins.dict")), len(two.find("builtins.dict"))
    assert abs(n2 - n1) < 50, (n1, n2)
    if sys.version_info >= (3, 11):
        # a suspended generator's locals are its referents, named from its
        # frame; the frame object the first dump made for it (gi_frame) is
        # in that dump already, so the second finds no new frame
        gens = [two.find("builtins.generator", desc=d) for d in ("gen",)][0]
        assert len(gens) == 1000
        assert all("mine" in {n for _, k, n in two.out[g] if k == "local"} for g in gens)
        f1, f2 = (len([i for i in h.find("builtins.frame") if (h.desc(i) or "").startswith("gen at ")]) for h in (one, two))
        assert f1 == f2 == 1000, (f1, f2)
        return
    # the generators' locals are still named
    mine = [i for i in range(two.n) if two.type(i) == "builtins.frame"
            and (two.desc(i) or "").startswith("gen at ")]
    assert len(mine) == 1000
    assert all("mine" in {n for _, k, n in two.out[f] if k == "local"} for f in mine)


def test_no_import_and_no_hook_during_the_dump(tmp_path, validate):
    # a wrapped __import__, an import hook, sys.modules rebound to a dict
    # subclass and holding non-modules: none of them is called by the dump
    # (also with tracemalloc tracing, whose snapshot is taken by the dump:
    # one frame per trace, as every traced allocation of the dump costs
    # time per frame; the old `import tracemalloc` ran at any depth)
    out = tmp_path / "imports.heapscope.json"
    proc = run_python(tmp_path, """
import builtins, json, sys, tracemalloc
import heapscope
CALLS = []
ARMED = []
tracemalloc.start(1)

def note(what):
    if ARMED:
        CALLS.append(what)

real_import = builtins.__import__
def wrapped_import(name, *args, **kwargs):
    note("__import__ " + name)
    return real_import(name, *args, **kwargs)
builtins.__import__ = wrapped_import

class Finder:
    def find_spec(self, name, path=None, target=None):
        note("find_spec " + name)
        return None
    def find_module(self, name, path=None):
        note("find_module " + name)
        return None
sys.meta_path.insert(0, Finder())

class NotAModule:
    def __getattribute__(self, name):
        note("NotAModule." + name)
        raise AttributeError(name)
    def __eq__(self, other):
        note("NotAModule.__eq__")
        return False
    def __hash__(self):
        note("NotAModule.__hash__")
        return 0

class Modules(dict):
    def items(self):
        note("Modules.items")
        return dict.items(self)
    def keys(self):
        note("Modules.keys")
        return dict.keys(self)
    def values(self):
        note("Modules.values")
        return dict.values(self)
    def __iter__(self):
        note("Modules.__iter__")
        return dict.__iter__(self)
    def __getitem__(self, k):
        note("Modules.__getitem__")
        return dict.__getitem__(self, k)
    def get(self, *a):
        note("Modules.get")
        return dict.get(self, *a)
    def __len__(self):
        note("Modules.__len__")
        return dict.__len__(self)
    def copy(self):
        note("Modules.copy")
        return dict.copy(self)

odd = NotAModule()
sys.modules["not_a_module"] = odd
sys.modules = Modules(sys.modules)
ARMED.append(1)
heapscope.dump(sys.argv[1])
ARMED.clear()
print(json.dumps({"calls": CALLS, "odd": id(odd)}))
""", args=[str(out)])
    info = last_json_line(proc.stdout)
    assert info["calls"] == []
    doc = validate(load(str(out)))
    h = Heap(doc)
    odd = h.by_address(info["odd"])
    assert h.type(odd) == "__main__.NotAModule"
    assert ("not_a_module", "module") in {(n, k) for o, k, n, _ in h.roots if o == odd}
    assert "tracemalloc" in doc
    assert h.module_root("builtins") is not None


def test_exporter_objects_stay_out(tmp_path, validate):
    # the '%d,%d,...' format strings (one per chunk size, ~200 KB each), the
    # exporter's cells and arrays are its bookkeeping: never in a snapshot,
    # not even the second one of a process
    out1, out2 = tmp_path / "one.heapscope.json", tmp_path / "two.heapscope.json"
    run_python(tmp_path, """
import sys, heapscope
heapscope.dump(sys.argv[1])
heapscope.dump(sys.argv[2])
""", args=[str(out1), str(out2)])
    for out in (out1, out2):
        doc = validate(load(str(out)))
        h = Heap(doc)
        flags = doc["meta"]["object_flags"]
        fmt = [i for i in h.find("builtins.str") if (h.desc(i) or "").startswith("'%d,%d")]
        assert fmt == [], [h.desc(i) for i in fmt[:3]]
        # nothing reachable from the heapscope package's modules is bigger
        # than a few KB of bookkeeping: no array, cell or format string
        for name in [n for o, k, n, _ in h.roots if k == "module" and n.startswith("heapscope")]:
            m = h.module_root(name)
            seen, todo = {m}, [m]
            while todo:
                a = todo.pop()
                for b, kind, _ in h.out[a]:
                    # other modules and classes are not the exporter's
                    if b in seen or kind == "weak" or h.flags[b] & (flags["module"] | flags["type"]):
                        continue
                    seen.add(b)
                    todo.append(b)
            big = [(h.type(b), h.size[b], h.desc(b)) for b in seen if h.size[b] > 20000]
            assert big == [], (name, big)
            assert not [b for b in seen if h.type(b) in ("array.array", "builtins.cell")], name


def test_dump_to_binary_file_objects(tmp_path, validate):
    path = tmp_path / "fileobj.heapscope.json"
    with open(str(path), "wb") as f:
        assert heapscope.dump(f, heap=False) is f
        f.write(b"")
    doc = validate(load(str(path)))
    assert doc["format"] == "heapscope" and "process" in doc
    buf = io.BytesIO()
    heapscope.dump(buf, heap=False, gzip=True)
    assert buf.getvalue()[:2] == b"\x1f\x8b"
    gz = tmp_path / "fileobj.heapscope.json.gz"
    gz.write_bytes(buf.getvalue())
    validate(load(str(gz)))
    with pytest.raises(TypeError) as e:
        heapscope.dump(io.StringIO(), heap=False)
    assert "binary" in str(e.value) and "'wb'" in str(e.value)
    with open(str(tmp_path / "text.json"), "w") as f, pytest.raises(TypeError):
        heapscope.dump(f, heap=False)


ASYNCIO_FREELIST = """
import asyncio, gc, json, sys, heapscope, _asyncio

async def main():
    fut = asyncio.get_running_loop().create_future()
    it = iter(fut)          # a future iterator, freed into _asyncio's freelist
    del it
    fut.set_result(1)
    await fut

asyncio.run(main())
gc.collect()
heapscope.dump(sys.argv[1])
print(json.dumps({"module": id(_asyncio), "dict": id(_asyncio.__dict__)}))
"""


def test_asyncio_freelist_is_not_walked(tmp_path, validate):
    # gh-122695: on CPython 3.12.0-3.12.5, gc.get_referents(_asyncio) hands
    # out freed future iterators from a freelist, and the interpreter hangs
    # at exit after a dump.  The module is walked through its dict only.
    out = tmp_path / "asyncio.heapscope.json"
    info = last_json_line(run_python(tmp_path, ASYNCIO_FREELIST, args=[str(out)]).stdout)
    h = Heap(validate(load(str(out))))
    m = h.by_address(info["module"])
    assert [(h.address[b], k) for b, k, _ in h.out[m]] == [(info["dict"], "instance_dict")]
    # The affected interpreter, when this machine has it (pyenv): the child
    # must end (a hang is caught by the hang guard).
    py312 = os.path.expanduser("~/.pyenv/versions/3.12.1/bin/python")
    if os.path.exists(py312):
        script = tmp_path / "asyncio_freelist.py"
        script.write_text(ASYNCIO_FREELIST)
        proc = subprocess.run([py312, str(script), str(tmp_path / "312.heapscope.json")], env=child_env(),
                              timeout=HANG_GUARD_S, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)
        assert proc.returncode == 0, proc.stderr
        assert last_json_line(proc.stdout)["module"] > 0


def test_frame_reader_is_active_where_f_locals_writes():
    # On CPython 3.8-3.12 the in-place reader must pass its import-time
    # check (else frames' locals would go unnamed); 3.13 reads f_locals.
    from heapscope._export import frames
    if sys.implementation.name == "cpython" and sys.version_info < (3, 13):
        assert frames._reader is not None
    else:
        assert frames._reader is None
