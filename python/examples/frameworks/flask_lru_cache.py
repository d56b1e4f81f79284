# expect: `parse_order`
# pattern: unbounded_cache
# functools.lru_cache(maxsize=None) on a parser keyed by each request's raw body.
from flask_service import *
import json

@functools.lru_cache(maxsize=None)
def parse_order(raw):
    return OrderIn(**json.loads(raw))

@app.post("/orders")
def create_order():
    o = parse_order(request.get_data(as_text=True))
    return jsonify(item=o.item)

client = app.test_client()
for n in range(3000):
    client.post("/orders", data='{"customer": "c%d", "item": "item-%d", "quantity": 1, "note": "%s"}' % (n % 40, n, "y" * 300))
