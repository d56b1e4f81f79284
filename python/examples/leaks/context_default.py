# expect: default value of ContextVar `breadcrumbs`
# pattern: context_var
# Breadcrumbs for error reports, kept per request in a ContextVar — but its
# default is one list, shared by every context that never set its own: each
# request runs in a fresh copy of the context and appends to that list.
import contextvars

breadcrumbs = contextvars.ContextVar("breadcrumbs", default=[])


def handle(req):
    breadcrumbs.get().append({"request": req["id"], "path": req["path"], "body": dispatch(req)})


# step (repeated by a growth series)
for n in range(500):
    contextvars.copy_context().run(handle, make_request(n))
del n
