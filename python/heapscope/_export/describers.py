"""Describers: the short text of an object (a capped repr of a str, bytes or
number; len= of a container; the qualname of a function...), read with the
builtin types' own C methods."""
from __future__ import annotations

import os
import types
import weakref

from .format_v1 import DESC_MAX
from .safe import (_BuiltinFunctionType, _bytes_getitem, _bytes_len, _bytes_repr, _cap, _CellType,
                   _CodeType, _deque, _dict_str_get, _exact_str, _FrameType, _FunctionType, _int_bitlen, _int_repr,
                   _float_repr, _get_referents, _has, _MethodType, _module_dict_get, _ModuleType, _mro, _NoneType, _ref_call,
                   _str_getitem, _str_len, _str_repr, type_name, _ContextVar, _contextvar_name)


def _fit(body, suffix):
    """body + suffix within DESC_MAX characters, cutting body with '...'."""
    if len(body) + len(suffix) <= DESC_MAX:
        return body + suffix
    return body[:max(0, DESC_MAX - len(suffix) - 3)] + "..." + suffix


def _desc_str(o, strings, ti):
    n = _str_len(o)
    if n <= DESC_MAX:
        r = _str_repr(o)
        if len(r) <= DESC_MAX:
            return strings.unique(r)
    s = _str_getitem(o, slice(0, DESC_MAX)) if n > DESC_MAX else o
    return strings.unique(_fit(_str_repr(s), " (%d chars)" % n))


def _desc_bytes(o, strings, ti):
    tp = type(o)
    if tp is bytearray or _has(_mro(tp), bytearray):
        n = bytearray.__len__(o)
        b = bytes(bytearray.__getitem__(o, slice(0, 40)))
        pre = "bytearray "
    else:
        n = _bytes_len(o)
        b = _bytes_getitem(o, slice(0, 40))
        pre = ""
    r = pre + _bytes_repr(b)
    if n <= 40 and len(r) <= DESC_MAX:
        return strings.unique(r)
    return strings.unique(_fit(r, " (%d bytes)" % n))


def _desc_int(o, strings, ti):
    if type(o) is bool or _has(_mro(type(o)), bool):
        return strings.add("True" if int.__bool__(o) else "False")
    bl = _int_bitlen(o)
    if bl > 200:
        return strings.add("<int of %d bits>" % bl)
    return strings.unique(_int_repr(o))


def _desc_float(o, strings, ti):
    return strings.unique(_float_repr(o))


def _desc_complex(o, strings, ti):
    return strings.unique(_cap(complex.__repr__(o)))


def _desc_len(o, strings, ti):
    return strings.add("len=%d" % len(o))


def _desc_len_base(o, strings, ti):
    return strings.add("len=%d" % ti.base_len(o))


def _desc_mappingproxy(o, strings, ti):
    # MappingProxyType.__len__ calls its mapping's: only an exact dict's
    refs = _get_referents(o)
    if len(refs) == 1 and type(refs[0]) is dict:
        return strings.add("len=%d" % dict.__len__(refs[0]))
    return -1


def _desc_function(o, strings, ti):
    qn = _exact_str(o.__qualname__)
    return strings.add(_cap(qn) if qn is not None else "?")


def _desc_method(o, strings, ti):
    f = o.__func__
    if type(f) is _FunctionType:
        qn = _exact_str(f.__qualname__)
        return strings.add(_cap("bound " + (qn if qn is not None else "?")))
    return -1


_GEN_QUALNAME = {t: t.__dict__["__qualname__"].__get__
                 for t in (types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType)}


def _desc_generator(o, strings, ti):
    # a generator's (coroutine's) function: the C getter of its exact type
    qn = _exact_str(_GEN_QUALNAME[type(o)](o))
    return strings.add(_cap(qn)) if qn is not None else -1


def _desc_type(o, strings, ti):
    return strings.add(_cap(type_name(o)))


def _desc_module(o, strings, ti):
    # (a dict.get would compare a key whose hash collides with "__name__")
    n = _dict_str_get(_module_dict_get(o), "__name__")
    return strings.add(_cap(n)) if type(n) is str else -1


def _where(code, line):
    """`name at file:line` of a code object; co_name and co_filename may be
    str subclasses (code.replace): only their exact-str copies are used."""
    name = _exact_str(code.co_name)
    fn = _exact_str(code.co_filename)
    name = name if name is not None else "?"
    fn = fn if fn is not None else "?"
    r = "%s at %s:%s" % (name, fn, line)
    if len(r) > DESC_MAX:
        r = "%s at %s:%s" % (name, os.path.basename(fn), line)
    return _cap(r)


def _desc_frame(o, strings, ti):
    return strings.add(_where(o.f_code, o.f_lineno))


def _desc_code(o, strings, ti):
    return strings.add(_where(o, o.co_firstlineno))


def _desc_builtin(o, strings, ti):
    qn = o.__qualname__
    return strings.add(_cap(qn)) if type(qn) is str else -1


def _desc_none(o, strings, ti):
    return strings.add("None")


def _desc_weakref(o, strings, ti):
    t = _ref_call(o)
    if t is None:
        return strings.add("dead")
    return strings.add(_cap("to " + type_name(type(t))))


def _desc_contextvar(o, strings, ti):
    # its name (ContextVar("request_log") -> request_log)
    n = _exact_str(_contextvar_name(o))
    return strings.add(_cap(n)) if n is not None else -1


def _desc_cell(o, strings, ti):
    try:
        o.cell_contents
    except ValueError:
        return strings.add("empty")
    return -1


_DESCRIBERS = {
    str: _desc_str, bytes: _desc_bytes, bytearray: _desc_bytes, int: _desc_int,
    bool: _desc_int, float: _desc_float, complex: _desc_complex,
    list: _desc_len, tuple: _desc_len, dict: _desc_len, set: _desc_len,
    frozenset: _desc_len, _FunctionType: _desc_function, _MethodType: _desc_method,
    type: _desc_type, _ModuleType: _desc_module, _FrameType: _desc_frame,
    _CodeType: _desc_code, _BuiltinFunctionType: _desc_builtin,
    _NoneType: _desc_none, weakref.ref: _desc_weakref, _CellType: _desc_cell,
    types.MappingProxyType: _desc_mappingproxy,
    types.GeneratorType: _desc_generator, types.CoroutineType: _desc_generator,
    types.AsyncGeneratorType: _desc_generator, _ContextVar: _desc_contextvar,
    type(str.join): _desc_builtin, type(dict.__dict__["fromkeys"]): _desc_builtin,
    type(object.__init__): _desc_builtin, type(str.__add__): _desc_builtin,
}
if _deque is not None:
    _DEQUE_LEN, _DEQUE_MAXLEN = _deque.__len__, _deque.__dict__["maxlen"].__get__

    def _desc_deque(o, strings, ti):
        # "len=N maxlen=M" for a bounded deque: it stops growing at M (the
        # analysis then says so instead of calling it a leak)
        m = _DEQUE_MAXLEN(o, _deque)
        if m is None:
            return strings.add("len=%d" % _DEQUE_LEN(o))
        return strings.add("len=%d maxlen=%d" % (_DEQUE_LEN(o), m))

    _DESCRIBERS[_deque] = _desc_deque
_SUB_DESCRIBERS = {str: _desc_str, bytes: _desc_bytes, bytearray: _desc_bytes,
                   int: _desc_int, float: _desc_float, type: _desc_type,
                   _ModuleType: _desc_module}
