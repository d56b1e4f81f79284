"""Snapshot series of one process: periodic dumps (:func:`watch`, ``python
-m heapscope run --every``), the process identity and sequence number every
dump records, and ``keep=N`` pruning.

Every dump made through :mod:`heapscope` writes, under ``process``::

    "process": {"sequence": 3, "start_time": "2026-11-26T22:48:54.12Z",
                "boot_id": "6f1c...", "series": "watch"}

``sequence`` counts the dumps of this process (1, 2, ...; a forked child
starts again at 1); ``start_time`` (when the process started, from
``/proc/self/stat``) and ``boot_id`` (``/proc/sys/kernel/random/boot_id``)
are written where the system tells them (Linux), so that, with ``pid``,
files of one process are told apart from those of another process that
later got the same pid.  ``time`` and ``rss_bytes`` are the exporter's usual
fields.

A dump must not disturb the series: the watcher keeps no state that grows
with the number of dumps (file names are listed from the directory when
pruning, never remembered), so what the exporter leaves behind is the same
after every dump.
"""
from __future__ import annotations

import itertools
import os
import re
import sys
import threading
import time

from ._export import DumpInProgress
from ._export import export as _do_export

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(ms|s|m|h)?\s*$")

# Per process (reset in a forked child): the sequence counter and the identity.
# No lock: a signal handler may interrupt a dump's numbering in the main
# thread, and next() of itertools.count is atomic.
_state = {"pid": None, "counter": None, "identity": None}

# The watcher `python -m heapscope run --every` started (see heapscope.run_watcher).
RUN_WATCHER = None


def parse_duration(text):
    """Seconds in ``500ms``, ``60s``, ``5m``, ``1h`` or a plain number of
    seconds (an int or a float is taken as seconds too).  Raises ValueError
    for anything else, zero or a negative duration."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        seconds = float(text)
    else:
        m = _DURATION.match(str(text))
        if m is None:
            raise ValueError("not a duration: %r (use e.g. 500ms, 60s, 5m, 1h)" % (text,))
        seconds = float(m.group(1)) * _UNITS[m.group(2) or "s"]
    if not seconds > 0 or seconds != seconds or seconds == float("inf"):
        raise ValueError("a duration must be positive and finite: %r" % (text,))
    return seconds


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("ascii", "replace")
    except (OSError, ValueError):
        return None


def _process_identity():
    """``start_time`` and ``boot_id`` where the system tells them (Linux)."""
    ident = {}
    boot_id = _read("/proc/sys/kernel/random/boot_id")
    if boot_id and boot_id.strip():
        ident["boot_id"] = boot_id.strip()
    stat = _read("/proc/self/stat")
    system = _read("/proc/stat")
    try:
        # Field 22 (starttime, in clock ticks after boot); the command name
        # (field 2) may hold spaces and parentheses, so split after the last ')'.
        ticks = int(stat[stat.rindex(")") + 2:].split()[19])
        btime = next(int(line.split()[1]) for line in system.splitlines() if line.startswith("btime "))
        hz = os.sysconf("SC_CLK_TCK")
        start = btime + ticks / float(hz)
        whole = int(start)
        # (time.strftime: datetime's imports `time` through __import__,
        # which must not run during a dump)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
        ident["start_time"] = "%s.%02dZ" % (stamp, int(round((start - whole) * 100)) % 100)
    except (AttributeError, TypeError, ValueError, IndexError, StopIteration, OSError):
        pass
    return ident


def next_process_fields(series=None):
    """The ``process`` fields of the next dump: its sequence number and the
    process identity (see the module doc).  Each call takes a number."""
    pid = os.getpid()
    if _state["pid"] != pid:
        _state["identity"] = _process_identity()
        _state["counter"] = itertools.count(1)
        _state["pid"] = pid
    fields = {"sequence": next(_state["counter"])}
    fields.update(_state["identity"])
    if series is not None:
        fields["series"] = series
    return {"process": fields}


def series_path(directory, prefix, sequence, gzip):
    """``<prefix>-<pid>-<sequence, 6 digits>-<UTC time>.heapscope.json[.gz]``:
    sorting the names of one process sorts them by sequence."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    name = "%s-%d-%06d-%s.heapscope.json%s" % (prefix, os.getpid(), sequence, stamp, ".gz" if gzip else "")
    return os.path.join(directory, name)


