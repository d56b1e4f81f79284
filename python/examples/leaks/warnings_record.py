# expect: `_showwarnmsg_impl.__self__` of module `warnings`
# pattern: recorded_warnings
# fix: use it as a `with` block
# Deprecations are collected for a report with
# warnings.catch_warnings(record=True), entered at start-up and never
# exited: its list records every warning shown since, each with its
# per-request message.
import warnings


def collect_deprecations():
    cm = warnings.catch_warnings(record=True)
    cm.__enter__()  # never __exit__'d
    warnings.simplefilter("always")


collect_deprecations()


def legacy_param(req):
    warnings.warn("request %s uses deprecated 'q' parameter in %s" % (req["id"], req["path"]), DeprecationWarning)


def handle(req):
    if "?" in req["path"] or req["user"] % 2:
        legacy_param(req)
    return dispatch(req)


# step (repeated by a growth series)
for n in range(600):
    handle(make_request(n))
del n
