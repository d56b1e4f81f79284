# expect: `Pool._registry`
# pattern: weak_container
class Connection:
    def __init__(self, n):
        self.n = n
        self.buffer = bytearray(700)


class Pool:
    def __init__(self):
        # meant to forget connections nobody uses, but the values hold them
        self._registry = weakref.WeakKeyDictionary()

    def track(self, conn):
        self._registry[conn] = (conn, time_opened(conn))


def time_opened(conn):
    return datetime.datetime(2024, 1, 1) + datetime.timedelta(seconds=conn.n)


pool = Pool()
# step (repeated by a growth series)
for n in range(1200):
    pool.track(Connection(n))
del n
