"""Writes the tracemalloc fixtures of heapscope-core's tests.

Run from anywhere with python3 (3.9+): `python3 make_fixtures.py`. It writes,
next to itself:

* tm_before.pickle, tm_after.pickle — real `tracemalloc.Snapshot.dump()`
  pickles (filtered down to this script's allocations so they stay small);
* tm_old_layout.pickle — a Snapshot whose traces are the 3-tuples of
  CPython <= 3.8 (no total_nframe), dumped the same way;
* tm_expected.json — what CPython's own `statistics()`, `compare_to()` and
  `filter_traces()` return for them, which the Rust tests must reproduce
  exactly (same numbers, same order).
"""
import json
import os
import sys
import tracemalloc

HERE = os.path.dirname(os.path.abspath(__file__))


def leaf(n):
    return [bytearray(64 + i) for i in range(n)]


def middle(n):
    return [leaf(3) for _ in range(n)]


def recursive(depth):
    if depth == 0:
        return [str(i) * 10 for i in range(20)]
    return [recursive(depth - 1), bytearray(100)]


def keep_only_this_file(snapshot):
    return snapshot.filter_traces([tracemalloc.Filter(True, __file__, all_frames=True)])


def frames(traceback):
    # Most recent first, like tracemalloc's internal tuples.
    return [[f.filename, f.lineno] for f in reversed(list(traceback))]


def stats(snapshot):
    out = {}
    for key in ("lineno", "filename", "traceback"):
        for cumulative in (False, True):
            if key == "traceback" and cumulative:
                continue
            out[f"{key}/{cumulative}"] = [
                [frames(s.traceback), s.size, s.count] for s in snapshot.statistics(key, cumulative)
            ]
    return out


def diffs(new, old):
    out = {}
    for key in ("lineno", "filename", "traceback"):
        for cumulative in (False, True):
            if key == "traceback" and cumulative:
                continue
            out[f"{key}/{cumulative}"] = [
                [frames(s.traceback), s.size, s.size_diff, s.count, s.count_diff]
                for s in new.compare_to(old, key, cumulative)
            ]
    return out


def main():
    tracemalloc.start(5)
    kept = [middle(4), recursive(3)]
    before = keep_only_this_file(tracemalloc.take_snapshot())
    kept.append(middle(6))
    kept.append(recursive(4))
    del kept[0]
    after = keep_only_this_file(tracemalloc.take_snapshot())
    tracemalloc.stop()
    before.dump(os.path.join(HERE, "tm_before.pickle"))
    after.dump(os.path.join(HERE, "tm_after.pickle"))

    base = os.path.basename(__file__)
    filters = {
        "include_leaf_line": [tracemalloc.Filter(True, __file__, lineno=leaf.__code__.co_firstlineno + 1)],
        "exclude_glob_all_frames": [tracemalloc.Filter(False, "*" + base[:4] + "*", all_frames=True)],
        "include_glob": [tracemalloc.Filter(True, "*/" + base[:-2] + "p[xy]")],
        "domain_0": [tracemalloc.DomainFilter(True, 0)],
        "exclude_domain_0": [tracemalloc.DomainFilter(False, 0)],
        "include_nomatch_or_self": [tracemalloc.Filter(True, "/nowhere/*"), tracemalloc.Filter(True, __file__)],
    }
    expected = {
        "python": sys.version.split()[0],
        "file": __file__,
        "before": stats(before),
        "after": stats(after),
        "after_vs_before": diffs(after, before),
        "filters": {
            name: [[frames(s.traceback), s.size, s.count] for s in after.filter_traces(fs).statistics("lineno")]
            for name, fs in filters.items()
        },
        "filter_specs": {
            name: [
                {"domain_only": isinstance(f, tracemalloc.DomainFilter), "inclusive": f.inclusive,
                 "pattern": getattr(f, "filename_pattern", None), "lineno": getattr(f, "lineno", None),
                 "all_frames": getattr(f, "all_frames", False), "domain": f.domain}
                for f in fs
            ]
            for name, fs in filters.items()
        },
    }
    with open(os.path.join(HERE, "tm_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)

    old = tracemalloc.Snapshot(
        [
            (0, 100, (("app.py", 10), ("main.py", 3))),
            (0, 50, (("app.py", 10), ("main.py", 3))),
            (1, 7, (("lib.py", 2),)),
        ],
        3,
    )
    old.dump(os.path.join(HERE, "tm_old_layout.pickle"))


if __name__ == "__main__":
    main()
