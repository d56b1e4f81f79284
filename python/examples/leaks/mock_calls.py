# expect: `statsd` of module `__main__`
# pattern: module_global
# fix: statsd.reset_mock()
# Metrics go to a StatsD client, replaced by a MagicMock when no host is
# configured (as in tests, left in production config). A mock records every
# call with its arguments - mock_calls, method_calls, and each child mock's
# own lists - so every request's tags stay alive.
from unittest import mock

STATSD_HOST = None


class StatsClient:
    def __init__(self, host):
        self.host = host

    def timing(self, name, ms, tags=None):
        pass

    def incr(self, name, tags=None):
        pass


statsd = StatsClient(STATSD_HOST) if STATSD_HOST else mock.MagicMock(name="statsd")


def instrumented(req):
    body = dispatch(req)
    tags = {"path": req["path"], "user": "user%05d" % req["user"], "request": req["id"], "bytes": len(body)}
    statsd.timing("http.request.latency", 12.5 + req["user"] % 7, tags=tags)
    statsd.incr("http.status.200", tags=["route:" + req["path"], "req:" + req["id"]])
    return body


# step (repeated by a growth series)
for n in range(500):
    instrumented(make_request(n))
del n
