# expect: `_rendered` of module `__main__`
# pattern: module_global
# Rendered responses cached under (user, path): the paths carry ids and
# queries, so almost every request makes a new entry, and none is evicted.
_rendered = {}


def cached_dispatch(req):
    key = (req["user"], req["path"])
    body = _rendered.get(key)
    if body is None:
        body = _rendered[key] = dispatch(req) + "<!-- rendered for %s -->" % req["id"]
    return body


# step (repeated by a growth series)
for n in range(800):
    cached_dispatch(make_request(n))
del n
