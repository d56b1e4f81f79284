"""The exporter never runs user code, even for objects built to catch it:
each hostile object records any call into CALLS; the dump must leave CALLS
empty and still export the object (issue 9, "never runs user code")."""
from __future__ import annotations

import sys

from conftest import Heap, last_json_line, load, run_python

PRELUDE = """
import json, sys, types
CALLS = []
OUT = sys.argv[1]
ARMED = []

def note(what):
    if ARMED:
        CALLS.append(what)

def dump_now():
    # CALLS only counts what happens inside dump()
    import heapscope
    ARMED.append(1)
    try:
        heapscope.dump(OUT)
    finally:
        ARMED.clear()

def report(**ids):
    print(json.dumps({"calls": CALLS, "ids": {k: id(v) for k, v in ids.items()}}))
"""


def _run(tmp_path, body, validate):
    out = tmp_path / "hostile.heapscope.json"
    proc = run_python(tmp_path, PRELUDE + body, args=[str(out)])
    info = last_json_line(proc.stdout)
    doc = validate(load(str(out)))
    return info["calls"], info["ids"], Heap(doc)


def test_metaclass_eq_hash_getattribute(tmp_path, validate):
    # A metaclass with __eq__/__hash__/__getattribute__: the exporter used a
    # class as a dict key and in `x in mro` tests.  A metaclass with __eq__
    # and no __hash__ made dump() raise (unhashable type) and write nothing.
    calls, ids, h = _run(tmp_path, """
class Meta(type):
    def __eq__(cls, other):
        note("Meta.__eq__")
        return type.__eq__(cls, other)
    def __hash__(cls):
        note("Meta.__hash__")
        return type.__hash__(cls)
    def __getattribute__(cls, name):
        note("Meta.__getattribute__ " + name)
        return type.__getattribute__(cls, name)
    def __instancecheck__(cls, x):
        note("Meta.__instancecheck__")
        return False
    def __subclasscheck__(cls, x):
        note("Meta.__subclasscheck__")
        return False
    def __repr__(cls):
        note("Meta.__repr__")
        return "Meta!"
    def __len__(cls):
        note("Meta.__len__")
        return 0

class EqOnly(type):            # __eq__ without __hash__: classes are unhashable
    def __eq__(cls, other):
        note("EqOnly.__eq__")
        return cls is other

class A(metaclass=Meta):
    def __init__(self):
        self.payload = ["a payload"]

class ListA(list, metaclass=Meta):
    pass

class DictA(dict, metaclass=EqOnly):
    pass

class B(metaclass=EqOnly):
    __slots__ = ("slot",)

a, la, da, b = A(), ListA([1, 2]), DictA(k="v"), B()
b.slot = ("slotted",)
dump_now()
report(a=a, la=la, da=da, b=b, A=A, B=B, payload=a.__dict__["payload"])
""", validate)
    assert calls == []
    assert h.type(h.by_address(ids["a"])) == "__main__.A"
    assert h.type(h.by_address(ids["b"])) == "__main__.B"
    assert h.type(h.by_address(ids["la"])) == "__main__.ListA"
    assert h.desc(h.by_address(ids["la"])) == "len=2"
    assert h.desc(h.by_address(ids["da"])) == "len=1"
    assert h.desc(h.by_address(ids["A"])) == "__main__.A"
    b = h.by_address(ids["b"])
    assert ("attribute", "slot") in {(k, n) for _, k, n in h.out[b]}
    assert h.labels(h.path([h.by_address(ids["payload"])], roots=[h.module_root("__main__")])) \
        == [".a", ".payload"]


