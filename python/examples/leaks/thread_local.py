# expect: `context`
# pattern: thread_local
context = threading.local()
ready = threading.Event()
stop = threading.Event()


def worker():
    context.seen = []
    for n in range(3000):
        context.seen.append(make_request(n))      # per-thread history, never cleared
    ready.set()
    stop.wait()


t = threading.Thread(target=worker, name="request-worker", daemon=True)
t.start()
ready.wait()
