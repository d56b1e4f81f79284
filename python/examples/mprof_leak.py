"""A function that leaks, for memory_profiler: every call keeps a chunk in
a module-level list. Run by make_examples.py as

    mprof run -o mprofile-leak.dat mprof_leak.py          (timeline, FUNC spans)
    python -m memory_profiler mprof_leak.py > profile.txt  (line report)
"""
KEPT = []


@profile  # noqa: F821 -- injected by mprof / memory_profiler
def load_batch(n):
    rows = [bytearray(256) for _ in range(n)]
    KEPT.append(rows)                  # the leak: kept for ever
    total = [len(r) for r in rows]     # temporary
    return sum(total)


@profile  # noqa: F821
def main():
    for _ in range(8):
        load_batch(20000)


main()
