"""The heap walk: one pass over every object, writing objects and labelled
references, then the roots (modules, threads, builtins, native excess)."""
from __future__ import annotations

import builtins
import gc
import sys
from array import array

from .errors import note as _note
from itertools import islice

from .format_v1 import (_CHUNK, DESC_MAX, F_GARBAGE, F_MODULE, F_TRACKED, K_CLOSURE, K_DEFAULTS, K_DKEY, K_DVAL,
                        K_INDEX, K_INTERNAL, R_BUILTINS, R_MODULE, R_NATIVE, R_THREAD)
from .labelers import SYN_NOT_HELD, SYN_UNLESS_REPORTED
from .describers import _desc_int, _desc_len, _desc_str
from .safe import (_IMMORTAL, _PY311, _dict_items, _FunctionType, _get_referents, _has, _int_bitlen, _int_repr,
                   _is_tracked, _module_dict_get, _mro, _simple_key_repr, _str_len, _str_repr)
from .typeinfo import H_DICT, H_LABELED, H_NOREF, H_SEQ, H_SET, MAX_LEARN, _TypeInfos, learned_names
from .writers import _IntWriter


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
# progress(objects_done, references_done) is called every this many objects.
PROGRESS_EVERY = 100000


def _slices(seq, n):
    """Lists of up to *n* items of *seq*, in order."""
    it = iter(seq)
    while True:
        part = list(islice(it, n))
        if not part:
            return
        yield part


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
        # The hot loop of the export, run once per object (10^6 times): the
        # "add referent, count the reference" step is written out inline at
        # each use on purpose: a helper would add a Python function call per
        # reference to the hottest path of the exporter.
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
        ob = []
        rb = []
        objs_append = objs.append
        incount_append = incount.append
        dict_items = _dict_items
        dict_copy = dict.copy
        chk_i = array("q")      # containers exported from a copy ...
        chk_n = array("q")      # ... and their length then
        no_traverse = self.no_traverse
        _id = id
        _type = type
        _len = len
        # The format's codes as locals: LOAD_FAST costs what a literal does.
        tracked_flag = F_TRACKED
        garbage_flag = F_GARBAGE
        dict_key_kind = K_DKEY
        dict_value_kind = K_DVAL
        index_kind = K_INDEX
        internal_kind = K_INTERNAL
        chunk = _CHUNK
        big = BIG
        desc_max = DESC_MAX
        sunique = strings.unique
        str_len = _str_len
        str_repr = _str_repr
        int_repr = _int_repr
        int_bitlen = _int_bitlen
        keyname_once = self.keyname_once
        flush_mark = _FLUSH
        desc_len = _desc_len
        lens = {}               # len -> string index of "len=N"
        lens_get = lens.get
        if progress_every is None:
            progress_every = PROGRESS_EVERY
        next_report = progress_every if progress is not None else -1

        self._prepass()

        i = -1
        for o in objs:
            i += 1
            if i == next_report:
                next_report += progress_every
                progress(i, (rw.count + _len(rb)) // 4)
            tp = _type(o)
            ti = tinfo_get(_id(tp))
            if ti is None:
                ti = typeinfo(tp)
            flags = ti.flags
            oid = _id(o)
            if is_tracked(o):
                flags |= tracked_flag
            if garbage and oid in garbage:
                flags |= garbage_flag
            try:
                size = ti.sizer(o)
                if _type(size) is not int or size < 0:
                    size = 0
            except Exception as e:
                _note("walker.size", e)
                size = 0
            d = ti.desc
            # str and int inline (most objects of a heap): a dict key's name
            # is the same text as its description, so the key's string is
            # reused when the key was named first
            if tp is str:
                if str_len(o) <= desc_max:
                    r = str_repr(o)
                    if _len(r) <= desc_max:
                        d = knames_get(oid)
                        if d is None or d < 0:
                            d = sunique(r)
                    else:
                        d = _desc_str(o, strings, ti)
                else:
                    d = _desc_str(o, strings, ti)
            elif tp is int:
                if int_bitlen(o) <= 200:
                    d = knames_get(oid)
                    if d is None or d < 0:
                        d = sunique(int_repr(o))
                else:
                    d = _desc_int(o, strings, ti)
            elif d is desc_len:
                # exact builtin containers: "len=N", one string per length
                n = _len(o)
                d = lens_get(n)
                if d is None:
                    d = lens[n] = sadd("len=%d" % n)
            elif d is not None:
                try:
                    d = d(o, strings, ti)
                except Exception as e:
                    _note("walker.description", e)
                    d = -1
            else:
                d = -1
            if objtb is None:
                ob += (oid, ti.name, size, flags, d)
            else:
                ob += (oid, ti.name, size, flags, d, objtb(o))
            if _len(ob) >= chunk:
                ow.write(ob)
                ob = []
            h = ti.handler
            if h == H_NOREF:
                continue
            if h == H_DICT:
                # an atomic C-level copy: another thread may mutate the dict
                # while the walk runs (the GIL is released between chunks)
                c = dict_copy(o)
                nc = _len(c)
                chk_i.append(i)
                chk_n.append(nc)
                huge = nc > big
                for k, v in dict_items(c) if not huge else _next_slice(c, big):
                    if k is flush_mark:
                        if _len(rb) >= chunk:
                            rw.write(rb)
                            rb = []
                        continue
                    xid = _id(k)
                    kn = knames_get(xid)
                    if kn is None:
                        kn = keyname(k) if not huge else keyname_once(k)
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
                c = k = v = None
            elif h == H_SEQ or h == H_SET:
                try:
                    refs = get_referents(o)   # atomic (one C call)
                except Exception as e:
                    _note("walker.referents_seq", e)
                    refs = ()
                if tp is list or tp is set:
                    chk_i.append(i)
                    chk_n.append(_len(refs))
                if h == H_SET:
                    kind = index_kind
                    names = None
                else:
                    # positional names; gc visits list/tuple items last to
                    # first (checked at import time and per object)
                    n = _len(refs)
                    tn = tuplenames_get(_id(o)) if tp is tuple else None
                    if tn is not None and _len(tn[1]) == n:
                        kind, names = tn
                    else:
                        kind = index_kind
                        if _len(idxnames) < n:
                            idxname(n - 1)
                        names = idxnames
                    if n and (n != _len(o) or refs[0] is not o[n - 1 if _SEQ_REVERSED[tp] else 0]):
                        names = None  # changed under our feet: no names
                    elif _SEQ_REVERSED[tp]:
                        refs = refs[::-1]
                n = 0
                for part in (refs,) if _len(refs) <= big else _slices(refs, big):
                    for x in part:
                        xid = _id(x)
                        j = index_get(xid)
                        if j is None:
                            j = _len(objs)
                            objs_append(x)
                            index[xid] = j
                            incount_append(1)
                        elif j < 0:
                            n += 1
                            continue
                        else:
                            incount[j] += 1
                        rb += (i, j, kind, names[n] if names is not None else -1)
                        n += 1
                    if _len(rb) >= chunk:
                        rw.write(rb)
                        rb = []
                refs = part = None
            else:
                # generic / labeled path
                try:
                    if flags & F_MODULE and oid in no_traverse:
                        refs = [_module_dict_get(o)]
                    else:
                        refs = get_referents(o)
                except Exception as e:
                    _note("walker.referents", e)
                    refs = []
                labels = None
                syn = None
                if h == H_LABELED:
                    labels = {}
                    syn = []
                    hold = []
                    try:
                        ti.kind(self, o, tp, ti, labels, syn, hold, refs)
                    except Exception as e:
                        _note("walker.labeler", e)
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
                refs = labels = syn = hold = None
            if _len(rb) >= chunk:
                rw.write(rb)
                rb = []
        ow.write(ob)
        rw.write(rb)
        self.nobjects = ow.count // owidth
        self.nreferences = rw.count // 4
        if progress is not None:
            progress(self.nobjects, self.nreferences)
        o = None
        # Did another thread change the heap during the walk?  Every dict,
        # list and set was exported from one atomic copy; one whose length
        # differs now was changed after its copy (a lower bound: a change
        # that keeps lengths is not seen).
        changed = False
        for q in range(_len(chk_i)):
            if _len(objs[chk_i[q]]) != chk_n[q]:
                changed = True
                break
        self.changed = changed

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


_FLUSH = object()


def _next_slice(d, n):
    """The (key, value) pairs of dict *d* with a (_FLUSH, None) pair after
    every *n*: the walker writes out its references there."""
    it = iter(_dict_items(d))
    while True:
        part = list(islice(it, n))
        if not part:
            return
        yield from part
        yield _FLUSH, None


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
    """Identical code path for calibration (out is None) and the real scan."""
    getrc = sys.getrefcount
    own_get = own.get
    for j in range(len(objs)):
        o = objs[j]
        rc = getrc(o)
        if out is None:
            return rc
        if rc >= _IMMORTAL:
            continue
        k = id(o)
        ex = rc - base - incount[j] - own_get(k, 0)
        if k in keyids:
            ex -= 1
        if ex > 0 and (skip is None or j not in skip):
            out.extend((j, kind, -1, ex))
    return 0
