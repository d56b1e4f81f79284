# expect: `local received` of the suspended generator `event_sink`
# pattern: paused_generators
# A generator-based sink (send() a value into it): it was meant to write
# each event out, but it keeps every event it received in a local list.
def event_sink():
    received = []
    while True:
        event = yield
        received.append(event)
        if len(received) % 1000 == 0:
            log.debug("sink has %d events", len(received))


sink = event_sink()
next(sink)
# step (repeated by a growth series)
for n in range(1200):
    req = make_request(n)
    sink.send({"id": req["id"], "path": req["path"], "body": dispatch(req)[:200]})
del n, req
