# expect: `Audit.last`
# pattern: linked_chain
class Entry:
    def __init__(self, req, prev):
        self.req = req
        self.prev = prev          # every entry keeps the one before it: a chain back to the first
        self.body = bytearray(500)


class Audit:
    def __init__(self):
        self.last = None

    def record(self, req):
        self.last = Entry(req, self.last)


audit = Audit()
# step (repeated by a growth series)
for n in range(1500):
    audit.record(make_request(n))
del n
