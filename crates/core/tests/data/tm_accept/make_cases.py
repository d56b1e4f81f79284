"""Writes the tracemalloc pickle acceptance corpus: one source of truth for
what heapscope accepts as a `tracemalloc.Snapshot.dump()` pickle.

`cases.json` says, per file, whether it is accepted and how many traces are
kept (bad traces are skipped with a warning) -- the rules of docs/format.md's
"tracemalloc pickles" section.  Both readers are tested against it:
the core's (crates/core/tests/tracemalloc_acceptance.rs) and the Python
converter's (python/tests/test_tracemalloc.py::test_acceptance_corpus).

Run with python3 (3.9+): `python3 make_cases.py`; it writes next to itself.
"""
import json
import os
import pickle
import tracemalloc

HERE = os.path.dirname(os.path.abspath(__file__))

GOOD = [
    (0, 100, (("app.py", 10), ("main.py", 3)), 2),
    (0, 50, (("app.py", 10), ("main.py", 3)), 2),
    (1, 7, (("lib.py", 2),), 1),
]


def snapshot(traces, limit=3, wrap=True):
    """A tracemalloc.Snapshot with exactly these attributes (no __init__)."""
    s = tracemalloc.Snapshot.__new__(tracemalloc.Snapshot)
    state = {"traces": tracemalloc._Traces(traces) if wrap else traces}
    if limit is not None:
        state["traceback_limit"] = limit
    s.__dict__.update(state)
    return s


def main():
    cases = {}

    def write(name, data, accepted, traces=None, why=""):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        cases[name] = {"accepted": accepted, "why": why}
        if accepted:
            cases[name]["traces"] = traces

    real = snapshot(GOOD)
    write("dump_protocol5.pickle", pickle.dumps(real, 5), True, 3, "what Snapshot.dump() writes on 3.8+")
    write("protocol2.pickle", pickle.dumps(real, 2), True, 3, "oldest protocol with PROTO")
    write("old_layout.pickle", pickle.dumps(snapshot([t[:3] for t in GOOD]), 4), True, 3,
          "CPython <= 3.8 traces: (domain, size, traceback)")
    write("traces_as_list.pickle", pickle.dumps(snapshot(GOOD, wrap=False), 4), True, 3,
          "`traces` a plain list instead of _Traces")
    write("no_limit.pickle", pickle.dumps(snapshot(GOOD, limit=None), 4), True, 3,
          "no traceback_limit: 0 assumed, with a warning")
    bad = GOOD + [
        [0, 1, (("x.py", 1),), 1],                  # a list, not a tuple
        (0, -5, (("x.py", 1),), 1),                 # negative size
        (0, 1, (("x.py", 1),), 1, 9),               # five fields
        (0, 1, ((7, 1),), 1),                       # filename not a str
        (0, 1, (("x.py", -1),), 1),                 # negative line
        (1 << 40, 1, (("x.py", 1),), 1),            # domain past u32
        (0, 1, "not a traceback", 1),
    ]
    write("bad_traces.pickle", pickle.dumps(snapshot(bad), 4), True, 3,
          "bad traces are skipped, the good ones kept")
    write("protocol0.pickle", pickle.dumps(real, 0), False, why="protocol 0/1: no PROTO opcode")
    write("plain_dict.pickle", pickle.dumps({"traces": []}, 4), False, why="top object not a Snapshot")
    write("other_class.pickle", pickle.dumps(tracemalloc.Frame(("a.py", 1)), 4), False,
          why="a tracemalloc class other than Snapshot/_Traces")
    write("float_size.pickle", pickle.dumps(snapshot([(0, 1.5, (("x.py", 1),), 1)]), 4), False,
          why="an opcode a snapshot never uses (BINFLOAT)")
    write("no_traces.pickle", pickle.dumps(snapshot([]), 4), True, 0,
          "an empty snapshot")
    s = snapshot(GOOD)
    del s.__dict__["traces"]
    write("missing_traces.pickle", pickle.dumps(s, 4), False, why="a Snapshot without `traces`")
    write("truncated.pickle", pickle.dumps(real, 4)[:-9], False, why="cut short")

    class Evil(object):
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    write("evil.pickle", pickle.dumps(Evil(), 4), False, why="refers to os.system")
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
