# expect: `Debouncer.timers`
# pattern: kept_threads
# Each change schedules a threading.Timer to save the document; the timers
# are kept so they could be cancelled, but finished ones are never removed
# (a Timer keeps its function and arguments after it has run).
import threading


class Debouncer:
    def __init__(self):
        self.timers = []

    def schedule(self, delay, fn, *args):
        t = threading.Timer(delay, fn, args)
        self.timers.append(t)
        t.start()
        return t


def save(doc):
    doc["saved"] = True


debouncer = Debouncer()

# step (repeated by a growth series)
for n in range(300):
    req = make_request(n)
    doc = {"req": req, "body": dispatch(req), "draft": "x" * 500}
    debouncer.schedule(0.0, save, doc).join()
del n, req, doc
