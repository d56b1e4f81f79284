"""The `heapscope` wheel (cargo xtask wheel), installed into fresh venvs.

`cargo xtask test` builds the wheel after packing the single-file app and
runs this file with HEAPSCOPE_WHEEL set; run alone, it builds the wheel
itself (`cargo xtask wheel --app dist-single/heapscope.html`, which needs
`cargo xtask single-file` to have run).  Every subcommand of the one
`heapscope` command runs from the venv's bin/, as a user would type it; a
second venv gets the pure-Python package (`pip install ./python`) and checks
that the exporter works there and the analyses say what is missing.
Handshakes only: the signal tests wait on the lines the child and the
handler print, never on time.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(REPO, "python", "examples")
GUARD_S = 900  # a hang guard only; nothing waits on time


@pytest.fixture(scope="module")
def wheel():
    path = os.environ.get("HEAPSCOPE_WHEEL")
    if not path:
        app = os.path.join(REPO, "dist-single", "heapscope.html")
        assert os.path.isfile(app), "run `cargo xtask single-file` first (the wheel embeds the app)"
        subprocess.run(["cargo", "xtask", "wheel", "--app", app], cwd=REPO, check=True, timeout=GUARD_S)
        path, = glob.glob(os.path.join(REPO, "target", "wheels", "heapscope-*.whl"))
    assert os.path.isfile(path), path
    return path


def make_venv(where, install, offline=True):
    # --system-site-packages: pytest comes from the test interpreter; the
    # venv's own site-packages (first on sys.path) is new and holds heapscope.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", where], check=True, timeout=GUARD_S)
    py = os.path.join(where, "bin", "python")
    # A wheel installs offline; `pip install ./python` builds with setuptools from PyPI, as a user's would.
    flags = ["--no-index", "--no-deps"] if offline else []
    subprocess.run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + flags + [install],
                   check=True, timeout=GUARD_S)
    return os.path.join(where, "bin")


def env_without_repo():
    env = dict(os.environ)
    for k in ("PYTHONPATH", "HEAPSCOPE_NATIVE", "HEAPSCOPE_APP_HTML", "PYTHONTRACEMALLOC", "HEAPSCOPE_SIGNAL"):
        env.pop(k, None)
    return env


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    return make_venv(str(tmp_path_factory.mktemp("venv") / "v"), wheel)


def hs(bindir, *args, cwd, check=True, env=None):
    done = subprocess.run([os.path.join(bindir, "heapscope")] + list(args), cwd=cwd, env=env or env_without_repo(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=GUARD_S)
    if check:
        assert done.returncode == 0, "heapscope %s: exit %d\n%s\n%s" % (args, done.returncode, done.stdout, done.stderr)
    return done


def test_the_issue_walkthrough_and_every_subcommand(venv, tmp_path):
    cwd = str(tmp_path)
    leak = os.path.join(EXAMPLES, "leak.py")
    # The README's lines: run, suspects, report.
    hs(venv, "run", leak, "--out", "x.json", cwd=cwd)
    suspects = hs(venv, "suspects", "x.json", cwd=cwd).stdout
    assert "`cache` of module `__main__`" in suspects
    hs(venv, "report", "x.json", "-o", "r.html", cwd=cwd)
    page = (tmp_path / "r.html").read_text()
    assert 'data-heapscope-snapshot="x.json"' in page and "__HEAPSCOPE_EMBEDDED__" in page

    assert "objects" in hs(venv, "summary", "x.json", cwd=cwd).stdout
    assert "__main__.Request" in hs(venv, "types", "x.json", cwd=cwd).stdout
    assert "['cache']" in hs(venv, "retainers", "x.json", "--type", "__main__.Request", cwd=cwd).stdout
    hs(venv, "cycles", "x.json", cwd=cwd)
    doc = json.loads(hs(venv, "--json", "suspects", "x.json", cwd=cwd).stdout)
    assert doc[0]["holder"] == "`cache` of module `__main__`"

    # A series: growth, diff; tracemalloc from `run --tracemalloc`.
    subprocess.run([os.path.join(venv, "python"), os.path.join(EXAMPLES, "growth.py"), "b.json", "a.json"],
                   cwd=cwd, env=env_without_repo(), check=True, timeout=GUARD_S)
    assert "History.orders" in hs(venv, "growth", "b.json", "a.json", cwd=cwd).stdout
    assert "__main__.Order" in hs(venv, "diff", "b.json", "a.json", cwd=cwd).stdout
    hs(venv, "run", "--tracemalloc", leak, "--out", "t.json", cwd=cwd)
    assert "leak.py:19: size=" in hs(venv, "tracemalloc", "t.json", cwd=cwd).stdout

    # view: a report in a temporary file, handed to the browser ($BROWSER records the URL).
    opened = tmp_path / "opened.txt"
    env = env_without_repo()
    env["BROWSER"] = "%s -c \"import sys; open(%r, 'w').write(sys.argv[1])\" %%s" % (sys.executable, str(opened))
    hs(venv, "view", "x.json", cwd=cwd, env=env)
    url = opened.read_text()
    assert url.startswith("file:///") and url.endswith(".html")
    viewed = url[len("file://"):]
    assert 'data-heapscope-snapshot="x.json"' in open(viewed).read()
    os.unlink(viewed)

    # run -m module
    (tmp_path / "leakmod.py").write_text("class Kept: pass\nKEPT = [Kept() for _ in range(7)]\n")
    hs(venv, "run", "--out", "m.json", "-m", "leakmod", cwd=cwd)
    assert "__main__.Kept" in hs(venv, "types", "m.json", "--limit", "5000", cwd=cwd).stdout  # run as __main__, as python -m does
    done = subprocess.run([os.path.join(venv, "python"), "-m", "heapscope", "run", "--out", "m2.json", "-m", "leakmod"],
                          cwd=cwd, env=env_without_repo(), timeout=GUARD_S)
    assert done.returncode == 0 and (tmp_path / "m2.json").is_file()

    # dump --pid: sys.remote_exec exists from 3.14 on; elsewhere a clear message.
    done = hs(venv, "dump", "--pid", str(os.getpid()), cwd=cwd, check=False)
    if sys.version_info < (3, 14):
        assert done.returncode == 2 and "needs Python 3.14 or newer" in done.stderr and "HEAPSCOPE_SIGNAL" in done.stderr

    # The pytest plugin is registered by the entry point (no conftest).
    done = subprocess.run([os.path.join(venv, "python"), "-m", "pytest", "--help", "-p", "no:cacheprovider"], cwd=cwd,
                          env=env_without_repo(), stdout=subprocess.PIPE, universal_newlines=True, timeout=GUARD_S)
    assert "--heapscope-dir" in done.stdout


CHILD = """
import sys
print("ready", flush=True)
sys.stdin.readline()
"""


def signal_child(cmd, cwd, env):
    """Start *cmd* (which prints `ready` and waits for a line), send SIGUSR1
    once it is ready, wait for the handler's `wrote` line, let it end."""
    child = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, universal_newlines=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        child.send_signal(signal.SIGUSR1)
        line = child.stderr.readline()
        while line and "wrote" not in line:
            line = child.stderr.readline()
        child.stdin.write("\n")
        child.stdin.flush()
        child.wait(timeout=GUARD_S)
        return line
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_dump_on_signal_and_the_signal_pth_opt_in(venv, tmp_path):
    cwd = str(tmp_path)
    (tmp_path / "child.py").write_text(CHILD)
    line = signal_child([os.path.join(venv, "heapscope"), "dump-on-signal", "--dir", cwd, "child.py"], cwd,
                        env_without_repo())
    path = line.split("wrote ", 1)[1].strip()
    assert os.path.dirname(path) == cwd and "objects" in hs(venv, "summary", path, cwd=cwd).stdout

    # HEAPSCOPE_SIGNAL does nothing until the .pth is enabled ...
    py = os.path.join(venv, "python")
    env = env_without_repo()
    env.update(HEAPSCOPE_SIGNAL="USR1", HEAPSCOPE_DIR=cwd)
    done = subprocess.run([py, "-c", "import signal; print(signal.getsignal(signal.SIGUSR1))"], env=env,
                          stdout=subprocess.PIPE, universal_newlines=True, timeout=GUARD_S)
    assert "heapscope" not in done.stdout
    hs(venv, "signal-pth", "enable", cwd=cwd)
    try:
        line = signal_child([py, "child.py"], cwd, env)
        path = line.split("wrote ", 1)[1].strip()
        assert os.path.dirname(path) == cwd and "objects" in hs(venv, "summary", path, cwd=cwd).stdout
        # ... and a process without the variable is untouched.
        env.pop("HEAPSCOPE_SIGNAL")
        done = subprocess.run([py, "-c", "import signal, sys; print(signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL, "
                               "'heapscope' in sys.modules)"], env=env, stdout=subprocess.PIPE,
                              universal_newlines=True, timeout=GUARD_S)
        assert done.stdout.split() == ["True", "False"], done.stdout
    finally:
        hs(venv, "signal-pth", "disable", cwd=cwd)
    assert "disabled" in hs(venv, "signal-pth", "status", cwd=cwd).stdout


