"""Runs a leak program of the suspects work (`python/examples/leaks/`) as a
growth series: `service.py` and the program's setup run once, then its
leaking step (everything after its `# step` line) runs three times, each
time followed by noise (a list replaced, temporary dicts) and a dump.
`ROUND` (0, 1, 2) is visible to the step, so keys made from it are new
each round, as a long-running service's would be.

    python3 leak_series.py LEAKS_DIR PROGRAM OUT_DIR   (OUT_DIR/s0.json … s2.json)
"""
import os
import random
import sys

import heapscope

leaks, program, out = sys.argv[1:4]
with open(os.path.join(leaks, "service.py")) as f:
    service = f.read()
with open(os.path.join(leaks, program + ".py")) as f:
    lines = f.read().splitlines(keepends=True)
marks = [i for i, line in enumerate(lines) if line.startswith("# step")]
if len(marks) != 1:
    sys.exit("%s.py: expected one '# step' line, found %d" % (program, len(marks)))
setup, step = "".join(lines[: marks[0]]), "".join(lines[marks[0]:])

recent = []


def noise(rng):
    """Objects made and dropped between dumps; `recent` is replaced, not grown."""
    global recent
    recent = [{"n": -j, "s": "noise-%d" % j} for j in range(rng.randint(20, 400))]
    scratch = {j: str(j) * 3 for j in range(rng.randint(10, 200))}
    return len(scratch)


_rng = random.Random(11)
ROUND = 0
exec(compile(service + setup, program + ".py", "exec"))
_step = compile(step, program + ".py", "exec")
for ROUND in range(3):
    exec(_step)
    noise(_rng)
    heapscope.dump("%s/s%d.json" % (out, ROUND))
