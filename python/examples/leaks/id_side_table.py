# expect: `_annotations` of module `__main__`
# pattern: module_global
# Extra data attached to objects the code does not own, in a side table
# keyed by id(obj): the objects come and go, their entries stay (and a new
# object that reuses an id gets an old entry).
_annotations = {}
recent = collections.deque(maxlen=200)     # the status page shows the last requests


class RequestContext:
    def __init__(self, req):
        self.req = req


def annotate(obj, **info):
    _annotations[id(obj)] = info


def serve(req):
    ctx = RequestContext(req)
    body = dispatch(req)
    annotate(ctx, body=body, size=len(body), user=req["user"])
    recent.append(ctx)
    return body


# step (repeated by a growth series)
for n in range(600):
    serve(make_request(n))
del n
