"""What the benchmarks' child programs share: reading the process's memory
(/proc/self/status, resetting the peak through /proc/self/clear_refs) and
the request-shaped classes their heaps are built of. The children get this
as source text, prepended to their own program (they run with `-c`).
"""

HEAP_HELPERS = r'''def status(key):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None

def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False

class User:
    def __init__(self, i):
        self.id = i
        self.name = "user-%d" % i
        self.tags = ["t%d" % (i % 7), "t%d" % (i % 11)]

class Request:
    def __init__(self, i, user):
        self.id = "req-%d" % i
        self.user = user
        self.headers = {"path": "/item/%d" % i, "n": i * 3}
        self.args = (i, str(i))
        self.body = b"x" * (i % 50)
'''
