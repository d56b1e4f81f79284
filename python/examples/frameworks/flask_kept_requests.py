# expect: `recent_requests`
# pattern: module_global
# Keeps the real Flask request objects (and their WSGI environ) for a debug page.
from flask_service import *
recent_requests = []

@app.get("/users/<int:uid>")
def user(uid):
    recent_requests.append(request._get_current_object())
    return jsonify(PROFILES[uid % 6000].model_dump())

client = app.test_client()
for n in range(1500):
    client.get("/users/%d" % n, headers={"X-Trace": "t" * 100})
