# expect: `Child`
# pattern: garbage_cycles
# A service "tuned" its collector for throughput (gc.set_threshold(200000)):
# each upload builds a Parent/Child cycle (child.parent back-reference) with
# a large payload and drops it. Few container objects are allocated per
# upload, so generation 0 never reaches its threshold and the unreachable
# cycles - each keeping a 20 KB buffer - pile up.
gc.collect()
gc.set_threshold(200_000, 50, 50)


class Child:
    def __init__(self, parent, k):
        self.parent = parent
        self.k = k


class Parent:
    def __init__(self, name):
        self.name = name
        self.payload = bytes(20_000)
        self.children = [Child(self, k) for k in range(3)]


def handle_upload(n):
    p = Parent("upload-%d" % n)
    return len(p.payload)


# step (repeated by a growth series)
for n in range(150):
    handle_upload(n)
del n
