# expect: `SelectSelector._fd_to_key` in `SEL`
# pattern: module_global
# fix: call `SEL.unregister(fileobj)`
# An event loop of a chat server registers each client connection with a
# selector and attaches its session. On disconnect it closes the connection
# but forgets selector.unregister(), so _fd_to_key keeps every connection
# and its session.
import selectors

SEL = selectors.SelectSelector()


class Conn:
    _next = 1000

    def __init__(self, req):
        Conn._next += 1
        self.fd = Conn._next
        self.req = req
        self.closed = False
        self.inbox = [("msg-%d" % i) * 3 for i in range(6)]

    def fileno(self):
        return self.fd

    def close(self):
        self.closed = True


def handle(req):
    conn = Conn(req)
    SEL.register(conn, selectors.EVENT_READ, {"session": req["id"], "user": req["user"], "buffer": bytearray(64)})
    out = dispatch(req)
    conn.close()  # forgets SEL.unregister(conn)
    return out


# step (repeated by a growth series)
for n in range(300):
    handle(make_request(n))
del n
