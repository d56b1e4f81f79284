"""pytest plugin: a leak gate (registered through the ``pytest11`` entry point).

    @pytest.mark.heapscope_no_growth(types=["Request"], max_count=0, repeat=5, warmup=1)
    def test_handler():
        handle(Request())

runs the test body ``warmup`` times, counts the gc-tracked objects per type,
runs it ``repeat`` more times and counts again.  A type that gained more than
``max_count`` objects fails the test.  The failure then explains itself:
it dumps a snapshot, runs the body ``repeat`` times more, dumps another, and
reports what grows between the two with the native ``heapscope growth``
(growing holders with their Python names, one retainer path per leaked type,
a fix hint from ``heapscope suspects``); without the native binary (a
pure-Python install) the report is the per-type counts, and says so.
``--heapscope-dir DIR`` keeps the snapshots and a ``report.html`` there.

Deterministic: the counts are taken right after ``gc.collect()``, inside one
hook call (pytest runs nothing between the repetitions), and leave out the
objects of heapscope, pytest and pluggy and the log records pytest's log
capture keeps.  The decision never depends on time.

The ``heapscope_gate`` fixture does the same by hand::

    def test_cache(heapscope_gate):
        heapscope_gate.start()
        for _ in range(10):
            work()
        heapscope_gate.check(types=["Entry"], max_count=0)
"""
from __future__ import annotations

import collections
import gc
import json
import logging
import os
import re
import shutil
import sys
import tempfile

import pytest

MARKER = "heapscope_no_growth"
IGNORED_MODULES = ("heapscope", "_pytest", "pytest", "pluggy", "py", "iniconfig")
FALLBACK_NOTE = ("(pure-Python fallback: the native heapscope analyses are not installed, so this is per-type counts "
                 "only; install the heapscope wheel for growing holders and retainer paths)")


def pytest_addoption(parser):
    group = parser.getgroup("heapscope", "heapscope leak gate")
    group.addoption("--heapscope-dir", default=None, metavar="DIR",
                    help="keep the snapshots and report.html of failing heapscope leak gates in DIR")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "%s(types=None, max_count=0, repeat=5, warmup=1): run the test body warmup+repeat times and fail "
        "when objects of a type accumulate (heapscope)" % MARKER)


def _type_name(t):
    module = getattr(t, "__module__", None) or "builtins"
    return "%s.%s" % (module, getattr(t, "__qualname__", t.__name__))


def _ignored(t):
    module = getattr(t, "__module__", None) or ""
    return module.split(".", 1)[0] in IGNORED_MODULES


def _pytest_held():
    """Log records pytest's log capture keeps (not the test's objects)."""
    held = collections.Counter()
    for h in logging.getLogger().handlers:
        if type(h).__module__.split(".", 1)[0] == "_pytest":
            for r in list(getattr(h, "records", ())):
                held[_type_name(type(r))] += 1
    return held


def count_types():
    """gc-tracked objects per type name, after a full collection.

    Returns a dict of str to int (a dict of untracked values, so it is not
    itself counted by a later call).
    """
    gc.collect()
    counts = collections.Counter()
    method = type(count_types.__get__(0))
    for o in gc.get_objects():
        t = type(o)
        if _ignored(t) or (t is method and _ignored(type(o.__self__))):
            continue  # heapscope's and pytest's own objects, and methods bound to them
        counts[t] += 1
    by_name = {}
    for t, n in counts.items():
        name = _type_name(t)
        by_name[name] = by_name.get(name, 0) + n
    counts = None
    for name, n in _pytest_held().items():
        if name in by_name:
            by_name[name] -= n
    return by_name


def _matches(name, wanted):
    return name == wanted or name.rsplit(".", 1)[-1] == wanted or name.endswith("." + wanted)


def grown_types(before, after, types=None, max_count=0):
    """``{type: (before, after)}`` for the types that gained more than *max_count* objects."""
    out = {}
    for name, n in after.items():
        b = before.get(name, 0)
        if n - b > max_count and (not types or any(_matches(name, w) for w in types)):
            out[name] = (b, n)
    return out


def _safe_name(nodeid):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")[:120] or "test"


