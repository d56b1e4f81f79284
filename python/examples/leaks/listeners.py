# expect: `EventBus.listeners`
# pattern: listeners
class EventBus:
    def __init__(self):
        self.listeners = []

    def subscribe(self, fn):
        self.listeners.append(fn)

    def publish(self, event):
        for fn in self.listeners:
            fn(event)


bus = EventBus()


class RequestContext:
    def __init__(self, req):
        self.req = req
        self.scratch = bytearray(600)

    def on_shutdown(self, event):
        pass


def handle(req):
    ctx = RequestContext(req)
    bus.subscribe(ctx.on_shutdown)     # never unsubscribed
    return dispatch(req)


# step (repeated by a growth series)
for n in range(1200):
    handle(make_request(n))
del n
