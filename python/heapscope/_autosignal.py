"""Capture without code changes: ``HEAPSCOPE_SIGNAL=USR1`` at interpreter start.

Nothing here runs unless a person opted in twice: once per environment by
``heapscope signal-pth enable`` (which writes ``heapscope-signal.pth`` into
site-packages; ``heapscope signal-pth disable`` removes it), and once per
process by setting ``HEAPSCOPE_SIGNAL`` (a signal name such as ``USR1`` or a
number).  The .pth line imports this module only when the variable is set,
so other processes pay one ``os.environ`` lookup.  Snapshots go to
``HEAPSCOPE_DIR`` (default: the current directory); each written path is
printed on stderr.  Any error is reported on stderr and never stops the
program from starting.
"""
from __future__ import annotations

import os
import sys

PTH_NAME = "heapscope-signal.pth"
# One line, run by site.py at start-up (lines starting with `import` are executed).
PTH_LINE = ("import os; os.environ.get('HEAPSCOPE_SIGNAL') and "
            "__import__('heapscope._autosignal', fromlist=['_']).install_from_env()\n")


def install_from_env():
    name = os.environ.get("HEAPSCOPE_SIGNAL", "").strip()
    if not name:
        return None
    try:
        import signal
        import threading
        if threading.current_thread() is not threading.main_thread():
            return None
        text = name.upper()
        if text.isdigit():
            signum = int(text)
        else:
            signum = getattr(signal, text if text.startswith("SIG") else "SIG" + text, None)
            if signum is None:
                sys.stderr.write("heapscope: HEAPSCOPE_SIGNAL=%s is not a signal name (e.g. USR1)\n" % name)
                return None
        from . import install_signal_handler

        def announce(path):
            try:
                sys.stderr.write("heapscope: wrote %s\n" % path)
                sys.stderr.flush()
            except Exception:
                pass

        install_signal_handler(signum, os.environ.get("HEAPSCOPE_DIR") or None,
                               gzip=True if os.environ.get("HEAPSCOPE_GZIP", "") not in ("", "0") else None,
                               callback=announce)
        return int(signum)
    except Exception as e:  # never break start-up
        try:
            sys.stderr.write("heapscope: HEAPSCOPE_SIGNAL=%s: handler not installed: %r\n" % (name, e))
        except Exception:
            pass
        return None


def site_dir():
    """The site-packages directory heapscope is installed in."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pth_command(args):
    """``heapscope signal-pth enable|disable|status``."""
    if len(args) != 1 or args[0] not in ("enable", "disable", "status"):
        sys.stderr.write("usage: heapscope signal-pth enable|disable|status\n"
                         "enable writes %s into %s: then HEAPSCOPE_SIGNAL=USR1 makes any Python process of\n"
                         "this environment dump a snapshot on SIGUSR1 (into HEAPSCOPE_DIR).\n" % (PTH_NAME, site_dir()))
        return 2
    path = os.path.join(site_dir(), PTH_NAME)
    if args[0] == "enable":
        with open(path, "w") as f:
            f.write(PTH_LINE)
        sys.stderr.write("heapscope: wrote %s; start a process with HEAPSCOPE_SIGNAL=USR1 to enable the handler\n" % path)
    elif args[0] == "disable":
        if os.path.exists(path):
            os.unlink(path)
            sys.stderr.write("heapscope: removed %s\n" % path)
        else:
            sys.stderr.write("heapscope: %s was not there (nothing to disable)\n" % path)
    else:
        print("enabled: %s" % path if os.path.exists(path) else "disabled (no %s)" % path)
    return 0
