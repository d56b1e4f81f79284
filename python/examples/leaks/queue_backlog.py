# expect: `outbox`
# pattern: queue_backlog
import queue

outbox = queue.Queue()      # the sender thread was never started: nothing calls get()


def notify(req):
    body = dispatch(req)
    outbox.put({"to": USERS[req["user"]].email, "subject": "your page", "body": body.encode()})


# step (repeated by a growth series)
for n in range(400):
    notify(make_request(n))
del n
