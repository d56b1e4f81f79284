# expect: `Session._new`
# pattern: instance_attribute
# A module-level SQLAlchemy Session used for every request; rows are added but never committed, so the session keeps every pending object.
from flask_service import *
session = SessionLocal()

@app.post("/orders")
def create_order():
    payload = OrderIn(**request.get_json())
    o = Order(item=payload.item + payload.note)
    session.add(o)

    # never flushed or committed: pending, strongly held by the session
    return jsonify(ok=True)

client = app.test_client()
for n in range(2500):
    client.post("/orders", json={"customer": "c%d" % (n % 40), "item": "item-%d" % n, "quantity": n % 7, "note": "x" * 200})
