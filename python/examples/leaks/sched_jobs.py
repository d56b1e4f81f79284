# expect: `reminders` of module `__main__`
# pattern: scheduled_callbacks
# Reminders scheduled with sched an hour ahead on a scheduler whose run()
# is never called (or runs in a thread that died): each event keeps its
# arguments.
import sched
import time

reminders = sched.scheduler(time.monotonic, time.sleep)


def remind(session):
    session.clear()


def open_session(req):
    session = {"req": req, "cart": [("sku-%d" % k, k) for k in range(12)], "token": uuid.uuid4().hex}
    reminders.enter(3600, 1, remind, (session,))
    return session


# step (repeated by a growth series)
for n in range(800):
    open_session(make_request(n))
del n
