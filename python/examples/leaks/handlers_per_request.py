# expect: `Logger.handlers`
# pattern: log_handlers
app_log = logging.getLogger("app")
app_log.propagate = False


def handle(req):
    h = logging.StreamHandler(io.StringIO())     # a handler per request, never removed
    app_log.addHandler(h)
    return dispatch(req)


# step (repeated by a growth series)
for n in range(400):
    handle(make_request(n))
del n