def test_pure_python_install_exports_and_says_what_is_missing(tmp_path):
    # From a copy: pip builds in the source folder and would leave heapscope.egg-info in the checkout.
    src = str(tmp_path / "src")
    shutil.copytree(os.path.join(REPO, "python"), src, ignore=shutil.ignore_patterns(
        "tests", "tests_wheel", "bench", "examples", "build", "*.egg-info", "__pycache__", "_app"))
    bindir = make_venv(str(tmp_path / "pure"), src, offline=False)
    cwd = str(tmp_path)
    py = os.path.join(bindir, "python")
    env = env_without_repo()
    done = subprocess.run([py, "-c", "import heapscope; heapscope.dump('d.json')"], cwd=cwd, env=env, timeout=GUARD_S)
    assert done.returncode == 0 and (tmp_path / "d.json").stat().st_size > 0
    hs(bindir, "run", os.path.join(EXAMPLES, "leak.py"), "--out", "x.json", cwd=cwd)
    for cmd in (["summary", "x.json"], ["suspects", "x.json"], ["growth", "x.json", "x.json"]):
        done = hs(bindir, *cmd, cwd=cwd, check=False)
        assert done.returncode == 2, done
        assert "no native binary" in done.stderr and "cargo xtask wheel" in done.stderr
    done = hs(bindir, "report", "x.json", "-o", "r.html", cwd=cwd, check=False)
    assert done.returncode == 1 and "no app to embed" in done.stderr
