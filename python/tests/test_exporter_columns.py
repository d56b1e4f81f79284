"""The walker's column-at-a-time paths (issue 14, exporter speed) give what
describing, measuring and labelling one object at a time gives: each object
of a heap mixing short and long str/bytes, small and huge ints, floats,
containers holding the exporter's own (excluded) objects, repeated new items,
instances (inline values, slots) with and without all their attributes and a class whose
``__sizeof__`` is Python code is checked against the per-object describers
and ``sys.getsizeof`` run in the child after the dump."""
from __future__ import annotations

from conftest import Heap, last_json_line, load, run_python

PROGRAM = r"""
import json, sys
import heapscope
from heapscope._export import describers, errors

class Plain:
    def __init__(self, i):
        self.a = i * 1000 + 7
        self.b = "b%d" % i
        self.c = [i]

class Partial:
    def __init__(self, i, full):
        self.x = "x%d" % i
        if full:
            self.y = ("y", i)

class Slotted:
    __slots__ = ("u", "v", "__weakref__")
    def __init__(self, i, full):
        self.u = "u%d" % i
        if full:
            self.v = [i]

SHARED = "shared-%d" % 1

class Twice:
    def __init__(self):
        self.p = SHARED
        self.q = SHARED

class Sized:
    def __sizeof__(self):
        return 10 ** 9

plains = [Plain(i) for i in range(50)]
partials = [Partial(i, i % 2 == 0) for i in range(50)]
slotted = [Slotted(i, i % 3 != 0) for i in range(30)]
twice = [Twice() for _ in range(5)]
sized = [Sized() for _ in range(3)] + [Plain(-1) for _ in range(3)]
strs = ["s%d" % i for i in range(30)] + ["L" * (81 + i) for i in range(5)] + ["\x00" * (20 + i) for i in range(3)]
bys = [b"b%d" % i for i in range(30)] + [b"B" * (41 + i) for i in range(3)] + [b"\x00" * 30]
ints = [10 ** 6 + i for i in range(30)] + [1 << 300, -(1 << 250)]
floats = [i + 0.25 for i in range(20)]
leaves = strs + bys + ints + floats
# containers holding an object of the exporter's own (left out of the dump)
with_own = ["w%d" % i for i in range(20)]
with_own.insert(7, errors.COUNTS)
dict_own = {"k%d" % i: "v%d" % i for i in range(20)}
dict_own["own"] = errors.COUNTS
# a container whose new items repeat
tmp = ["dup%d" % i for i in range(3)]
dup_list = [tmp[i % 3] for i in range(20)]
del tmp
big_dict = {"key%d" % i: ("val", i) for i in range(40)}

heapscope.dump(sys.argv[1])

class S:
    def __init__(self):
        self.l = []
    def add(self, s):
        self.l.append(s)
        return len(self.l) - 1
    unique = add

def describe(o):
    s = S()
    f = {str: describers._desc_str, bytes: describers._desc_bytes, int: describers._desc_int,
         float: describers._desc_float}[type(o)]
    return s.l[f(o, s, None)]

print(json.dumps({
    "leaves": [[id(o), describe(o)] for o in leaves],
    "sizes": [[id(o), sys.getsizeof(o)] for o in leaves + plains + partials],
    "sized": [id(o) for o in sized[:3]], "plain_sized": [[id(o), sys.getsizeof(o)] for o in sized[3:]],
    "plains": [id(o) for o in plains], "partials": [[id(o), hasattr(o, "y")] for o in partials],
    "slotted": [[id(o), hasattr(o, "v")] for o in slotted],
    "twice": [id(o) for o in twice], "shared": id(SHARED),
    "with_own": id(with_own), "counts": id(errors.COUNTS), "dict_own": id(dict_own),
    "dup_list": id(dup_list), "big_dict": id(big_dict),
}))
"""


