"""``heapscope dump --pid PID``: a snapshot of another running Python process.

On CPython 3.14+ this uses ``sys.remote_exec`` (PEP 768): the target runs a
tiny script at its next safe point, which imports heapscope (it must be
importable there) and dumps to the requested file; this command waits for the
file to appear (the exporter renames a complete file into place, so it never
sees a partial one).  Older interpreters have no safe way to run code in
another process; the message names the alternatives (``HEAPSCOPE_SIGNAL`` /
``dump-on-signal``).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time

USAGE = "usage: heapscope dump --pid PID [--out FILE] [--timeout SECONDS]\n"

UNSUPPORTED = """\
heapscope: dump --pid needs Python 3.14 or newer (sys.remote_exec, PEP 768);
this is Python {version}.  On Python 3.8-3.13, capture without code changes
instead: start the program with the signal handler enabled
(`HEAPSCOPE_SIGNAL=USR1 python app.py` with the opt-in .pth installed, see
python/README.md, or `heapscope dump-on-signal app.py`) and run
`kill -USR1 {pid}`.
"""

SCRIPT = """\
try:
    import heapscope
    heapscope.dump({out!r})
except BaseException as e:
    import sys
    sys.stderr.write("heapscope: remote dump to %s failed: %r\\n" % ({out!r}, e))
"""


def dump_command(args):
    pid = None
    out = None
    timeout = 600.0
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return 0
        name, eq, value = a.partition("=")
        if name in ("--pid", "--out", "-o", "--timeout"):
            if not eq:
                if i + 1 >= len(args):
                    sys.stderr.write("heapscope: dump: %s needs a value\n" % name)
                    return 2
                value = args[i + 1]
                i += 1
            if name == "--pid":
                if not value.isdigit():
                    sys.stderr.write("heapscope: dump: --pid needs a process id, not %r\n" % value)
                    return 2
                pid = int(value)
            elif name == "--timeout":
                timeout = float(value)
            else:
                out = value
        else:
            sys.stderr.write("heapscope: dump: unknown argument %s\n%s" % (a, USAGE))
            return 2
        i += 1
    if pid is None:
        sys.stderr.write("heapscope: dump: --pid PID is required (in-process: heapscope.dump(path))\n" + USAGE)
        return 2
    remote_exec = getattr(sys, "remote_exec", None)
    if sys.version_info < (3, 14) or remote_exec is None:
        sys.stderr.write(UNSUPPORTED.format(version="%d.%d" % sys.version_info[:2], pid=pid))
        return 2
    out = os.path.abspath(out or "heapscope-%d.heapscope.json" % pid)
    if os.path.exists(out):
        sys.stderr.write("heapscope: dump: %s exists; choose another --out\n" % out)
        return 1
    fd, script = tempfile.mkstemp(prefix="heapscope-remote-", suffix=".py")
    with os.fdopen(fd, "w") as f:
        f.write(SCRIPT.format(out=out))
    os.chmod(script, 0o644)
    try:
        try:
            remote_exec(pid, script)
        except (OSError, RuntimeError, ValueError) as e:
            sys.stderr.write("heapscope: dump: sys.remote_exec(%d) failed: %s (the target must be CPython 3.14+, "
                             "run by you or with ptrace permission, and not started with -X disable_remote_debug)\n"
                             % (pid, e))
            return 1
        # The target runs the script at its next safe point; wait for the file it renames into place.
        deadline = time.monotonic() + timeout
        while not os.path.exists(out):
            if time.monotonic() > deadline:
                sys.stderr.write("heapscope: dump: no snapshot from pid %d after %.0f s (is it blocked in C code, "
                                 "or is heapscope not importable there?)\n" % (pid, timeout))
                return 1
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                sys.stderr.write("heapscope: dump: pid %d ended before writing a snapshot\n" % pid)
                return 1
            except PermissionError:
                pass
            time.sleep(0.1)
    finally:
        # the target may still be reading it if we gave up: remove only once the file is there
        if os.path.exists(out):
            try:
                os.unlink(script)
            except OSError:
                pass
    sys.stderr.write("heapscope: wrote %s\n" % out)
    return 0
