# expect: `clients`
# pattern: module_global
# One requests.Session made per upstream call and kept "for reuse" in a list, never closed.
from flask_service import *
import requests
clients = []
def call_upstream(n):
    s = requests.Session()
    s.headers["X-Request"] = "req-%d" % n
    clients.append(s)
    return s
for n in range(800):
    call_upstream(n)
