"""The five classic causes of Python memory leaks, each as a real program run
with `python -m heapscope run`; the leaked objects must be in the file with
their sizes, and the chain from a root to them must carry the right labels."""
from __future__ import annotations

from conftest import Heap, last_json_line, run_script


def _obj(h, info):
    i = h.by_address(info["addr"])
    assert i is not None, "leaked object %r missing" % (info,)
    assert h.size[i] == info["size"], (h.size[i], info)
    assert h.type(i) == info["type"]
    return i


def _chain(h, target, root="__main__"):
    steps = h.path([target], roots=[h.module_root(root)])
    assert steps, "no path from module %s" % root
    return h.labels(steps), [h.type(a) for a, _, _, _ in steps] + [h.type(target)]


def test_unreleased_references(tmp_path, validate):
    # handlers registered and never removed keep every Request alive
    doc, proc = run_script(tmp_path, """
        import json, sys

        class Request:
            def __init__(self, n):
                self.n = n
                self.payload = bytearray(10000 + n)

        class EventBus:
            def __init__(self):
                self.listeners = []
            def subscribe(self, fn):
                self.listeners.append(fn)

        bus = EventBus()

        def handle(n):
            req = Request(n)
            bus.subscribe(req)          # forgotten: never unsubscribed
            return n

        for n in range(20):
            handle(n)
        leaked = bus.listeners[7]
        print(json.dumps({"addr": id(leaked.payload), "size": sys.getsizeof(leaked.payload),
                          "type": "builtins.bytearray", "req": id(leaked)}))
        del leaked
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    i = _obj(h, info)
    assert len(h.find("__main__.Request")) == 20
    labels, types = _chain(h, i)
    assert labels == [".bus", ".listeners", "[7]", ".payload"], labels
    assert types[:3] == ["builtins.module", "builtins.dict", "__main__.EventBus"]
    assert h.desc(i).startswith("bytearray b'\\x00\\x00") and h.desc(i).endswith("(10007 bytes)")


def test_circular_references(tmp_path, validate):
    # reference cycles with the gc disabled: unreachable, yet alive; and a
    # cycle the collector found, kept in gc.garbage by DEBUG_SAVEALL
    doc, proc = run_script(tmp_path, """
        import gc, json, sys
        gc.disable()

        class Node:
            def __init__(self, name):
                self.name = name
                self.peer = None
                self.data = list(range(1000))

        def make_cycle(tag):
            a, b = Node(tag + "-a"), Node(tag + "-b")
            a.peer, b.peer = b, a
            return id(a), id(b), sys.getsizeof(a.data), id(a.data)

        gc.set_debug(gc.DEBUG_SAVEALL)
        make_cycle("saved")
        gc.collect()
        gc.set_debug(0)
        gc.disable()

        for k in range(5):
            last = make_cycle("lost%d" % k)      # unreachable after return
        print(json.dumps({"a": last[0], "b": last[1], "addr": last[3], "size": last[2],
                          "type": "builtins.list"}))
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    a, b = h.by_address(info["a"]), h.by_address(info["b"])
    assert a is not None and b is not None
    data = _obj(h, info)
    # the cycle a.peer -> b, b.peer -> a, a.data -> list
    assert h.labels(h.path([b], roots=[a])) == [".peer"]
    assert h.labels(h.path([a], roots=[b])) == [".peer"]
    assert h.labels(h.path([data], roots=[a])) == [".data"]
    # unreachable: no path from any module / thread / builtins root
    assert h.path([a, b]) is None
    nodes = h.find("__main__.Node")
    assert len(nodes) == 12
    garbage_flag = doc["meta"]["object_flags"]["garbage"]
    saved = [i for i in nodes if h.flags[i] & garbage_flag]
    assert len(saved) == 2
    # the saved ones hang off gc.garbage
    steps = h.path(saved[:1], roots=[h.module_root("gc")])
    assert h.labels(steps)[:2] == [".garbage", "[0]"] or h.labels(steps)[0] == ".garbage"


def test_globals(tmp_path, validate):
    doc, proc = run_script(tmp_path, """
        import json, sys
        HISTORY = []                         # grows for ever

        def record(i):
            HISTORY.append(("event", i, b"z" * 50000))

        for i in range(30):
            record(i)
        x = HISTORY[12][2]
        print(json.dumps({"addr": id(x), "size": sys.getsizeof(x), "type": "builtins.bytes"}))
        del x
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    i = _obj(h, info)
    assert h.size[i] >= 50000
    labels, types = _chain(h, i)
    assert labels == [".HISTORY", "[12]", "[2]"], labels
    assert types == ["builtins.module", "builtins.dict", "builtins.list", "builtins.tuple",
                     "builtins.bytes"]


def test_long_lived_cache(tmp_path, validate):
    doc, proc = run_script(tmp_path, """
        import json, sys

        class Result:
            def __init__(self, key):
                self.key = key
                self.rows = [{"id": i} for i in range(100)]

        cache = {}

        def lookup(key):
            if key not in cache:
                cache[key] = Result(key)
            return cache[key]

        for k in range(50):
            lookup("k%d" % k)
        lookup("key")
        r = cache["key"]
        print(json.dumps({"addr": id(r), "size": sys.getsizeof(r), "type": "__main__.Result",
                          "rows": id(r.rows), "rows_size": sys.getsizeof(r.rows)}))
        del r
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    i = _obj(h, info)
    # root module __main__ -> its dict -> ['cache'] -> dict -> ['key'] -> the object
    steps = h.path([i], roots=[h.module_root("__main__")])
    raw = [(h.type(a), kind, name) for a, kind, name, _ in steps]
    assert raw == [("builtins.module", "instance_dict", None),
                   ("builtins.dict", "dict_value", "'cache'"),
                   ("builtins.dict", "dict_value", "'key'")], raw
    rows = h.by_address(info["rows"])
    assert h.size[rows] == info["rows_size"]
    assert h.labels(h.path([rows], roots=[i])) == [".rows"]
    assert len(h.find("__main__.Result")) == 51


def test_closures(tmp_path, validate):
    doc, proc = run_script(tmp_path, """
        import json, sys
        callbacks = []

        def make_callback(n):
            big = [n] * 100000               # captured by the closure
            def callback():
                return len(big)
            return callback

        for n in range(3):
            callbacks.append(make_callback(n))
        cell = callbacks[1].__closure__[0]
        big = cell.cell_contents
        print(json.dumps({"addr": id(big), "size": sys.getsizeof(big), "type": "builtins.list",
                          "fn": id(callbacks[1])}))
        del cell, big
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    i = _obj(h, info)
    assert h.size[i] > 800000
    labels, types = _chain(h, i)
    assert labels == [".callbacks", "[1]", "<__closure__>", "closure big", "cell big"], labels
    assert types[3:] == ["builtins.function", "builtins.tuple", "builtins.cell", "builtins.list"]
    fn = h.by_address(info["fn"])
    assert h.desc(fn) == "make_callback.<locals>.callback"
    assert h.flags[fn] & doc["meta"]["object_flags"]["function"]


def test_default_arguments(tmp_path, validate):
    # a mutable default grows for ever; its edges are named by parameter,
    # positional-only ones included, keyword-only ones by key
    doc, proc = run_script(tmp_path, """
        import json, sys

        def remember(req, seen=[]):
            seen.append(bytearray(1000 + req))
            return len(seen)

        def posonly(a, b=[1], /, c={"k": 1}, *, d=[2], e=3):
            return a

        def f1(p=1, q=2):
            return p

        def f2(x=1, y=2):
            return x

        for n in range(20):
            remember(n)
        print(json.dumps({"seen": id(remember.__defaults__[0]), "b": id(posonly.__defaults__[0]),
                          "c": id(posonly.__defaults__[1]), "d": id(posonly.__kwdefaults__["d"]),
                          "shared": f1.__defaults__ is f2.__defaults__}))
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    seen = h.by_address(info["seen"])
    labels, types = _chain(h, seen)
    assert labels == [".remember", "__defaults__", "default seen"], labels
    assert types == ["builtins.module", "builtins.dict", "builtins.function", "builtins.tuple",
                     "builtins.list"], types
    fn = h.find("builtins.function", desc="posonly")
    assert len(fn) == 1
    for key, label in (("b", ["__defaults__", "default b"]), ("c", ["__defaults__", "default c"]),
                       ("d", ["__kwdefaults__", "['d']"])):
        assert h.labels(h.path([h.by_address(info[key])], roots=fn)) == label, key
    # a constant tuple the compiler shares between f1 and f2 (3.11+) names
    # its elements by index, since the parameters differ; else by parameter
    f1 = h.find("builtins.function", desc="f1")
    ints = [i for i in h.find("builtins.int") if h.desc(i) in ("1", "2")]
    got = h.labels(h.path(ints, roots=f1))
    assert got == (["__defaults__", "[1]"] if info["shared"] else ["__defaults__", "default p"]) \
        or got == (["__defaults__", "[0]"] if info["shared"] else ["__defaults__", "default q"]), got


def test_suspended_generators(tmp_path, validate):
    # generators read once and kept: each suspended frame keeps its locals;
    # a generator is described by its function's qualified name
    doc, proc = run_script(tmp_path, """
        import json, sys
        streams = []

        class Exporter:
            def rows(self, n):
                rows = [(n, k, "row %d" % k) for k in range(200)]
                for row in rows:
                    yield row

        async def pending(n):
            return n

        def start(n):
            gen = Exporter().rows(n)
            next(gen)                       # one row read, never finished
            streams.append(gen)

        for n in range(12):
            start(n)
        coro = pending(1)                   # a coroutine never awaited, kept
        rows = streams[5].gi_frame.f_locals["rows"]
        print(json.dumps({"addr": id(rows), "size": sys.getsizeof(rows), "type": "builtins.list",
                          "gen": id(streams[5]), "coro": id(coro)}))
        del rows
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    i = _obj(h, info)
    gen, coro = h.by_address(info["gen"]), h.by_address(info["coro"])
    assert h.type(gen) == "builtins.generator" and h.desc(gen) == "Exporter.rows"
    assert h.type(coro) == "builtins.coroutine" and h.desc(coro) == "pending"
    assert len(h.find("builtins.generator", desc="Exporter.rows")) == 12
    labels, types = _chain(h, i)
    assert labels[:2] == [".streams", "[5]"], labels
    assert types[3] == "builtins.generator" and types[-1] == "builtins.list", types
    # the local is named on every version: from the generator's frame
    # object before 3.11, from the generator (whose frame it is) after
    assert labels[-1] == "local rows", labels


def test_contextvar_values_are_named_by_their_variable(tmp_path, validate):
    # a list set in the main context (reached through the Context's mapping,
    # named after its ContextVar) and a mutable default (the variable's
    # `default`); a ContextVar is described by its name
    doc, proc = run_script(tmp_path, """
        import contextvars, json, sys
        trail = contextvars.ContextVar("trail")
        trail.set([])
        crumbs = contextvars.ContextVar("crumbs", default=[])
        other = contextvars.ContextVar("other")
        other.set(trail)                  # a value that is itself a ContextVar
        for n in range(30):
            trail.get().append(bytearray(100))
            contextvars.copy_context().run(lambda: crumbs.get().append(n))
        t, c = trail.get(), crumbs.get()
        print(json.dumps({"trail": id(t), "crumbs": id(c), "var": id(trail), "cvar": id(crumbs)}))
        del t, c
    """)
    validate(doc)
    info = last_json_line(proc.stdout)
    h = Heap(doc)
    var, cvar = h.by_address(info["var"]), h.by_address(info["cvar"])
    assert h.desc(var) == "trail" and h.desc(cvar) == "crumbs"
    assert h.type(var) in ("_contextvars.ContextVar", "builtins.ContextVar"), h.type(var)
    trail = h.by_address(info["trail"])
    names = [(h.type(a), kind, name) for a, kind, name in h.inc[trail]]
    assert any(t.startswith("builtins.hamt") and kind == "dict_value" and name == "trail" for t, kind, name in names), names
    # the ContextVar value of `other` is named `other`, not taken for a key
    assert any(kind == "dict_value" and name == "other" for _, kind, name in h.inc[var]), h.inc[var]
    crumbs = h.by_address(info["crumbs"])
    assert (cvar, "internal", "default") in h.inc[crumbs], h.inc[crumbs]
