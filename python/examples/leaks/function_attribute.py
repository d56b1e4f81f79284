# expect: `handle.seen`
# pattern: function_attribute
# State kept on a function object: `handle.seen` is set once at import and
# every call adds to it, for the life of the function (of the module).
def handle(req):
    body = dispatch(req)
    handle.seen[req["id"]] = {"path": req["path"], "size": len(body), "head": body[:120]}
    return body


handle.seen = {}

# step (repeated by a growth series)
for n in range(700):
    handle(make_request(n))
del n
