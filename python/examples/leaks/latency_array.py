# expect: `samples`
# pattern: growing_buffer
# Latency samples kept in a compact array('d') for percentiles: compact,
# but never trimmed.
import array

samples = array.array("d")


def observe(req):
    body = dispatch(req)
    samples.append(len(body) / 1000.0)
    samples.append(req["user"] / 4000.0)


# step (repeated by a growth series)
for n in range(60000):
    observe(make_request(n % 600))
del n
