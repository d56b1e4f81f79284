import functools

from common import series


@functools.lru_cache(maxsize=None)
def render(template_id, user):
    return "<p>%s for %s</p>" % (template_id, user) * 5


def step(k):
    for i in range(300):
        render(i % 7, "user-%d-%d" % (k, i))


series(step)
