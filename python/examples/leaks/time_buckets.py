# expect: `Stats.per_second`
# pattern: instance_attribute
# Traffic statistics bucketed per second: a bucket is made for every second
# that saw a request, and old buckets are never dropped.
class Stats:
    def __init__(self):
        self.per_second = {}

    def count(self, when, req, body):
        bucket = self.per_second.setdefault(when.replace(microsecond=0), {"hits": 0, "bytes": 0, "paths": []})
        bucket["hits"] += 1
        bucket["bytes"] += len(body)
        bucket["paths"].append(req["path"])


stats = Stats()
start = datetime.datetime(2024, 5, 1) + datetime.timedelta(days=ROUND)
# step (repeated by a growth series)
for n in range(1500):
    req = make_request(n)
    stats.count(start + datetime.timedelta(milliseconds=700 * n), req, dispatch(req))
del n, req
