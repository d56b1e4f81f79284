"""The snapshot's ``process`` section: interpreter, gc, RSS, tracemalloc
state and (from ``_environment``) where the interpreter's files live."""
from __future__ import annotations

import gc
import os
import sys
import time

try:  # imported here: a dump imports nothing
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None

from .. import _environment
from .errors import note as _note
from .format_v1 import EXPORTER
from .safe import _exact_list, _safe_text
from .tracetables import _tracemalloc


def _rss_bytes():
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024
    except Exception as e:
        _note("process.rss_proc", e)
        pass
    try:
        ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return ru if sys.platform == "darwin" else ru * 1024
    except Exception as e:
        _note("process.rss_getrusage", e)
        return None


def process_info(gc_enabled, extra=None):
    try:
        tracing = _tracemalloc is not None and _tracemalloc.is_tracing()
        tlimit = _tracemalloc.get_traceback_limit() if _tracemalloc else 1
    except Exception as e:
        _note("process.tracemalloc_state", e)
        tracing, tlimit = False, 1
    info = {
        "python_version": _safe_text(sys.version),
        "implementation": sys.implementation.name,
        "platform": _safe_text(_environment.PLATFORM),
        "pid": os.getpid(),
        "argv": [_safe_text(a) for a in _exact_list(sys.argv)],
        # (datetime's strftime imports `time` through builtins.__import__)
        "time": "%04d-%02d-%02dT%02d:%02d:%02dZ" % tuple(time.gmtime()[:6]),
        "gc": {"enabled": bool(gc_enabled), "stats": gc.get_stats(),
               "thresholds": list(gc.get_threshold()), "counts": list(gc.get_count())},
        "rss_bytes": _rss_bytes(),
        "tracemalloc": {"tracing": bool(tracing), "traceback_limit": tlimit},
        "exporter": EXPORTER,
        "environment": _environment.ENVIRONMENT,
        "module_files": _environment.module_files(),
    }
    if extra:
        info.update(extra)
    return info