def prune(directory, prefix, keep):
    """Delete this process's oldest ``prefix`` series files in *directory*
    beyond the newest *keep* (by sequence number).  Returns the deleted paths."""
    if keep is None:
        return []
    pattern = re.compile(r"^%s-%d-([0-9]{6,})-[0-9T]+\.heapscope\.json(\.gz)?$" % (re.escape(prefix), os.getpid()))
    found = []
    for name in os.listdir(directory):
        m = pattern.match(name)
        if m is not None:
            found.append((int(m.group(1)), name))
    found.sort()
    deleted = []
    for _, name in found[:max(0, len(found) - keep)]:
        path = os.path.join(directory, name)
        try:
            os.unlink(path)
            deleted.append(path)
        except FileNotFoundError:
            pass
    return deleted


def dump_in_series(directory, *, prefix="heapscope", gzip=None, heap=True, tracemalloc=None,
                   keep=None, series=None, exclude_stack=False):
    """One dump of the series in *directory*; prunes to *keep*.  Returns the
    path (``.gz`` added when *gzip* is None and the snapshot is over 100 MB)."""
    extra = next_process_fields(series)
    path = series_path(directory, prefix, extra["process"]["sequence"], gzip)
    path = _do_export(path, heap=heap, include_tracemalloc=tracemalloc, compress=gzip,
               exclude_stack=exclude_stack, process_extra=extra)
    prune(directory, prefix, keep)
    return path


def _check_keep(keep):
    if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int) or keep < 1):
        raise ValueError("keep must be a positive number of files, or None: %r" % (keep,))
    return keep


def _warn(text):
    try:
        sys.stderr.write("heapscope: %s\n" % text)
    except Exception:
        pass


class Watcher:
    """A daemon thread dumping a snapshot every *interval* (see :func:`watch`).

    ``stop()`` ends it (waiting for a dump in progress); usable as a context
    manager (``with heapscope.watch("60s", "dumps"):``).  ``count`` is the
    number of files written; ``wait_for(n)`` blocks until *n* are written
    (or the watcher stopped) and returns whether they were.
    """

    def __init__(self, interval, directory, keep=None, *, prefix="heapscope", gzip=None,
                 heap=True, tracemalloc=None, callback=None):
        self.interval = parse_duration(interval)
        directory = os.path.abspath(os.fspath(directory))
        if not os.path.isdir(directory):
            raise FileNotFoundError("no such directory for the snapshots: %s" % directory)
        self.directory = directory
        self.keep = _check_keep(keep)
        self.prefix = prefix
        self.gzip = gzip
        self.heap = heap
        self.tracemalloc = tracemalloc
        self.callback = callback
        self.count = 0
        self._stop = threading.Event()
        self._written = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="heapscope-watch", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(self.interval):
            self.dump_now()

    def dump_now(self):
        """Write one snapshot of the series now (the watcher's thread calls
        this every interval).  Returns its path, or None when it failed."""
        try:
            path = dump_in_series(self.directory, prefix=self.prefix, gzip=self.gzip, heap=self.heap,
                                  tracemalloc=self.tracemalloc, keep=self.keep, series="watch")
        except DumpInProgress:
            _warn("a dump is already running: this interval's snapshot is skipped")
            return None
        except Exception as exc:  # never break the watched program
            _warn("periodic snapshot in %s failed: %r" % (self.directory, exc))
            return None
        with self._written:
            self.count += 1
            self._written.notify_all()
        if self.callback is not None:
            try:
                self.callback(path)
            except Exception as exc:
                _warn("watch callback failed: %r" % (exc,))
        return path

    def wait_for(self, n, timeout=None):
        """Block until *n* snapshots are written or the watcher stops."""
        with self._written:
            self._written.wait_for(lambda: self.count >= n or self._stop.is_set(), timeout)
            return self.count >= n

    def stop(self, timeout=None):
        """Stop the watcher; waits for a dump in progress (up to *timeout*)."""
        self._stop.set()
        with self._written:
            self._written.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self):
        return self._thread.is_alive() and not self._stop.is_set()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __repr__(self):
        return "<heapscope.Watcher every %gs into %r, %d written%s>" % (
            self.interval, self.directory, self.count, "" if self.running else ", stopped")


def watch(interval, directory, keep=None, *, prefix="heapscope", gzip=None, heap=True,
          tracemalloc=None, callback=None):
    """Dump a snapshot every *interval* (``"500ms"``, ``"60s"``, ``"5m"`` or
    seconds) into *directory*, from a daemon thread, until ``.stop()``.

    Files are named ``<prefix>-<pid>-<sequence>-<UTC time>.heapscope.json[.gz]``;
    each records its sequence number, time, RSS and the process identity.
    With *keep*, only the newest *keep* files of this process's series stay
    in *directory*.  *callback*, if given, is called (in the watcher's
    thread) with each written path.  Returns the :class:`Watcher`.
    """
    return Watcher(interval, directory, keep, prefix=prefix, gzip=gzip, heap=heap,
                   tracemalloc=tracemalloc, callback=callback).start()
