# expect: `SessionStore._sessions`
# pattern: class_attribute
class Session:
    def __init__(self, sid, user):
        self.sid = sid
        self.user = user
        self.cart = [("sku-%d" % k, k) for k in range(20)]
        self.token = base64.b64encode(hashlib.sha256(sid.encode()).digest() * 4)


class SessionStore:
    _sessions = {}          # shared by every store; sessions are never expired

    def open(self, req):
        s = Session(req["id"], USERS[req["user"]])
        self._sessions[s.sid] = s
        return s


store = SessionStore()
# step (repeated by a growth series)
for n in range(500):
    store.open(make_request(n))
del n
