"""Where the interpreter and its packages live: ``process.environment`` and
``process.module_files`` of the snapshot (docs/format.md).

The environment needs :mod:`sysconfig` and :mod:`site`; it is computed once,
when heapscope is imported, never during a dump (a dump imports nothing and
spawns nothing).  ``module_files`` is read during the dump from
``sys.modules`` with C-level accessors and exact-type checks only, so no
user code (import hooks, module ``__getattr__``, hostile dict keys) runs.
"""
from __future__ import annotations

import os
import sys
import types

_module_dict_get = types.ModuleType.__dict__["__dict__"].__get__
_type_mro_get = type.__dict__["__mro__"].__get__
_ModuleType = types.ModuleType
_FILE = "__file__"


def _abs_dirs(paths):
    out = []
    for p in paths:
        if type(p) is str and p:
            p = os.path.abspath(p)
            if p not in out:
                out.append(p)
    return out


def _compute_environment():
    import site
    import sysconfig
    try:
        paths = sysconfig.get_paths()
    except Exception:
        paths = {}
    stdlib = [paths.get("stdlib"), paths.get("platstdlib")]
    if type(paths.get("platstdlib")) is str:
        stdlib.append(os.path.join(paths["platstdlib"], "lib-dynload"))
    os_file = getattr(os, "__file__", None)
    if type(os_file) is str:
        stdlib.append(os.path.dirname(os_file))
    site_dirs = [paths.get("purelib"), paths.get("platlib")]
    try:
        site_dirs += list(site.getsitepackages())
    except Exception:   # old virtualenv's site.py has no getsitepackages
        pass
    try:
        site_dirs.append(site.getusersitepackages())
    except Exception:
        pass
    for p in sys.path:
        if type(p) is str and os.path.basename(p.rstrip(os.sep)) in ("site-packages", "dist-packages"):
            site_dirs.append(p)
    names = getattr(sys, "stdlib_module_names", None)   # 3.10+
    return {
        "prefix": sys.prefix,
        "base_prefix": getattr(sys, "base_prefix", sys.prefix),
        "exec_prefix": sys.exec_prefix,
        "base_exec_prefix": getattr(sys, "base_exec_prefix", sys.exec_prefix),
        "stdlib_dirs": [d for d in _abs_dirs(stdlib) if os.path.isdir(d)],
        "site_dirs": _abs_dirs(site_dirs),
        "stdlib_module_names": sorted(names) if names is not None else None,
        "builtin_module_names": sorted(sys.builtin_module_names),
    }


try:
    ENVIRONMENT = _compute_environment()
except Exception:  # pragma: no cover - informational only
    ENVIRONMENT = None


def _is_module(x):
    try:
        return _ModuleType in _type_mro_get(type(x))
    except Exception:
        return False


def module_file(mod):
    """Absolute ``__file__`` of a module, or None: read from the module's
    real dict by iterating an atomic copy of it (``dict.get`` would compare a
    stored key whose hash collides with ``"__file__"`` by calling its
    ``__eq__``); only exact str keys and values count."""
    if not _is_module(mod):
        return None
    try:
        d = _module_dict_get(mod)
    except Exception:
        return None
    if type(d) is not dict:
        return None
    for k, v in dict.items(dict.copy(d)):
        if type(k) is str and str.__eq__(k, _FILE) is True:
            if type(v) is str and v:
                return v if os.path.isabs(v) else os.path.abspath(v)
            return None
    return None


def module_files():
    """{name: absolute file or None} for every entry of ``sys.modules``
    whose name is an exact str; a ``sys.modules`` that is not an exact dict
    (rebound to a subclass) is read through ``dict``'s own C methods."""
    mods = sys.modules
    try:
        if type(mods) is dict or any(c is dict for c in _type_mro_get(type(mods))):
            # list(dict.items(...)) iterates in C; dict.copy of a subclass
            # that overrides __iter__ would call its keys()
            entries = list(dict.items(mods))
        else:
            return {}
    except Exception:
        return {}
    out = {}
    for name, mod in entries:
        if type(name) is str:
            out[name] = module_file(mod)
    return out


def platform_text():
    """``Linux-6.1.0-x86_64``-style platform string from ``os.uname()``:
    ``platform.platform()`` may spawn ``uname -p`` and import modules."""
    try:
        u = os.uname()
        return "%s-%s-%s" % (u.sysname, u.release, u.machine)
    except Exception:  # no os.uname (Windows)
        return sys.platform


PLATFORM = platform_text()
