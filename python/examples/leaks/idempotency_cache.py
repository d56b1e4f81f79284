# expect: `_responses` of module `__main__`
# pattern: module_global
# Responses kept by request id so that a retried request gets the same
# answer ("idempotency keys") — but nothing ever expires an entry.
_responses = {}


def handle(req):
    cached = _responses.get(req["id"])
    if cached is not None:
        return cached
    body = dispatch(req)
    _responses[req["id"]] = {"status": 200, "body": body, "length": len(body)}
    return _responses[req["id"]]


# step (repeated by a growth series)
for n in range(500):
    handle(make_request(n))
del n
