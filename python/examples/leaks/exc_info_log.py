# expect: `failures` of module `__main__`
# pattern: stored_exceptions
# A batch importer keeps sys.exc_info() of every failed row to print a
# report later; each tuple keeps its traceback, the frames, and their locals.
import sys

failures = []


def import_row(req):
    blob = ("%s|%s|" % (req["id"], req["path"])) * 60
    fields = blob.split("|")
    if req["user"] % 3 == 0:
        raise KeyError("missing field in %s (%d fields)" % (req["id"], len(fields)))
    return fields


# step (repeated by a growth series)
for n in range(450):
    try:
        import_row(make_request(n))
    except KeyError:
        failures.append(sys.exc_info())
