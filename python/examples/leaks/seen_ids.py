# expect: `seen`
# pattern: module_global
# Deduplication of incoming events: every event id is remembered so that a
# redelivered event is dropped, and nothing ever forgets an id. A set of
# short strings: its own hash table is bigger than the strings it holds.
seen = set()


def deliver(event):
    if event["id"] in seen:
        return None
    seen.add(event["id"])
    return dispatch(make_request(event["n"]))


# step (repeated by a growth series)
for n in range(20000):
    deliver({"id": "evt-%08d-%s" % (n, "ab" * 10), "n": n % 50})
del n
