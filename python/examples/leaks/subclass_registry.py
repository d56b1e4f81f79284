# expect: `Handler.registry`
# pattern: runtime_classes
class Handler:
    registry = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Handler.registry.append(cls)        # every subclass ever made, for ever


def handler_for(req):
    # a class made per request: `type()` in a loop
    def handle(self):
        return dispatch(self.req)
    return type("Handler_%s" % req["id"].replace("-", "_"), (Handler,), {"req": req, "handle": handle, "route": req["path"]})


# step (repeated by a growth series)
for n in range(700):
    handler_for(make_request(n))
del n
