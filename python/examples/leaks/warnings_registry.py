# expect: `__warningregistry__` of module `__main__`
# pattern: warning_registry
# A warning whose text holds a per-request value, under the default filter:
# the warnings module remembers every (text, category, line) it has shown
# in the calling module's `__warningregistry__`, so each new text is a new
# entry that is never dropped.
import warnings


def handle(req):
    body = dispatch(req)
    if len(body) > 200:
        warnings.warn("slow request %s for %s (%d bytes)" % (req["id"], req["path"], len(body)))
    return body


# step (repeated by a growth series)
for n in range(1500):
    handle(make_request(n))
del n
