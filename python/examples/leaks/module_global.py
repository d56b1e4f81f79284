# expect: `large_data`
# pattern: module_global
large_data = []


def process(req):
    body = dispatch(req)
    large_data.append((req["id"], body.encode()))   # kept "for debugging"
    return len(body)


# step (repeated by a growth series)
for n in range(600):
    process(make_request(n))
del n
