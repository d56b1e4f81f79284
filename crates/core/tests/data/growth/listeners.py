from common import series


class Session:
    def __init__(self, n):
        self.n = n
        self.buffer = bytearray(300)

    def on_close(self, event):
        return event


class Dispatcher:
    def __init__(self):
        self.callbacks = []

    def register(self, fn):
        self.callbacks.append(fn)


dispatcher = Dispatcher()


def step(k):
    for i in range(250):
        s = Session(i)
        dispatcher.register(s.on_close)   # never unregistered


series(step)
