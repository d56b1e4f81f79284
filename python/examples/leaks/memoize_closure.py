# expect: `cache`
# pattern: unbounded_cache
def memoize(fn):
    cache = {}

    def wrapper(*args):
        if args not in cache:
            cache[args] = fn(*args)
        return cache[args]
    return wrapper


@memoize
def render_invoice(req_id, user):
    u = USERS[user]
    return render("profile", title=u.name, body="invoice %s for %s" % (req_id, u.email))


# step (repeated by a growth series)
for n in range(700):
    req = make_request(n)
    render_invoice(req["id"], req["user"])
del n, req
