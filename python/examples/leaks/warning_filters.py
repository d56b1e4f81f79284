# expect: `filters` of module
# pattern: module_global
# fix: filters.remove(item)`
# A handler silences a deprecation warning about the field it is about to
# read with warnings.filterwarnings(), naming the request's field in the
# message pattern, instead of once at start-up (or inside
# warnings.catch_warnings()): every call adds a filter, which the
# interpreter keeps for good.
import warnings


def handle(req):
    warnings.filterwarnings("ignore", message="field %s is deprecated" % req["id"], category=DeprecationWarning)
    return dispatch(req)


# step (repeated by a growth series)
for n in range(300):
    handle(make_request(n))
del n
