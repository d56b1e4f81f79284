"""Exceptions the exporter swallows, counted instead of vanishing.

An odd object never stops a dump: where reading it raises, the exporter
falls back (size 0, no description, unnamed or missing references) and goes
on.  Each such fallback is counted here by site and exception type; the
counts are written to the snapshot's ``meta.exporter_errors``
(docs/format.md), which heapscope shows as a load warning.  Counting costs
nothing on the normal path: ``note`` runs only inside an ``except``.
"""
from __future__ import annotations


# C-level accessors (as in ``safe``, which itself notes its errors here).
_type_module_get = type.__dict__["__module__"].__get__
_type_qualname_get = type.__dict__["__qualname__"].__get__

# "site exception-type" -> count, for the dump in progress.  One dict for the
# life of the process (cleared around each dump) so that the walk can exclude
# it by identity.
COUNTS = {}


def note(site, exc):
    """Count one swallowed exception *exc* at *site* ("module.what")."""
    try:
        mod, qualname = _type_module_get(type(exc)), _type_qualname_get(type(exc))
        name = mod + "." + qualname if type(mod) is str and type(qualname) is str else "?"
    except Exception:
        name = "?"
    key = site + " " + name
    COUNTS[key] = COUNTS.get(key, 0) + 1


def records():
    """The counts as ``meta.exporter_errors`` records, sorted by site."""
    out = []
    for key in sorted(COUNTS):
        site, _, exception = key.partition(" ")
        out.append({"site": site, "exception": exception, "count": COUNTS[key]})
    return out
