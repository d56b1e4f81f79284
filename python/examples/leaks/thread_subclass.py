# expect: `Crawler.finished`
# pattern: kept_threads
# A crawler runs each fetch in a Thread subclass that keeps its page; the
# finished threads are kept in a class-level list "for the report".
import threading


class FetchThread(threading.Thread):
    def __init__(self, req):
        super().__init__(name="fetch-%s" % req["id"])
        self.req = req
        self.page = None

    def run(self):
        self.page = dispatch(self.req) + ("<!-- %s -->" % self.req["id"]) * 10


class Crawler:
    def __init__(self):
        self.finished = []

    def fetch(self, req):
        t = FetchThread(req)
        t.start()
        t.join()
        self.finished.append(t)     # kept after join
        return t.page


crawler = Crawler()

# step (repeated by a growth series)
for n in range(300):
    crawler.fetch(make_request(n))
del n
