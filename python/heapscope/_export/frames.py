"""A frame's local variables, read without side effects.

On CPython 3.8-3.12 the ``frame.f_locals`` getter is not a read: it copies
the fast locals into a dict stored on the frame (creating that dict the first
time: a suspended generator then carries one for good) and deletes or
replaces the dict's stale entries, which can free an object and run its
``__del__``; for a class body or ``exec`` with a custom mapping it calls the
mapping's ``__setitem__``/``__delitem__``.  So on those versions the exporter
never calls the getter: it reads the frame's slots (the ``f_locals`` pointer
and the fast-locals array) in place with :mod:`ctypes`, at offsets checked
when this module is imported against frames whose contents are known.  If
that check fails (another build or implementation), no local is read at all
(the frame's references stay, unnamed).

On 3.13+ (PEP 667) ``f_locals`` of an optimized frame is a
``FrameLocalsProxy`` that reads the fast locals without writing anything; a
module, class or ``exec`` frame's ``f_locals`` is its mapping, returned as
is.

:func:`frame_locals` returns ``(mapping, [(name, value), ...])``: the
frame's ``f_locals`` object if it has one (any type: the caller only uses
its identity unless it is an exact dict) and its named locals (exact-str
names; cells are read through their C getter).
"""
from __future__ import annotations

import sys
import types

from .errors import note as _note

_PY311 = sys.version_info >= (3, 11)
_PY312 = sys.version_info >= (3, 12)
_PY313 = sys.version_info >= (3, 13)
_CO_OPTIMIZED = 0x0001
_FrameType = types.FrameType
_CellType = type((lambda x: lambda: x)(0).__closure__[0])
_cell_contents = _CellType.__dict__["cell_contents"].__get__
_code_flags = types.CodeType.__dict__["co_flags"].__get__
_frame_code = _FrameType.__dict__["f_code"].__get__

try:
    import ctypes as _ctypes
except ImportError:  # pragma: no cover - CPython always has it
    _ctypes = None

_reader = None        # set below when the layout check passes (3.8-3.12)


def _slot_names(code):
    """Names of a code object's fast-locals slots in slot order."""
    varnames = code.co_varnames
    cellvars = code.co_cellvars
    freevars = code.co_freevars
    if _PY311:
        # 3.11+: an argument that is also a cell shares its slot
        extra = tuple(c for c in cellvars if c not in varnames)
        return varnames + extra + freevars, frozenset(cellvars + freevars)
    return (varnames[:code.co_nlocals] + cellvars + freevars,
            frozenset(cellvars + freevars))


class _Reader:
    """Reads f_locals and the fast-locals slots of a frame in place."""

    def __init__(self, ptr_size, head):
        c = _ctypes
        self.ptr = ptr_size
        self.void_at = c.c_void_p.from_address
        self.int_at = c.c_int.from_address
        self.obj_at = c.py_object.from_address
        if _PY311:
            # PyFrameObject: HEAD, f_back, f_frame -> _PyInterpreterFrame
            self.f_frame = head + ptr_size
            # _PyInterpreterFrame: 3.11 f_func, f_globals, f_builtins,
            # f_locals...; 3.12 f_code, previous, f_funcobj, f_globals,
            # f_builtins, f_locals...; both: 8 pointers, int stacktop,
            # then localsplus
            self.f_locals = (5 if _PY312 else 3) * ptr_size
            self.stacktop = 8 * ptr_size
            self.localsplus = 9 * ptr_size
        else:
            # PyFrameObject (var object): HEAD, ob_size, f_back, f_code,
            # f_builtins, f_globals, f_locals, ..., f_localsplus[] last
            self.f_frame = None
            self.f_locals = head + 5 * ptr_size
            self.stacktop = None
            self.localsplus = _FrameType.__basicsize__ - _FrameType.__itemsize__

    def _value(self, addr):
        if not self.void_at(addr).value:
            return _MISSING
        return self.obj_at(addr).value

    def read(self, frame):
        base = id(frame)
        if self.f_frame is not None:
            base = self.void_at(base + self.f_frame).value
            if not base:
                return None, []
        mapping = self._value(base + self.f_locals)
        if mapping is _MISSING:
            mapping = None
        code = _frame_code(frame)
        names, cells = _slot_names(code)
        n = len(names)
        if self.stacktop is not None:
            top = self.int_at(base + self.stacktop).value
            if top >= 0:          # -1: executing, every local slot is valid
                n = min(n, top)
        out = []
        if mapping is not None and not (_code_flags(code) & _CO_OPTIMIZED):
            # a module, class or exec frame: its locals are the mapping
            return mapping, out
        at = base + self.localsplus
        for i in range(n):
            v = self._value(at + i * self.ptr)
            if v is _MISSING:
                continue
            name = names[i]
            if name in cells and type(v) is _CellType:
                try:
                    v = _cell_contents(v)
                except ValueError:
                    continue
            out.append((name, v))
        return mapping, out


