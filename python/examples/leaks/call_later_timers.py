# expect: `_UnixSelectorEventLoop._scheduled`
# pattern: scheduled_callbacks
loop = asyncio.new_event_loop()


def expire(session):
    session.clear()


def open_session(req):
    session = {"req": req, "cart": [("sku-%d" % k, k) for k in range(12)], "token": uuid.uuid4().hex}
    loop.call_later(3600, expire, session)      # a timer per session, an hour away: the payloads wait in the loop
    return session


# step (repeated by a growth series)
for n in range(800):
    open_session(make_request(n))
del n
