# expect: `Capture.raw`
# pattern: growing_buffer
# A debugging aid left on: every response is copied into a bytearray that
# is only ever extended ("dump it when something goes wrong").
class Capture:
    def __init__(self):
        self.raw = bytearray()

    def record(self, req, body):
        self.raw += b"%s %s\n" % (req["id"].encode(), req["path"].encode())
        self.raw += body.encode()


capture = Capture()


def serve(req):
    body = dispatch(req)
    capture.record(req, body)
    return body


# step (repeated by a growth series)
for n in range(400):
    serve(make_request(n))
del n
