# expect: `Session.hooks['response']`
# pattern: closure_cell
# One shared requests.Session for upstream calls; each call adds a response hook (a closure over the call's context) to session.hooks["response"] to log the response, and never removes it.
from flask_service import *
import requests
upstream = requests.Session()
def call_upstream(n, payload):
    ctx = {"call": n, "payload": payload, "tags": ["t%d" % k for k in range(8)]}
    def log_response(resp, *args, **kwargs):
        log.info("upstream %s -> %s", ctx["call"], resp.status_code)
    upstream.hooks["response"].append(log_response)
    return upstream.prepare_request(requests.Request("POST", "http://upstream.invalid/orders", json=payload))
for n in range(1500):
    call_upstream(n, {"item": "item-%d" % n, "note": "x" * 200})
