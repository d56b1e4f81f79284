# expect: `Metrics.hits`
# pattern: instance_attribute
# Request metrics labelled by path: fine for a few routes, but the path
# holds the user id and the query, so each request makes a new label that
# the counter keeps for ever (unbounded label cardinality).
class Metrics:
    def __init__(self):
        self.hits = collections.Counter()

    def observe(self, req):
        self.hits["%s %s" % (req["headers"]["accept"], req["path"])] += 1


metrics = Metrics()
# step (repeated by a growth series)
for n in range(900):
    req = make_request(n)
    dispatch(req)
    metrics.observe(req)
del n, req
