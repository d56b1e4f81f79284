# expect: `_timers`
# pattern: scheduled_callbacks
import heapq
import time
import itertools

_timers = []                 # (deadline, seq, callback): pushed per request, never popped
_seq = itertools.count()


def serve(req):
    body = dispatch(req)
    heapq.heappush(_timers, (time.time() + 3600, next(_seq), lambda body=body: len(body)))
    return body


# step (repeated by a growth series)
for n in range(800):
    serve(make_request(n))
del n
