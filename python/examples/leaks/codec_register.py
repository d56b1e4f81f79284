# expect: the interpreter's codec search path
# pattern: native_held
# fix: codecs.unregister(fn)
# A report renderer registers a codec search function for the report's
# charset alias on every render instead of once; codecs.register appends to
# the interpreter's search path, which has no unregister before 3.10 and is
# never cleaned here, so every closure (with its alias table) stays.
import codecs


def handle(req):
    aliases = {"report-%s-%d" % (req["id"], i): "utf-8" for i in range(8)}

    def search(name, aliases=aliases):
        target = aliases.get(name)
        return codecs.lookup(target) if target else None

    codecs.register(search)
    return dispatch(req)


# step (repeated by a growth series)
for n in range(300):
    handle(make_request(n))
del n
