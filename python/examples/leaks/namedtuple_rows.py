# expect: `recent_rows`
# pattern: module_global
# Each query result gets its own namedtuple class, made from the columns it
# returned; the rows are kept for a "recent results" panel, so every class
# (its type object, its __dict__, its field descriptors) lives on with them.
from collections import namedtuple

recent_rows = []


def fetch(req):
    columns = ["uid", "name", "email", "path"] + (["q%d" % (req["user"] % 7)] if req["user"] % 2 else [])
    Row = namedtuple("Row", columns)          # a new class per call
    u = USERS[req["user"]]
    values = [u.uid, u.name, u.email, req["path"]] + ([req["id"]] if req["user"] % 2 else [])
    return Row(*values)


# step (repeated by a growth series)
for n in range(500):
    recent_rows.append(fetch(make_request(n)))
del n
