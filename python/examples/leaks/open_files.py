# expect: `Exporter.outputs`
# pattern: open_files
# Each report is spooled to its own temporary file, and the file objects
# are kept for a batch upload that never runs: every one keeps its buffer
# (and its handle).
import tempfile


class Exporter:
    def __init__(self):
        self.outputs = []

    def export(self, req):
        f = tempfile.TemporaryFile(mode="w+", prefix=req["id"])    # deleted when closed
        f.write(dispatch(req))
        self.outputs.append(f)


exporter = Exporter()
# step (repeated by a growth series)
for n in range(200):
    exporter.export(make_request(n))
del n
