# expect: `audit_trail`
# pattern: module_global
# An after_request hook appends every request's path and validated payload
# (a pydantic model) to an audit trail that nothing trims.
from flask_service import *

audit_trail = []


@app.after_request
def audit(response):
    audit_trail.append({"path": request.path, "payload": g.get("payload"), "status": response.status_code})
    return response


@app.post("/orders")
def create_order():
    payload = OrderIn(**request.get_json())
    g.payload = payload
    with SessionLocal() as s:
        c = s.query(Customer).filter_by(name=payload.customer).first()
        if c is None:
            c = Customer(name=payload.customer)
            s.add(c)
        s.add(Order(item=payload.item, customer=c))
        s.commit()
    return jsonify(ok=True)


client = app.test_client()
for n in range(3000):
    client.post("/orders", json={"customer": "c%d" % (n % 40), "item": "item-%d" % n, "quantity": n % 7, "note": "x" * 200})
