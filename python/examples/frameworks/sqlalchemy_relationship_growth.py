# expect: `Customer.orders`
# pattern: instance_attribute
# A long-lived Customer loaded once into a session kept open for the process; each request appends an Order to customer.orders and flushes, so the relationship collection (and the session) keeps every order.
from flask_service import *
session = SessionLocal()
house = Customer(name="walk-in")
session.add(house)
session.commit()

@app.post("/orders")
def create_order():
    payload = OrderIn(**request.get_json())
    house.orders.append(Order(item="%s %s" % (payload.item, payload.note)))
    session.flush()
    return jsonify(ok=True)

client = app.test_client()
for n in range(2500):
    client.post("/orders", json={"customer": "walk-in", "item": "item-%d" % n, "quantity": n % 7, "note": "x" * 500})
