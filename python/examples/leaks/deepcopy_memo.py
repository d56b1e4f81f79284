# expect: `_COPY_MEMO` of module `__main__`
# pattern: module_global
# fix: pass a new dict to each deepcopy
# "Reuse the memo so that the shared config is not copied again for every
# request": copy.deepcopy's memo keeps every copy it made (keyed by the
# original's id) and every original (in the list under the memo's own id).
import copy

_COPY_MEMO = {}


def snapshot_request(req):
    return copy.deepcopy({"req": req, "config": CONFIG, "trace": ["t" * 100]}, _COPY_MEMO)


LAST = None
# step (repeated by a growth series)
for n in range(2000):
    LAST = snapshot_request(make_request(n))
del n
