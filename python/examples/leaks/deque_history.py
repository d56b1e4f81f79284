# expect: `Tracer.history`
# pattern: instance_attribute
# A request history kept in a deque made without maxlen: it is meant to
# hold "the last requests", but nothing ever pops from it.
class Tracer:
    def __init__(self):
        self.history = collections.deque()      # no maxlen: unbounded

    def record(self, req, body):
        self.history.append({"id": req["id"], "path": req["path"], "size": len(body), "head": body[:160]})


tracer = Tracer()
# step (repeated by a growth series)
for n in range(1500):
    req = make_request(n)
    tracer.record(req, dispatch(req))
del n, req
