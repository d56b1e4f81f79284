# expect: `RpcClient._waiting`
# pattern: pending_futures
# An RPC client matching replies to requests by message id: a future per
# call waits in a dict until its reply comes — but calls that time out are
# never removed, and their replies never come.
class RpcClient:
    def __init__(self, loop):
        self.loop = loop
        self._next_id = 0
        self._waiting = {}

    async def call(self, method, payload):
        self._next_id += 1
        fut = self.loop.create_future()
        self._waiting[self._next_id] = fut
        fut.add_done_callback(functools.partial(self._log_reply, method, payload))
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout=0)
        except asyncio.TimeoutError:
            return None     # the caller gives up; the entry stays

    def _log_reply(self, method, payload, fut):
        log.debug("reply to %s (%d bytes sent)", method, len(payload["body"]))


async def serve(client):
    for n in range(400):
        req = make_request(n)
        await client.call("render", {"id": req["id"], "body": dispatch(req)})


loop = asyncio.new_event_loop()
client = RpcClient(loop)
# step (repeated by a growth series)
loop.run_until_complete(serve(client))
