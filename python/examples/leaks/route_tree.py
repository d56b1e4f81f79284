# expect: `Router.root`
# pattern: instance_attribute
# A prefix tree of node objects that records every path it was asked for,
# one node per path segment: segments hold ids, so the tree grows per request.
class Node:
    def __init__(self):
        self.children = {}
        self.hits = 0
        self.last = None


class Router:
    def __init__(self):
        self.root = Node()

    def record(self, req):
        node = self.root
        for segment in urllib.parse.urlparse(req["path"]).path.split("/")[1:] + [req["id"]]:
            child = node.children.get(segment)
            if child is None:
                child = node.children[segment] = Node()
            node = child
        node.hits += 1
        node.last = req


router = Router()
# step (repeated by a growth series)
for n in range(1500):
    req = make_request(n)
    dispatch(req)
    router.record(req)
del n, req
