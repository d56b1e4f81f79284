# expect: `path` of module `sys`
# pattern: module_global
# fix: `sys.path.remove(item)`
# A plugin loader puts each tenant's plugin directory on the import path
# every time a request needs a plugin, instead of once per tenant (or with
# importlib.util.spec_from_file_location, which needs no path entry): the
# interpreter's sys.path gains a string per request and keeps it.
import sys


def load_plugin(req):
    sys.path.append("/srv/tenants/%s/plugins/%s" % (req["id"], req["path"].strip("/")))
    return dispatch(req)


# step (repeated by a growth series)
for n in range(300):
    load_plugin(make_request(n))
del n
