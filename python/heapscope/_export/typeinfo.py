"""What the walker knows per type: name, flags, size function, describer,
reference handler, labeler, and the instance layout (slots, ``__dict__``,
inline values) -- computed once per type from C-level data only."""
from __future__ import annotations

import array
import weakref

from .describers import _DESCRIBERS, _desc_len_base, _SUB_DESCRIBERS
from .errors import note as _note
from .format_v1 import F_FINALIZER, F_FRAME, F_FUNCTION, F_MODULE, F_TYPE
from .labelers import (_GEN_FRAME, MAX_LEARN, _lab_builtin_method, _lab_cell, _lab_code, _lab_contextvar, _lab_frame,
                       _lab_function, _lab_generator, _lab_hamt_node,
                       _lab_instance, _lab_method, _lab_module, _lab_type, _lab_weakref)
from .safe import (_PY311, _TPFLAGS_HAVE_GC, _TPFLAGS_HEAPTYPE, _TPFLAGS_MANAGED_DICT, _BuiltinFunctionType,
                   _CellType, _class_dicts, _CodeType, _deque, _dict_items, _FrameType, _FunctionType,
                   _getsizeof, _GetSetDescriptorType, _MemberDescriptorType, _MethodDescriptorType,
                   _MethodType, _ModuleType, _has, _mro, _odd_keys, _safe_attr, _type_dict_get, _type_flags_get, type_name,
                   _ContextVar, _HAMT_NODES)


class _TypeInfo:
    __slots__ = ("name", "flags", "handler", "sizer", "desc", "slots", "dict_get",
                 "inline", "attrs", "attr_set", "learned", "base_len", "kind",
                 "container", "odd", "fast")


H_NOREF, H_DICT, H_SEQ, H_SET, H_GENERIC, H_LABELED = range(6)

# What the dumps of this process learned about classes whose instances keep
# their attributes inline (CPython 3.11+): id(class) -> (weakref to the class,
# instance dicts materialized so far, attribute names, the names safe to
# read).  Learning reads an instance's __dict__, which makes CPython create
# it; without this memory every dump would materialize new instances' dicts
# (up to MAX_LEARN per class and dump), so the dict count would grow from
# dump to dump in a process that does not grow.  Kept by the exporter and
# left out of every dump (``learned_ids``, ``learned_names``).
_LEARNED = {}
_CONTAINERS = (dict, list, tuple, set, frozenset) + ((_deque,) if _deque is not None else ())
# builtin types whose C __len__ reads a field of the object itself
_SAFE_LEN = _CONTAINERS + (bytearray, array.array, range, memoryview)
_DESCRIBERS_BY_ID = {id(k): v for k, v in _DESCRIBERS.items()}
_SUB_DESCRIBERS_BY_ID = {id(k): v for k, v in _SUB_DESCRIBERS.items()}