def test_mapping_proxy_and_weak_proxy_over_user_objects(tmp_path, validate):
    # MappingProxyType.__len__ and weakref.proxy's __len__ call the wrapped
    # object's __len__.
    calls, ids, h = _run(tmp_path, """
import weakref

class UserMapping:
    def __getitem__(self, k):
        note("UserMapping.__getitem__")
        raise KeyError(k)
    def __len__(self):
        note("UserMapping.__len__")
        return 7
    def __iter__(self):
        note("UserMapping.__iter__")
        return iter(())
    def keys(self):
        note("UserMapping.keys")
        return []

class Sized:
    def __len__(self):
        note("Sized.__len__")
        return 3

um = UserMapping()
mp = types.MappingProxyType(um)
plain = types.MappingProxyType({"x": 1, "y": 2})
sized = Sized()
wp = weakref.proxy(sized)
dump_now()
report(mp=mp, um=um, plain=plain, wp=wp)
""", validate)
    assert calls == []
    mp = h.by_address(ids["mp"])
    assert h.type(mp) == "builtins.mappingproxy"
    assert h.by_address(ids["um"]) in {b for b, _, _ in h.out[mp]}
    assert h.desc(h.by_address(ids["plain"])) == "len=2"
    assert h.by_address(ids["wp"]) is not None


def test_dunder_hash_collisions_in_class_and_module_dicts(tmp_path, validate):
    # A key whose hash equals a dunder's: `"__del__" in d` or
    # d.get("__name__") compares it with the dunder through its __eq__.
    calls, ids, h = _run(tmp_path, """
DUNDERS = ("__del__", "__sizeof__", "__len__", "__dict__", "__weakref__", "__slots__",
           "__get__", "__set__", "__delete__", "__name__", "__qualname__", "__module__",
           "__file__", "__class__", "__init__", "__repr__", "payload", "0", "_name")

class Colliding(str):
    def __new__(cls, text, like):
        s = str.__new__(cls, text)
        s.like = like
        return s
    def __hash__(self):
        return hash(self.like)
    def __eq__(self, other):
        note("Colliding.__eq__ " + self.like)
        return False
    def __ne__(self, other):
        note("Colliding.__ne__")
        return True

ns = {Colliding("k%d" % i, d): i for i, d in enumerate(DUNDERS)}
ns["payload"] = ["class payload"]

class Descr:
    def __get__(self, obj, tp=None):
        note("Descr.__get__")
        return 1

ns["attr"] = Descr()
C = type("C", (), dict(ns))
Sub = type("Sub", (C,), dict(ns))
inst = Sub()
inst.payload = ["instance payload"]
mod = types.ModuleType("collide_mod")
mod.__dict__.update(ns)
sys.modules["collide_mod"] = mod
dump_now()
report(C=C, Sub=Sub, inst=inst, mod=mod, ipayload=inst.payload)
""", validate)
    assert calls == []
    assert h.type(h.by_address(ids["inst"])) == "__main__.Sub"
    assert h.desc(h.by_address(ids["mod"])) == "collide_mod"
    assert h.labels(h.path([h.by_address(ids["ipayload"])], roots=[h.module_root("__main__")])) \
        == [".inst", ".payload"]


