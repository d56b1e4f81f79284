# expect: `Flask.before_request_funcs[None]`
# pattern: closure_cell
# Each request registers a new before_request hook (a closure over the request's payload) on the Flask app.
from flask_service import *

@app.post("/orders")
def create_order():
    payload = request.get_json()
    def check_quota():
        payload.get("quantity")
    app.before_request_funcs.setdefault(None, []).append(check_quota)
    return jsonify(ok=True)

client = app.test_client()
for n in range(1500):
    client.post("/orders", json={"customer": "c%d" % (n % 40), "item": "item-%d" % n, "quantity": n % 7, "note": "x" * 300})
