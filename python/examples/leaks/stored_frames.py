# expect: `_slow_calls` of module `__main__`
# pattern: stored_frames
# The frame of every slow call kept "for debugging": a frame keeps all its
# locals (and the frames that called it) alive.
import sys

_slow_calls = []


def handle(req):
    body = dispatch(req)
    rendered = [body[k:k + 64] for k in range(0, len(body), 64)]
    if len(rendered) > 2:
        _slow_calls.append(sys._getframe())
    return len(rendered)


# step (repeated by a growth series)
for n in range(600):
    handle(make_request(n))
del n
