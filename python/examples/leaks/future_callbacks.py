# expect: `Future._done_callbacks` in `SHUTDOWN`
# pattern: module_global
# fix: `SHUTDOWN.remove_done_callback(fn)`
# Each request registers a cleanup callback on the service's shutdown
# future ("close this request's resources when we shut down"), but the
# shutdown future only completes at exit, so its _callbacks list grows by
# one closure per request, each keeping its request state.
import concurrent.futures

SHUTDOWN = concurrent.futures.Future()


def handle(req):
    state = {"req": req, "tmp": ["chunk-%d" % i for i in range(8)], "scratch": bytearray(100)}

    def cleanup(fut, state=state):
        state.clear()

    SHUTDOWN.add_done_callback(cleanup)
    return dispatch(req)


# step (repeated by a growth series)
for n in range(300):
    handle(make_request(n))
del n
