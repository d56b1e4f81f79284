# expect: `cache` of module `linecache`
# pattern: module_global
# Rules typed in by tenants are compiled per request under a unique file
# name, and the source is registered in linecache so tracebacks can show it;
# nothing ever removes the entries (linecache.clearcache / checkcache).
import linecache


def compile_rule(req, source):
    filename = "<rule %s>" % req["id"]
    lines = source.splitlines(True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    code = compile(source, filename, "exec")
    namespace = {}
    exec(code, namespace)
    return namespace["check"]


def handle_rule(req):
    source = "def check(req):\n" + "".join(
        "    if req['path'].startswith('/admin/%d'):  # tenant rule %d of %s\n        return False\n" % (k, k, req["id"])
        for k in range(12)
    ) + "    return True\n"
    check = compile_rule(req, source)
    return check(req)


# step (repeated by a growth series)
for n in range(700):
    handle_rule(make_request(n))
del n
