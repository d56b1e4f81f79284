# expect: `AccessLog.text`
# pattern: growing_buffer
class AccessLog:
    def __init__(self):
        self.text = ""

    def write(self, req, body):
        self.text += "%s %s %d\n%s\n" % (req["id"], req["path"], len(body), body[:200])


log = AccessLog()


def serve(req):
    body = dispatch(req)
    log.write(req, body)
    return body


# step (repeated by a growth series)
for n in range(1500):
    serve(make_request(n))
del n