_MISSING = object()


def _check(reader):
    """The reader must see exactly the locals of frames built to cover each
    case: finished (owned by its frame object), suspended generator,
    executing, with argument cells, plain cells, free variables and an
    unbound local.  (No f_locals here: it would tie frames into cycles that
    keep the importers' frames alive until the next gc.)"""
    marker = object()
    arg, plain = object(), object()

    def probe(frame, expected):
        got = reader.read(frame)[1]
        if len(got) != len(expected):
            return False
        gd = dict(got)
        return all(k in gd and gd[k] is v for k, v in expected.items())

    def outer(arg_cell, plain):
        cellvar = [marker]
        unbound = None
        del unbound

        def inner():
            return arg_cell, cellvar
        return sys._getframe(), inner, cellvar

    def gen(a):
        b = (a, marker)
        yield sys._getframe(), b

    def executing(x):
        y = [x]
        return probe(sys._getframe(), {"x": x, "y": y, "probe": probe})

    def free_user():
        return probe(sys._getframe(), {"marker": marker, "arg": arg, "probe": probe})

    f, inner, cellvar = outer(arg, plain)
    ok = probe(f, {"arg_cell": arg, "plain": plain, "cellvar": cellvar, "inner": inner,
                   "marker": marker})
    f = None                      # (its f_back is this frame)
    g = gen(arg)
    gf, b = next(g)
    ok = ok and probe(gf, {"a": arg, "b": b, "marker": marker})
    gf = None
    g.close()
    ok = ok and executing(marker) and free_user()
    return ok


def _make_reader():
    if _PY313 or _ctypes is None or sys.implementation.name != "cpython":
        return None
    try:
        ptr = _ctypes.sizeof(_ctypes.c_void_p)
        head = object.__basicsize__        # refcount + type (+ trace refs)
        r = _Reader(ptr, head)
        return r if _check(r) else None
    except Exception:  # pragma: no cover - a layout we do not know
        return None


_reader = _make_reader()
_PROXY = type((lambda: sys._getframe().f_locals)()) if _PY313 else None


def frame_locals(frame):
    """(f_locals mapping or None, [(name, value), ...]) of *frame*, with no
    side effect on the frame and no user code."""
    if _PY313:
        try:
            code = _frame_code(frame)
            fl = frame.f_locals
        except Exception as e:
            _note("frames.f_locals", e)
            return None, []
        if not (_code_flags(code) & _CO_OPTIMIZED):
            # the frame's own mapping (identity only), unless a proxy made
            # for this call (a class body with inlined comprehensions)
            return (None if type(fl) is _PROXY else fl), []
        try:
            # FrameLocalsProxy: C code over the fast locals
            items = list(type(fl).items(fl))
        except Exception as e:
            _note("frames.proxy_items", e)
            return None, []
        return None, [(k, v) for k, v in items if type(k) is str]
    if _reader is None:
        return None, []
    try:
        return _reader.read(frame)
    except Exception as e:
        _note("frames.read", e)
        return None, []
