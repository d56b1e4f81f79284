# expect: `sessions_root`
# pattern: module_global
# A span tree for tracing: each request adds a span under its user's span,
# each child points back to its parent; the root is a module global and
# nothing prunes finished spans.
class Span:
    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.children = []
        self.attrs = {}
        if parent is not None:
            parent.children.append(self)


sessions_root = Span("root")
_by_user = {}


def trace(req):
    user_span = _by_user.get(req["user"] % 40)
    if user_span is None:
        user_span = _by_user[req["user"] % 40] = Span("user-%d" % (req["user"] % 40), sessions_root)
    span = Span("request %s" % req["id"], user_span)
    span.attrs = {"path": req["path"], "headers": dict(req["headers"]), "id": req["id"]}
    Span("dispatch", span).attrs["body"] = dispatch(req)[:200]


# step (repeated by a growth series)
for n in range(700):
    trace(make_request(n))
del n
