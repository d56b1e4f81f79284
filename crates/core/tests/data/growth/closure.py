from common import series


def make_logger():
    lines = []

    def log(msg):
        lines.append(msg + " " * 40)
        return len(lines)
    return log


log = make_logger()


def step(k):
    for i in range(400):
        log("request %d/%d" % (k, i))


series(step)
