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
def _managed_dict_reader():
    """CPython 3.13-3.14 (GIL builds): a reader of the word where an object
    whose type keeps attribute values inline stores its instance dict once
    one was made (``PyManagedDictPointer``, three words before the object;
    the object owns that memory).  None elsewhere, or without ctypes."""
    if not ((3, 13) <= sys.version_info[:2] < (3, 15)):
        return None
    try:
        import sysconfig
        if sysconfig.get_config_var("Py_GIL_DISABLED"):
            return None
        import ctypes
        at = ctypes.c_void_p.from_address
        offset = 3 * ctypes.sizeof(ctypes.c_void_p)
    except Exception:
        return None
    # Defaults, not a closure: no cells of the exporter's in the heap it dumps.
    return lambda o, at=at, offset=offset: at(id(o) - offset).value


_managed_dict_word = _managed_dict_reader()


def _materialized_dict(o, refs, dict_get):
    """CPython 3.13+: gc reports the inline attribute values of an object, not
    its instance dict, even once ``o.__dict__`` made one (the dict shares the
    values) -- which then looks held from C alone.  Returns refs with that
    dict in place of the values it holds (as 3.11-3.12 report it), or refs
    unchanged when there is no such dict.  Never makes a dict: the getter
    runs only when one exists."""
    if _managed_dict_word is None or dict_get is None:
        return refs
    try:
        if not _managed_dict_word(o):
            return refs
        d = dict_get(o)
    except Exception:
        return refs
    if type(d) is not dict or any(d is r for r in refs):
        return refs
    pending = {}
    for v in dict.values(d):
        pending[id(v)] = pending.get(id(v), 0) + 1
    out = [d]
    for x in refs:
        n = pending.get(id(x), 0)
        if n:
            pending[id(x)] = n - 1
        else:
            out.append(x)
    return out


import contextvars as _contextvars  # noqa: E402  (C module, always there from 3.7)
_ContextVar = _contextvars.ContextVar
_Context = _contextvars.Context
_contextvar_name = _ContextVar.__dict__["name"].__get__   # a C member
_contextvar_get = _ContextVar.get                         # C: no user code
# CPython's hash array mapped trie behind each Context: a node's referents
# are its (key, value) pairs in order (a sub-node where a key is missing)
_HAMT_NODES = ("builtins.hamt_bitmap_node", "builtins.hamt_array_node", "builtins.hamt_collision_node")
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


def _has(seq, x):
    """``x in seq`` by identity: ``in`` would call a metaclass's ``__eq__``."""
    for y in seq:
        if y is x:
            return True
    return False


def _str_keyed(d):
    """A new dict of the exact-str keys of the real dict *d* (an atomic
    C-level copy).  Looking a name up in it cannot run user code: in the
    original, a key whose hash collides with the name (a str subclass, any
    object) would be compared through its ``__eq__``."""
    if type(d) is not dict:
        return {}
    return {k: v for k, v in dict.items(dict.copy(d)) if type(k) is str}


def _real_class_dict(c):
    """The dict behind a class's ``__dict__`` mappingproxy (C accessors only;
    the proxy's own methods would call its mapping's)."""
    try:
        refs = _get_referents(_type_dict_get(c))
    except Exception as e:
        _note("safe.class_dict", e)
        return None
    return refs[0] if len(refs) == 1 and type(refs[0]) is dict else None


def _class_dicts(tp):
    """The __dict__ of every class in tp's MRO as exact-str-keyed copies
    (``_str_keyed``), one per class, in MRO order ({} where a class has none)."""
    return [_str_keyed(_real_class_dict(c)) for c in _mro(tp)]


def _dict_str_get(d, name, default=None):
    """d[name] for the exact str *name* in the real dict *d*, comparing keys
    by exact type and ``str.__eq__`` only; *default* if absent."""
    if type(d) is not dict:
        return default
    for k, v in dict.items(dict.copy(d)):
        if type(k) is str and str.__eq__(k, name) is True:
            return v
    return default


def _exact_str(s):
    """An exact str with the text of a str or str subclass (``str.__str__``
    copies it in C: no ``__str__``, ``__format__`` or ``__radd__`` of the
    subclass runs); None for anything else."""
    if type(s) is str:
        return s
    try:
        if _has(_mro(type(s)), str):
            return str.__str__(s)
    except Exception as e:
        _note("safe.exact_str", e)
    return None


def _mro_lookup(tp, name):
    for d in _class_dicts(tp):
        v = d.get(name, _MISSING)
        if v is not _MISSING:
            return v
    return _MISSING


_MISSING = object()


def _is_heap_type(tp) -> bool:
    return bool(_type_flags_get(tp) & _TPFLAGS_HEAPTYPE)


def _odd_keys(tp):
    """True if a class in tp's MRO has a dict key that is not an exact str.
    CPython's attribute lookup (``object.__getattribute__``,
    ``sys.getsizeof``'s ``__sizeof__``, ``type.__module__``) compares such a
    key with the name through the key's ``__eq__`` when their hashes
    collide: for these types none of them is used."""
    for c in _mro(tp):
        d = _real_class_dict(c)
        if type(d) is dict:
            for k in dict.keys(d):   # (iterating in C: no user code)
                if type(k) is not str:
                    return True
    return False


def type_name(tp) -> str:
    """Module-qualified name of a type, read without running user code."""
    try:
        if _type_flags_get(tp) & _TPFLAGS_HEAPTYPE:
            # type.__module__ looks "__module__" up in the class dict
            mod = _dict_str_get(_real_class_dict(tp), "__module__")
        else:
            mod = _type_module_get(tp)
    except Exception as e:
        _note("safe.type_module", e)
        mod = None
    try:
        qn = _type_qualname_get(tp)
    except Exception as e:
        _note("safe.type_qualname", e)
        qn = None
    qn = _exact_str(qn)
    mod = _exact_str(mod)
    return (mod if mod is not None else "?") + "." + (qn if qn is not None else "?")


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
        if type(x) is list or _has(_mro(type(x)), list):
            return list.copy(x)
    except Exception as e:
        _note("safe.exact_list", e)
        pass
    return []


def _safe_text(s):
    if type(s) is not str:
        try:
            s = str.__str__(s) if _has(_mro(type(s)), str) else "?"
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
