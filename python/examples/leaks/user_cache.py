# expect: `_page_cache` of module `__main__`
# pattern: module_global
# Rendered profile pages cached by user id and never evicted: keyed like
# the users table (small ints), so it grows towards one page per user.
_page_cache = {}


def profile_page(req):
    uid = req["user"]
    page = _page_cache.get(uid)
    if page is None:
        u = USERS[uid]
        page = _page_cache[uid] = render("profile", title=u.name, body="%s %s" % (u.email, u.prefs["bio"]))
    return page


# step (repeated by a growth series)
for n in range(700):
    req = make_request(n)
    dispatch(req)
    profile_page(req)
del n, req
