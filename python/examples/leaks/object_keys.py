# expect: `_started` of module `__main__`
# pattern: module_global
# Request timing: the start time is stored under the request's context
# object and popped when the response is logged — but only successful
# responses are logged, so every failed request leaves its context (and the
# request and body it holds) in the dict.
import time

_started = {}


class RequestContext:
    def __init__(self, req):
        self.req = req
        self.body = None


def begin(ctx):
    _started[ctx] = time.monotonic()


def finish(ctx):
    if ctx.body and "Not found" not in ctx.body:
        log.debug("%s took %.3f s", ctx.req["id"], time.monotonic() - _started.pop(ctx))


def serve(req):
    ctx = RequestContext(req)
    begin(ctx)
    ctx.body = dispatch(req)
    finish(ctx)
    return ctx.body


# step (repeated by a growth series)
for n in range(900):
    req = make_request(n)
    req["path"] = "/missing/%d" % n if n % 3 else req["path"]
    serve(req)
del n, req
