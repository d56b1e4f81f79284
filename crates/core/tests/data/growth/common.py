"""Shared by the growth series programs: noise between dumps, a big
legitimate table that does not grow, and the three dumps.

    python3 PATTERN.py OUT_DIR   (writes OUT_DIR/s0.json, s1.json, s2.json)
"""
import random
import sys

import heapscope

random.seed(7)


class Row:
    def __init__(self, i):
        self.key = "row-%d" % i
        self.values = [i, i * 2, "v%d" % i]


# A legitimate table, far bigger than any leak here, that never grows.
TABLE = {i: Row(i) for i in range(2500)}
recent = []


def noise():
    """Objects made and dropped between dumps; `recent` is replaced, not grown."""
    global recent
    recent = [Row(-j) for j in range(random.randint(20, 400))]
    scratch = {j: str(j) * 3 for j in range(random.randint(10, 200))}
    return len(scratch)


def series(step, rounds=3):
    """Runs `step` then noise, and dumps, three times."""
    out = sys.argv[1]
    for k in range(rounds):
        step(k)
        noise()
        heapscope.dump("%s/s%d.json" % (out, k))
