"""C-level accessors: how the exporter reads objects without running user code.

Everything here is careful never to run user code: no ``repr()``,
``getattr()``, ``isinstance()``, ``len()`` or ``sys.getsizeof()`` on an object
whose type could redirect it to Python code.  Attributes are read through the
C descriptors of the builtin types (``type.__dict__['__mro__'].__get__`` ...).
The other modules of the exporter read objects only through these.
"""
from __future__ import annotations

import gc
import os
import sys
import types
import weakref

from .errors import note as _note
from .format_v1 import DESC_MAX

_PY311 = sys.version_info >= (3, 11)
_PY313 = sys.version_info >= (3, 13)
_TPFLAGS_MANAGED_DICT = 1 << 4
_TPFLAGS_HEAPTYPE = 1 << 9
_TPFLAGS_HAVE_GC = 1 << 14
_IMMORTAL = 1 << 29   # refcounts at or above this are immortal / cached objects

_TPFLAGS_READY = 1 << 12


# C-level accessors: calling these never dispatches to Python code.
_type_dict_get = type.__dict__["__dict__"].__get__      # -> mappingproxy
_type_mro_get = type.__dict__["__mro__"].__get__
_type_bases_get = type.__dict__["__bases__"].__get__
_type_base_get = type.__dict__["__base__"].__get__
_type_flags_get = type.__dict__["__flags__"].__get__
_type_module_get = type.__dict__["__module__"].__get__
_type_qualname_get = type.__dict__["__qualname__"].__get__
_module_dict_get = types.ModuleType.__dict__["__dict__"].__get__
_obj_getattr = object.__getattribute__
_dict_items = dict.items
_dict_get = dict.get
_str_repr = str.__repr__
_str_getitem = str.__getitem__
_str_len = str.__len__
_bytes_repr = bytes.__repr__
_bytes_getitem = bytes.__getitem__
_bytes_len = bytes.__len__
_int_repr = int.__repr__
_int_bitlen = int.bit_length
_float_repr = float.__repr__
_ref_call = weakref.ref.__call__
_getsizeof = sys.getsizeof
_get_referents = gc.get_referents
_is_tracked = gc.is_tracked
_FunctionType = types.FunctionType
_MethodType = types.MethodType
_ModuleType = types.ModuleType
_FrameType = types.FrameType
_CodeType = types.CodeType
_BuiltinFunctionType = types.BuiltinFunctionType
_GetSetDescriptorType = types.GetSetDescriptorType
_MemberDescriptorType = types.MemberDescriptorType
_MethodDescriptorType = type(object.__sizeof__)
_CellType = type((lambda x: lambda: x)(0).__closure__[0])
_NoneType = type(None)
_SIMPLE_KEYS = (str, int, float, bool, _NoneType, bytes)

try:
    from collections import deque as _deque
except ImportError:  # pragma: no cover
    _deque = None

# The heapscope package (not only this subpackage): frames running its code
# are the exporter's own.
_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _is_own_code(code) -> bool:
    fn = code.co_filename
    return type(fn) is str and fn.startswith(_PKG_DIR)


def _cap(s: str) -> str:
    return s if len(s) <= DESC_MAX else s[:DESC_MAX - 3] + "..."


def _mro(tp):
    """tp.__mro__ through the C accessor; a type that was never readied
    (Python 3.8's functools._lru_list_elem, say) has none: (tp,) then."""
    try:
        return _type_mro_get(tp) or (tp,)
    except Exception as e:
        _note("safe.mro", e)
        return (tp,)


def _class_dicts(tp):
    """The real __dict__ of every class in tp's MRO (C accessors only), one
    per class, in MRO order ({} where a class has none)."""
    out = []
    for c in _mro(tp):
        try:
            out.append(_type_dict_get(c) or {})
        except Exception as e:
            _note("safe.class_dicts", e)
            out.append({})
    return out


def _mro_lookup(tp, name):
    for d in _class_dicts(tp):
        v = d.get(name, _MISSING)
        if v is not _MISSING:
            return v
    return _MISSING


_MISSING = object()


def _is_heap_type(tp) -> bool:
    return bool(_type_flags_get(tp) & _TPFLAGS_HEAPTYPE)


def type_name(tp) -> str:
    """Module-qualified name of a type, read without running user code."""
    try:
        mod = _type_module_get(tp)
    except Exception as e:
        _note("safe.type_module", e)
        mod = None
    try:
        qn = _type_qualname_get(tp)
    except Exception as e:
        _note("safe.type_qualname", e)
        qn = None
    if type(qn) is not str:
        qn = "?"
    if type(mod) is not str:
        mod = "?"
    return mod + "." + qn


def _simple_key_repr(k):
    """repr() of a str/int/float/bool/None/bytes key, capped; else None."""
    tk = type(k)
    if tk is str:
        if _str_len(k) > DESC_MAX:
            k = _str_getitem(k, slice(0, DESC_MAX))
        return _cap(_str_repr(k))
    if tk is int or tk is bool:
        if tk is int and _int_bitlen(k) > 256:
            return "<int %d bits>" % _int_bitlen(k)
        return _cap(_int_repr(k)) if tk is int else ("True" if k else "False")
    if tk is float:
        return _float_repr(k)
    if k is None:
        return "None"
    if tk is bytes:
        if _bytes_len(k) > DESC_MAX:
            k = _bytes_getitem(k, slice(0, DESC_MAX))
        return _cap(_bytes_repr(k))
    return None


def _exact_list(x):
    """An atomic C-level copy of a list or list subclass (no __iter__ or
    __len__ of a subclass runs); [] for anything else."""
    try:
        if type(x) is list or list in _mro(type(x)):
            return list.copy(x)
    except Exception as e:
        _note("safe.exact_list", e)
        pass
    return []


def _safe_text(s):
    if type(s) is not str:
        try:
            s = str.__str__(s) if str in _mro(type(s)) else "?"
        except Exception as e:
            _note("safe.safe_text", e)
            s = "?"
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "replace").decode("utf-8")


def _safe_attr(tp, name):
    """True if object.__getattribute__(obj, name) cannot run Python code."""
    v = _mro_lookup(tp, name)
    if v is _MISSING:
        return True
    tv = type(v)
    if tv is _FunctionType or tv is staticmethod or tv is classmethod:
        return True  # non-data descriptors implemented in C
    for d in _class_dicts(tv):
        if "__get__" in d or "__set__" in d or "__delete__" in d:
            return False
    return True
