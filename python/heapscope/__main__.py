"""Command line: ``python -m heapscope run|convert|--version``.

    python -m heapscope run [--out FILE] [--tracemalloc[=N]] script.py [args...] [--out FILE]
    python -m heapscope convert snapshot.pickle out.heapscope.json[.gz]
"""
from __future__ import annotations

import os
import sys
import traceback
import types

USAGE = """\
usage: python -m heapscope run [--out FILE] [--tracemalloc[=NFRAMES]] [--gzip] script.py [args ...]
       python -m heapscope convert SNAPSHOT.pickle OUT.heapscope.json[.gz]
       python -m heapscope --version

run      run script.py as __main__ (with sys.argv = [script.py, args...]) and
         write a heapscope snapshot when it ends (normally, by an exception or
         by sys.exit).  --out may also be given as the last two arguments
         (`script.py args --out FILE`); use `--` before the script to pass a
         literal trailing --out to the script.  Default output:
         heapscope-<pid>.heapscope.json.  --tracemalloc starts tracemalloc
         (NFRAMES frames per traceback, default 1) before the script runs, so
         the snapshot also has allocation tracebacks.
convert  convert a tracemalloc.Snapshot.dump() pickle (read with a restricted
         unpickler) to a heapscope file.
"""


def _die(msg, code=2):
    sys.stderr.write("heapscope: %s\n" % msg)
    sys.exit(code)


def _parse_run(args):
    out = None
    gz = False
    tm = None
    i = 0
    explicit_end = False
    while i < len(args):
        a = args[i]
        if a == "--":
            explicit_end = True
            i += 1
            break
        if a in ("-h", "--help"):
            sys.stdout.write(USAGE)
            sys.exit(0)
        if a == "--out" or a == "-o":
            if i + 1 >= len(args):
                _die("--out needs a file name")
            out = args[i + 1]
            i += 2
        elif a.startswith("--out="):
            out = a[len("--out="):]
            i += 1
        elif a == "--gzip":
            gz = True
            i += 1
        elif a == "--tracemalloc":
            tm = 1
            i += 1
        elif a.startswith("--tracemalloc="):
            try:
                tm = int(a.split("=", 1)[1])
            except ValueError:
                _die("--tracemalloc=N needs an integer")
            i += 1
        elif a.startswith("-") and a != "-":
            _die("unknown option for run: %s" % a)
        else:
            break
    rest = args[i:]
    if not rest:
        _die("run: missing script\n" + USAGE)
    script, sargs = rest[0], rest[1:]
    if out is None and not explicit_end:
        if len(sargs) >= 2 and sargs[-2] in ("--out", "-o"):
            out = sargs[-1]
            sargs = sargs[:-2]
        elif sargs and sargs[-1].startswith("--out="):
            out = sargs[-1][len("--out="):]
            sargs = sargs[:-1]
    if out is None:
        out = "heapscope-%d.heapscope.json%s" % (os.getpid(), ".gz" if gz else "")
    return script, sargs, out, gz or out.endswith(".gz"), tm


def run(args):
    script, sargs, out, gz, tm = _parse_run(args)
    from . import _export
    out = os.path.abspath(out)
    if not os.path.exists(script):
        _die("run: no such file: %s" % script)
    with open(script, "rb") as f:
        source = f.read()
    path = os.path.abspath(script)
    code = compile(source, path, "exec", dont_inherit=True)
    sys.argv[:] = [script] + list(sargs)
    sys.path[0] = os.path.dirname(path)
    main = types.ModuleType("__main__")
    main.__dict__.update({"__file__": path, "__builtins__": __builtins__,
                          "__cached__": None, "__package__": None,
                          "__loader__": None, "__spec__": None})
    sys.modules["__main__"] = main
    g = main.__dict__
    main = None  # only sys.modules (and the script) keep the module
    if tm is not None:
        import tracemalloc
        tracemalloc.start(tm)
    status = 0
    try:
        exec(code, g)
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
    g = code = None
    # the exporter's and runpy's frames below the script are not part of the
    # program: exclude the whole current stack
    _export.export(out, compress=gz, exclude_stack=True)
    sys.stderr.write("heapscope: wrote %s\n" % out)
    return status


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    cmd, args = argv[0], argv[1:]
    if cmd == "--version":
        from . import EXPORTER
        print(EXPORTER)
        return 0
    if cmd == "run":
        return run(args)
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
