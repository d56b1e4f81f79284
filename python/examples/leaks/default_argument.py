# expect: default argument `seen` of `remember_visit`
# pattern: default_argument
def remember_visit(req, seen=[]):
    seen.append({"id": req["id"], "path": req["path"], "headers": dict(req["headers"]), "at": datetime.datetime.now()})
    return len(seen)


# step (repeated by a growth series)
for n in range(2500):
    remember_visit(make_request(n))
del n
