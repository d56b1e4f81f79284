"""heapscope: export a Python process's heap and tracemalloc data for the
heapscope browser explorer (snapshot format v1, see docs/format.md).

Standard library only.  Main entry points:

* :func:`dump` -- write a snapshot of the running process;
* :func:`install_signal_handler` -- dump whenever a signal arrives;
* ``python -m heapscope run script.py ... --out FILE`` and
  ``python -m heapscope convert snapshot.pickle out.json`` (see ``__main__``).
"""
from __future__ import annotations

import itertools
import os
import signal as _signal
import sys
import time

from ._export import EXPORTER, FORMAT_VERSION, __version__
from ._export import export as _do_export
from ._export import DumpInProgress
from ._convert import convert, load_tracemalloc_pickle

__all__ = ["dump", "DumpInProgress", "install_signal_handler", "convert", "load_tracemalloc_pickle",
           "__version__", "FORMAT_VERSION", "EXPORTER"]


def dump(path, *, heap=True, tracemalloc=None, tracemalloc_snapshot=None, gzip=None):
    """Write a heapscope snapshot of the current process to *path*.

    * ``heap`` -- include the gc object graph (objects, references, roots).
    * ``tracemalloc`` -- include the tracemalloc section; by default when
      :mod:`tracemalloc` is tracing (a snapshot is then taken before the heap
      walk) or when ``tracemalloc_snapshot`` is given.
    * ``tracemalloc_snapshot`` -- a :class:`tracemalloc.Snapshot` to export
      instead of taking a new one.
    * ``gzip`` -- compress; by default when *path* ends with ``.gz``.

    The file is written to a temporary name and renamed, so readers never see
    a partial snapshot.  Returns *path*.  The gc is disabled during the walk
    and its state restored afterwards; no user code (``__repr__``,
    properties, ``__getattr__``, ``__len__``, ``__sizeof__``...) is run.
    """
    return _do_export(path, heap=heap, tracemalloc_snapshot=tracemalloc_snapshot,
                   include_tracemalloc=tracemalloc, compress=gzip)


_counter = itertools.count(1)


def _signal_path(directory, prefix, gzip):
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    name = "%s-%d-%s-%d.heapscope.json%s" % (prefix, os.getpid(), stamp,
                                            next(_counter), ".gz" if gzip else "")
    return os.path.join(directory, name)


def install_signal_handler(signum=None, directory=None, *, prefix="heapscope",
                           gzip=False, heap=True, tracemalloc=None, callback=None):
    """Dump a snapshot whenever *signum* (default ``SIGUSR1``) is received.

    Files are named ``<prefix>-<pid>-<UTC time>-<n>.heapscope.json[.gz]`` in
    *directory* (default: the current directory).  *callback*, if given, is
    called with the path of each written file.  Errors are reported on
    stderr and never propagate into the interrupted program.  Returns the
    previous handler (as :func:`signal.signal` does).  Must be called from
    the main thread.
    """
    if signum is None:
        signum = _signal.SIGUSR1
    directory = os.path.abspath(directory or os.getcwd())

    def _heapscope_signal_handler(sig, frame):
        frame = None  # the exporter finds the interrupted frame itself
        path = _signal_path(directory, prefix, gzip)
        try:
            _do_export(path, heap=heap, include_tracemalloc=tracemalloc, compress=gzip)
        except DumpInProgress:
            # a second signal during a dump: ignored, never a nested dump
            try:
                sys.stderr.write("heapscope: signal %d ignored: a dump is already running\n" % sig)
            except Exception:
                pass
            return
        except Exception as exc:  # never break the running program
            try:
                sys.stderr.write("heapscope: snapshot to %s failed: %r\n" % (path, exc))
            except Exception:
                pass
            return
        if callback is not None:
            callback(path)

    return _signal.signal(signum, _heapscope_signal_handler)
