"""The heap walk: one pass over every object, writing objects and labelled
references, then the roots (modules, threads, builtins, native excess)."""
from __future__ import annotations

import builtins
import gc
import sys
import weakref
from array import array
from collections import deque
from itertools import compress, islice, repeat
from operator import attrgetter, eq, le, lt, or_ as _or, sub

from .errors import note as _note
from .format_v1 import (_CHUNK, DESC_MAX, F_GARBAGE, F_MODULE, K_ATTR, K_CLOSURE, K_DEFAULTS, K_DKEY, K_DVAL, K_INDEX,
                        K_INTERNAL, R_BUILTINS, R_MODULE, R_NATIVE, R_THREAD)
from .labelers import SYN_NOT_HELD, SYN_UNLESS_REPORTED
from .describers import _desc_len
from .safe import (_IMMORTAL, _PY311, _bytes_len, _dict_items, _bytes_repr, _FunctionType, _float_repr, _get_referents,
                   _getsizeof, _has, _int_bitlen, _int_repr, _is_tracked, _materialized_dict, _module_dict_get, _mro, _obj_getattr,
                   _simple_key_repr, _str_len, _str_repr)
from .typeinfo import H_DICT, H_LABELED, H_NOREF, H_SEQ, H_SET, MAX_LEARN, _TypeInfos, learned_names
from .writers import _IntWriter

# (the walk skips objects whose handler is falsy: those without references)
assert H_NOREF == 0 and all((H_DICT, H_SEQ, H_SET, H_LABELED))
_AG_NAME = attrgetter("name")
_AG_FLAGS = attrgetter("flags")
_AG_HANDLER = attrgetter("handler")
_dict_values = dict.values


def _seq_reversed(tp):
    a, b = object(), object()
    r = gc.get_referents(tp([a, b]))
    return r[0] is b


_SEQ_REVERSED = {list: _seq_reversed(list), tuple: _seq_reversed(tuple)}

# A container with more entries than this is walked in slices of this many,
# its references flushed to disk after each: the memory of a dump does not
# grow with the largest container.  Its dict keys' names are not cached
# either (a huge dict's keys are nearly always its own).
BIG = 4096
# A container with at most this many entries is walked one entry at a time;
# a larger one a column at a time (C-level maps over its entries).
SMALL = 8
# progress(objects_done, references_done) is called every this many objects.
PROGRESS_EVERY = 100000


def _is_subclasses_registry(d):
    """Whether *d* is a type's registry of its subclasses (CPython before
    3.10: a dict of id(subclass) -> weakref to it).  The walk itself adds to
    one when it reads a static type the interpreter readies lazily (3.8 and
    3.9: `functools._lru_list_elem`, the links of a bounded `lru_cache`): that
    is not another thread changing the heap."""
    if type(d) is not dict:
        return False
    try:
        for k, v in list(d.items()):
            if type(v) is not weakref.ref:
                return False
            t = v()
            if t is not None and (not issubclass(type(t), type) or id(t) != k):
                return False
    except Exception as e:
        _note("walker.subclasses", e)
        return False
    return True


