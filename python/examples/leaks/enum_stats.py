# expect: `LATENCIES`
# pattern: module_global
# Latency samples per role and per route, kept to compute percentiles; the
# samples are never trimmed.
LATENCIES = {role: collections.defaultdict(list) for role in Role}


def observe(req, body):
    role = USERS[req["user"]].roles[-1]
    route = urllib.parse.urlparse(req["path"]).path.rsplit("/", 1)[0] or "/"
    LATENCIES[role][route].append((req["id"], len(body) / 1000.0, body[:60]))


# step (repeated by a growth series)
for n in range(2500):
    req = make_request(n)
    observe(req, dispatch(req))
del n, req
