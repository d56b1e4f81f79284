# expect: `Signals.receivers['logout']`
# pattern: listeners
class Signals:
    def __init__(self):
        self.receivers = collections.defaultdict(set)   # signal name -> bound methods

    def connect(self, name, fn):
        self.receivers[name].add(fn)


signals = Signals()


class Session:
    def __init__(self, req):
        self.req = req
        self.buf = bytearray(900)

    def on_logout(self, **kw):
        pass

    def on_expire(self, **kw):
        pass


# step (repeated by a growth series)
for n in range(600):
    s = Session(make_request(n))
    signals.connect("logout", s.on_logout)      # never disconnected
    if n % 3 == 0:
        signals.connect("expire", s.on_expire)
del n, s
