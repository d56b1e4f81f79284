# expect: `ReplicationLog.pickler`
# pattern: instance_attribute
# not on: 3.8: its C Pickler does not show its memo to gc (heapscope says "held only from C")
# Events are streamed to a replication log with one long-lived
# pickle.Pickler (to save re-creating it per event). Its memo remembers
# every object it has pickled - and keeps each alive - until clear_memo(),
# which is never called.
import pickle


class Event:
    def __init__(self, req, body):
        self.id = req["id"]
        self.user = req["user"]
        self.body = body
        self.tags = ["web", "v2", req["path"][:12]]


class ReplicationLog:
    def __init__(self):
        self.stream = io.BytesIO()
        self.pickler = pickle.Pickler(self.stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.count = 0

    def write(self, event):
        self.pickler.dump(event)
        self.count += 1
        if self.stream.tell() > 256 * 1024:           # "ship" and reuse the buffer
            self.stream.seek(0)
            self.stream.truncate()


replication = ReplicationLog()
# step (repeated by a growth series)
for n in range(800):
    req = make_request(n)
    replication.write(Event(req, dispatch(req)))
del n, req
