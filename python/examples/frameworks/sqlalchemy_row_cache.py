# expect: `OrderCache._by_id`
# pattern: class_attribute
# A cache of ORM rows by primary key on a long-lived service object; never evicted.
from flask_service import *

class OrderCache:
    _by_id = {}
    def remember(self, order):
        self._by_id[order.id] = order

cache = OrderCache()

@app.post("/orders")
def create_order():
    payload = OrderIn(**request.get_json())
    with SessionLocal(expire_on_commit=False) as s:
        c = s.execute(select(Customer).filter_by(name=payload.customer)).scalar_one_or_none()
        if c is None:
            c = Customer(name=payload.customer)
            s.add(c)
        o = Order(item=payload.item + payload.note, customer=c)
        s.add(o)
        s.commit()
        cache.remember(o)
    return jsonify(ok=True)

client = app.test_client()
for n in range(2500):
    client.post("/orders", json={"customer": "c%d" % (n % 40), "item": "item-%d" % n, "quantity": n % 7, "note": "x" * 200})
