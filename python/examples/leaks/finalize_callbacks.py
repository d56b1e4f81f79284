# expect: `finalize._registry`
# pattern: finalizers
class Upload:
    def __init__(self, req):
        self.req = req
        self.chunks = [bytearray(256) for _ in range(4)]

    def discard(self):
        self.chunks.clear()


def receive(req):
    up = Upload(req)
    # the callback is a bound method of `up`: the finalizer keeps `up` alive for ever
    weakref.finalize(up, up.discard)
    return len(up.chunks)


# step (repeated by a growth series)
for n in range(1200):
    receive(make_request(n))
del n
