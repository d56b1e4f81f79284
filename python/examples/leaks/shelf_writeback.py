# expect: `DbfilenameShelf.cache` in `PROFILES` of module `__main__`
# pattern: module_global
# fix: PROFILES.sync()
# Visitor profiles live in a shelf opened with writeback=True so that
# in-place edits persist; the process never calls sync() or close(), so
# every entry ever read or written stays in the shelf's in-memory cache.
import os
import shelve
import tempfile

_dir = tempfile.mkdtemp(prefix="profiles")
PROFILES = shelve.open(os.path.join(_dir, "profiles"), writeback=True)


def record_visit(req):
    key = "visitor-%s" % req["id"]
    profile = PROFILES.setdefault(key, {"user": req["user"], "visits": []})
    profile["visits"].append({"path": req["path"], "headers": dict(req["headers"]), "note": "v" * 300})


# step (repeated by a growth series)
for n in range(2000):
    record_visit(make_request(n))
del n
