# expect: ContextVar `audit_trail`
# pattern: context_var
# An audit trail kept in a ContextVar: meant to be per request, but it is
# set once at start-up in the main context, and every request served there
# appends to the same list.
import contextvars

audit_trail = contextvars.ContextVar("audit_trail")
audit_trail.set([])


def audited(req):
    body = dispatch(req)
    audit_trail.get().append({"request": req["id"], "user": req["user"], "body": body})
    return body


# step (repeated by a growth series)
for n in range(500):
    audited(make_request(n))
del n
