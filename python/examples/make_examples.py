"""Regenerate the bundled examples in public/examples/ (the web app's
"Try an example").  Each example is a real program run with the exporter.

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
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
