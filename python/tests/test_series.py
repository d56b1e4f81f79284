"""Snapshot series: heapscope.watch(), `python -m heapscope run --every`, the
signal handler and dump() number their files and record the process identity;
--keep / keep= prune the oldest.  No test waits on time: children block on
Watcher.wait_for(n) (the nth file is written) or on the callback, and the
intervals are tiny so only the handshakes order events."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import HANG_GUARD_S, child_env, last_json_line, load, run_python, write_script

import heapscope
from heapscope import _series

NAME = re.compile(r"^heapscope-(\d+)-(\d{6})-\d{8}T\d{6}\.heapscope\.json$")


def series_files(d):
    """(sequence from the name, path) of the series files in *d*, oldest first."""
    out = []
    for f in os.listdir(str(d)):
        m = NAME.match(f)
        assert m, "unexpected file %s" % f
        out.append((int(m.group(2)), os.path.join(str(d), f)))
    return sorted(out)


def check_identity(docs, series):
    """One process: same pid and identity; consecutive sequence numbers."""
    procs = [d["process"] for d in docs]
    assert len({p["pid"] for p in procs}) == 1
    seqs = [p["process"]["sequence"] for p in procs]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs
    for p in procs:
        assert p["process"]["series"] in series
        assert isinstance(p["rss_bytes"], int) and p["rss_bytes"] > 0
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", p["time"])
    if sys.platform.startswith("linux"):
        assert len({(p["process"]["start_time"], p["process"]["boot_id"]) for p in procs}) == 1
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ$", procs[0]["process"]["start_time"])
    return seqs


def test_durations():
    assert heapscope.parse_duration("500ms") == 0.5
    assert heapscope.parse_duration("60s") == 60.0
    assert heapscope.parse_duration("5m") == 300.0
    assert heapscope.parse_duration("1h") == 3600.0
    assert heapscope.parse_duration("1.5") == 1.5
    assert heapscope.parse_duration(2) == 2.0
    for bad in ("", "0s", "-1s", "5 minutes", "1d", "nan", "inf", True, 0, "1e3"):
        with pytest.raises(ValueError):
            heapscope.parse_duration(bad)


def test_watch_arguments_are_checked(tmp_path):
    with pytest.raises(FileNotFoundError):
        heapscope.watch("1s", str(tmp_path / "missing"))
    for keep in (0, -1, 1.5, True):
        with pytest.raises(ValueError):
            heapscope.watch("1s", str(tmp_path), keep=keep)
    with pytest.raises(ValueError):
        heapscope.watch("soon", str(tmp_path))
    assert os.listdir(str(tmp_path)) == []


def test_watch_writes_a_series_and_keeps_the_newest(tmp_path, validate):
    d = tmp_path / "dumps"
    d.mkdir()
    proc = run_python(tmp_path, """
        import json, os, sys
        import heapscope
        table = {i: str(i) for i in range(1000)}
        seen = []
        watcher = heapscope.watch("1ms", sys.argv[1], keep=2, callback=seen.append)
        assert watcher.wait_for(4)          # handshake: the 4th file is written
        watcher.stop()
        running_after_stop = watcher.running or watcher._thread.is_alive()
        # the context-manager form stops its watcher too
        with heapscope.watch("1ms", sys.argv[1], keep=2) as w2:
            assert w2.wait_for(1)
        print(json.dumps({"count": watcher.count, "callbacks": len(seen), "running": running_after_stop,
                          "second": w2.count, "second_running": w2._thread.is_alive(), "pid": os.getpid()}))
    """, args=[str(d)])
    info = last_json_line(proc.stdout)
    assert info["count"] >= 4 and info["callbacks"] == info["count"]
    assert info["running"] is False and info["second_running"] is False
    files = series_files(d)
    # keep=2 of each watcher's files: the two newest of the whole series
    assert len(files) == 2, files
    docs = [load(p) for _, p in files]
    validate(docs[-1])     # the schema check takes seconds per file: one is enough
    seqs = check_identity(docs, {"watch"})
    assert seqs == [s for s, _ in files]
    assert seqs[-1] == info["count"] + info["second"], (seqs, info)
    assert docs[0]["process"]["pid"] == info["pid"]
    assert all(NAME.match(os.path.basename(p)).group(1) == str(info["pid"]) for _, p in files)


def test_run_every_dumps_a_series_and_a_last_snapshot(tmp_path, validate):
    d = tmp_path / "dumps"
    d.mkdir()
    script = write_script(tmp_path, """
        import heapscope
        rows = [{"id": i} for i in range(500)]
        # handshake: wait until the watcher wrote its 3rd file, then end
        assert heapscope.run_watcher().wait_for(3)
    """)
    cmd = [sys.executable, "-m", "heapscope", "run", str(script), "--every", "1ms", "--out-dir", str(d),
           "--keep", "3"]
    proc = subprocess.run(cmd, cwd=str(tmp_path), env=child_env(), timeout=HANG_GUARD_S,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr
    m = re.search(r"wrote (\d+) periodic snapshots and (\S+)", proc.stderr)
    assert m, proc.stderr
    periodic, last = int(m.group(1)), m.group(2)
    assert periodic >= 3
    files = series_files(d)
    assert len(files) == 3 and files[-1][1] == last, (files, last)
    docs = [load(p) for _, p in files]
    validate(docs[-1])
    seqs = check_identity(docs, {"watch", "run"})
    assert seqs[-1] == periodic + 1
    assert [doc["process"]["process"]["series"] for doc in docs] == ["watch", "watch", "run"]
    # the last snapshot is taken after the script: its rows are in it
    assert docs[-1]["heap"]["objects"]


@pytest.mark.parametrize("args, message", [
    (["--keep", "2"], "--out-dir and --keep go with --every"),
    (["--out-dir", "."], "--out-dir and --keep go with --every"),
    (["--every", "0s"], "--every: a duration must be positive"),
    (["--every", "often"], "--every: not a duration"),
    (["--every", "1s", "--keep", "none"], "--keep needs a positive number"),
    (["--every", "1s", "--out", "x.json"], "--out names a single snapshot"),
    (["--every", "1s", "--out-dir", "missing"], "no such directory for --out-dir"),
])
def test_run_every_refuses_bad_options(tmp_path, args, message):
    script = write_script(tmp_path, "raise SystemExit('the script must not run')\n")
    proc = subprocess.run([sys.executable, "-m", "heapscope", "run", *args, str(script)], cwd=str(tmp_path),
                          env=child_env(), timeout=HANG_GUARD_S, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert "must not run" not in proc.stderr
    assert [f for f in os.listdir(str(tmp_path)) if f.endswith(".json")] == []


def test_dumps_are_numbered_per_process(tmp_path, validate):
    proc = run_python(tmp_path, """
        import json, os, sys
        import heapscope
        out = sys.argv[1]
        heapscope.dump(os.path.join(out, "a.json"), heap=False)
        heapscope.dump(os.path.join(out, "b.json"), heap=False)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:                    # a forked child numbers its own dumps from 1
            heapscope.dump(os.path.join(out, "child.json"), heap=False)
            os._exit(0)
        os.waitpid(pid, 0)
        heapscope.dump(os.path.join(out, "c.json"), heap=False)
        print(json.dumps({"child": pid}))
    """, args=[str(tmp_path)])
    child = last_json_line(proc.stdout)["child"]
    docs = {n: validate(load(str(tmp_path / (n + ".json")))) for n in ("a", "b", "c", "child")}
    seq = {n: d["process"]["process"]["sequence"] for n, d in docs.items()}
    assert seq == {"a": 1, "b": 2, "c": 3, "child": 1}, seq
    assert docs["child"]["process"]["pid"] == child != docs["a"]["process"]["pid"]
    assert "series" not in docs["a"]["process"]["process"]
    if sys.platform.startswith("linux"):
        ident = lambda n: (docs[n]["process"]["process"]["start_time"], docs[n]["process"]["process"]["boot_id"])
        assert ident("a") == ident("c")
        assert ident("child")[1] == ident("a")[1]


def test_prune_keeps_only_this_processes_newest(tmp_path):
    pid = os.getpid()
    names = ["heapscope-%d-%06d-20260101T000000.heapscope.json" % (pid, k) for k in (1, 2, 10, 3)]
    others = ["heapscope-%d-000001-20260101T000000.heapscope.json" % (pid + 1), "other.txt",
              "app-%d-000001-20260101T000000.heapscope.json" % pid]
    for n in names + others:
        (tmp_path / n).write_text("{}")
    deleted = _series.prune(str(tmp_path), "heapscope", 2)
    assert sorted(os.path.basename(p) for p in deleted) == sorted(names[:2])
    assert sorted(os.listdir(str(tmp_path))) == sorted(names[2:] + others)
    assert _series.prune(str(tmp_path), "heapscope", None) == []
