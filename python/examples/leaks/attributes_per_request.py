# expect: `g` of module `__main__`
# pattern: module_global
# A Flask-like `g`: a module-level namespace object meant to be reset per
# request. A decorator stashes each request's context on it under a name made
# from the request id ("so the error handler can find it") and nothing ever
# deletes the attribute: the object's __dict__ gains one entry per request.
import types


class _AppGlobals:
    """Request-scoped globals (a stand-in for flask.g)."""

    def __repr__(self):
        return "<g>"


g = _AppGlobals()


class RequestContext:
    def __init__(self, req):
        self.req = req
        self.user = USERS[req["user"]]
        self.form = {"field%d" % k: "value %d " % k * 4 for k in range(8)}
        self.started = datetime.datetime(2024, 1, 1)


def with_request_context(view):
    @functools.wraps(view)
    def wrapper(req):
        ctx = RequestContext(req)
        setattr(g, "ctx_" + req["id"].replace("-", "_"), ctx)   # never delattr'd
        return view(req)
    return wrapper


@with_request_context
def view(req):
    return dispatch(req)


# step (repeated by a growth series)
for n in range(600):
    view(make_request(n))
del n
