# expect: `Flask.config`
# pattern: instance_attribute
# Per-tenant feature flags written into app.config on each request ("config is a dict, why not"), keyed by request id, never removed.
from flask_service import *

@app.post("/flags")
def set_flags():
    body = request.get_json()
    app.config["FLAGS_%s" % request.headers["X-Request-Id"]] = {"tenant": body["tenant"], "flags": body["flags"], "raw": request.get_data(as_text=True)}
    return jsonify(ok=True)

client = app.test_client()
for n in range(1500):
    client.post("/flags", json={"tenant": "t%d" % (n % 30), "flags": ["f%d" % k for k in range(6)], "pad": "p" * 150}, headers={"X-Request-Id": "r-%06d" % n})
