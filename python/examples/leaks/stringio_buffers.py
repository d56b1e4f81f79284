# expect: `_transcripts` of module `__main__`
# pattern: module_global
# Each request writes a transcript into an io.StringIO kept by request id
# "until the client downloads it"; most clients never do.
_transcripts = {}


def handle(req):
    out = io.StringIO()
    out.write("request %s for %s\n" % (req["id"], req["path"]))
    for k in range(20):
        out.write("step %d: %s\n" % (k, "ok " * 20))
    out.write(dispatch(req))
    _transcripts[req["id"]] = out
    return out


# step (repeated by a growth series)
for n in range(600):
    handle(make_request(n))
del n
