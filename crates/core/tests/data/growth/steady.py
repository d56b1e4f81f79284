from common import series

# No leak: a bounded window that is refilled, and a table that is rebuilt.
window = []


def step(k):
    global window
    window = window[-100:] + ["tick %d/%d" % (k, i) for i in range(100)]


series(step)
