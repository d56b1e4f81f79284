"""Finding and running the native analysis binary (``heapscope-native``).

The wheel built by ``cargo xtask wheel`` installs the Rust CLI beside the
``heapscope`` launcher as ``heapscope-native``; a pure-Python install
(``pip install ./python``) has none, and the analysis commands then say what
is missing instead of failing obscurely.  ``HEAPSCOPE_NATIVE`` names a binary
explicitly (e.g. ``target/release/heapscope`` of a clone).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig

NATIVE_NAME = "heapscope-native" + (".exe" if os.name == "nt" else "")
ENV = "HEAPSCOPE_NATIVE"

# The commands the native binary answers (crates/cli/src/main.rs).
NATIVE_COMMANDS = ("summary", "types", "retainers", "dominators", "cycles", "suspects", "search", "diff",
                   "growth", "mprof", "tracemalloc", "synth")

MISSING = """\
heapscope: `{command}` is a native analysis command, and this installation of
heapscope has no native binary (`{name}`): it is the pure-Python exporter
(e.g. `pip install ./python`), which can still write snapshots
(`heapscope run`, `heapscope.dump()`).  To analyse them, install the wheel
(`cargo xtask wheel`, then `pip install target/wheels/heapscope-*.whl`, see
python/README.md), or build the CLI (`cargo build --release -p heapscope-cli`)
and set {env}=/path/to/target/release/heapscope.
"""


class NativeMissing(RuntimeError):
    """No native analysis binary is installed."""


def _candidate_dirs():
    dirs = []
    try:
        dirs.append(sysconfig.get_path("scripts"))
    except (KeyError, ValueError):
        pass
    user_scheme = "%s_user" % os.name
    try:
        if user_scheme in sysconfig.get_scheme_names():
            dirs.append(sysconfig.get_path("scripts", user_scheme))
    except (KeyError, ValueError):
        pass
    # The launcher's own directory (a venv's bin/ run without activation).
    if sys.argv and sys.argv[0]:
        dirs.append(os.path.dirname(os.path.abspath(sys.argv[0])))
    dirs.append(os.path.dirname(os.path.abspath(sys.executable)))
    return dirs


def find_native():
    """The path of the native binary, or None."""
    explicit = os.environ.get(ENV)
    if explicit:
        return explicit if os.path.isfile(explicit) and os.access(explicit, os.X_OK) else None
    for d in _candidate_dirs():
        p = os.path.join(d, NATIVE_NAME)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return shutil.which(NATIVE_NAME)


def missing_message(command):
    explicit = os.environ.get(ENV)
    if explicit:
        return "heapscope: %s=%s is not an executable file (needed for `%s`)\n" % (ENV, explicit, command)
    return MISSING.format(command=command, name=NATIVE_NAME, env=ENV)


def exec_native(args):
    """Replace this process with the native binary (``args`` after the program name)."""
    native = find_native()
    if native is None:
        sys.stderr.write(missing_message(args[0] if args else "analysis"))
        return 2
    if os.name == "nt":  # no exec on Windows: run it and pass its status on
        return subprocess.call([native] + list(args))
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(native, [native] + list(args))
    return 0  # not reached


def run_native(args, check=True):
    """Run the native binary and return its CompletedProcess (text output).

    Raises :class:`NativeMissing` when there is none.
    """
    native = find_native()
    if native is None:
        raise NativeMissing(missing_message(args[0] if args else "analysis"))
    done = subprocess.run([native] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if check and done.returncode not in (0, 3):
        raise RuntimeError("heapscope %s failed (exit %d): %s" % (" ".join(args[:1]), done.returncode,
                                                                 done.stderr.strip()))
    return done
