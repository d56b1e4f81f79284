# expect: `streams`
# pattern: paused_generators
streams = []


def export_rows(req):
    rows = [(req["id"], k, "row %d of %s" % (k, req["path"])) for k in range(60)]
    for row in rows:            # the caller reads one row, keeps the generator and never finishes it
        yield row


def start_export(req):
    gen = export_rows(req)
    first = next(gen)
    streams.append(gen)
    return first


# step (repeated by a growth series)
for n in range(300):
    start_export(make_request(n))
del n
