"""A small service snapshotted three times while it runs: its price table
is big and never grows; every request subscribes a bound method to the
event bus and never unsubscribes it (the leak); each round also makes and
drops temporary objects (noise).

    python service.py OUT_PREFIX      (writes OUT_PREFIX-1/2/3.heapscope.json)
"""
import random
import sys

import heapscope

random.seed(3)


class Product:
    def __init__(self, sku):
        self.sku = sku
        self.name = "product %s" % sku
        self.price_cents = random.randint(100, 100000)


# Loaded once at start-up: big, legitimate, constant.
CATALOG = {("sku-%05d" % i): Product(i) for i in range(4000)}


class EventBus:
    def __init__(self):
        self.handlers = []

    def subscribe(self, handler):
        self.handlers.append(handler)


bus = EventBus()


class RequestContext:
    def __init__(self, n):
        self.n = n
        self.headers = {"x-request-id": "req-%d" % n, "accept": "application/json"}
        self.body = bytearray(512)
        bus.subscribe(self.on_shutdown)       # the leak: never unsubscribed

    def on_shutdown(self, event):
        return self.n


def handle(n):
    ctx = RequestContext(n)
    basket = [CATALOG["sku-%05d" % random.randrange(4000)] for _ in range(5)]
    return sum(p.price_cents for p in basket) + len(ctx.headers)


def main():
    prefix = sys.argv[1]
    n = 0
    for round_ in range(1, 4):
        for _ in range(300):
            handle(n)
            n += 1
        scratch = [str(i) * 10 for i in range(random.randint(100, 2000))]   # noise
        del scratch
        heapscope.dump("%s-%d.heapscope.json" % (prefix, round_))


if __name__ == "__main__":
    main()
