# expect: `render_report`
# pattern: unbounded_cache
@functools.lru_cache(maxsize=None)
def render_report(user_id, day):
    u = USERS[user_id]
    return render("profile", title=u.name, body="report for %s on day %d" % (u.email, day)) * 2


# step (repeated by a growth series)
for n in range(600):
    render_report(n % 4000, n + 1000 * ROUND)
del n
