"""Reference cycles with the collector disabled: some unreachable (garbage
that only the cyclic gc could free), some still reachable from a global.

Run: python -m heapscope run python/examples/cycle.py --out cycle.heapscope.json
"""
import gc

gc.disable()


class Node:
    def __init__(self, name):
        self.name = name
        self.parent = None
        self.children = []
        self.payload = bytearray(256)

    def add(self, child):
        child.parent = self             # child -> parent -> children -> child
        self.children.append(child)
        return child


class Session:
    def __init__(self, sid):
        self.sid = sid
        self.on_close = self.close      # bound method: self -> method -> self

    def close(self):
        pass


def build_tree(name, width):
    root = Node(name)
    for i in range(width):
        root.add(Node("%s.%d" % (name, i)))
    return root


for k in range(10):
    build_tree("garbage-%d" % k, 5)     # unreachable after this line
    Session("lost-%d" % k)              # unreachable self-cycle

kept = build_tree("kept", 5)            # reachable cycle
sessions = [Session("live-%d" % i) for i in range(3)]
