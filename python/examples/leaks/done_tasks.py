# expect: `JobRunner.jobs`
# pattern: pending_futures
# Background jobs started as asyncio tasks and kept by job id so that a
# client can poll for the result; finished tasks are never dropped, and each
# keeps its result.
class JobRunner:
    def __init__(self):
        self.jobs = {}

    def start(self, job_id, req):
        self.jobs[job_id] = asyncio.ensure_future(self.render(req))

    async def render(self, req):
        await asyncio.sleep(0)
        return dispatch(req).encode() * 2


async def main(runner):
    for n in range(600):
        req = make_request(n)
        runner.start(req["id"], req)
    await asyncio.sleep(0)
    await asyncio.sleep(0)


runner = JobRunner()
loop = asyncio.new_event_loop()
# step (repeated by a growth series)
loop.run_until_complete(main(runner))
