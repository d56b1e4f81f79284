# expect: `Pool.workers`
# pattern: kept_threads
import threading


class Pool:
    def __init__(self):
        self.workers = []

    def run(self, fn, *args):
        t = threading.Thread(target=fn, args=args)
        t.start()
        t.join()
        self.workers.append(t)     # kept after join: never removed


pool = Pool()

# step (repeated by a growth series)
for n in range(300):
    req = make_request(n)
    pool.run(dispatch, req)
del n, req
