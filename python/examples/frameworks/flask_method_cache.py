# expect: `OrderRepository.find`
# pattern: unbounded_cache
# functools.cache on a repository method: the cache key includes self, and a new repository (holding its ORM session) is made per request, so the cache keeps every request's repository, session and rows.
from flask_service import *

class OrderRepository:
    def __init__(self, session):
        self.session = session
        self.trace = ["q" * 40 for _ in range(6)]
    @functools.cache
    def find(self, item):
        return self.session.execute(select(Order).where(Order.item == item)).scalars().all()

with SessionLocal() as s:
    s.add_all([Order(item="item-%d" % k) for k in range(20)])
    s.commit()

@app.get("/orders/<item>")
def get_orders(item):
    repo = OrderRepository(SessionLocal())
    return jsonify(n=len(repo.find(item)))

client = app.test_client()
for n in range(1000):
    client.get("/orders/item-%d" % (n % 20))
