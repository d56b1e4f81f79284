# expect: `_ListenerCollection.listeners`
# pattern: closure_cell
# Query timing: each request registers a before_cursor_execute listener on the engine (a closure over the request's context) and never removes it.
from flask_service import *
from sqlalchemy import event

@app.get("/customers/<int:cid>")
def get_customer(cid):
    ctx = {"path": request.path, "headers": dict(request.headers), "trace": "t" * 900}
    def on_execute(conn, cursor, statement, parameters, context, executemany):
        ctx["last_sql"] = statement
    event.listen(engine, "before_cursor_execute", on_execute)
    with SessionLocal() as s:
        c = s.get(Customer, cid)
    return jsonify(name=c.name if c else None)

client = app.test_client()
for n in range(1500):
    client.get("/customers/%d" % (n % 50))
