# expect: `excepthook` of module `sys`
# pattern: linked_chain
# fix: install the wrapper once
# Each request installs a crash hook that prints its context and then calls
# the hook it replaced. The new hook captures the old one (`prev`), so every
# hook ever installed - with the request and context it captured - stays
# alive in a chain from sys.excepthook.
import sys


def install_crash_context(req, ctx):
    prev = sys.excepthook

    def hook(tp, value, tb):
        sys.stderr.write("crash during %s (%r)\n" % (req["id"], ctx))
        prev(tp, value, tb)

    sys.excepthook = hook


def handle(req):
    ctx = {"user": USERS[req["user"]].name, "path": req["path"], "trace": ["frame%d" % k for k in range(6)]}
    install_crash_context(req, ctx)
    return dispatch(req)


# step (repeated by a growth series)
for n in range(500):
    handle(make_request(n))
del n
