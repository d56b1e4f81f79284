# expect: `batch`
# pattern: frame_local
more = threading.Semaphore(0)
served = threading.Semaphore(0)


def consume():
    batch = []
    while True:
        more.acquire()
        for n in range(2500):
            batch.append(make_request(n))     # accumulated until shutdown
        served.release()


t = threading.Thread(target=consume, name="batcher", daemon=True)
t.start()
# step (repeated by a growth series): one more batch
more.release()
served.acquire()
