"""Labelers: name the references of objects whose referents gc reports
without names (functions, types, modules, cells, code, methods, weak
references, frames, instances and subclasses of builtin containers)."""
from __future__ import annotations

import sys
import types
import weakref

from .errors import note as _note
from .frames import frame_locals
from .format_v1 import (K_ATTR, K_BASES, K_CELL, K_CLASS_DICT, K_DEFAULTS, K_DKEY, K_DVAL, K_GLOBALS,
                        K_INDEX, K_INST_DICT, K_INTERNAL, K_LOCAL, K_MRO, K_WEAK)
from .safe import (_PY311, _TPFLAGS_HEAPTYPE, _TPFLAGS_READY, _deque, _dict_items, _get_referents,
                   _cap, _Context, _ContextVar, _contextvar_get, _contextvar_name, _exact_str,
                   _module_dict_get, _obj_getattr, _ref_call, _type_base_get, _type_bases_get,
                   _type_dict_get, _type_flags_get, _type_mro_get)

# Instance dicts read (so made) at most per inline-values class to learn its
# attribute names (see typeinfo._LEARNED).
MAX_LEARN = 32


# Each labeler fills ``labels`` (id -> [kind, name, kind, name, ...]) for the
# referents returned by gc.get_referents, and ``syn`` with references that
# gc.get_referents does not report (weak referents, live frames' locals, dict
# keys of dict subclasses) as ``(target, kind, name, mode)``, mode one of the
# SYN_ values below.  ``hold`` keeps temporaries alive while their id is used
# as a key.

SYN_HELD = 1             # a reference the object holds: counted as one
SYN_NOT_HELD = 0         # shown, but holds nothing (a weak reference's target)
SYN_UNLESS_REPORTED = 2  # a dict subclass's key: a held reference, added only
                         # when gc did not report it (str keys), since the
                         # keys it does report already carry this label

def _add(labels, x, kind, name):
    L = labels.get(id(x))
    if L is None:
        labels[id(x)] = [kind, name]
    else:
        L.append(kind)
        L.append(name)


