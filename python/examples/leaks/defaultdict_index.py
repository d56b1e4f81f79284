# expect: `EventIndex.by_user`
# pattern: instance_attribute
class EventIndex:
    def __init__(self):
        self.by_user = collections.defaultdict(list)     # an index that is only ever appended to

    def add(self, req, body):
        self.by_user[req["user"] % 150].append((req["id"], req["path"], len(body), body[:120]))


index = EventIndex()
# step (repeated by a growth series)
for n in range(3000):
    req = make_request(n)
    index.add(req, dispatch(req))
del n, req
