# expect: `Notifier.listeners`
# pattern: listeners
# Each request subscribes a bound method of a per-request handler and never unsubscribes.
from flask_service import *

class Notifier:
    def __init__(self):
        self.listeners = []
    def subscribe(self, fn):
        self.listeners.append(fn)

notifier = Notifier()

class RequestHandler:
    def __init__(self, payload):
        self.payload = payload
        self.buffer = bytearray(512)
    def on_event(self, event):
        return self.payload

@app.post("/orders")
def create_order():
    h = RequestHandler(OrderIn(**request.get_json()))
    notifier.subscribe(h.on_event)
    return jsonify(ok=True)

client = app.test_client()
for n in range(2500):
    client.post("/orders", json={"customer": "c%d" % (n % 40), "item": "item-%d" % n, "quantity": n % 7, "note": "z" * 100})
