"""The same program snapshotted before and after it grows.

    python growth.py BEFORE.json AFTER.json [--tracemalloc]

With --tracemalloc, tracemalloc traces (10 frames) are included and objects
carry their allocation tracebacks.
"""
import sys

if "--tracemalloc" in sys.argv:
    import tracemalloc
    tracemalloc.start(10)

import heapscope  # noqa: E402


class Order:
    def __init__(self, n):
        self.n = n
        self.lines = [("sku-%d" % (n * 10 + i), i + 1) for i in range(3)]
        self.note = "order %d" % n


class History:
    def __init__(self):
        self.orders = []
        self.index = {}

    def record(self, order):
        self.orders.append(order)
        self.index[order.n] = order


history = History()


def serve(count, start=0):
    for n in range(start, start + count):
        history.record(Order(n))


serve(100)
heapscope.dump(sys.argv[1])
serve(1000, start=100)              # grows: nothing is ever dropped
log_buffer = ["request %d handled" % i for i in range(500)]
heapscope.dump(sys.argv[2])
