"""The one ``heapscope`` command (also ``python -m heapscope``).

Exporter commands run here, in Python: ``run``, ``dump-on-signal``, ``dump
--pid``, ``convert``, ``report``, ``view``.  Analysis commands (``summary``,
``types``, ``retainers``, ``cycles``, ``suspects``, ``growth``, ``diff``,
``tracemalloc``, ...) exec the native binary the wheel installs beside this
launcher (``heapscope-native``, see ``_native``); a pure-Python install says
what is missing.
"""
from __future__ import annotations

import os
import sys
import traceback
import types

USAGE = """\
usage: heapscope run [--out FILE] [--tracemalloc[=NFRAMES]] [--gzip] (script.py | -m module) [args ...]
       heapscope run --every DURATION [--out-dir DIR] [--keep N] (script.py | -m module) [args ...]
       heapscope dump-on-signal [--signal USR1] [--dir DIR] [--gzip] (script.py | -m module) [args ...]
       heapscope dump --pid PID [--out FILE]            (Python 3.14+: sys.remote_exec)
       heapscope report SNAPSHOT... -o REPORT.html
       heapscope view SNAPSHOT...
       heapscope convert SNAPSHOT.pickle OUT.heapscope.json[.gz]
       heapscope signal-pth enable|disable|status       (HEAPSCOPE_SIGNAL=USR1 opt-in)
       heapscope summary|types|retainers|dominators|cycles|suspects|search|diff|growth|tracemalloc|mprof ...
       heapscope --version

run      run script.py (or -m module) as __main__ (with sys.argv = [script.py, args...]) and
         write a heapscope snapshot when it ends (normally, by an exception or
         by sys.exit).  --out may also be given as the last two arguments
         (`script.py args --out FILE`); use `--` before the script to pass a
         literal trailing --out to the script.  Default output:
         heapscope-<pid>.heapscope.json.  --tracemalloc starts tracemalloc
         (NFRAMES frames per traceback, default 1) before the script runs, so
         the snapshot also has allocation tracebacks.
         --every DURATION (500ms, 60s, 5m, 1h) dumps a series instead: one
         snapshot every DURATION from a background thread while the script
         runs, and one when it ends, into --out-dir (default: the current
         directory) as heapscope-<pid>-<sequence>-<UTC time>.heapscope.json;
         --keep N deletes the oldest beyond N.  Compare them with
         `heapscope growth`.  The script can wait for the Nth snapshot with
         heapscope.run_watcher().wait_for(N).  These options (and --out)
         may also come last, after the script's arguments.
         --gzip compresses; without it a snapshot whose JSON would pass
         100 MB is compressed anyway and named *.gz (the path printed says
         so).  HEAPSCOPE_PROGRESS=1 logs the heap walk's progress on stderr.
dump-on-signal
         run script.py (or -m module) with a handler that writes a snapshot
         each time the signal (default USR1) arrives, into DIR (default: the
         current directory); each written path is printed on stderr.
dump     ask another Python process (3.14+, PEP 768) to write a snapshot.
report   one self-contained HTML file: the app and the snapshots (compressed);
         opens from file:// into the Overview, no server, no network.
view     a report in a temporary file, opened in the web browser.
convert  convert a tracemalloc.Snapshot.dump() pickle (read with a restricted
         unpickler) to a heapscope file.
The analysis commands are the native heapscope CLI (`heapscope summary --help`).
"""


def _die(msg, code=2):
    sys.stderr.write("heapscope: %s\n" % msg)
    sys.exit(code)