def _attributes(h, i):
    """{name: target} of instance *i*: its attribute references, or its
    instance dict's values (Python < 3.11)."""
    out = {}
    for j, kind, name in h.out[i]:
        if kind == "attribute":
            out[name] = j
        elif kind == "instance_dict":
            for j2, k2, n2 in h.out[j]:
                if k2 == "dict_value":
                    out[n2.strip("'")] = j2
    return out


def test_column_paths_match_one_by_one(tmp_path, validate):
    out = tmp_path / "c.heapscope.json"
    info = last_json_line(run_python(tmp_path, PROGRAM, args=[str(out)]).stdout)
    h = Heap(validate(load(str(out))))
    # descriptions: what the describers give one object at a time
    got = [(h.desc(h.by_address(a)), want) for a, want in info["leaves"]]
    assert [g for g, _ in got] == [w for _, w in got]
    # sizes: sys.getsizeof, except where __sizeof__ is Python code
    assert [h.size[h.by_address(a)] for a, _ in info["sizes"]] == [s for _, s in info["sizes"]]
    assert [h.size[h.by_address(a)] for a, _ in info["plain_sized"]] == [s for _, s in info["plain_sized"]]
    assert all(0 < h.size[h.by_address(a)] < 10 ** 9 for a in info["sized"])
    # instances: every attribute named, whether all are set or not
    for a in info["plains"]:
        attrs = _attributes(h, h.by_address(a))
        assert set(attrs) == {"a", "b", "c"}
        assert (h.type(attrs["a"]), h.desc(attrs["b"])[:2], h.type(attrs["c"])) == ("builtins.int", "'b", "builtins.list")
    for a, full in info["partials"]:
        assert set(_attributes(h, h.by_address(a))) == ({"x", "y"} if full else {"x"})
    for a, full in info["slotted"]:
        attrs = _attributes(h, h.by_address(a))
        assert set(attrs) == ({"u", "v"} if full else {"u"})
        assert h.desc(attrs["u"])[:2] == "'u" and (not full or h.type(attrs["v"]) == "builtins.list")
    for a in info["twice"]:
        attrs = _attributes(h, h.by_address(a))
        assert attrs["p"] == attrs["q"] == h.by_address(info["shared"])
    # the exporter's own object is left out; the other items keep their positions
    assert info["counts"] not in set(h.address)
    w = h.by_address(info["with_own"])
    assert sorted(int(n) for _, _, n in h.out[w]) == [i for i in range(21) if i != 7]
    assert {h.desc(j) for j, _, n in h.out[w]} == {"'w%d'" % i for i in range(20)}
    d = h.by_address(info["dict_own"])
    refs = [(kind, n, h.desc(j)) for j, kind, n in h.out[d]]
    assert ("dict_key", "'own'", "'own'") in refs and not [r for r in refs if r[:2] == ("dict_value", "'own'")]
    assert sorted(r for r in refs if r[0] == "dict_value") == sorted(
        ("dict_value", "'k%d'" % i, "'v%d'" % i) for i in range(20))
    # repeated new items: one object each, every position named
    dl = h.by_address(info["dup_list"])
    items = sorted((int(n), j) for j, _, n in h.out[dl])
    assert [n for n, _ in items] == list(range(20))
    assert len({j for _, j in items}) == 3
    assert [h.desc(j) for _, j in items] == ["'dup%d'" % (i % 3) for i in range(20)]
    # a dict over the small-container limit: key, value, key, value... named
    b = h.by_address(info["big_dict"])
    names = {}
    for j, kind, n in h.out[b]:
        names.setdefault(n, []).append((kind, h.type(j)))
    assert len(names) == 40
    assert all(sorted(v) == [("dict_key", "builtins.str"), ("dict_value", "builtins.tuple")] for v in names.values())
    # a key's description is its name's string (one string, not two)
    k = [j for j, kind, n in h.out[b] if kind == "dict_key" and n == "'key7'"][0]
    assert h.desc_ix[k] == h.s.index("'key7'")
