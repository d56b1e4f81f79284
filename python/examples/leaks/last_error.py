# expect: traceback of the `ValueError` in `Importer.last_error`
# pattern: stored_exceptions
# A long-lived importer remembers its last failure for a status page. The
# exception keeps its traceback, the traceback keeps the frame of the
# failed run, and that frame keeps every local of it: the whole batch.
class Importer:
    def __init__(self):
        self.last_error = None

    def run(self, count):
        batch = [make_request(n) for n in range(count)]
        try:
            for n, req in enumerate(batch):
                if n == count - 1:
                    raise ValueError("row %d: bad header" % n)
                dispatch(req)
        except ValueError as e:
            self.last_error = e


importer = Importer()
# step (repeated by a growth series)
importer.run(3000)
