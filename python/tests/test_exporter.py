"""Exporter behaviour: completeness, safety, gc state, CLI, signal, gzip."""
from __future__ import annotations

import gc
import gzip
import os
import signal
import subprocess
import sys
import threading

import pytest

import heapscope
from conftest import HANG_GUARD_S, Heap, child_env, last_json_line, load, run_python, run_script

OWN_TYPES = ("heapscope._export.walker._Walker", "heapscope._export.writers._Strings",
             "heapscope._export.tracetables._TraceTables", "heapscope._export.typeinfo._TypeInfo",
             "heapscope._export.writers._IntWriter")


def assert_no_exporter_objects(h):
    pkg = os.path.join("heapscope", "")
    for i in range(h.n):
        t = h.type(i)
        assert t not in OWN_TYPES, t
        if t == "builtins.frame":
            d = h.desc(i) or ""
            assert pkg + "_export" + os.sep not in d and pkg + "__init__.py" not in d, d
    # no container as large as the object list / index the exporter keeps
    for i in range(h.n):
        if h.type(i) in ("builtins.list", "builtins.dict", "builtins.set"):
            d = h.desc(i) or "len=0"
            assert int(d.split("=")[1]) < h.n // 2, (h.type(i), d)


def test_big_bytes_in_dict(tmp_path, validate):
    doc, proc = run_script(tmp_path, """
        import json, sys
        data = {"blob": b"\\x01" * (50 * 1024 * 1024), "small": 1}
        print(json.dumps({"addr": id(data["blob"]), "size": sys.getsizeof(data["blob"])}))
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    i = h.by_address(info["addr"])
    assert h.type(i) == "builtins.bytes"
    assert h.size[i] == info["size"] >= 50 * 1024 * 1024
    assert not h.flags[i] & doc["meta"]["object_flags"]["gc_tracked"]
    assert h.desc(i).endswith("(52428800 bytes)") and len(h.desc(i)) <= 80
    assert h.labels(h.path([i], roots=[h.module_root("__main__")])) == [".data", "['blob']"]
    # the file stays small: contents are never written
    assert len(doc["strings"]) < 200000
    assert_no_exporter_objects(h)


def test_a_bounded_deque_says_its_maxlen(tmp_path, validate):
    doc, proc = run_script(tmp_path, """
        import collections, json
        class Sub(collections.deque):
            pass
        recent = collections.deque(range(10), maxlen=4)
        plain = collections.deque([1, 2])
        sub = Sub([1], maxlen=9)
        print(json.dumps({"recent": id(recent), "plain": id(plain)}))
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    # the analysis reads `maxlen=` to call the deque bounded (no leak)
    assert h.desc(h.by_address(info["recent"])) == "len=4 maxlen=4"
    assert h.desc(h.by_address(info["plain"])) == "len=2"


HOSTILE = """
    import json, sys, gc
    CALLS = []

    class Meta(type):
        def __getattribute__(cls, name):
            if name not in ("__dict__", "__mro__", "__name__", "__qualname__", "__module__",
                            "__init__", "__new__", "__call__", "__class__", "__bases__"):
                CALLS.append("meta." + name)
            return type.__getattribute__(cls, name)
        def __repr__(cls):
            CALLS.append("meta.__repr__")
            return "Meta!"

    class Hostile(metaclass=Meta):
        __slots__ = ("slotted", "__dict__")
        def __init__(self):
            object.__setattr__(self, "slotted", ["in a slot"])
            object.__setattr__(self, "plain", {"k": "v"})
        def __getattr__(self, name):
            CALLS.append("__getattr__ " + name)
            raise RuntimeError("boom")
        def __getattribute__(self, name):
            CALLS.append("__getattribute__ " + name)
            raise RuntimeError("boom")
        def __repr__(self):
            CALLS.append("__repr__")
            raise RuntimeError("repr")
        __str__ = __repr__
        def __len__(self):
            CALLS.append("__len__")
            return 1
        def __sizeof__(self):
            CALLS.append("__sizeof__")
            raise RuntimeError("sizeof")
        def __eq__(self, other):
            CALLS.append("__eq__")
            return False
        def __hash__(self):
            CALLS.append("__hash__")
            return 1
        def __dir__(self):
            CALLS.append("__dir__")
            return []
        @property
        def prop(self):
            CALLS.append("prop")
            raise RuntimeError("prop")
        def __del__(self):
            pass

    class HostileDict(dict):
        def items(self):
            CALLS.append("dict.items")
            raise RuntimeError
        def __iter__(self):
            CALLS.append("dict.__iter__")
            raise RuntimeError
        def __len__(self):
            CALLS.append("dict.__len__")
            return 0

    class HostileList(list):
        def __iter__(self):
            CALLS.append("list.__iter__")
            raise RuntimeError
        def __getitem__(self, i):
            CALLS.append("list.__getitem__")
            raise RuntimeError
        def __len__(self):
            CALLS.append("list.__len__")
            return 0

    class HostileStr(str):
        def __repr__(self):
            CALLS.append("str.__repr__")
            return "x"
        def __len__(self):
            CALLS.append("str.__len__")
            return 0
        def __getitem__(self, i):
            CALLS.append("str.__getitem__")
            return "x"

    h = Hostile()
    hd = HostileDict(a=1, b=[2])
    hl = HostileList([10, 20, 30])
    hs = HostileStr("hello hostile world")
    keyed = {h: "hostile key"}
    CALLS.clear()
    import heapscope
    heapscope.dump(sys.argv[1])
    print(json.dumps({"calls": CALLS, "h": id(h), "slotted": id(object.__getattribute__(h, "slotted")),
                      "hd": id(hd), "hl": id(hl), "hs": id(hs)}))
"""


def test_hostile_objects_never_called(tmp_path, validate):
    out = tmp_path / "hostile.heapscope.json"
    proc = run_python(tmp_path, HOSTILE, args=[str(out)])
    info = last_json_line(proc.stdout)
    assert info["calls"] == []
    doc = validate(load(str(out)))
    h = Heap(doc)
    i = h.by_address(info["h"])
    assert h.type(i) == "__main__.Hostile"
    assert h.size[i] > 0
    flags = doc["meta"]["object_flags"]
    assert h.flags[i] & flags["finalizer"]
    outs = {(k, n): b for b, k, n in h.out[i]}
    assert outs[("attribute", "slotted")] == h.by_address(info["slotted"])
    # the attribute stored in __dict__ is reachable, labelled `.plain`
    plain = [b for b in range(h.n) if h.type(b) == "builtins.dict" and h.desc(b) == "len=1"
             and any(n == "'k'" for _, _, n in h.out[b])]
    assert any(h.labels(h.path([p], roots=[i])) == [".plain"] for p in plain)
    hd = h.by_address(info["hd"])
    assert h.desc(hd) == "len=2"
    assert sorted(n for _, k, n in h.out[hd] if k == "dict_value") == ["'a'", "'b'"]
    hl = h.by_address(info["hl"])
    assert h.desc(hl) == "len=3"
    assert sorted(n for _, k, n in h.out[hl] if k == "index") == ["0", "1", "2"]
    hs = h.by_address(info["hs"])
    assert h.desc(hs) == "'hello hostile world'"
    assert h.labels(h.path([i], roots=[h.module_root("__main__")])) == [".h"]


def test_gc_state_restored_and_in_process_dump(tmp_path, validate):
    was = gc.isenabled()
    thresholds = gc.get_threshold()
    try:
        gc.set_threshold(555, 7, 3)
        for enabled in (False, True):
            (gc.enable if enabled else gc.disable)()
            marker_local = ["in-process", "marker"]  # noqa: F841  (a frame local)
            path = tmp_path / ("inproc-%d.heapscope.json" % enabled)
            heapscope.dump(str(path))
            assert gc.isenabled() is enabled
            assert gc.get_threshold() == (555, 7, 3)
        doc = validate(load(str(path)))
        assert doc["process"]["gc"]["thresholds"] == [555, 7, 3]
        assert doc["process"]["gc"]["enabled"] is True
        assert doc["meta"]["exporter_errors"] == []   # an ordinary heap: nothing swallowed
    finally:
        gc.set_threshold(*thresholds)
        (gc.enable if was else gc.disable)()
    h = Heap(doc)
    assert_no_exporter_objects(h)
    # this test's frame is the main thread's root; its local is labelled
    threads = [(o, n) for o, k, n, _ in h.roots if k == "thread"]
    me = [o for o, n in threads if "test_gc_state_restored" in (h.desc(o) or "")]
    assert me, [h.desc(o) for o, _ in threads]
    targets = [b for b, k, n in h.out[me[0]] if k == "local" and n == "marker_local"]
    assert len(targets) == 1 and h.desc(targets[0]) == "len=2"


def test_threads_frames_and_locals(tmp_path, validate):
    doc, proc = run_script(tmp_path, """
        import threading, time, json
        ready = threading.Event()
        stop = threading.Event()

        def worker_loop(tag):
            mylocal = {"worker": tag, "data": bytearray(4096)}
            ready.set()
            stop.wait()   # daemon thread: ends with the process

        t = threading.Thread(target=worker_loop, args=("w1",), name="worker-one", daemon=True)
        t.start()
        ready.wait()      # handshake: the worker's frame holds mylocal
    """)
    validate(doc)
    h = Heap(doc)
    threads = {n: o for o, k, n, _ in h.roots if k == "thread"}
    assert "worker-one" in threads, threads
    # the innermost frame is inside threading.Event.wait; walk f_back to ours
    steps = h.path([i for i in h.find("builtins.frame") if (h.desc(i) or "").startswith("worker_loop at")],
                   roots=[threads["worker-one"]])
    assert steps is not None and all(n == "f_back" for _, _, n, _ in steps)
    frame = steps[-1][3] if steps else threads["worker-one"]
    locs = {n: b for b, k, n in h.out[frame] if k == "local"}
    assert "mylocal" in locs and "tag" in locs
    assert h.desc(locs["tag"]) == "'w1'"
    assert h.flags[frame] & doc["meta"]["object_flags"]["frame"]
    assert_no_exporter_objects(h)


def _read_line(proc, what):
    """The child's next stdout line.  The watchdog only turns a hung child
    into a failure; it never orders events."""
    watchdog = threading.Timer(HANG_GUARD_S, proc.kill)
    watchdog.start()
    try:
        line = proc.stdout.readline()
    finally:
        watchdog.cancel()
    assert line, "the child ended (or hung) before printing %s" % what
    return line.rstrip("\n")


def test_signal_handler_dump(tmp_path, validate):
    d = tmp_path / "dumps"
    d.mkdir()
    script = tmp_path / "server.py"
    # Handshakes: `ready` is printed from inside the loop that receives the
    # signal (so the handler runs in serve_forever's frame), and the
    # handler's callback prints the finished file's path (written to a temp
    # name and renamed, so it is complete when announced).
    script.write_text(
        "import signal, sys, heapscope\n"
        "def announce(path):\n"
        "    print('wrote ' + path, flush=True)\n"
        "heapscope.install_signal_handler(signal.SIGUSR1, directory=sys.argv[1], callback=announce)\n"
        "state = {'requests': [bytearray(1000) for _ in range(10)]}\n"
        "def serve_forever():\n"
        "    announced = False\n"
        "    while True:\n"
        "        if not announced:\n"
        "            announced = True\n"
        "            print('ready', flush=True)\n"
        "        signal.pause()\n"
        "serve_forever()\n")
    p = subprocess.Popen([sys.executable, str(script), str(d)], env=child_env(),
                         stdout=subprocess.PIPE, universal_newlines=True)
    try:
        assert _read_line(p, "ready") == "ready"
        p.send_signal(signal.SIGUSR1)
        line = _read_line(p, "the snapshot's path")
        assert line.startswith("wrote "), line
        written = line[len("wrote "):]
        assert p.poll() is None, "the server must keep running"
    finally:
        p.kill()
        p.wait()
    files = [f for f in os.listdir(str(d)) if f.endswith(".heapscope.json")]
    assert files == [os.path.basename(written)]
    assert files[0].startswith("heapscope-%d-" % p.pid)
    doc = validate(load(str(d / files[0])))
    # one of a series: numbered, with the process identity
    assert doc["process"]["process"]["sequence"] == 1 and doc["process"]["process"]["series"] == "signal"
    assert files[0].startswith("heapscope-%d-000001-" % p.pid)
    h = Heap(doc)
    threads = [o for o, k, n, _ in h.roots if k == "thread"]
    assert len(threads) == 1 and "serve_forever at" in (h.desc(threads[0]) or "")
    bas = h.find("builtins.bytearray")
    steps = h.path(bas, roots=[h.module_root("__main__")])
    assert h.labels(steps)[:2] == [".state", "['requests']"]
    assert_no_exporter_objects(h)


def test_run_cli_argv_exit_code_and_default_out(tmp_path, validate):
    src = """
        import sys, json
        print(json.dumps({"argv": sys.argv, "name": __name__}))
        class Keep: pass
        kept = Keep()
        sys.exit(3)
    """
    doc, proc = run_script(tmp_path, src, args=["alpha", "--flag", "x y"], check=False)
    assert proc.returncode == 3
    info = last_json_line(proc.stdout)
    assert info["argv"][1:] == ["alpha", "--flag", "x y"] and info["name"] == "__main__"
    validate(doc)
    h = Heap(doc)
    assert len(h.find("__main__.Keep")) == 1
    assert doc["process"]["argv"][1:] == ["alpha", "--flag", "x y"]
    assert_no_exporter_objects(h)
    # --out before the script, `--` protects a trailing --out for the script
    script = tmp_path / "prog.py"
    r = subprocess.run([sys.executable, "-m", "heapscope", "run", "--out", "first.json", "--",
                        str(script), "--out", "for-the-script"], cwd=str(tmp_path),
                       env=child_env(), stdout=subprocess.PIPE, universal_newlines=True)
    assert r.returncode == 3
    assert last_json_line(r.stdout)["argv"][1:] == ["--out", "for-the-script"]
    assert (tmp_path / "first.json").exists()
    # an uncaught exception: traceback printed, exit 1, snapshot still written
    script.write_text("data = [1, 2, 3]\nraise ValueError('boom')\n")
    r = subprocess.run([sys.executable, "-m", "heapscope", "run", str(script)], cwd=str(tmp_path),
                       env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    assert r.returncode == 1 and "ValueError: boom" in r.stderr
    defaults = [f for f in os.listdir(str(tmp_path)) if f.startswith("heapscope-")
                and f.endswith(".heapscope.json")]
    assert len(defaults) == 1


def test_gzip_output(tmp_path, validate):
    doc_path = tmp_path / "snap.heapscope.json.gz"
    run_python(tmp_path, """
        import sys, heapscope
        payload = {"x": [1, 2, 3]}
        heapscope.dump(sys.argv[1])
    """, args=[str(doc_path)])
    with open(str(doc_path), "rb") as f:
        assert f.read(2) == b"\x1f\x8b"
    with gzip.open(str(doc_path), "rt", encoding="utf-8") as f:
        assert f.read(40).startswith('{"format":"heapscope","version":1')
    doc = validate(load(str(doc_path)))
    h = Heap(doc)
    assert h.n > 1000 and "tracemalloc" not in doc
    assert doc["process"]["tracemalloc"]["tracing"] is False
    assert doc["process"]["exporter"] == "heapscope-python 0.1.0"
    assert not [f for f in os.listdir(str(tmp_path)) if ".tmp" in f or f.startswith(".heapscope-")]


def test_process_metadata(tmp_path, validate):
    out = tmp_path / "meta.heapscope.json"
    proc = run_python(tmp_path, """
        import json, os, sys, heapscope
        heapscope.dump(sys.argv[1], heap=False)
        print(json.dumps({"pid": os.getpid()}))
    """, args=[str(out)])
    doc = validate(load(str(out)))
    p = doc["process"]
    assert "heap" not in doc
    assert p["pid"] == last_json_line(proc.stdout)["pid"]
    assert p["implementation"] == sys.implementation.name
    assert p["python_version"] == sys.version
    assert len(p["gc"]["stats"]) == 3 and len(p["gc"]["thresholds"]) == 3
    if sys.platform.startswith("linux"):
        assert p["rss_bytes"] > 1000000


def test_environment_and_module_files(tmp_path, validate):
    # process.environment is computed when heapscope is imported;
    # process.module_files is read during the dump without running user code
    out = tmp_path / "env.heapscope.json"
    proc = run_python(tmp_path, """
        import json, os, sys, types
        CALLS = []

        class CollidingKey(str):
            # hashes like "__file__": a dict.get("__file__") would call __eq__
            def __hash__(self):
                return hash("__file__")
            def __eq__(self, other):
                CALLS.append("key.__eq__")
                return False

        class LazyModule(types.ModuleType):
            def __getattr__(self, name):
                CALLS.append("module.__getattr__ " + name)
                raise AttributeError(name)
            def __getattribute__(self, name):
                CALLS.append("module.__getattribute__ " + name)
                return types.ModuleType.__getattribute__(self, name)

        class NotAModule:
            def __getattribute__(self, name):
                CALLS.append("notamodule." + name)
                raise AttributeError(name)

        class FileStr(str):
            pass

        colliding = types.ModuleType("colliding")
        colliding.__dict__[CollidingKey("not the file")] = 1
        colliding.__dict__["__file__"] = "/srv/app/colliding.py"
        sys.modules["colliding"] = colliding
        lazy = LazyModule("lazy")
        types.ModuleType.__setattr__(lazy, "__file__", "/srv/app/lazy.py")
        sys.modules["lazy"] = lazy
        sys.modules["notamodule"] = NotAModule()
        odd = types.ModuleType("odd")
        odd.__file__ = FileStr("/srv/app/odd.py")
        sys.modules["odd"] = odd
        rel = types.ModuleType("rel")
        rel.__file__ = "relative/rel.py"
        sys.modules["rel"] = rel
        import heapscope
        CALLS.clear()
        heapscope.dump(sys.argv[1])
        print(json.dumps({"calls": CALLS, "os": os.__file__, "cwd": os.getcwd(),
                          "prefix": sys.prefix, "base_prefix": sys.base_prefix,
                          "builtin": sorted(sys.builtin_module_names),
                          "stdlib": sorted(getattr(sys, "stdlib_module_names", [])) or None}))
    """, args=[str(out)])
    info = last_json_line(proc.stdout)
    assert info["calls"] == []
    doc = validate(load(str(out)))
    env = doc["process"]["environment"]
    assert set(env) == {"prefix", "base_prefix", "exec_prefix", "base_exec_prefix", "stdlib_dirs",
                        "site_dirs", "stdlib_module_names", "builtin_module_names"}
    assert env["prefix"] == info["prefix"] and env["base_prefix"] == info["base_prefix"]
    assert os.path.dirname(info["os"]) in env["stdlib_dirs"]
    assert any(os.path.basename(d) in ("site-packages", "dist-packages") for d in env["site_dirs"])
    assert env["builtin_module_names"] == info["builtin"] and "sys" in env["builtin_module_names"]
    assert env["stdlib_module_names"] == info["stdlib"]
    if sys.version_info >= (3, 10):
        assert "os" in env["stdlib_module_names"]
    files = doc["process"]["module_files"]
    assert files["os"] == info["os"]
    assert files["sys"] is None
    assert files["colliding"] == "/srv/app/colliding.py"
    assert files["lazy"] == "/srv/app/lazy.py"
    assert files["notamodule"] is None
    assert files["odd"] is None                    # a str subclass is not read
    assert files["rel"] == os.path.join(info["cwd"], "relative", "rel.py")
    assert doc["process"]["platform"] == "%s-%s-%s" % (os.uname().sysname, os.uname().release,
                                                      os.uname().machine)


def test_second_signal_during_a_dump_is_ignored(tmp_path):
    # The handler is called from inside a running dump (a user object the
    # dump reads calls it, exactly as a second signal would run it): the
    # inner dump is refused, not nested; after the dump, signals work again.
    d = tmp_path / "dumps"
    d.mkdir()
    proc = run_python(tmp_path, """
        import json, os, signal, sys, heapscope
        written = []
        heapscope.install_signal_handler(signal.SIGUSR1, directory=sys.argv[1], heap=False,
                                         callback=written.append)
        handler = signal.getsignal(signal.SIGUSR1)
        inside = []

        class Snap:
            traceback_limit = 1
            @property
            def traces(self):
                handler(signal.SIGUSR1, None)        # a signal during the dump
                inside.append(list(written))
                return []

        heapscope.dump(os.path.join(sys.argv[1], "outer.heapscope.json"),
                       tracemalloc_snapshot=Snap(), heap=False)
        handler(signal.SIGUSR1, None)                # after it: a normal dump
        print(json.dumps({"inside": inside, "written": written,
                          "files": sorted(os.listdir(sys.argv[1]))}))
    """, args=[str(d)])
    info = last_json_line(proc.stdout)
    assert info["inside"] == [[]]
    assert len(info["written"]) == 1
    assert "outer.heapscope.json" in info["files"] and len(info["files"]) == 2
    assert "ignored: a dump is already running" in proc.stderr


def test_small_cli_and_api_errors(tmp_path):
    import heapscope.__main__ as cli
    assert "dump-self" not in cli.__doc__
    r = subprocess.run([sys.executable, "-m", "heapscope", "run", "--help"], env=child_env(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert r.returncode == 0 and "usage: heapscope run" in r.stdout, r.stderr
    target = tmp_path / "missing-dir" / "snap.heapscope.json"
    with pytest.raises(FileNotFoundError) as e:
        heapscope.dump(str(target), heap=False)
    assert str(target) in str(e.value) and ".tmp" not in str(e.value)


def test_c_sizeof_and_rebound_interpreter_state_run_no_user_code(tmp_path, validate):
    # C extension heap types with a C __sizeof__ get their real size; a
    # Thread subclass's `_name` property, a sys.argv list subclass and
    # gc.garbage rebound to a list subclass are read without calling them.
    out = tmp_path / "state.heapscope.json"
    proc = run_python(tmp_path, """
        import array, collections, gc, io, json, sys, threading
        CALLS = []

        class NamedThread(threading.Thread):
            @property
            def _name(self):
                CALLS.append("thread._name")
                return self.__dict__["_name"]
            @_name.setter
            def _name(self, v):
                self.__dict__["_name"] = v

        class HostileList(list):
            def __iter__(self):
                CALLS.append("list.__iter__")
                return list.__iter__(self)
            def __len__(self):
                CALLS.append("list.__len__")
                return list.__len__(self)
            def __getitem__(self, i):
                CALLS.append("list.__getitem__")
                return list.__getitem__(self, i)

        class Sized:
            def __sizeof__(self):
                CALLS.append("__sizeof__")
                return 10 ** 9

        started, stop = threading.Event(), threading.Event()
        def work():
            started.set()
            stop.wait()
        t = NamedThread(target=work, name="named-worker", daemon=True)
        t.start()
        started.wait()
        OUT = sys.argv[1]
        sys.argv = HostileList(["prog.py", "--flag"])
        in_garbage = ["saved"]
        gc.garbage = HostileList([in_garbage])
        big = {"array": array.array("d", range(100000)), "deque": collections.deque(range(10000)),
               "bytesio": io.BytesIO(b"x" * 100000)}
        sized = Sized()
        import heapscope
        CALLS.clear()
        heapscope.dump(OUT)
        print(json.dumps({"calls": CALLS, "garbage": id(in_garbage), "sized": id(sized),
                          "sizes": {k: [id(v), sys.getsizeof(v)] for k, v in big.items()}}))
    """, args=[str(out)])
    info = last_json_line(proc.stdout)
    assert info["calls"] == []
    doc = validate(load(str(out)))
    h = Heap(doc)
    for name, (addr, size) in info["sizes"].items():
        assert h.size[h.by_address(addr)] == size, name
    assert h.size[h.by_address(info["sized"])] < 1000
    threads = {n for _, k, n, _ in h.roots if k == "thread"}
    assert "named-worker" in threads, threads
    assert doc["process"]["argv"][:2] == ["prog.py", "--flag"]
    g = h.by_address(info["garbage"])
    assert h.flags[g] & doc["meta"]["object_flags"]["garbage"]


def test_dict_subclass_keys_once_each(tmp_path, validate):
    # A dict subclass's keys are added by its labeler unless gc reports them
    # (it reports an object key, not a str key): each key appears once, and
    # each counts as a held reference (no native excess left on it).
    doc, proc = run_script(tmp_path, """
        import json

        class D(dict):
            pass

        class Key(object):
            pass

        key_obj = Key()
        d = D()
        d["str-key-" + str(7)] = ["str value"]
        d[key_obj] = ["obj value"]
        str_key = next(k for k in dict.keys(d) if type(k) is str)
        print(json.dumps({"d": id(d), "key_obj": id(key_obj), "str_key": id(str_key)}))
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    d = h.by_address(info["d"])
    keys = sorted((b, n) for b, k, n in h.out[d] if k == "dict_key")
    expected = sorted([(h.by_address(info["str_key"]), "'str-key-7'"), (h.by_address(info["key_obj"]), None)])
    assert keys == expected
    assert sorted((str(n) for _, k, n in h.out[d] if k == "dict_value")) == ["'str-key-7'", "None"]
    native = {o for o, k, _, _ in h.roots if k == "native"}
    assert h.by_address(info["str_key"]) not in native
    assert h.by_address(info["key_obj"]) not in native


def test_a_read_instance_dict_is_its_objects(tmp_path, validate):
    # `obj.__dict__` makes the instance dict of an object whose values were
    # inline; on CPython 3.13 gc then still reports the values, not the dict,
    # so the dict looked held from C alone (a native root beside its object).
    # It is the object's `instance_dict`, holds the attributes, and no
    # instance makes a dict by being exported.
    doc, proc = run_script(tmp_path, """
        import json

        class Plain(object):
            def __init__(self, n):
                self.payload = ["payload %d" % n]
                self.n = n

        read = Plain(1)
        vars(read)
        unread = Plain(2)
        print(json.dumps({"read": id(read), "dict": id(read.__dict__), "payload": id(read.payload), "unread": id(unread)}))
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    read, d = h.by_address(info["read"]), h.by_address(info["dict"])
    assert (d, "instance_dict") in [(b, k) for b, k, _ in h.out[read]]
    assert (h.by_address(info["payload"]), "dict_value", "'payload'") in h.out[d]
    assert d not in {o for o, k, _, _ in h.roots if k == "native"}
    # the unread instance has no dict in the file (none was made)
    unread = h.by_address(info["unread"])
    assert all(k != "instance_dict" for _, k, _ in h.out[unread]) or sys.version_info < (3, 11)


def test_swallowed_exceptions_are_counted_in_meta(tmp_path, validate):
    # Odd's __sizeof__ is int's C method: sys.getsizeof raises TypeError for
    # it.  The exporter goes on (size 0) and counts each one in meta.
    out = tmp_path / "odd.heapscope.json"
    proc = run_python(tmp_path, """
        import json, sys
        import heapscope
        from heapscope._export import errors

        class Odd(object):
            __sizeof__ = int.__sizeof__

        odd = [Odd(), Odd()]
        heapscope.dump(sys.argv[1])
        # the counts are the exporter's bookkeeping: not left behind
        print(json.dumps({"odd": [id(o) for o in odd], "left": len(errors.COUNTS)}))
    """, args=[str(out)])
    doc = validate(load(str(out)))
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    assert [h.size[h.by_address(a)] for a in info["odd"]] == [0, 0]
    assert doc["meta"]["exporter_errors"] == [
        {"site": "walker.size", "exception": "builtins.TypeError", "count": 2}]
    assert info["left"] == 0
