# expect: `CollectingHandler.records`
# pattern: log_buffer
# A handler that collects records "for the admin page": every record keeps
# its message arguments, here the whole request.
class CollectingHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.records = []

    def emit(self, record):
        self.records.append(record)


access = logging.getLogger("access")
access.setLevel(logging.INFO)
access.propagate = False
access.addHandler(CollectingHandler())
# step (repeated by a growth series)
for n in range(1500):
    req = make_request(n)
    access.info("served %s", req["id"], extra={"req": req, "size": len(dispatch(req))})
del n, req
