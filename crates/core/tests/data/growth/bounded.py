import collections
import functools

from common import series

# No leak: caches bounded by size, full before the first dump, whose entries
# are replaced every round — turnover, not growth. Each round adds fewer
# entries than a cache holds, so some of a round's entries survive the next
# dump (survivors by memlab's definition) while no cache grows.
RECENT = collections.deque(({"id": -i, "path": "/warm/%d" % i} for i in range(200)), maxlen=200)


@functools.lru_cache(maxsize=128)
def render(path):
    return "<p>%s</p>" % path


class LRU:
    def __init__(self, size):
        self.size = size
        self.data = collections.OrderedDict()

    def put(self, key, value):
        self.data[key] = value
        self.data.move_to_end(key)
        while len(self.data) > self.size:
            self.data.popitem(last=False)


PAGES = LRU(100)
for i in range(300):
    render("/warm/%d" % i)
    PAGES.put("warm-%d" % i, ["w%d" % i])


def step(k):
    for i in range(150):
        n = 1000 * (k + 1) + i
        RECENT.append({"id": n, "path": "/r/%d" % n})
        if i < 100:
            render("/r/%d" % n)
        if i < 60:
            PAGES.put("p-%d" % n, ["page %d" % n])


series(step)
