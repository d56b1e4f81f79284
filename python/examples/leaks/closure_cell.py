# expect: `large_object`
# pattern: closure_cell
def create_closure(n):
    large_object = [make_request(n * 100 + k) for k in range(40)]

    def closure():
        return len(large_object)

    return closure


class Scheduler:
    def __init__(self):
        self.jobs = {}

    def every(self, name, fn):
        self.jobs[name] = fn


scheduler = Scheduler()
scheduler.every("report", create_closure(1))
scheduler.every("cleanup", lambda: None)
# step (repeated by a growth series)
for _k in range(40):
    scheduler.every("report-%d" % (_k + 100 * ROUND), create_closure(_k))   # one job per report, never removed
