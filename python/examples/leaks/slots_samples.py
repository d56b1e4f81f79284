# expect: `Sample.history`
# pattern: class_attribute
# Small __slots__ records (no __dict__) for every request, kept in a class
# attribute "for the stats page", never trimmed.
class Sample:
    __slots__ = ("rid", "path", "user", "took", "tags")
    history = []

    def __init__(self, rid, path, user, took, tags):
        self.rid, self.path, self.user, self.took, self.tags = rid, path, user, took, tags
        Sample.history.append(self)


# step (repeated by a growth series)
for n in range(2500):
    req = make_request(n)
    Sample(req["id"], req["path"], req["user"], n % 97 / 10.0, ("web", req["path"][:8]))
del n, req
