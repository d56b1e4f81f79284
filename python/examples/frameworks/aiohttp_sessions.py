# expect: `sessions`
# pattern: module_global
# aiohttp server: per-connection state kept in an app-level dict keyed by request id, never removed.
import asyncio, itertools
from aiohttp import web
from aiohttp.test_utils import TestServer, TestClient
PROFILES = {i: {"uid": i, "name": "user%d" % i, "bio": "b" * 300} for i in range(6000)}
sessions = {}
ids = itertools.count()
async def handle(request):
    body = await request.json()
    sessions["sess-%06d" % next(ids)] = {"body": body, "headers": dict(request.headers), "buf": bytearray(256)}
    return web.json_response({"ok": True})
async def main():
    app = web.Application()
    app.router.add_post("/x", handle)
    async with TestClient(TestServer(app)) as client:
        for n in range(1500):
            r = await client.post("/x", json={"n": n, "pad": "q" * 200})
            await r.release()
asyncio.run(main())
