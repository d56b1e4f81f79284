"""A program dumped by heapscope.watch() in lock step with its work.

    python3 watched.py OUT_DIR steady|leak

The watcher's callback hands over to the main thread after each snapshot
and waits for it to finish the next round of work: snapshot k is taken
after round k, whatever the interval or the machine's load.
"""
import random
import sys
import threading

import heapscope
from common import Row

out, mode = sys.argv[1], sys.argv[2]
ROUNDS = 4
# A legitimate table that never grows, and the leak (in "leak" mode only).
TABLE = {i: Row(i) for i in range(2000)}
LEAK = []


def step(k):
    """One round of work: everything it makes is dropped, except the leak."""
    batch = [Row(-j) for j in range(random.randint(50, 400))]
    scratch = {j: str(j) * 3 for j in range(random.randint(10, 200))}
    total = sum(len(r.values) for r in batch) + len(scratch)
    if mode == "leak":
        LEAK.extend({"round": k, "i": i} for i in range(200))
    return total


written = threading.Semaphore(0)   # the watcher wrote a snapshot
resume = threading.Semaphore(0)    # the main thread finished a round
rounds_done = [0]


def after_dump(path):
    written.release()
    resume.acquire()
    if rounds_done[0] > ROUNDS:
        watcher.stop()      # from the watcher's own thread: no further snapshot


step(0)
rounds_done[0] = 1
watcher = heapscope.watch("1ms", out, callback=after_dump)
for k in range(1, ROUNDS):
    written.acquire()
    step(k)
    rounds_done[0] = k + 1
    resume.release()
written.acquire()
rounds_done[0] = ROUNDS + 1
resume.release()
watcher.stop()
assert watcher.count == ROUNDS, watcher.count
