# expect: `context`
# pattern: thread_local
context = threading.local()
more = threading.Semaphore(0)
served = threading.Semaphore(0)


def worker():
    context.seen = []
    while True:
        more.acquire()
        for n in range(3000):
            context.seen.append(make_request(n))      # per-thread history, never cleared
        served.release()


t = threading.Thread(target=worker, name="request-worker", daemon=True)
t.start()
# step (repeated by a growth series): one more round of requests
more.release()
served.acquire()
