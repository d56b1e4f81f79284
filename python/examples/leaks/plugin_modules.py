# expect: sys.modules
# pattern: module_registry
# Per-tenant "plugins" compiled from source at request time and registered
# in sys.modules so that later imports find them: one new module per request.
import sys
import types

PLUGIN_SOURCE = '''
RULES = [("limit", %d), ("region", "eu"), ("tier", "gold")]
NOTES = "generated for %s " * 8

def apply(request):
    return {name: value for name, value in RULES}
'''


def load_plugin(req):
    name = "tenant_plugin_%s" % req["id"].replace("-", "_")
    module = types.ModuleType(name)
    exec(PLUGIN_SOURCE % (req["user"], name), module.__dict__)
    sys.modules[name] = module
    return module


# step (repeated by a growth series)
for n in range(300):
    load_plugin(make_request(n)).apply(make_request(n))
del n