def _parse_program(args, cmd, options):
    """Parse ``[options] (script.py | -m module) [args...]``.

    *options* maps an option name to a default value; ``--name VALUE``,
    ``--name=VALUE`` (and ``-o`` for ``--out``) set it; a flag (default
    ``False``) takes no value; ``--tracemalloc[=N]`` is special.  Returns
    ``(values, target, is_module, args)``.
    """
    values = dict(options)
    i = 0
    explicit_end = False
    module = None
    while i < len(args):
        a = args[i]
        if a == "--":
            explicit_end = True
            i += 1
            break
        if a in ("-h", "--help"):
            sys.stdout.write(USAGE)
            sys.exit(0)
        if a == "-m":
            if i + 1 >= len(args):
                _die("%s: -m needs a module name" % cmd)
            module = args[i + 1]
            i += 2
            break
        name, eq, value = a.partition("=")
        if name == "-o" and "out" in values:
            name = "--out"
        key = name[2:].replace("-", "_") if name.startswith("--") else None
        if key == "tracemalloc" and key in values:
            try:
                values[key] = int(value) if eq else 1
            except ValueError:
                _die("--tracemalloc=N needs an integer")
            i += 1
        elif key in values and values[key] is False:
            values[key] = True
            i += 1
        elif key in values:
            if not eq:
                if i + 1 >= len(args):
                    _die("%s needs a value" % name)
                value = args[i + 1]
                i += 1
            values[key] = value
            i += 1
        elif a.startswith("-") and a != "-":
            _die("unknown option for %s: %s" % (cmd, a))
        else:
            break
    rest = args[i:]
    if module is None:
        if not rest:
            _die("%s: missing script (or -m module)\n%s" % (cmd, USAGE))
        target, sargs = rest[0], rest[1:]
    else:
        target, sargs = module, rest
    # Options after the script's arguments (`script.py args --every 60s
    # --out-dir dumps --out F`), unless `--` ended the options: peeled from
    # the end, each at most once, only those not given before the script.
    trailing = [k for k in ("out", "every", "out_dir", "keep") if k in values]
    seen = set()
    while not explicit_end and sargs:
        name, eq, value = sargs[-1].partition("=")
        if len(sargs) >= 2 and sargs[-2] in ["--" + k.replace("_", "-") for k in trailing] + ["-o"] * ("out" in values):
            name, value, sargs = sargs[-2], sargs[-1], sargs[:-2]
        elif eq and name in ["--" + k.replace("_", "-") for k in trailing]:
            sargs = sargs[:-1]
        else:
            break
        key = "out" if name == "-o" else name[2:].replace("-", "_")
        if key in seen:
            _die("%s given twice after the script" % name)
        seen.add(key)
        if values[key] is None:
            values[key] = value
    return values, target, module is not None, list(sargs)


def _run_program(target, is_module, sargs):
    """Run a script or module as ``__main__``; returns its exit status."""
    if is_module:
        # As `python -m`: the module's code runs in a fresh `__main__` that
        # stays in sys.modules, so what it keeps is in the snapshot (runpy's
        # run_module would restore the old __main__ and drop its globals).
        import runpy
        sys.path.insert(0, os.getcwd())
        try:
            _, spec, code = runpy._get_module_details(target)
        except ImportError as e:
            _die("no module %s (%s)" % (target, e))
        path = spec.origin if spec.has_location else None
        sys.argv[:] = [path or target] + sargs
        main = types.ModuleType("__main__")
        main.__dict__.update({"__file__": path, "__builtins__": __builtins__, "__cached__": spec.cached,
                              "__package__": spec.parent, "__loader__": spec.loader, "__spec__": spec})
        sys.modules["__main__"] = main
        g = main.__dict__
        main = None

        def go():
            exec(code, g)
    else:
        if not os.path.exists(target):
            _die("no such file: %s" % target)
        with open(target, "rb") as f:
            source = f.read()
        path = os.path.abspath(target)
        code = compile(source, path, "exec", dont_inherit=True)
        sys.argv[:] = [target] + sargs
        sys.path[0] = os.path.dirname(path)
        main = types.ModuleType("__main__")
        main.__dict__.update({"__file__": path, "__builtins__": __builtins__,
                              "__cached__": None, "__package__": None,
                              "__loader__": None, "__spec__": None})
        sys.modules["__main__"] = main
        g = main.__dict__
        main = None  # only sys.modules (and the script) keep the module

        def go():
            exec(code, g)
    status = 0
    try:
        go()
    except SystemExit as e:
        c = e.code
        status = c if isinstance(c, int) else (0 if c is None else 1)
        if c is not None and not isinstance(c, int):
            sys.stderr.write("%s\n" % (c,))
    except BaseException:
        traceback.print_exc()
        status = 1
    try:
        sys.stdout.flush()
    except Exception:
        pass
    return status


def run(args):
    opts, target, is_module, sargs = _parse_program(args, "run", {"out": None, "gzip": False, "tracemalloc": None,
                                                                  "every": None, "out_dir": None, "keep": None})
    if opts["every"] is not None or opts["out_dir"] is not None or opts["keep"] is not None:
        return _run_series(opts, target, is_module, sargs)
    from . import _export, _series
    out = opts["out"]
    if out is None:
        out = "heapscope-%d.heapscope.json%s" % (os.getpid(), ".gz" if opts["gzip"] else "")
    gz = opts["gzip"] or out.endswith(".gz")
    out = os.path.abspath(out)
    if not is_module and not os.path.exists(target):
        _die("run: no such file: %s" % target)
    if opts["tracemalloc"] is not None:
        import tracemalloc
        tracemalloc.start(opts["tracemalloc"])
    status = _run_program(target, is_module, sargs)
    # the exporter's and runpy's frames below the script are not part of the
    # program: exclude the whole current stack
    out = _export.export(out, compress=True if gz else None, exclude_stack=True,
                         process_extra=_series.next_process_fields())
    sys.stderr.write("heapscope: wrote %s\n" % out)
    return status


