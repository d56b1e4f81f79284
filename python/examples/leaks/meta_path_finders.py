# expect: `meta_path` of module `sys`
# pattern: module_global
# fix: `sys.meta_path.remove(item)`
# A plugin loader installs a meta-path finder that maps plugin names to
# per-tenant directories each time a tenant request needs a plugin, instead
# of once; every finder (with its tenant's mapping) stays in sys.meta_path.
import sys
import importlib.abc


class TenantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, tenant, plugins):
        self.tenant = tenant
        self.plugins = plugins

    def find_spec(self, name, path, target=None):
        return None


def handle(req):
    sys.meta_path.append(TenantFinder("tenant-" + req["id"], {"p%d" % i: "/srv/%s/p%d" % (req["id"], i) for i in range(6)}))
    return dispatch(req)


# step (repeated by a growth series)
for n in range(300):
    handle(make_request(n))
del n
