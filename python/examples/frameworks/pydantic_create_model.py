# expect: `_form_models`
# pattern: runtime_classes
# pydantic: a request model built with create_model() per submitted form (its fields come from the request) and cached under the form's submission id, so a class with its schema, validator and serializer is kept per request.
from flask_service import *
from pydantic import create_model
_form_models = {}

@app.post("/forms/<int:form_id>")
def submit(form_id):
    body = request.get_json()
    fields = {name: (type(value), ...) for name, value in body.items()}
    Model = create_model("Form%d" % form_id, **fields)
    _form_models["submission-%s" % request.headers["X-Request-Id"]] = Model
    return jsonify(Model(**body).model_dump())

client = app.test_client()
for n in range(300):
    client.post("/forms/%d" % (n % 12), json={"name": "n%d" % n, "qty": n, "price": 1.5, "tags": ["a", "b"]}, headers={"X-Request-Id": "r-%06d" % n})
