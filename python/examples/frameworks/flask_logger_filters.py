# expect: `Logger.filters`
# pattern: instance_attribute
# Request ids added to the app's log records by a logging.Filter the view adds to app.logger on every request (and never removes).
from flask_service import *
import logging

class RequestIdFilter(logging.Filter):
    def __init__(self, request_id, headers, body):
        super().__init__()
        self.request_id = request_id
        self.headers = headers
        self.body = body
    def filter(self, record):
        record.request_id = self.request_id
        return True

@app.post("/orders")
def create_order():
    app.logger.addFilter(RequestIdFilter(request.headers["X-Request-Id"], dict(request.headers), request.get_data(as_text=True)))
    app.logger.debug("order %s", request.get_json()["item"])
    return jsonify(ok=True)

client = app.test_client()
for n in range(1500):
    client.post("/orders", json={"item": "item-%d" % n, "note": "x" * 700}, headers={"X-Request-Id": "r-%06d" % n, "X-Trace": "t" * 400})
