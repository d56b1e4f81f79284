"""A web-ish app whose module-level cache keeps every Request alive.

Run: python -m heapscope run python/examples/leak.py --out leak.heapscope.json
"""


class User:
    def __init__(self, name):
        self.name = name
        self.roles = ["reader"]


class Request:
    def __init__(self, n, user):
        self.id = "req-%d" % n
        self.path = "/items/%d" % (n % 17)
        self.user = user
        self.headers = {"accept": "text/html", "x-request-id": self.id}
        self.body = b"." * (512 + 64 * (n % 8))


cache = {}                      # the leak: nothing ever evicts


def handle(n, user):
    req = Request(n, user)
    cache[req.id] = req         # "memoize" the request
    return len(req.body)


alice = User("alice")
for n in range(200):
    handle(n, alice)
