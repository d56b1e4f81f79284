"""heapscope: export a Python process's heap and tracemalloc data for the
heapscope browser explorer (snapshot format v1, see docs/format.md).

Standard library only.  Main entry points:

* :func:`dump` -- write a snapshot of the running process;
* :func:`install_signal_handler` -- dump whenever a signal arrives;
* :func:`watch` -- dump every N seconds from a background thread (a series);
* ``python -m heapscope run script.py ... --out FILE`` (or ``--every 60s
  --out-dir DIR [--keep N]`` for a series) and
  ``python -m heapscope convert snapshot.pickle out.json`` (see ``__main__``).
"""
from __future__ import annotations

import os
import signal as _signal
import sys

from ._export import EXPORTER, FORMAT_VERSION, __version__
from ._export import export as _do_export
from ._export import DumpInProgress
from ._convert import convert, load_tracemalloc_pickle
from . import _series
from ._series import Watcher, parse_duration

__all__ = ["dump", "DumpInProgress", "install_signal_handler", "watch", "Watcher", "run_watcher",
           "parse_duration", "convert", "load_tracemalloc_pickle",
           "__version__", "FORMAT_VERSION", "EXPORTER"]


def dump(path, *, heap=True, tracemalloc=None, tracemalloc_snapshot=None, gzip=None, progress=None):
    """Write a heapscope snapshot of the current process to *path*: a file
    name, or a binary file object open for writing (``open(p, "wb")``,
    :class:`io.BytesIO`; left open; a text file object is a TypeError).

    * ``heap`` -- include the gc object graph (objects, references, roots).
    * ``tracemalloc`` -- include the tracemalloc section; by default when
      :mod:`tracemalloc` is tracing (a snapshot is then taken before the heap
      walk) or when ``tracemalloc_snapshot`` is given.
    * ``tracemalloc_snapshot`` -- a :class:`tracemalloc.Snapshot` to export
      instead of taking a new one.
    * ``gzip`` -- ``True``: compress; ``False``: plain JSON.  By default
      (``None``) a name ending with ``.gz`` is compressed, and so is a
      snapshot whose plain JSON would be over 100 MB: it is then written to
      *path* + ``".gz"`` (the return value says so).  A file object is
      compressed only when asked.
    * ``progress`` -- a callable ``progress(objects_done, references_done)``
      called every 100,000 objects of the heap walk and once at its end with
      the totals (``HEAPSCOPE_PROGRESS=1`` in the environment logs the same
      on stderr for dumps given no callback: ``run``, ``watch``, signals).

    A named file is written to a temporary name and renamed, so readers never
    see a partial snapshot.  Returns the path written (the file object, for one).  The
    gc is disabled during the walk and its state restored afterwards; no user
    code (``__repr__``, properties, ``__getattr__``, ``__len__``,
    ``__sizeof__``, metaclass ``__eq__``/``__hash__``...) is run.
    Like every dump, it records the process's dump sequence number and
    identity (``process.sequence``, ``process.start_time``, ``process.boot_id``).
    """
    return _do_export(path, heap=heap, tracemalloc_snapshot=tracemalloc_snapshot,
                      include_tracemalloc=tracemalloc, compress=gzip,
                      process_extra=_series.next_process_fields(), progress=progress)


def watch(interval, directory, keep=None, *, prefix="heapscope", gzip=None, heap=True,
          tracemalloc=None, callback=None):
    """Dump a snapshot every *interval* (``"500ms"``, ``"60s"``, ``"5m"``,
    ``"1h"`` or a number of seconds) into *directory* from a daemon thread:
    a series for ``heapscope growth``.  Returns a :class:`Watcher`; call its
    ``stop()`` (or use it as a context manager) to end the series.

    Files are named ``<prefix>-<pid>-<sequence>-<UTC time>.heapscope.json[.gz]``
    and each records its sequence number, time, RSS and the process identity.
    With *keep*, only the newest *keep* files of this process's series stay.
    *callback*, if given, is called from the watcher's thread with each
    written path; ``Watcher.wait_for(n)`` blocks until *n* files are written.
    """
    return _series.watch(interval, directory, keep, prefix=prefix, gzip=gzip, heap=heap,
                         tracemalloc=tracemalloc, callback=callback)


def run_watcher():
    """The :class:`Watcher` that ``python -m heapscope run --every`` started
    for the running script, or None."""
    return _series.RUN_WATCHER


def install_signal_handler(signum=None, directory=None, *, prefix="heapscope",
                           gzip=None, heap=True, tracemalloc=None, callback=None, keep=None):
    """Dump a snapshot whenever *signum* (default ``SIGUSR1``) is received.

    Files are named ``<prefix>-<pid>-<sequence>-<UTC time>.heapscope.json[.gz]``
    in *directory* (default: the current directory), each recording its
    sequence number and the process identity, so the files form a series;
    with *keep*, only the newest *keep* stay.  *callback*, if given, is
    called with the path of each written file.  Errors are reported on
    stderr and never propagate into the interrupted program.  Returns the
    previous handler (as :func:`signal.signal` does).  Must be called from
    the main thread.
    """
    if signum is None:
        signum = _signal.SIGUSR1
    directory = os.path.abspath(directory or os.getcwd())
    _series._check_keep(keep)

    def _heapscope_signal_handler(sig, frame):
        frame = None  # the exporter finds the interrupted frame itself
        path = directory
        try:
            path = _series.dump_in_series(directory, prefix=prefix, gzip=gzip, heap=heap,
                                          tracemalloc=tracemalloc, keep=keep, series="signal")
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
