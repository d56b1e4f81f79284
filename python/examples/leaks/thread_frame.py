# expect: `batch`
# pattern: frame_local
ready = threading.Event()
stop = threading.Event()


def consume():
    batch = []
    for n in range(2500):
        batch.append(make_request(n))     # accumulated until shutdown
    ready.set()
    stop.wait()


t = threading.Thread(target=consume, name="batcher", daemon=True)
t.start()
ready.wait()
