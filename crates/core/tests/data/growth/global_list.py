from common import series

AUDIT = []


def step(k):
    for i in range(400):
        AUDIT.append({"event": "login", "user": "u%d" % i, "round": k})


series(step)