class Gate:
    """Before/after counts for one test, and the explanation when it fails."""

    def __init__(self, nodeid, heapscope_dir=None):
        self.nodeid = nodeid
        self.heapscope_dir = heapscope_dir
        self.before = None

    def start(self):
        self.before = count_types()

    def grown(self, types=None, max_count=0):
        if self.before is None:
            raise RuntimeError("heapscope_gate.start() was not called before check()")
        return grown_types(self.before, count_types(), types, max_count)

    def explain(self, grown, again, repeat):
        """The failure text; *again* runs the body *repeat* times between two dumps."""
        lines = ["heapscope: objects accumulate over %d runs of the test body:" % repeat]
        for name, (b, n) in sorted(grown.items(), key=lambda kv: (kv[1][0] - kv[1][1], kv[0])):
            lines.append("  %s: %d -> %d (+%d)" % (name, b, n, n - b))
        from ._native import NativeMissing, find_native, run_native
        keep = self.heapscope_dir
        work = os.path.join(keep, _safe_name(self.nodeid)) if keep else tempfile.mkdtemp(prefix="heapscope-gate-")
        os.makedirs(work, exist_ok=True)
        try:
            from . import dump
            ext = ".heapscope.json.gz" if keep else ".heapscope.json"  # kept ones compressed; temporary ones fast
            first = os.path.join(work, "before" + ext)
            last = os.path.join(work, "after" + ext)
            dump(first)
            again()
            dump(last)
            if find_native() is None:
                lines.append(FALLBACK_NOTE)
            else:
                try:
                    lines.extend(self._native_report(run_native, first, last, grown))
                except (NativeMissing, RuntimeError, ValueError) as e:
                    lines.append("(the native growth analysis failed: %s)" % e)
            if keep:
                lines.append("snapshots: %s, %s" % (first, last))
                try:
                    from ._report import ReportError, write_report
                    try:
                        lines.append("report: %s" % write_report([first, last], os.path.join(work, "report.html")))
                    except ReportError as e:
                        lines.append("report.html not written: %s" % e)
                except ImportError:
                    pass
        finally:
            if not keep:
                shutil.rmtree(work, ignore_errors=True)
        return "\n".join(lines)

    def _native_report(self, run_native, first, last, grown):
        lines = []
        doc = json.loads(run_native(["--json", "growth", first, last, "--limit", "50"]).stdout)
        holders = [f for f in doc.get("findings", []) if f.get("kind") == "holder"]
        relevant = [f for f in holders if not f.get("item_type") or any(_matches(f["item_type"], t) or
                                                                         _matches(t, f["item_type"]) for t in grown)]
        shown = relevant or holders
        suspects = []
        try:
            suspects = json.loads(run_native(["--json", "suspects", last, "--limit", "30"]).stdout)
        except (RuntimeError, ValueError):
            pass
        if shown:
            lines.append("growing holders (heapscope growth):")
        for f in shown[:5]:
            lines.append("  %s" % f.get("reason", f.get("name")))
            fix = next((s.get("fix") for s in suspects if f.get("name") and f["name"] in s.get("holder", "")), None)
            lines.append("    fix: %s" % (fix or "remove what the test adds to `%s` when it is done with it, bound it, "
                                                "or hold the items through weak references" % f.get("name")))
        if not shown:
            lines.append("no holder grows in the objects the exporter sees (the growth may be held by C code)")
        lines.append("retainer paths (last snapshot):")
        for t in sorted(grown):
            path = next((f.get("path") for f in shown if f.get("item_type") and _matches(f["item_type"], t) and f.get("path")),
                        None)
            if path:
                lines.append("  %s: %s -> %s" % (t, " -> ".join(path), t))
                continue
            done = run_native(["--json", "retainers", last, "--type", t, "--paths", "1"], check=False)
            if done.returncode != 0:
                lines.append("  %s: (no path: %s)" % (t, done.stderr.strip().splitlines()[-1:] or ""))
                continue
            lines.append("  %s: %s" % (t, _render_path(json.loads(done.stdout), t)))
        return lines


def _render_path(doc, type_name):
    paths = doc.get("paths") or []
    if not paths:
        return "(no root reaches it: %s)" % (doc.get("note") or "unreachable")
    p = paths[0]
    root = p.get("root", {})
    parts = ["%s %s" % (root.get("type", "?"), root.get("description", "")).strip()]
    parts.extend(step.get("label", "?") for step in p.get("steps", []))
    parts.append(type_name)
    return " -> ".join(parts)


def _options(marker):
    if marker.args:
        raise pytest.UsageError("%s takes keyword arguments only (types=, max_count=, repeat=, warmup=)" % MARKER)
    known = {"types", "max_count", "repeat", "warmup"}
    unknown = set(marker.kwargs) - known
    if unknown:
        raise pytest.UsageError("%s: unknown argument(s) %s" % (MARKER, ", ".join(sorted(unknown))))
    types = marker.kwargs.get("types")
    if isinstance(types, str):
        types = [types]
    repeat = int(marker.kwargs.get("repeat", 5))
    warmup = int(marker.kwargs.get("warmup", 1))
    if repeat < 1 or warmup < 0:
        raise pytest.UsageError("%s: repeat must be >= 1 and warmup >= 0" % MARKER)
    return list(types) if types else None, int(marker.kwargs.get("max_count", 0)), repeat, warmup


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    marker = pyfuncitem.get_closest_marker(MARKER)
    if marker is None:
        return None
    types, max_count, repeat, warmup = _options(marker)
    func = pyfuncitem.obj
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}

    def body():
        result = func(**args)
        if hasattr(result, "__await__") or hasattr(result, "send"):
            raise pytest.UsageError("%s does not run coroutine or generator tests" % MARKER)

    def runs(n):
        for _ in range(n):
            body()

    runs(warmup)
    gate = Gate(pyfuncitem.nodeid, pyfuncitem.config.getoption("heapscope_dir"))
    gate.start()
    runs(repeat)
    grown = gate.grown(types, max_count)
    if grown:
        pytest.fail(gate.explain(grown, lambda: runs(repeat), repeat), pytrace=False)
    return True


class ManualGate:
    """The ``heapscope_gate`` fixture: ``start()``, the work, ``check(...)``."""

    def __init__(self, gate):
        self._gate = gate

    def start(self):
        self._gate.start()

    def growth(self, types=None, max_count=0):
        """``{type: (before, after)}`` of what grew past *max_count* since ``start()``."""
        return self._gate.grown(types, max_count)

    def check(self, types=None, max_count=0, again=None):
        """Fail the test when a type grew past *max_count* since ``start()``.

        *again*, if given, is called between two dumps to explain the
        failure with heapscope growth (it should repeat the work).
        """
        grown = self._gate.grown(types, max_count)
        if grown:
            if again is None:
                lines = ["heapscope: objects accumulated since start():"]
                lines.extend("  %s: %d -> %d (+%d)" % (n, b, a, a - b) for n, (b, a) in sorted(grown.items()))
                pytest.fail("\n".join(lines), pytrace=False)
            pytest.fail(self._gate.explain(grown, again, 1), pytrace=False)


@pytest.fixture
def heapscope_gate(request):
    """Manual before/after leak check (see the module docs)."""
    return ManualGate(Gate(request.node.nodeid, request.config.getoption("heapscope_dir")))
