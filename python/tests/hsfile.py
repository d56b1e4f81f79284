"""Small pure-Python reader of heapscope files, used by the tests."""
from __future__ import annotations

import gzip
import json
from collections import deque


CANONICAL = {"object_fields": (["address", "type", "size", "flags", "description", "traceback"],
                                 {"flags": 0, "description": -1, "traceback": -1}),
             "reference_fields": (["from", "to", "kind", "name"], {"kind": 0, "name": -1})}
ARRAYS = {"object_fields": "objects", "reference_fields": "references"}


def load_raw(path):
    """The document as written (compact fields left as they are)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def load(path):
    """The document with its heap records in the canonical field lists."""
    return decode(load_raw(path))


def decode(doc, copy=False):
    """Rewrites the heap records to the canonical field lists, in place, as
    heapscope's reader reads them (docs/format.md): `<name>_delta` fields
    (`address`, `from`) are summed up, absent optional fields get their
    defaults.  A file naming a field both ways is refused."""
    if "heap" not in doc:
        return doc
    if copy:
        doc = dict(doc, meta=dict(doc["meta"]), heap=dict(doc["heap"]))
    m = doc["meta"]
    for key, (names, defaults) in CANONICAL.items():
        fields = m[key]
        arr = doc["heap"][ARRAYS[key]]
        W = len(fields)
        n = len(arr) // W
        cols = []
        for name in names:
            if name in fields and name + "_delta" in fields:
                raise ValueError("%s names both %s and %s_delta" % (key, name, name + "_delta"))
            if name in fields:
                cols.append(arr[fields.index(name)::W])
            elif name + "_delta" in fields and name in ("address", "from"):
                col, acc = [], 0
                for v in arr[fields.index(name + "_delta")::W]:
                    acc += v
                    col.append(acc)
                cols.append(col)
            elif name in defaults:
                cols.append([defaults[name]] * n)
            else:
                raise ValueError("%s lacks the required field %s" % (key, name))
        out = [0] * (n * len(names))
        for k, col in enumerate(cols):
            out[k::len(names)] = col
        doc["heap"][ARRAYS[key]] = out
        m[key] = list(names)
    return doc


class Heap:
    def __init__(self, doc):
        self.doc = doc
        self.s = doc["strings"]
        m = doc["meta"]
        h = doc["heap"]
        of = m["object_fields"]
        self.F = F = len(of)
        fi = {n: i for i, n in enumerate(of)}
        ob = h["objects"]
        n = len(ob) // F
        self.n = n
        self.address = [ob[i * F + fi["address"]] for i in range(n)]
        self.type_ix = [ob[i * F + fi["type"]] for i in range(n)]
        self.size = [ob[i * F + fi["size"]] for i in range(n)]
        self.flags = [ob[i * F + fi["flags"]] for i in range(n)]
        self.desc_ix = [ob[i * F + fi["description"]] for i in range(n)]
        self.tb = [ob[i * F + fi["traceback"]] for i in range(n)]
        rf = m["reference_fields"]
        R = len(rf)
        ri = {n: i for i, n in enumerate(rf)}
        refs = h["references"]
        self.kinds = m["reference_kinds"]
        self.out = [[] for _ in range(n)]
        self.inc = [[] for _ in range(n)]
        for k in range(len(refs) // R):
            a = refs[k * R + ri["from"]]
            b = refs[k * R + ri["to"]]
            kind = self.kinds[refs[k * R + ri["kind"]]]
            name = refs[k * R + ri["name"]]
            name = None if name < 0 else self.s[name]
            self.out[a].append((b, kind, name))
            self.inc[b].append((a, kind, name))
        rfs = m["root_fields"]
        Q = len(rfs)
        qi = {n: i for i, n in enumerate(rfs)}
        rk = m["root_kinds"]
        self.roots = []
        rr = h["roots"]
        for k in range(len(rr) // Q):
            nm = rr[k * Q + qi["name"]]
            self.roots.append((rr[k * Q + qi["object"]], rk[rr[k * Q + qi["kind"]]],
                               None if nm < 0 else self.s[nm], rr[k * Q + qi["excess"]]))

    def type(self, i):
        return self.s[self.type_ix[i]]

    def desc(self, i):
        d = self.desc_ix[i]
        return None if d < 0 else self.s[d]

    def find(self, type_name=None, desc=None):
        out = []
        for i in range(self.n):
            if type_name is not None and self.type(i) != type_name:
                continue
            if desc is not None and self.desc(i) != desc:
                continue
            out.append(i)
        return out

    def by_address(self, addr):
        for i, a in enumerate(self.address):
            if a == addr:
                return i
        return None

    def module_root(self, name):
        for o, kind, n, _ in self.roots:
            if kind == "module" and n == name:
                return o
        raise KeyError(name)

    def path(self, targets, roots=None, kinds=("module", "thread", "builtins")):
        """BFS from the given roots (object indices) or from all roots of the
        given kinds to any of *targets*; returns [(from, kind, name, to), ...]."""
        targets = set(targets)
        if roots is None:
            roots = [o for o, k, _, _ in self.roots if k in kinds]
        prev = {}
        q = deque()
        for r in roots:
            if r not in prev:
                prev[r] = None
                q.append(r)
        while q:
            a = q.popleft()
            if a in targets:
                steps = []
                while prev[a] is not None:
                    p, kind, name = prev[a]
                    steps.append((p, kind, name, a))
                    a = p
                return list(reversed(steps))
            for b, kind, name in self.out[a]:
                if kind == "weak" or b in prev:
                    continue
                prev[b] = (a, kind, name)
                q.append(b)
        return None

    @staticmethod
    def label(kind, name):
        if kind == "attribute":
            return "." + name
        if kind == "dict_value":
            return "[%s]" % name
        if kind == "dict_key":
            return "key of [%s]" % name
        if kind == "index":
            return "[%s]" % ("" if name is None else name)
        if kind in ("class_dict", "instance_dict"):
            return "__dict__"
        if kind in ("mro", "bases", "globals"):
            return "__%s__" % kind
        if kind == "defaults":
            # function -> __defaults__ / __kwdefaults__; tuple -> a parameter's value
            return name if name is None or name.startswith("__") else "default " + name
        if kind in ("cell", "local", "closure"):
            return "%s %s" % (kind, name)
        if kind == "weak":
            return "weak"
        return "<%s>" % (name or "internal")

    def labels(self, steps):
        """Labels of a path with `__dict__` + `['x']` folded into `.x`."""
        out = []
        for _, kind, name, b in steps:
            lab = self.label(kind, name)
            if (kind == "dict_value" and out and out[-1] == "__dict__"
                    and name and name[0] in "'\""):
                out[-1] = "." + name[1:-1]
            else:
                out.append(lab)
        return out
