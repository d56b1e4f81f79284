"""The pytest leak gate (heapscope.pytest_plugin) through pytester.

One inner pytest run (a subprocess, so its heap is small) holds 20 runs of a
leaking test and 20 of a clean one: every leaking run fails naming the
holder (native growth analysis), every clean run passes.  A second run checks
the pure-Python fallback's wording, a third the manual fixture and
--heapscope-dir (snapshots and report.html).
"""
from __future__ import annotations

import os
import subprocess

import pytest

from conftest import PYDIR, REPO

pytest_plugins = ["pytester"]

LEAKY = """
import pytest

class Session:
    pass

class Registry:
    sessions = []

REGISTRY = Registry()

def handle():
    REGISTRY.sessions.append(Session())   # the leak: never removed

def handle_clean():
    local = [Session() for _ in range(3)]
    return len(local)

@pytest.mark.parametrize("run", range(20))
@pytest.mark.heapscope_no_growth(repeat=3, warmup=1)
def test_leaky(run):
    handle()

@pytest.mark.parametrize("run", range(20))
@pytest.mark.heapscope_no_growth(types=["Session"], repeat=3, warmup=1)
def test_clean(run):
    assert handle_clean() == 3

@pytest.mark.parametrize("run", range(20))
@pytest.mark.heapscope_no_growth(repeat=3, warmup=1)
def test_clean_any_type(run, tmp_path):
    d = {"x": [object() for _ in range(10)]}
    (tmp_path / "f.txt").write_text(str(len(d)))
"""


@pytest.fixture(scope="session")
def native():
    """The native CLI: $HEAPSCOPE_TEST_NATIVE (`cargo xtask test` passes the
    release binary it has just built), else the debug one, built or brought
    up to date here (never a leftover release binary of an older checkout).
    Session-scoped: resolved before pytester points HOME elsewhere."""
    given = os.environ.get("HEAPSCOPE_TEST_NATIVE")
    if given:
        assert os.path.isfile(given), "HEAPSCOPE_TEST_NATIVE=%s: no such file" % given
        return given
    subprocess.run(["cargo", "build", "-q", "-p", "heapscope-cli"], cwd=REPO, check=True)
    return os.path.join(REPO, "target/debug/heapscope")


@pytest.fixture
def inner(native, pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", PYDIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.delenv("PYTHONTRACEMALLOC", raising=False)
    # Only the plugin under test, loaded explicitly (an installed heapscope's entry point would load it twice).
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    def run(source, *args, with_native=True):
        monkeypatch.setenv("HEAPSCOPE_NATIVE", native if with_native else os.path.join(str(pytester.path), "none"))
        pytester.makepyfile(test_inner=source)
        return pytester.runpytest_subprocess("-p", "heapscope.pytest_plugin", "-p", "no:cacheprovider", *args)
    return run


def test_leaking_test_fails_naming_the_holder_and_clean_tests_pass_20_runs_each(inner):
    result = inner(LEAKY)
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed") == 20 and outcomes.get("passed") == 40, result.stdout.str()[-3000:]
    out = result.stdout.str()
    for run in range(20):
        assert "FAILED test_inner.py::test_leaky[%d]" % run in out
    # Every failure names the type, the growing holder, a retainer path and a fix.
    assert out.count("test_inner.Session: ") >= 20
    assert out.count("Registry.sessions` (list)") >= 20, out[-4000:]
    assert "['sessions']" in out and "fix: " in out


def test_without_the_native_binary_the_report_says_it_is_per_type_only(inner):
    result = inner(LEAKY.replace("range(20)", "range(1)"), "-k", "leaky", with_native=False)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "test_inner.Session: " in out
    assert "pure-Python fallback" in out


def test_manual_fixture_and_heapscope_dir(inner, pytester, monkeypatch):
    source = """
KEEP = []

class Item:
    pass

def test_manual(heapscope_gate):
    heapscope_gate.start()
    for _ in range(4):
        KEEP.append(Item())
    heapscope_gate.check(types=["Item"], again=lambda: KEEP.extend(Item() for _ in range(4)))

def test_manual_clean(heapscope_gate):
    heapscope_gate.start()
    for _ in range(4):
        [Item() for _ in range(3)]
    heapscope_gate.check(types=["Item"])
    assert heapscope_gate.growth() == {}
"""
    out_dir = pytester.path / "hs"
    env_app = os.path.join(REPO, "dist-single", "heapscope.html")
    if os.path.isfile(env_app):
        monkeypatch.setenv("HEAPSCOPE_APP_HTML", env_app)
    result = inner(source, "--heapscope-dir", str(out_dir))
    result.assert_outcomes(failed=1, passed=1)
    out = result.stdout.str()
    assert "test_inner.Item: 0 -> 4 (+4)" in out
    kept = out_dir / "test_inner.py_test_manual"
    assert (kept / "before.heapscope.json.gz").is_file() and (kept / "after.heapscope.json.gz").is_file()
    # report.html needs the app template (the wheel has it; a checkout has it after `cargo xtask single-file`).
    if os.path.isfile(env_app):
        assert (kept / "report.html").is_file(), out
    else:
        assert "report.html not written" in out