def _lab_function(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    _add(labels, o.__code__, K_INTERNAL, s("__code__"))
    _add(labels, o.__globals__, K_GLOBALS, -1)
    if o.__defaults__ is not None:
        _add(labels, o.__defaults__, K_DEFAULTS, s("__defaults__"))
    if o.__kwdefaults__ is not None:
        _add(labels, o.__kwdefaults__, K_DEFAULTS, s("__kwdefaults__"))
    if o.__closure__ is not None:
        _add(labels, o.__closure__, K_INTERNAL, s("__closure__"))
    for attr in ("__name__", "__qualname__", "__module__", "__doc__"):
        try:
            _add(labels, _obj_getattr(o, attr), K_INTERNAL, s(attr))
        except Exception as e:
            _note("labelers.function_attr", e)
            pass
    b = getattr(o, "__builtins__", None) if sys.version_info >= (3, 10) else None
    if b is not None:
        _add(labels, b, K_INTERNAL, s("__builtins__"))
    d = _function_dict(o, refs, b)
    if d is not None:
        _add(labels, d, K_INST_DICT, -1)


def _function_dict(o, refs, builtins):
    """The function's own ``__dict__`` (``handler.cache = {}``), told from
    the other dicts among its referents without reading ``o.__dict__``
    (which would make one): CPython visits the function's dict before its
    ``__annotations__``, and the globals, builtins and keyword defaults
    are known. A lone candidate whose keys are all parameter names (or
    ``'return'``) is the annotations."""
    known = (o.__globals__, o.__kwdefaults__, builtins)
    cands = [x for x in refs if type(x) is dict and not any(x is k for k in known)]
    if not cands:
        return None
    d = cands[0]
    if len(cands) == 1 and d:
        code = o.__code__
        names = code.co_varnames
        if len(d) <= len(names) + 1 and all(type(k) is str and (k == "return" or k in names) for k in d):
            return None
    return d


def _lab_type(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    if not _type_flags_get(o) & _TPFLAGS_READY:
        # A type never passed to PyType_Ready (3.8's functools._lru_list_elem):
        # its C slots are NULL, and reading __bases__ would crash CPython.
        return
    mp = _type_dict_get(o)
    real = _get_referents(mp)
    if real:
        _add(labels, real[0], K_CLASS_DICT, -1)
    hold.append(real)
    mro = _type_mro_get(o)
    if mro is not None:
        _add(labels, mro, K_MRO, -1)
    _add(labels, _type_bases_get(o), K_BASES, -1)
    b = _type_base_get(o)
    if b is not None:
        _add(labels, b, K_INTERNAL, s("__base__"))
    if _type_flags_get(o) & _TPFLAGS_HEAPTYPE:
        # heap types own their name strings (not reported by gc)
        for attr in ("__name__", "__qualname__"):
            try:
                v = type.__dict__[attr].__get__(o)
            except Exception as e:
                _note("labelers.type_name_attr", e)
                continue
            if type(v) is str:
                syn.append((v, K_INTERNAL, s(attr), SYN_HELD))
    if ti.slots or ti.dict_get is not None:
        _lab_instance(w, o, tp, ti, labels, syn, hold, refs)


def _lab_module(w, o, tp, ti, labels, syn, hold, refs):
    _add(labels, _module_dict_get(o), K_INST_DICT, -1)
    if ti.slots or ti.dict_get is not None:
        _lab_instance(w, o, tp, ti, labels, syn, hold, refs)


def _lab_cell(w, o, tp, ti, labels, syn, hold, refs):
    n = w.cellnames.get(id(o), -1)
    for x in refs:
        _add(labels, x, K_CELL, n)


# attributes that are stored fields of code objects (not computed or cached
# on first access) in each version
_CODE_ATTRS = ("co_consts", "co_names", "co_filename", "co_name")
if sys.version_info < (3, 11):
    _CODE_ATTRS += ("co_code", "co_varnames", "co_freevars", "co_cellvars")
if sys.version_info < (3, 10):
    _CODE_ATTRS += ("co_lnotab",)
else:
    _CODE_ATTRS += ("co_linetable",)
if _PY311:
    _CODE_ATTRS += ("co_qualname", "co_exceptiontable")


def _lab_code(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    for a in _CODE_ATTRS:
        try:
            v = _obj_getattr(o, a)
        except Exception as e:
            _note("labelers.code_attr", e)
            continue
        syn.append((v, K_INTERNAL, s(a), SYN_HELD))


def _lab_method(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    _add(labels, o.__func__, K_INTERNAL, s("__func__"))
    _add(labels, o.__self__, K_INTERNAL, s("__self__"))


def _lab_builtin_method(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    _add(labels, o.__self__, K_INTERNAL, s("__self__"))
    _add(labels, o.__module__, K_INTERNAL, s("__module__"))


def _lab_weakref(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    try:
        target = _ref_call(o)
    except Exception as e:
        _note("labelers.weakref_target", e)
        target = None
    if target is not None:
        hold.append(target)
        syn.append((target, K_WEAK, -1, SYN_NOT_HELD))
    try:
        cb = weakref.ref.__dict__["__callback__"].__get__(o)
        if cb is not None:
            _add(labels, cb, K_INTERNAL, s("__callback__"))
    except Exception as e:
        _note("labelers.weakref_callback", e)
        pass
    if ti.slots or ti.dict_get is not None:
        _lab_instance(w, o, tp, ti, labels, syn, hold, refs)


def _lab_frame(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    live = id(o) in w.live
    items = []
    back = o.f_back
    code = o.f_code
    glob = o.f_globals
    items.append((back, s("f_back")))
    items.append((code, s("f_code")))
    items.append((glob, s("f_globals")))
    try:
        items.append((o.f_builtins, s("f_builtins")))
    except Exception as e:
        _note("labelers.frame_builtins", e)
        pass
    fl = None
    loc = []
    if live or refs:
        # (a suspended generator's frame reports nothing on 3.11+: its
        # generator does.)  Never the f_locals getter: see frames.py.
        fl, loc = frame_locals(o)
        if fl is glob:
            fl = None
    hold.append(items)
    hold.append(loc)
    hold.append(fl)
    if not refs and live:
        # a frame executing in some thread: gc.get_referents() sees nothing
        # (3.11+); the interpreter frame holds the code, locals and caller.
        for x, n in items[:3]:
            if x is not None:
                syn.append((x, K_INTERNAL, n, SYN_HELD))
        if fl is not None:
            syn.append((fl, K_INTERNAL, s("f_locals"), SYN_HELD))
        for name, v in loc:
            syn.append((v, K_LOCAL, s(name), SYN_HELD))
        return
    for x, n in items:
        if x is not None:
            _add(labels, x, K_INTERNAL, n)
    if fl is not None:
        _add(labels, fl, K_INTERNAL, s("f_locals"))
    for name, v in loc:
        _add(labels, v, K_LOCAL, s(name))


_CV_MISSING = object()

# A generator's (coroutine's) frame and whether it runs: C getters.
_GEN_FRAME = {t: (t.__dict__[p + "_frame"].__get__, t.__dict__[p + "_running"].__get__)
              for t, p in ((types.GeneratorType, "gi"), (types.CoroutineType, "cr"),
                           (types.AsyncGeneratorType, "ag"))}


def _lab_generator(w, o, tp, ti, labels, syn, hold, refs):
    # CPython 3.11+: a suspended generator's frame lives inside the
    # generator, and gc reports the frame's locals as the generator's own
    # referents, unnamed. Name them from its frame: the gi_frame getter is
    # C; frame_locals reads the slots without the f_locals getter's writes.
    # A generator without a frame object gets one from gi_frame (about 100
    # bytes, kept by the generator as any later gi_frame would): it goes
    # into this dump as the generator's referent, as gc reports it in the
    # next, so a series of dumps sees no new frames. A running generator
    # is left alone.
    if not refs:
        return
    get_frame, get_running = _GEN_FRAME[tp]
    try:
        if get_running(o):
            return
        frame = get_frame(o)
    except Exception as e:
        _note("labelers.generator_frame", e)
        return
    if frame is None:           # finished: no frame, no locals
        return
    s = w.strings.add
    hold.append(frame)
    if any(x is frame for x in refs):
        _add(labels, frame, K_INTERNAL, s("gi_frame"))
    else:
        syn.append((frame, K_INTERNAL, s("gi_frame"), SYN_HELD))
    fl, loc = frame_locals(frame)
    hold.append(loc)
    for name, v in loc:
        _add(labels, v, K_LOCAL, s(name))


def _lab_contextvar(w, o, tp, ti, labels, syn, hold, refs):
    # A ContextVar refers to its name, its default and the value it cached
    # at its last get(); the default is what get() (without an argument,
    # which would replace it) returns in an empty Context (C code only:
    # ContextVar.get and Context.run; LookupError: no default).
    s = w.strings.add
    name = _contextvar_name(o)
    try:
        default = _Context().run(_contextvar_get, o)
    except LookupError:
        default = _CV_MISSING
    except Exception as e:
        _note("labelers.contextvar_default", e)
        default = _CV_MISSING
    hold.append(default)
    for x in refs:
        if x is name:
            _add(labels, x, K_INTERNAL, s("name"))
        elif x is default:
            _add(labels, x, K_INTERNAL, s("default"))
        else:
            _add(labels, x, K_INTERNAL, s("cached value"))


def _lab_hamt_node(w, o, tp, ti, labels, syn, hold, refs):
    # A node of the mapping behind a contextvars.Context holds (ContextVar,
    # value) pairs, a sub-node alone where a pair's key is missing; its
    # tp_traverse visits them from the last, so gc reports each value just
    # before its key. Read from the end, a ContextVar is a key and the one
    # before it its value (even when that value is a ContextVar too).
    # Each value is named by its variable, as a dict value by its key.
    s = w.strings.add
    i = len(refs) - 1
    while i >= 0:
        k = refs[i]
        if type(k) is _ContextVar and i >= 1:
            name = _exact_str(_contextvar_name(k))
            if name is not None:
                _add(labels, refs[i - 1], K_DVAL, s(_cap(name)))
            i -= 2
        else:
            i -= 1


def _lab_instance(w, o, tp, ti, labels, syn, hold, refs):
    s = w.strings.add
    # container part of subclasses of builtin containers
    if ti.container:
        _lab_container(w, o, tp, labels, syn, hold)
    _add(labels, tp, K_INTERNAL, s("__class__"))
    for nidx, get in ti.slots:
        try:
            v = get(o)
        except AttributeError:  # an empty slot
            continue
        except Exception as e:
            _note("labelers.slot", e)
            continue
        hold.append(v)
        _add(labels, v, K_ATTR, nidx)
    dget = ti.dict_get
    if dget is None:
        return
    if not ti.inline:
        # the instance dict, if any, is among the referents (never create it)
        for x in refs:
            # (a dict already named by a slot, e.g. functools.partial's
            # keywords, is no instance dict: asking for one would create it)
            if type(x) is dict and not labels.get(id(x)):
                try:
                    d = dget(o)
                except Exception as e:
                    _note("labelers.instance_dict", e)
                    return
                if d is x or any(d is r for r in refs):
                    _add(labels, d, K_INST_DICT, -1)
                return
        return
    # CPython 3.11+: attribute values may live inline in the object (no dict);
    # gc.get_referents() then returns the values themselves.  Label them with
    # names learned per class, read with object.__getattribute__ only where
    # that cannot run Python code.
    if ti.odd:
        # a class dict with a non-str key: object.__getattribute__ could
        # compare it with the name (its __eq__); name the values from the
        # instance dict instead (the __dict__ getter is C)
        try:
            d = dget(o)
        except Exception:
            return
        hold.append(d)
        if any(d is r for r in refs):
            _add(labels, d, K_INST_DICT, -1)
        elif type(d) is dict:
            for k, v in list(_dict_items(d)):
                if type(k) is str:
                    _add(labels, v, K_ATTR, s(k))
        return
    _label_inline(w, o, tp, ti, labels, hold)
    unmatched = [x for x in refs if not labels.get(id(x))]
    if not unmatched:
        return
    if ti.learned >= MAX_LEARN and not any(type(x) is dict for x in unmatched):
        return
    try:
        d = dget(o)  # may materialize the instance dict (C code, no user code)
    except Exception as e:
        _note("labelers.instance_dict_inline", e)
        return
    ti.learned += 1
    hold.append(d)
    if any(d is r for r in refs):
        # a real instance dict (3.11/3.12 once materialized; 3.13 with a
        # `__dict__` slot): undo the inline-attribute labels put on values,
        # but keep those of real slots (they are attributes either way)
        slot_names = {nidx for nidx, _ in ti.slots}
        for x in refs:
            L = labels.get(id(x))
            if L:
                keep = []
                for q in range(0, len(L), 2):
                    if L[q] != K_ATTR or L[q + 1] in slot_names:
                        keep += L[q:q + 2]
                labels[id(x)] = keep
        _add(labels, d, K_INST_DICT, -1)
        return
    w._learn(ti, tp, d)
    _label_inline(w, o, tp, ti, labels, hold, only_unlabeled=True)


def _label_inline(w, o, tp, ti, labels, hold, only_unlabeled=False):
    for name, nidx in ti.attrs:
        try:
            v = _obj_getattr(o, name)
        except AttributeError:  # not set on this instance
            continue
        except Exception as e:
            _note("labelers.inline_attr", e)
            continue
        hold.append(v)
        if only_unlabeled:
            L = labels.get(id(v))
            if L:
                continue
        _add(labels, v, K_ATTR, nidx)


def _lab_container(w, o, tp, labels, syn, hold):
    try:
        if issubclass(tp, dict):
            for k, v in list(_dict_items(o)):
                kn = w.keyname(k)
                hold.append(k)
                hold.append(v)
                _add(labels, v, K_DVAL, kn)
                # keys: labelled if reported by gc, else added below
                _add(labels, k, K_DKEY, kn)
                syn.append((k, K_DKEY, kn, SYN_UNLESS_REPORTED))
        elif issubclass(tp, (list, tuple)) or (_deque is not None and issubclass(tp, _deque)):
            for n, v in enumerate(list.__iter__(o) if issubclass(tp, list)
                                  else tuple.__iter__(o) if issubclass(tp, tuple)
                                  else _deque.__iter__(o)):
                hold.append(v)
                _add(labels, v, K_INDEX, w.idxname(n))
        elif issubclass(tp, (set, frozenset)):
            for v in (set.__iter__(o) if issubclass(tp, set) else frozenset.__iter__(o)):
                hold.append(v)
                _add(labels, v, K_INDEX, -1)
    except Exception as e:
        _note("labelers.container", e)
        pass
