# expect: `_activity` of module `__main__`
# pattern: module_global
# An activity feed: each user's events appended under the user's name with
# setdefault; no user's list is ever trimmed.
_activity = {}


def record(req):
    u = USERS[req["user"]]
    _activity.setdefault(u.name, []).append({"path": req["path"], "id": req["id"], "at": n})


# step (repeated by a growth series)
for n in range(3000):
    req = make_request(n)
    dispatch(req)
    record(req)
del n, req
