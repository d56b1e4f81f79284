"""Regenerate the bundled examples in public/examples/ (the web app's
"Try an example").  Each example is a real program run with the exporter;
the memory_profiler examples need `pip install memory_profiler`.

    python3 python/examples/make_examples.py [--out public/examples]

Snapshots larger than 5 MB must be gzip-compressed (.heapscope.json.gz).
Even a bare interpreter is ~45k objects (about 5 MB of JSON), so every
example is written compressed, which keeps the names uniform; pass
--plain-below-limit to keep files under 5 MB uncompressed.
"""
from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PYDIR = os.path.dirname(HERE)
REPO = os.path.dirname(PYDIR)
LIMIT = 5 * 1024 * 1024


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = PYDIR + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("PYTHONTRACEMALLOC", None)
    return env


GZIP_ALL = True


def _place(src, outdir, name):
    """Move src to outdir/name, gzip'ing it (always, or when larger than LIMIT)."""
    for old in (name, name + ".gz"):
        p = os.path.join(outdir, old)
        if os.path.exists(p):
            os.unlink(p)
    if GZIP_ALL or os.path.getsize(src) > LIMIT:
        dst = os.path.join(outdir, name + ".gz")
        with open(src, "rb") as f, gzip.GzipFile(dst, "wb", compresslevel=9, mtime=0) as g:
            shutil.copyfileobj(f, g)
        os.unlink(src)
    else:
        dst = os.path.join(outdir, name)
        shutil.move(src, dst)
    print("%-45s %8.1f KiB" % (os.path.relpath(dst, REPO), os.path.getsize(dst) / 1024.0))
    return dst


def _run(args):
    subprocess.run([sys.executable] + args, check=True, env=_env(), cwd=HERE)


def _memory_profiler(outdir):
    """A leaking function under the real memory_profiler (PyPI): an
    `mprof run` timeline and an @profile line report."""
    # Run from HERE by a relative name, so the files name no local directory.
    script = "mprof_leak.py"
    dat = os.path.join(os.path.abspath(outdir), "mprofile-leak.dat")
    if os.path.exists(dat):
        os.unlink(dat)  # mprof run appends to an existing file
    subprocess.run([sys.executable, "-m", "mprof", "run", "-o", dat, script], check=True, cwd=HERE,
                   stdout=subprocess.DEVNULL, env=_env())
    report = os.path.join(outdir, "profile-leak.txt")
    with open(report, "w") as f:
        subprocess.run([sys.executable, "-m", "memory_profiler", script], check=True, cwd=HERE, stdout=f, env=_env())
    for p in (dat, report):
        print("%-45s %8.1f KiB" % (os.path.relpath(p, REPO), os.path.getsize(p) / 1024.0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(REPO, "public", "examples"))
    ap.add_argument("--plain-below-limit", action="store_true",
                    help="do not compress snapshots smaller than 5 MB")
    a = ap.parse_args()
    global GZIP_ALL
    GZIP_ALL = not a.plain_below_limit
    os.makedirs(a.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="heapscope-examples-")
    try:
        for name in ("leak", "cycle"):
            out = os.path.join(tmp, name + ".json")
            _run(["-m", "heapscope", "run", "--out", out, os.path.join(HERE, name + ".py")])
            _place(out, a.out, name + ".heapscope.json")
        b, f = os.path.join(tmp, "before.json"), os.path.join(tmp, "after.json")
        _run([os.path.join(HERE, "growth.py"), b, f])
        _place(b, a.out, "before.heapscope.json")
        _place(f, a.out, "after.heapscope.json")
        _run([os.path.join(HERE, "growth.py"), b, f, "--tracemalloc"])
        _place(b, a.out, "tracemalloc-before.heapscope.json")
        _place(f, a.out, "tracemalloc-after.heapscope.json")
        # A three-snapshot series of a running service (heapscope growth).
        prefix = os.path.join(tmp, "service")
        _run([os.path.join(HERE, "service.py"), prefix])
        for k in (1, 2, 3):
            _place("%s-%d.heapscope.json" % (prefix, k), a.out, "service-%d.heapscope.json" % k)
        _memory_profiler(a.out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