def test_str_subclasses_as_names(tmp_path, validate):
    # co_name, co_filename, __qualname__ of functions and classes may be str
    # subclasses: %-formatting calls __str__, `+` calls __radd__.
    calls, ids, h = _run(tmp_path, """
class EvilStr(str):
    def __str__(self):
        note("EvilStr.__str__")
        return "evil"
    def __repr__(self):
        note("EvilStr.__repr__")
        return "evil"
    def __format__(self, spec):
        note("EvilStr.__format__")
        return "evil"
    def __add__(self, other):
        note("EvilStr.__add__")
        return "evil"
    def __radd__(self, other):
        note("EvilStr.__radd__")
        return "evil"
    def __mod__(self, other):
        note("EvilStr.__mod__")
        return "evil"
    def __rmod__(self, other):
        note("EvilStr.__rmod__")
        return "evil"
    def __len__(self):
        note("EvilStr.__len__")
        return 0
    def __getitem__(self, i):
        note("EvilStr.__getitem__")
        return "evil"
    def __hash__(self):
        note("EvilStr.__hash__")
        return 0
    def __eq__(self, other):
        note("EvilStr.__eq__")
        return False
    def __iter__(self):
        note("EvilStr.__iter__")
        return iter(())
    def rfind(self, *a):
        note("EvilStr.rfind")
        return -1
    def rstrip(self, *a):
        note("EvilStr.rstrip")
        return "evil"
    def startswith(self, *a):
        note("EvilStr.startswith")
        return False
    def endswith(self, *a):
        note("EvilStr.endswith")
        return False
    def encode(self, *a, **k):
        note("EvilStr.encode")
        return b"evil"

def gen():
    yield 1
    yield 2

gen.__code__ = gen.__code__.replace(co_name=EvilStr("evil_gen"),
                                    co_filename=EvilStr("/srv/" + "x" * 100 + "/evil.py"))
gen.__qualname__ = EvilStr("gen_qualname")
g = gen()
next(g)                       # a suspended frame running the renamed code
gframe = g.gi_frame           # (3.11+ makes the frame object on demand)

class K:
    def method(self):
        pass
K.method.__qualname__ = EvilStr("K.method_qualname")
K.__qualname__ = EvilStr("K_qualname")
K.__name__ = EvilStr("K_name")
bound = K().method
dump_now()
report(gen=gen, code=gen.__code__, g=g, K=K, bound=bound)
""", validate)
    assert calls == []
    assert h.desc(h.by_address(ids["gen"])) == "gen_qualname"
    assert h.desc(h.by_address(ids["code"])).startswith("evil_gen at ")
    assert h.desc(h.by_address(ids["bound"])) == "bound K.method_qualname"
    assert h.desc(h.by_address(ids["K"])) == "__main__.K_qualname"
    frames = [i for i in h.find("builtins.frame") if (h.desc(i) or "").startswith("evil_gen at ")]
    assert len(frames) == 1


def test_frames_whose_locals_are_not_a_dict(tmp_path, validate):
    # exec() with a custom mapping and a class body whose __prepare__
    # returns one: the frame's f_locals is that mapping (.items() ran).
    calls, ids, h = _run(tmp_path, """
class Recorder:
    def __init__(self):
        self.data = {}
    def __getitem__(self, k):
        note("Recorder.__getitem__ " + k)
        return self.data[k]
    def __setitem__(self, k, v):
        note("Recorder.__setitem__ " + k)
        self.data[k] = v
    def __delitem__(self, k):
        note("Recorder.__delitem__ " + k)
        del self.data[k]
    def __iter__(self):
        note("Recorder.__iter__")
        return iter(self.data)
    def __len__(self):
        note("Recorder.__len__")
        return len(self.data)
    def items(self):
        note("Recorder.items")
        return self.data.items()
    def keys(self):
        note("Recorder.keys")
        return self.data.keys()

class Namespace(dict):
    def __getitem__(self, k):
        note("Namespace.__getitem__ " + k)
        return dict.__getitem__(self, k)
    def __setitem__(self, k, v):
        note("Namespace.__setitem__ " + k)
        dict.__setitem__(self, k, v)
    def __delitem__(self, k):
        note("Namespace.__delitem__ " + k)
        dict.__delitem__(self, k)
    def items(self):
        note("Namespace.items")
        return dict.items(self)
    def keys(self):
        note("Namespace.keys")
        return dict.keys(self)
    def __iter__(self):
        note("Namespace.__iter__")
        return dict.__iter__(self)
    def __len__(self):
        note("Namespace.__len__")
        return dict.__len__(self)

class Meta(type):
    @classmethod
    def __prepare__(mcls, name, bases):
        return Namespace()
    def __new__(mcls, name, bases, ns):
        return type.__new__(mcls, name, bases, dict(ns))

ns = Recorder()
ns.data["exec_local"] = ["held by the exec namespace"]
exec(compile("dump_now()", "<exec>", "exec"), {"dump_now": dump_now}, ns)

class Body(metaclass=Meta):
    body_local = ["held by the class body"]
    def method(self):
        return __class__          # a __class__ cell in the class body
    dump_now()

report(ns=ns, exec_local=ns.data["exec_local"], body_local=Body.body_local)
""", validate)
    assert calls == []
    assert h.by_address(ids["exec_local"]) is not None
    assert h.by_address(ids["body_local"]) is not None
