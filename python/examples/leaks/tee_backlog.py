# expect: `audit_copy` of module `__main__`
# pattern: tee_backlog
# itertools.tee splits a stream of events in two; the second branch (an
# audit copy) is never read, so tee buffers every event the first sees.
def events():
    n = 0
    while True:
        req = make_request(n)
        yield {"req": req, "body": dispatch(req)}
        n += 1


live, audit_copy = itertools.tee(events())

# step (repeated by a growth series)
for _ in range(1200):
    next(live)
