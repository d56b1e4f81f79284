# expect: `cleanup` of module `__main__`
# pattern: exit_stack
# An ExitStack opened at start-up and closed only at shutdown: every
# request registers its clean-up on it, so each callback (and what it
# refers to) waits until the process ends.
cleanup = contextlib.ExitStack()


class Upload:
    def __init__(self, req):
        self.req = req
        self.chunks = [bytes(64) for _ in range(6)]

    def discard(self):
        self.chunks.clear()


def handle(req):
    up = Upload(req)
    cleanup.callback(up.discard)        # never run: the stack is closed at exit
    return dispatch(req)


# step (repeated by a growth series)
for n in range(800):
    handle(make_request(n))
del n