def _run_series(opts, target, is_module, sargs):
    """``run --every``: a series of snapshots while the program runs, and
    one when it ends (see USAGE)."""
    from . import _series
    if opts["every"] is None:
        _die("--out-dir and --keep go with --every (a series of snapshots)")
    if opts["out"] is not None:
        _die("--every writes a series into --out-dir; --out names a single snapshot")
    try:
        every = _series.parse_duration(opts["every"])
    except ValueError as e:
        _die("--every: %s" % e)
    keep = opts["keep"]
    if keep is not None:
        try:
            keep = int(keep)
        except ValueError:
            keep = 0
        if keep < 1:
            _die("--keep needs a positive number of files, not %r" % opts["keep"])
    out_dir = os.path.abspath(opts["out_dir"] or ".")
    if not os.path.isdir(out_dir):
        _die("run: no such directory for --out-dir: %s" % out_dir)
    if not is_module and not os.path.exists(target):
        _die("run: no such file: %s" % target)
    gz = True if opts["gzip"] else None    # else gzip over 100 MB
    if opts["tracemalloc"] is not None:
        import tracemalloc
        tracemalloc.start(opts["tracemalloc"])
    _series.RUN_WATCHER = _series.watch(every, out_dir, keep, gzip=gz)
    status = _run_program(target, is_module, sargs)
    watcher, _series.RUN_WATCHER = _series.RUN_WATCHER, None
    watcher.stop()
    # the exporter's and runpy's frames below the script are not part of the
    # program: exclude the whole current stack
    out = _series.dump_in_series(out_dir, gzip=gz, keep=keep, series="run", exclude_stack=True)
    sys.stderr.write("heapscope: wrote %d periodic snapshots and %s\n" % (watcher.count, out))
    return status


def _signal_number(name):
    import signal
    text = str(name).upper()
    if text.isdigit():
        return int(text)
    sig = getattr(signal, text if text.startswith("SIG") else "SIG" + text, None)
    if not isinstance(sig, int) and not hasattr(sig, "value"):
        _die("unknown signal %r (e.g. USR1, USR2, or a number)" % name)
    return int(sig)


def dump_on_signal(args):
    opts, target, is_module, sargs = _parse_program(args, "dump-on-signal",
                                                    {"signal": "USR1", "dir": None, "gzip": False})
    from . import install_signal_handler
    signum = _signal_number(opts["signal"])

    def announce(path):
        sys.stderr.write("heapscope: wrote %s\n" % path)
        sys.stderr.flush()

    install_signal_handler(signum, opts["dir"], gzip=True if opts["gzip"] else None, callback=announce)
    sys.stderr.write("heapscope: pid %d writes a snapshot on signal %d\n" % (os.getpid(), signum))
    sys.stderr.flush()
    return _run_program(target, is_module, sargs)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    if argv[0] == "--json":  # the native CLI's global flag, before its command
        from ._native import NATIVE_COMMANDS, exec_native
        if len(argv) > 1 and argv[1] in NATIVE_COMMANDS:
            return exec_native(argv[1:2] + ["--json"] + argv[2:])
        _die("--json goes with an analysis command (%s)" % ", ".join(NATIVE_COMMANDS))
    cmd, args = argv[0], argv[1:]
    if cmd == "--version":
        from . import EXPORTER
        print(EXPORTER)
        return 0
    if cmd == "run":
        return run(args)
    if cmd == "dump-on-signal":
        return dump_on_signal(args)
    if cmd == "dump":
        from ._remote import dump_command
        return dump_command(args)
    if cmd == "signal-pth":
        from ._autosignal import pth_command
        return pth_command(args)
    if cmd in ("report", "view"):
        from . import _report
        return _report.report_command(args) if cmd == "report" else _report.view_command(args)
    from ._native import NATIVE_COMMANDS, exec_native
    if cmd in NATIVE_COMMANDS:
        return exec_native([cmd] + args)
    if cmd == "convert":
        if len(args) != 2:
            _die("usage: python -m heapscope convert SNAPSHOT.pickle OUT.heapscope.json[.gz]")
        from ._convert import convert
        import pickle
        try:
            convert(args[0], args[1], warn=lambda w: sys.stderr.write("heapscope: convert: %s: %s\n" % (args[0], w)))
        except (pickle.UnpicklingError, ValueError, EOFError) as e:
            _die("convert: %s: %s" % (args[0], e), 1)
        sys.stderr.write("heapscope: wrote %s\n" % args[1])
        return 0
    _die("unknown command %r\n%s" % (cmd, USAGE))


if __name__ == "__main__":
    sys.exit(main())
