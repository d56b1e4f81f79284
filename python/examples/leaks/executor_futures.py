# expect: `Uploader.submitted`
# pattern: pending_futures
# Uploads run on a thread pool; the futures are kept to report failures,
# but nobody reads them, and each finished future keeps its result.
import concurrent.futures


class Uploader:
    def __init__(self):
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
        self.submitted = []

    def upload(self, req):
        fut = self.pool.submit(render_upload, req)
        self.submitted.append(fut)
        return fut


def render_upload(req):
    return {"id": req["id"], "body": dispatch(req), "receipt": "r" * 400}


uploader = Uploader()

# step (repeated by a growth series)
for n in range(500):
    uploader.upload(make_request(n)).result()
del n
