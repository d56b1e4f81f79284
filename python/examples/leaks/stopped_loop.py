# expect: _ready` in `Publisher.loop`
# pattern: scheduled_callbacks
# fix: event loop that does not run
# Request handlers hand results to the asyncio side with
# loop.call_soon_threadsafe(publisher.publish, message). After a reload the
# loop was stopped and a new one started elsewhere, but the publisher still
# points at the old loop: every callback (and the message it carries) waits
# in that loop's ready queue forever.
import asyncio


class Publisher:
    def __init__(self, loop):
        self.loop = loop
        self.published = 0

    def publish(self, message):  # would run on the loop
        self.published += 1

    def submit(self, message):
        self.loop.call_soon_threadsafe(self.publish, message)


_old_loop = asyncio.new_event_loop()
_old_loop.run_until_complete(asyncio.sleep(0))  # ran once, then stopped on "reload"
publisher = Publisher(_old_loop)
del _old_loop


def handle(req):
    body = dispatch(req)
    publisher.submit({"request": req["id"], "user": USERS[req["user"]].email, "size": len(body),
                      "headers": dict(req["headers"]), "preview": body[:200]})
    return body


# step (repeated by a growth series)
for n in range(600):
    handle(make_request(n))
del n
