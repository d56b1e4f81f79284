# expect: `audit_meta`
# pattern: weak_container
# Per-object audit metadata in a WeakKeyDictionary keyed by the ORM object, "so it goes away with the object" -- but each value refers back to its key, so no Order is ever freed.
from flask_service import *
import weakref
audit_meta = weakref.WeakKeyDictionary()

@app.post("/orders")
def create_order():
    payload = OrderIn(**request.get_json())
    o = Order(item=payload.item)
    audit_meta[o] = {"order": o, "payload": payload, "ua": request.headers.get("User-Agent")}
    with SessionLocal() as s:
        s.add(o)
        s.commit()
    return jsonify(ok=True)

client = app.test_client()
for n in range(2000):
    client.post("/orders", json={"customer": "c%d" % (n % 40), "item": "item-%d" % n, "quantity": n % 7, "note": "x" * 200})