class _TypeInfos:
    """The per-type part of the walker (``self.tinfo``, ``self.custom_sizers``, ``self.strings``,
    ``self.hold``, ``self.inline_types`` and ``self._own`` are the walker's)."""

    # -- per-type info -----------------------------------------------------
    def typeinfo(self, tp):
        ti = _TypeInfo()
        s = self.strings
        try:
            ti.name = s.add(type_name(tp))
        except Exception as e:
            _note("typeinfo.name", e)
            ti.name = s.add("?")
        mro = _mro(tp)
        try:
            tflags = _type_flags_get(tp)
        except Exception as e:
            _note("typeinfo.flags", e)
            tflags = 0
        dicts = _class_dicts(tp)
        flags = 0
        if _has(mro, _ModuleType):
            flags |= F_MODULE
        if _has(mro, type):
            flags |= F_TYPE
        if tp is _FrameType:
            flags |= F_FRAME
        if tp is _FunctionType or tp is _MethodType:
            flags |= F_FUNCTION
        for d in dicts[:-1] if dicts and mro[-1] is object else dicts:
            if "__del__" in d:
                flags |= F_FINALIZER
                break
        ti.flags = flags
        # size: sys.getsizeof unless __sizeof__ is overridden in Python code
        ti.sizer = _getsizeof
        ti.odd = _odd_keys(tp)
        if ti.odd:
            # sys.getsizeof would look __sizeof__ up through the odd keys
            ti.sizer = self._safe_sizer(mro, dicts)
        for c, d in zip(mro, dicts):
            if "__sizeof__" in d:
                # only a __sizeof__ written in Python is a user override; C
                # extension heap types (array.array, deque, BytesIO...) have
                # a C one, which sys.getsizeof may call
                if type(d["__sizeof__"]) is not _MethodDescriptorType:
                    ti.sizer = self._safe_sizer(mro, dicts)
                break
        if ti.sizer is not _getsizeof:
            self.custom_sizers.add(id(tp))
        ti.slots = ()
        ti.dict_get = None
        ti.inline = False
        ti.attrs = []
        ti.attr_set = set()
        ti.learned = 0
        ti.base_len = None
        ti.kind = None
        ti.container = any(_has(mro, c) for c in _CONTAINERS)
        heap = bool(tflags & _TPFLAGS_HEAPTYPE)
        # builtin base used for len()/descriptions of subclasses
        base = None
        for c in mro:
            if not (_type_flags_get(c) & _TPFLAGS_HEAPTYPE):
                base = c
                break
        # (looked up by id: a metaclass's __hash__/__eq__ must not run, and
        # a metaclass with __eq__ and no __hash__ makes its classes unhashable)
        ti.desc = _DESCRIBERS_BY_ID.get(id(tp))
        if ti.desc is None and base is not None and base is not object:
            d = _SUB_DESCRIBERS_BY_ID.get(id(base))
            if d is not None:
                ti.desc = d
            else:
                # len= only where the C __len__ reads a field: a
                # mappingproxy's or a weakref.proxy's would call the wrapped
                # object's __len__
                for c in mro:
                    if _has(_SAFE_LEN, c):
                        ti.base_len = type.__getattribute__(c, "__len__")
                        ti.desc = _desc_len_base
                        break
        if tp is _CodeType:
            # code objects are not gc objects but own their constants/names
            ti.handler = H_LABELED
            ti.kind = _lab_code
        elif not (tflags & _TPFLAGS_HAVE_GC) and not _has(mro, weakref.ref):
            ti.handler = H_NOREF
        elif tp is dict:
            ti.handler = H_DICT
        elif tp is list or tp is tuple:
            ti.handler = H_SEQ
        elif tp is set or tp is frozenset:
            ti.handler = H_SET
        else:
            ti.handler = H_LABELED
            ti.kind = self._labeler_for(tp, mro, base)
            if heap or ti.kind is _lab_instance:
                self._instance_layout(ti, tp, mro, dicts, tflags)
                if ti.inline:
                    self.inline_types.append((tp, ti))
                    self._own(tp)
                    self._restore_learned(ti, tp)
        # the walker's shortcut for plain instances: inline values (3.11+) or slots (see run)
        ti.fast = None
        if (ti.kind is _lab_instance and not ti.container and not ti.odd
                and (ti.inline or (ti.dict_get is None and ti.slots))):
            ti.fast = [-1, None, None, None, None]
        self.tinfo[id(tp)] = ti
        self.hold.append(tp)
        self._own(tp)
        return ti

    def _safe_sizer(self, mro, dicts):
        fn = None
        for c, d in zip(mro, dicts):
            if "__sizeof__" in d and type(d["__sizeof__"]) is _MethodDescriptorType:
                fn = d["__sizeof__"]
                break
        extra = _GC_EXTRA

        def sizer(o):
            return fn(o) + extra if fn is not None else 0
        return sizer

    def _labeler_for(self, tp, mro, base):
        if tp is _FunctionType:
            return _lab_function
        if _has(mro, type):
            return _lab_type
        if _has(mro, _ModuleType):
            return _lab_module
        if tp is _FrameType:
            return _lab_frame
        if tp is _CellType:
            return _lab_cell
        if tp is _CodeType:
            return _lab_code
        if tp is _MethodType:
            return _lab_method
        if tp is _BuiltinFunctionType:
            return _lab_builtin_method
        if _has(mro, weakref.ref):
            return _lab_weakref
        if tp is _ContextVar:
            return _lab_contextvar
        if _PY311 and any(tp is g for g in _GEN_FRAME):    # (identity: a metaclass's __hash__ must not run)
            return _lab_generator
        if not (_type_flags_get(tp) & _TPFLAGS_HEAPTYPE) and type_name(tp) in _HAMT_NODES:
            return _lab_hamt_node
        return _lab_instance

    def _instance_layout(self, ti, tp, mro, dicts, tflags):
        slots = []
        dict_get = None
        for c, d in zip(mro, dicts):
            for name, v in list(d.items()):
                tv = type(v)
                if tv is _MemberDescriptorType and type(name) is str and name not in ("__weakref__",):
                    if c is type or c is object:
                        continue
                    slots.append((self.strings.add(name), v.__get__))
                    self._own(v, 2)
                    self.hold.append(v)
                elif (name == "__dict__" and tv is _GetSetDescriptorType
                      and dict_get is None and (_type_flags_get(c) & _TPFLAGS_HEAPTYPE)):
                    dict_get = v.__get__
                    self._own(v, 2)
                    self.hold.append(v)
        ti.slots = slots
        ti.dict_get = dict_get
        ti.inline = bool(_PY311 and dict_get is not None and (tflags & _TPFLAGS_MANAGED_DICT))

    def _restore_learned(self, ti, tp):
        entry = _LEARNED.get(id(tp))
        if entry is None or entry[0]() is not tp:
            return
        ti.learned = entry[1]
        safe = entry[3]
        for name in entry[2]:
            ti.attr_set.add(name)
            self._own(name)
        for name in safe:
            ti.attrs.append((name, self.strings.add(name)))
            self._own(name)

    def save_learned(self):
        """Remember what this dump learned about inline-values classes."""
        for k in [k for k, e in _LEARNED.items() if e[0]() is None]:
            del _LEARNED[k]
        for tp, ti in self.inline_types:
            names = tuple(ti.attr_set)
            entry = _LEARNED.get(id(tp))
            if entry is not None and entry[0]() is tp and entry[1] == ti.learned and len(entry[2]) == len(names):
                continue
            try:
                ref = weakref.ref(tp)
            except TypeError:
                continue
            _LEARNED[id(tp)] = (ref, ti.learned, names, tuple(name for name, _ in ti.attrs))
        self.inline_types = []

    def _learn(self, ti, tp, d):
        """Learn attribute names of an inline-values class from a dict."""
        for k in list(_dict_items(d)):
            name = k[0]
            if type(name) is not str or name in ti.attr_set:
                continue
            ti.attr_set.add(name)
            self._own(name)
            if _safe_attr(tp, name):
                ti.attrs.append((name, self.strings.add(name)))
                self._own(name)


def learned_ids():
    """Ids of the exporter's memory of classes (left out of a dump)."""
    ids = [id(_LEARNED)]
    for e in list(_LEARNED.values()):
        ids += (id(e), id(e[0]), id(e[2]), id(e[3]))
    return ids


def learned_names():
    """Every reference the exporter's memory of classes holds to a name."""
    out = []
    for e in list(_LEARNED.values()):
        out += e[2]
        out += e[3]
    return out


def _gc_extra():
    class _P(object):
        pass
    p = _P()
    try:
        return _getsizeof(p) - object.__sizeof__(p)
    except Exception as e:
        _note("typeinfo.gc_extra", e)
        return 16


_GC_EXTRA = _gc_extra()
