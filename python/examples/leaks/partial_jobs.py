# expect: `_jobs`
# pattern: pending_jobs
import functools

_jobs = []                   # deferred work, "run after the response": the runner was never started


def send_receipt(user, body):
    return len(user.email) + len(body)


def serve(req):
    body = dispatch(req)
    _jobs.append(functools.partial(send_receipt, USERS[req["user"]], body.encode()))
    return body


# step (repeated by a growth series)
for n in range(600):
    serve(make_request(n))
del n
