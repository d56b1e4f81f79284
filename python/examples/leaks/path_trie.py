# expect: `PathStats.root`
# pattern: instance_attribute
# Hit counts kept in a trie of nested dicts, one level per path segment:
# fine for routes, but segments hold user ids and queries, so every request
# adds nodes that are never removed.
class PathStats:
    def __init__(self):
        self.root = {}

    def count(self, req):
        node = self.root
        for segment in urllib.parse.urlparse(req["path"]).path.split("/")[1:] + [req["id"]]:
            node = node.setdefault(segment, {})
        node["hits"] = node.get("hits", 0) + 1


stats = PathStats()
# step (repeated by a growth series)
for n in range(1500):
    req = make_request(n)
    dispatch(req)
    stats.count(req)
del n, req
