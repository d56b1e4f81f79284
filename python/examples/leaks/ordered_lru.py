# expect: `QueryCache._entries`
# pattern: instance_attribute
# A hand-written LRU over an OrderedDict: hits move the entry to the end,
# but the eviction (popitem(last=False) past a capacity) was never written,
# so every distinct query stays.
import collections


class QueryCache:
    def __init__(self, capacity=256):
        self.capacity = capacity          # meant as the bound; never checked
        self._entries = collections.OrderedDict()

    def get(self, query):
        if query in self._entries:
            self._entries.move_to_end(query)
            return self._entries[query]
        result = self._entries[query] = run_query(query)
        return result


def run_query(query):
    uid = int(query.rsplit("=", 1)[1]) % 4000
    u = USERS[uid]
    return [{"uid": u.uid, "name": u.name, "email": u.email, "q": query}]


queries = QueryCache()

# step (repeated by a growth series)
for n in range(900):
    req = make_request(n)
    queries.get("select * from users where name like '%%%s%%' and id=%d" % (req["path"], req["user"]))
del n, req
