# expect: `Notifier.ready`
# pattern: pending_futures
# Each request's task waits on an asyncio.Event that is set only when a
# reindex finishes; the reindex was removed, so the waiters pile up in the
# event and keep their requests (the tasks themselves are kept by nothing else).
import asyncio


class Notifier:
    def __init__(self):
        self.ready = asyncio.Event()


async def wait_then_reply(notifier, req):
    body = dispatch(req)
    await notifier.ready.wait()
    return body


async def main():
    notifier = Notifier()
    for n in range(600):
        asyncio.ensure_future(wait_then_reply(notifier, make_request(n)))
    await asyncio.sleep(0)
    return notifier


# step (repeated by a growth series)
loop = asyncio.new_event_loop()
notifier = loop.run_until_complete(main())
