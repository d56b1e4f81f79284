# expect: `MemoryHandler.buffer`
# pattern: log_buffer
audit_log = logging.getLogger("audit")
audit_log.propagate = False
audit_handler = logging.handlers.MemoryHandler(capacity=100000, flushLevel=logging.CRITICAL)
audit_log.addHandler(audit_handler)
audit_log.setLevel(logging.INFO)
# step (repeated by a growth series)
for n in range(1500):
    req = make_request(n)
    audit_log.info("served %s for %s", req["id"], req)    # the record keeps `req` alive
del n, req
