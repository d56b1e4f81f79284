# expect: `pending`
# pattern: pending_tasks
pending = set()


async def wait_for_reply(req, never):
    buffer = [req] * 10 + [bytearray(400)]
    await never
    return len(buffer)


async def spawn():
    never = asyncio.get_running_loop().create_future()
    for n in range(900):
        pending.add(asyncio.ensure_future(wait_for_reply(make_request(n), never)))
    await asyncio.sleep(0)


loop = asyncio.new_event_loop()
loop.set_exception_handler(lambda loop, context: None)   # quiet "Task was destroyed" at exit
# step (repeated by a growth series)
loop.run_until_complete(spawn())
