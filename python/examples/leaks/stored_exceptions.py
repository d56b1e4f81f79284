# expect: `errors`
# pattern: stored_exceptions
errors = []


def parse_upload(req):
    payload = (req["id"] * 400).encode()
    rows = [payload[k:k + 50] for k in range(0, len(payload), 50)]
    raise ValueError("bad upload %s (%d rows)" % (req["id"], len(rows)))


# step (repeated by a growth series)
for n in range(120):
    try:
        parse_upload(make_request(n))
    except ValueError as e:
        errors.append(e)        # the exception keeps its traceback, and the frames their locals