class _Walker(_TypeInfos):
    def __init__(self, objs, excl, strings, tables, live, garbage_ids, root_frames):
        self.objs = objs
        self.strings = strings
        self.tables = tables
        self.live = live
        self.garbage_ids = garbage_ids
        self.index = index = {}
        for i, o in enumerate(objs):
            index[id(o)] = i
        for x in excl:
            index[x] = -1
        # executing frames are not gc-tracked on 3.11+: add the innermost
        # frame of each thread; the callers are reached through f_back
        for f in root_frames:
            if id(f) not in index:
                index[id(f)] = len(objs)
                objs.append(f)
        self.incount = array("l", bytes(array("l").itemsize * len(objs)))
        self.own = {}           # id -> references held by the exporter itself
        self.tinfo = {}
        self.custom_sizers = set()  # id(type) of types not measured by sys.getsizeof
        self.lens = {}          # len -> string index of "len=N"
        self.knames = {}        # id(dict key) -> name string idx
        self.idxnames = array("q")
        self.cellnames = {}     # id(cell) -> name idx
        # id(tuple) -> (reference kind, array of name idx) for the elements of
        # closure tuples (free variables) and __defaults__ tuples (parameters)
        self.tuplenames = {}
        self.hold = []          # objects the exporter keeps (counted in own)
        self.inline_types = []  # (class, its info) of inline-values classes met
        for name in learned_names():
            self._own(name)
        self.changed = False
        # modules whose gc traverse must not run (see _modules_items)
        self.no_traverse = set()
        self.modules = _modules_items()
        for name, mod in self.modules:
            if type(name) is str and str.__eq__(name, "_asyncio") is True:
                self.no_traverse.add(id(mod))

    # -- helpers ---------------------------------------------------------
    def _own(self, x, n=1):
        k = id(x)
        self.own[k] = self.own.get(k, 0) + n

    def idxname(self, i):
        names = self.idxnames
        while len(names) <= i:
            names.append(self.strings.add(str(len(names))))
        return names[i]

    def keyname_once(self, k):
        """keyname() for a key of a huge dict: not cached, not de-duplicated."""
        try:
            r = _simple_key_repr(k)
        except Exception as e:
            _note("walker.keyname", e)
            r = None
        return -1 if r is None else self.strings.unique(r)

    def keynames_once(self, keys):
        """keyname_once() of each key of the list *keys*: a column at a time
        when they are all exact str (or all exact int) whose repr is their
        name, else one at a time."""
        kt = set(map(id, map(type, keys)))
        if kt == {id(str)} and max(map(_str_len, keys)) <= DESC_MAX:
            reprs = list(map(_str_repr, keys))
            if max(map(len, reprs)) <= DESC_MAX:
                return list(self.strings.extend(reprs))
        elif kt == {id(int)} and max(map(_int_bitlen, keys)) <= 200:
            return list(self.strings.extend(list(map(_int_repr, keys))))
        return list(map(self.keyname_once, keys))

    def keyname(self, k):
        kn = self.knames.get(id(k))
        if kn is None:
            try:
                r = _simple_key_repr(k)
            except Exception as e:
                _note("walker.keyname", e)
                r = None
            kn = -1 if r is None else self.strings.add(r)
            self.knames[id(k)] = kn
        return kn

    # -- main walk -----------------------------------------------------------
    def run(self, objf, reff, progress=None, progress_every=None):
        # The hot loop of the export.  Objects are taken in batches of
        # consecutive indices: their records (address, type, size, flags,
        # description) are computed a column at a time with C-level builtins
        # (map over the batch), grouped by type for the descriptions; then
        # their references are walked object by object, a container's items
        # again a column at a time.  Objects found on the way are appended
        # to `objs`, so the output order is that of a one-by-one walk.
        objs = self.objs
        index = self.index
        index_get = index.get
        incount = self.incount
        strings = self.strings
        sadd = strings.add
        tinfo_get = self.tinfo.get
        typeinfo = self.typeinfo
        is_tracked = _is_tracked
        get_referents = _get_referents
        garbage = self.garbage_ids
        tables = self.tables
        objtb = tables.object_traceback if tables is not None else None
        keyname = self.keyname
        knames_get = self.knames.get
        idxnames = self.idxnames
        idxname = self.idxname
        tuplenames_get = self.tuplenames.get
        # objects: address_delta, type, size, flags, description[, traceback]
        owidth = 5 if objtb is None else 6
        self.object_tracebacks = objtb is not None
        ow = _IntWriter(objf, owidth)
        rw = _IntWriter(reff, 4)        # from_delta, to, kind, name
        rb = []
        objs_append = objs.append
        objs_extend = objs.extend
        index_update = index.update
        incount_append = incount.append
        incount_extend = incount.extend
        dict_fromkeys = dict.fromkeys
        dict_copy = dict.copy
        chk_i = array("q")      # containers exported from a copy ...
        chk_n = array("q")      # ... and their length then
        no_traverse = self.no_traverse
        custom_sizers = self.custom_sizers
        _id = id
        _type = type
        _len = len
        _list = list
        _map = map
        # The format's codes as locals: LOAD_FAST costs what a literal does.
        garbage_flag = F_GARBAGE
        dict_key_kind = K_DKEY
        dict_value_kind = K_DVAL
        index_kind = K_INDEX
        internal_kind = K_INTERNAL
        chunk = _CHUNK
        big = BIG
        small = SMALL
        obj_getattr = _obj_getattr
        class_name = sadd("__class__")
        dict_items = _dict_items
        # a batch's records are one write (at most chunk * 5/8 integers)
        batch_max = max(1, chunk // 8)
        getsizeof = _getsizeof
        ag_name = _AG_NAME
        ag_flags = _AG_FLAGS
        ag_handler = _AG_HANDLER
        describe = self._describe_group
        len_desc = self._len_desc
        lens_get = self.lens.get
        if progress_every is None:
            progress_every = PROGRESS_EVERY
        next_report = progress_every if progress is not None else -1

        def targets(xs, xids):
            """The indices of the objects *xs* (ids *xids*), new ones added,
            each counted as referenced once more; None when one of them is
            excluded (the caller then walks them one by one)."""
            js = _list(_map(index_get, xids))
            k = js.count(None)
            if k:
                m = _len(js)
                if k == m and _len(dict_fromkeys(xids)) == m:
                    # all new and distinct (a big dict's keys, say)
                    j = _len(objs)
                    objs_extend(xs)
                    js = range(j, j + m)
                    index_update(zip(xids, js))
                    incount_extend(repeat(1, m))
                    return js
                p = -1
                for _ in range(k):
                    p = js.index(None, p + 1)
                    xid = xids[p]
                    j = index_get(xid)
                    if j is None:
                        j = _len(objs)
                        objs_append(xs[p])
                        index[xid] = j
                        incount_append(0)
                    js[p] = j
            if js and min(js) < 0:
                return None
            for j in js:
                incount[j] += 1
            return js

        def dict_part(i, keys, vals, once):
            """References of a dict to *keys* and *vals* (one list each, in
            its order): key, value, key, value..."""
            m = _len(keys)
            kids = _list(_map(_id, keys))
            kn = _list(_map(knames_get, kids))
            k = kn.count(None)
            if k == m and once:
                # a slice of a huge dict: its keys' names as a column
                kn = self.keynames_once(keys)
                k = 0
            p = -1
            for _ in range(k):
                p = kn.index(None, p + 1)
                kn[p] = keyname(keys[p]) if not once else self.keyname_once(keys[p])
            xs = [None] * (2 * m)
            xs[0::2] = keys
            xs[1::2] = vals
            xids = [0] * (2 * m)
            xids[0::2] = kids
            xids[1::2] = _map(_id, vals)
            js = targets(xs, xids)
            if js is not None:
                r = [i] * (8 * m)
                r[1::8] = js[0::2]
                r[2::8] = [dict_key_kind] * m
                r[3::8] = kn
                r[5::8] = js[1::2]
                r[6::8] = [dict_value_kind] * m
                r[7::8] = kn
                return r
            # some key or value is excluded (the exporter's own): one by one
            r = []
            for q in range(2 * m):
                xid = xids[q]
                j = index_get(xid)
                if j is None:
                    j = _len(objs)
                    objs_append(xs[q])
                    index[xid] = j
                    incount_append(1)
                elif j < 0:
                    continue
                else:
                    incount[j] += 1
                r += (i, j, dict_key_kind if q % 2 == 0 else dict_value_kind, kn[q // 2])
            return r

        def seq_part(i, part, kind, names):
            """References to the items *part* (*names*: their names, or None)."""
            m = _len(part)
            xids = _list(_map(_id, part))
            js = targets(part, xids)
            if js is not None:
                r = [i] * (4 * m)
                r[1::4] = js
                r[2::4] = [kind] * m
                r[3::4] = names if names is not None else [-1] * m
                return r
            r = []
            for q in range(m):
                xid = xids[q]
                j = index_get(xid)
                if j is None:
                    j = _len(objs)
                    objs_append(part[q])
                    index[xid] = j
                    incount_append(1)
                elif j < 0:
                    continue
                else:
                    incount[j] += 1
                r += (i, j, kind, names[q] if names is not None else -1)
            return r

        self._prepass()

        s = 0
        while s < _len(objs):
            if s == next_report:
                next_report += progress_every
                progress(s, (rw.count + _len(rb)) // 4)
            e = min(s + batch_max, _len(objs))
            if s < next_report < e:
                e = next_report
            batch = objs[s:e]
            n = e - s
            # ---- the batch's object records, a column at a time
            types = _list(_map(_type, batch))
            tids = _list(_map(_id, types))
            tis = _list(_map(tinfo_get, tids))
            p = -1
            for _ in range(tis.count(None)):
                p = tis.index(None, p + 1)
                ti = tinfo_get(tids[p])
                tis[p] = ti if ti is not None else typeinfo(types[p])
            ids = _list(_map(_id, batch))
            flags = _list(_map(_or, _map(ag_flags, tis), _map(is_tracked, batch)))
            if garbage and not garbage.isdisjoint(ids):
                for p in range(n):
                    if ids[p] in garbage:
                        flags[p] |= garbage_flag
            sizes = None
            if custom_sizers.isdisjoint(tids):
                try:
                    sizes = _list(_map(getsizeof, batch))
                except Exception:
                    sizes = None    # measured one by one below, each failure noted
            if sizes is None:
                sizes = [0] * n
                for p in range(n):
                    try:
                        size = tis[p].sizer(batch[p])
                        if _type(size) is int and size >= 0:
                            sizes[p] = size
                    except Exception as ex:
                        _note("walker.size", ex)
            descs = [-1] * n
            kinds = set(tids)
            if _len(kinds) <= 3:
                # (few types, as in a huge container's items: by masks)
                groups = [_list(compress(range(n), _map(eq, tids, repeat(t)))) for t in kinds]
            else:
                groups = {}
                groups_get = groups.get
                for p, t in enumerate(tids):
                    g = groups_get(t)
                    if g is None:
                        groups[t] = [p]
                    else:
                        g.append(p)
                groups = groups.values()
            for g in groups:
                describe(g, batch, ids, types[g[0]], tis[g[0]], descs)
            groups = g = kinds = None
            # ---- the batch's references, object by object
            for p in compress(range(n), _map(ag_handler, tis)):
                o = batch[p]
                ti = tis[p]
                i = s + p
                h = ti.handler
                tp = types[p]
                if h == H_DICT:
                    # an atomic C-level copy: another thread may mutate the dict
                    # while the walk runs (the GIL is released between chunks)
                    c = dict_copy(o)
                    nc = _len(c)
                    descs[p] = lens_get(nc) or len_desc(nc)
                    chk_i.append(i)
                    chk_n.append(nc)
                    if nc <= small:
                        # (a few entries: one by one costs less than columns)
                        for k, v in dict_items(c):
                            xid = _id(k)
                            kn = knames_get(xid)
                            if kn is None:
                                kn = keyname(k)
                            j = index_get(xid)
                            if j is None:
                                j = _len(objs)
                                objs_append(k)
                                index[xid] = j
                                incount_append(1)
                                rb += (i, j, dict_key_kind, kn)
                            elif j >= 0:
                                incount[j] += 1
                                rb += (i, j, dict_key_kind, kn)
                            xid = _id(v)
                            j = index_get(xid)
                            if j is None:
                                j = _len(objs)
                                objs_append(v)
                                index[xid] = j
                                incount_append(1)
                                rb += (i, j, dict_value_kind, kn)
                            elif j >= 0:
                                incount[j] += 1
                                rb += (i, j, dict_value_kind, kn)
                        k = v = None
                    elif nc <= big:
                        rb += dict_part(i, _list(c), _list(_dict_values(c)), False)
                    else:
                        kit = iter(c)
                        vit = iter(_dict_values(c))
                        while True:
                            keys = _list(islice(kit, big))
                            if not keys:
                                break
                            rb += dict_part(i, keys, _list(islice(vit, big)), True)
                            if _len(rb) >= chunk:
                                rw.write(rb)
                                rb = []
                        kit = vit = keys = None
                    c = None
                elif h == H_SEQ or h == H_SET:
                    try:
                        refs = get_referents(o)   # atomic (one C call)
                    except Exception as ex:
                        _note("walker.referents_seq", ex)
                        refs = None
                    if tp is list or tp is set:
                        m = _len(refs if refs is not None else o)
                        chk_i.append(i)
                        chk_n.append(m)
                        descs[p] = lens_get(m) or len_desc(m)
                    if refs is None:
                        refs = []
                    if h == H_SET:
                        kind = index_kind
                        names = None
                    else:
                        # positional names; gc visits list/tuple items last to
                        # first (checked at import time and per object)
                        m = _len(refs)
                        tn = tuplenames_get(ids[p]) if tp is tuple else None
                        if tn is not None and _len(tn[1]) == m:
                            kind, names = tn
                        else:
                            kind = index_kind
                            if _len(idxnames) < m:
                                idxname(m - 1)
                            names = idxnames
                        if m and (m != _len(o) or refs[0] is not o[m - 1 if _SEQ_REVERSED[tp] else 0]):
                            names = None  # changed under our feet: no names
                        elif _SEQ_REVERSED[tp]:
                            refs.reverse()
                    m = _len(refs)
                    if m <= small:
                        n_ = 0
                        for x in refs:
                            xid = _id(x)
                            j = index_get(xid)
                            if j is None:
                                j = _len(objs)
                                objs_append(x)
                                index[xid] = j
                                incount_append(1)
                            elif j < 0:
                                n_ += 1
                                continue
                            else:
                                incount[j] += 1
                            rb += (i, j, kind, names[n_] if names is not None else -1)
                            n_ += 1
                        x = None
                    elif m <= big:
                        rb += seq_part(i, refs, kind, None if names is None else names[:m])
                    else:
                        for q in range(0, m, big):
                            r = min(q + big, m)
                            rb += seq_part(i, refs[q:r], kind, None if names is None else names[q:r])
                            if _len(rb) >= chunk:
                                rw.write(rb)
                                rb = []
                    refs = names = None
                else:
                    # generic / labeled path
                    try:
                        if flags[p] & F_MODULE and ids[p] in no_traverse:
                            refs = [_module_dict_get(o)]
                        else:
                            refs = get_referents(o)
                    except Exception as ex:
                        _note("walker.referents", ex)
                        refs = []
                    if ti.inline:
                        refs = _materialized_dict(o, refs, ti.dict_get)
                    labels = None
                    syn = None
                    fa = ti.fast
                    if fa is not None:
                        # an instance keeping its attributes inline (3.11+)
                        # and/or in slots, nothing else: when gc reports
                        # exactly its class and the values of its known
                        # attributes, each is named without the labeler
                        if fa[0] != _len(ti.attrs):
                            _fast_refresh(ti, fa, class_name)
                        try:
                            vals = _list(_map(obj_getattr, repeat(o), fa[1]))
                            if fa[4]:
                                vals += [get(o) for get in fa[4]]
                        except Exception:
                            vals = None     # (an unset one: the labeler decides)
                        if vals is not None and _len(refs) == _len(vals) + 1:
                            vals.append(tp)
                            if sorted(_map(_id, refs)) == sorted(_map(_id, vals)):
                                for x, kind, name in zip(vals, fa[2], fa[3]):
                                    xid = _id(x)
                                    j = index_get(xid)
                                    if j is None:
                                        j = _len(objs)
                                        objs_append(x)
                                        index[xid] = j
                                        incount_append(1)
                                    elif j < 0:
                                        continue
                                    else:
                                        incount[j] += 1
                                    rb += (i, j, kind, name)
                                refs = vals = x = None
                                if _len(rb) >= chunk:
                                    rw.write(rb)
                                    rb = []
                                continue
                        vals = None
                    if h == H_LABELED:
                        labels = {}
                        syn = []
                        hold = []
                        try:
                            ti.kind(self, o, tp, ti, labels, syn, hold, refs)
                        except Exception as ex:
                            _note("walker.labeler", ex)
                            pass
                    for x in refs:
                        kind = internal_kind
                        name = -1
                        if labels:
                            L = labels.get(_id(x))
                            if L:
                                name = L.pop()
                                kind = L.pop()
                        xid = _id(x)
                        j = index_get(xid)
                        if j is None:
                            j = _len(objs)
                            objs_append(x)
                            index[xid] = j
                            incount_append(1)
                        elif j < 0:
                            continue
                        else:
                            incount[j] += 1
                        rb += (i, j, kind, name)
                    if syn:
                        for x, kind, name, mode in syn:
                            if mode == SYN_UNLESS_REPORTED:
                                # a label left unused means gc did not report x
                                L = labels.get(_id(x))
                                if not L or kind not in L[0::2]:
                                    continue
                                q = L[0::2].index(kind) * 2
                                del L[q:q + 2]
                            j = index_get(_id(x))
                            if j is None:
                                j = _len(objs)
                                objs_append(x)
                                index[_id(x)] = j
                                incount_append(0 if mode == SYN_NOT_HELD else 1)
                            elif j < 0:
                                continue
                            elif mode != SYN_NOT_HELD:
                                incount[j] += 1
                            rb += (i, j, kind, name)
                    refs = labels = syn = hold = x = None
                if _len(rb) >= chunk:
                    rw.write(rb)
                    rb = []
            # the records last: a dict's, list's or set's "len=N" is the
            # length of the copy its references were read from
            rec = [0] * (owidth * n)
            rec[0::owidth] = ids
            rec[1::owidth] = _map(ag_name, tis)
            rec[2::owidth] = sizes
            rec[3::owidth] = flags
            rec[4::owidth] = descs
            if objtb is not None:
                rec[5::owidth] = _map(objtb, batch)
            ow.write(rec)
            s = e
            batch = types = tis = ids = o = rec = None
        rw.write(rb)
        # the shortcuts hold attribute names: gone before the refcount scan
        for ti in self.tinfo.values():
            ti.fast = None
        self.nobjects = ow.count // owidth
        self.nreferences = rw.count // 4
        if progress is not None:
            progress(self.nobjects, self.nreferences)
        # Did another thread change the heap during the walk?  Every dict,
        # list and set was exported from one atomic copy; one whose length
        # differs now was changed after its copy (a lower bound: a change
        # that keeps lengths is not seen).
        changed = False
        for q in range(_len(chk_i)):
            o = objs[chk_i[q]]
            if _len(o) != chk_n[q] and not _is_subclasses_registry(o):
                changed = True
                break
        self.changed = changed

    def _describe_group(self, g, batch, ids, tp, ti, descs):
        """Set ``descs[p]`` (a string index) for each position *p* of *g* in
        *batch*: objects of one type *tp*.  The str, int, float and bytes
        short enough to be described by their repr are described a column
        at a time, other containers than dict, list and set by a "len=N"
        string per length (those three are set by the walk, from the copy
        their references are read from); the rest one by one."""
        d = ti.desc
        if d is None or (d is _desc_len and (tp is dict or tp is list or tp is set)):
            return
        objs = list(map(batch.__getitem__, g))
        strings = self.strings
        vals = None
        if tp is str or tp is int or tp is bytes or tp is float:
            if tp is str:
                size, limit, rep = _str_len, DESC_MAX, _str_repr
            elif tp is int:
                size, limit, rep = _int_bitlen, 200, _int_repr
            elif tp is bytes:
                size, limit, rep = _bytes_len, 40, _bytes_repr
            else:
                size, limit, rep = None, 0, _float_repr
            if size is not None:
                # the long ones one by one, the others below
                g, objs = self._describe_long(g, objs, list(map(size, objs)), limit, batch, ids, tp, ti, descs)
            reprs = list(map(rep, objs))
            if tp is str or tp is bytes:
                # (escapes can make a repr longer than the object)
                g, objs = self._describe_long(g, objs, list(map(len, reprs)), DESC_MAX, batch, ids, tp, ti, descs)
                if len(reprs) != len(objs):
                    reprs = list(map(rep, objs))
            kn = None
            if tp is str or tp is int:
                # a dict key's name is the same text as its description:
                # the key's string is reused when the key was named first
                kn = list(map(self.knames.get, map(ids.__getitem__, g)))
                if kn.count(None) == len(kn):
                    kn = None
            if kn is None:
                vals = strings.extend(reprs)
            else:
                vals = [k if k is not None and k >= 0 else strings.unique(r) for k, r in zip(kn, reprs)]
        elif d is _desc_len:
            # other exact builtin containers: "len=N", one string per length
            vals = list(map(self.lens.get, map(len, objs)))
            if None in vals:
                vals = list(map(self._len_desc, map(len, objs)))
        if vals is None:
            vals = map(self._describe_one, objs, map(ids.__getitem__, g), repeat(tp), repeat(ti))
        deque(map(descs.__setitem__, g, vals), 0)

    def _describe_long(self, g, objs, sizes, limit, batch, ids, tp, ti, descs):
        """Describe one by one the objects of *g* whose size is over *limit*;
        return the others' positions and objects."""
        if not sizes or max(sizes) <= limit:
            return g, objs
        short = list(map(le, sizes, repeat(limit)))
        rest = [p for p, k in zip(g, short) if not k]
        deque(map(descs.__setitem__, rest, map(self._describe_one, map(batch.__getitem__, rest),
                                               map(ids.__getitem__, rest), repeat(tp), repeat(ti))), 0)
        return list(compress(g, short)), list(compress(objs, short))

    def _len_desc(self, n):
        """The string index of "len=*n*"."""
        v = self.lens.get(n)
        if v is None:
            v = self.lens[n] = self.strings.add("len=%d" % n)
        return v

    def _describe_one(self, o, oid, tp, ti):
        """The description of one object (a string index, -1 for none)."""
        strings = self.strings
        if tp is str:
            if _str_len(o) <= DESC_MAX:
                r = _str_repr(o)
                if len(r) <= DESC_MAX:
                    d = self.knames.get(oid)
                    return d if d is not None and d >= 0 else strings.unique(r)
        elif tp is int:
            if _int_bitlen(o) <= 200:
                d = self.knames.get(oid)
                return d if d is not None and d >= 0 else strings.unique(_int_repr(o))
        try:
            return ti.desc(o, strings, ti)
        except Exception as e:
            _note("walker.description", e)
            return -1

    def _prepass(self):
        """Name closure cells and default values from the functions that own
        them: a closure tuple's cells by free variable, a ``__defaults__``
        tuple's values by parameter.  Only C-level attributes of exact
        functions and code objects are read (no user code).  On 3.11+, also
        learn inline attribute names (``_learn_before_walk``)."""
        sadd = self.strings.add
        tuplenames = self.tuplenames
        cellnames = self.cellnames
        shared = set()          # defaults tuples two functions name differently
        tinfo_get = self.tinfo.get
        for o in self.objs:
            tp = type(o)
            if tp is not _FunctionType:
                if _PY311:
                    ti = tinfo_get(id(tp))
                    if ti is None:
                        ti = self.typeinfo(tp)
                    if ti.inline and not ti.container and ti.learned < MAX_LEARN:
                        self._learn_before_walk(o, tp, ti)
                continue
            try:
                cl = o.__closure__
                if cl:
                    fv = o.__code__.co_freevars
                    names = array("q", [sadd(n) for n in fv])
                    if len(names) == len(cl):
                        tuplenames[id(cl)] = (K_CLOSURE, names)
                        for c, n in zip(cl, names):
                            cellnames.setdefault(id(c), n)
            except Exception as e:
                _note("walker.prepass", e)
            try:
                df = o.__defaults__
                if not df or id(df) in shared:
                    continue
                code = o.__code__
                # The defaults belong to the last len(df) positional
                # parameters; co_argcount counts positional-only ones too.
                first = code.co_argcount - len(df)
                varnames = code.co_varnames
                if first < 0 or first + len(df) > len(varnames):
                    continue
                names = array("q", [sadd(varnames[first + i]) for i in range(len(df))])
                prev = tuplenames.get(id(df))
                if prev is None:
                    tuplenames[id(df)] = (K_DEFAULTS, names)
                elif prev != (K_DEFAULTS, names):
                    # A constant tuple shared by functions whose parameters
                    # differ: the elements keep their index.
                    del tuplenames[id(df)]
                    shared.add(id(df))
            except Exception as e:
                _note("walker.prepass_defaults", e)

    def _learn_before_walk(self, o, tp, ti):
        """Learn the attribute names of an inline-values class (3.11+) from
        an instance holding more values than the names known, before the
        walk: reading its ``__dict__`` makes CPython create the dict, and
        doing it now puts the dict in this dump (the walk reaches it from
        the instance) instead of having it appear in the next one.  What was
        learned is kept for later dumps (``typeinfo._LEARNED``), so once the
        names are known no dump creates a dict."""
        try:
            refs = _get_referents(o)
            # the class, slot values and one value per known attribute
            if len(refs) <= 1 + len(ti.slots) + len(ti.attr_set):
                return      # (a dict-backed instance: its dict, learned from without making one)
            d = ti.dict_get(o)
        except Exception as e:
            _note("walker.learn", e)
            return
        if type(d) is not dict:
            return
        ti.learned += 1
        self.hold.append(d)
        self._own(d)
        self._learn(ti, tp, d)

    # -- roots ---------------------------------------------------------------
    def roots(self, root_frames, root_names, caller_frame_id):
        out = array("q")
        index_get = self.index.get
        sadd = self.strings.add
        is_root = set()
        mods = self.modules
        self.modules = None
        for name, mod in mods:
            j = index_get(id(mod))
            if j is None or j < 0 or type(name) is not str:
                continue
            out.extend((j, R_MODULE, sadd(name), 0))
        mods = name = mod = None
        for f, n in zip(root_frames, root_names):
            j = index_get(id(f))
            if j is not None and j >= 0:
                out.extend((j, R_THREAD, n, 0))
                is_root.add(j)
        f = None
        del root_frames[:]
        if not _PY311 and caller_frame_id:
            # an exporter frame's f_back holds the caller's frame (< 3.11)
            self.own[caller_frame_id] = self.own.get(caller_frame_id, 0) + 1
        try:
            bd = _module_dict_get(builtins)
            j = index_get(id(bd))
            if j is not None and j >= 0:
                out.extend((j, R_BUILTINS, sadd("builtins"), 0))
            bd = None
        except Exception as e:
            _note("walker.roots_builtins", e)
            pass
        # native roots: refcount not explained by references in the graph
        self.strings.flush()
        keyids = set(id(k) for k in self.strings.index)
        own = self.own
        base = _excess_scan([object()], array("l", [0]), {}, set(), 0, None, 0)
        _excess_scan(self.objs, self.incount, own, keyids, base, out, R_NATIVE,
                     is_root)
        return out


def _fast_refresh(ti, fa, class_name):
    """Bring ``ti.fast`` up to date with the attribute names learned: [their
    count, the names, the kinds and name indices of the references to their
    values, then to the slots' values and (last) to the class, the slots'
    getters]."""
    attrs = list(ti.attrs)
    fa[0] = len(attrs)
    fa[1] = [a for a, _ in attrs]
    fa[2] = [K_ATTR] * (len(attrs) + len(ti.slots)) + [K_INTERNAL]
    fa[3] = [n for _, n in attrs] + [n for n, _ in ti.slots] + [class_name]
    fa[4] = [get for _, get in ti.slots]


def _modules_items():
    """sys.modules' (name, module) pairs, read in C even when sys.modules
    was rebound to a dict subclass (its items()/keys()/__iter__ would run;
    so would dict.copy, which calls keys() of a subclass overriding
    __iter__).  The `_asyncio` module is walked through its dict only:
    on CPython 3.12.0-3.12.5 (gh-122695) its gc traverse hands out freed
    future iterators from a freelist, and the interpreter then hangs at
    exit."""
    mods = sys.modules
    try:
        if type(mods) is dict or _has(_mro(type(mods)), dict):
            return list(dict.items(mods))
    except Exception as e:
        _note("walker.modules", e)
    return []


def _excess_scan(objs, incount, own, keyids, base, out, kind=0, skip=None):
    """Native roots: objects whose refcount exceeds what the graph explains,
    written to *out* as (index, kind, -1, excess).  Identical code path for
    the calibration (*out* None: the refcount this path sees of the first
    object, held by *objs* alone).  A slice at a time: the refcounts and
    their difference to the references found are two C-level maps; only
    the objects over *base* are looked at one by one."""
    getrc = sys.getrefcount
    own_get = own.get
    step = 1 << 16
    for q in range(0, len(objs), step):
        part = objs[q:q + step]
        rcs = list(map(getrc, part))
        if out is None:
            return rcs[0]
        for p in compress(range(len(rcs)), map(lt, repeat(base), map(sub, rcs, incount[q:q + step]))):
            rc = rcs[p]
            if rc >= _IMMORTAL:
                continue
            j = q + p
            k = id(part[p])
            ex = rc - base - incount[j] - own_get(k, 0)
            if k in keyids:
                ex -= 1
            if ex > 0 and (skip is None or j not in skip):
                out.extend((j, kind, -1, ex))
    return 0
