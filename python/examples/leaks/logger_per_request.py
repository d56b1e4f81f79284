# expect: `Manager.loggerDict`
# pattern: logger_registry
def handle(req):
    # a logger per request: logging keeps every logger it ever made
    log = logging.getLogger("service.request.%s" % req["id"])
    log.setLevel(logging.INFO)
    log.info("user %s asked for %s", req["user"], req["path"])
    return dispatch(req)


# step (repeated by a growth series)
for n in range(2500):
    handle(make_request(n))
del n
