# expect: `renderers`
# pattern: module_global
# A jinja2 Environment compiled per tenant-request and cached under the request id.
from flask_service import *
import jinja2
renderers = {}
TEMPLATE = "{% for o in orders %}<li>{{ o.item }} x{{ o.quantity }}</li>{% endfor %}" * 3
def render(req_id, orders):
    env = jinja2.Environment()
    t = env.from_string(TEMPLATE)
    renderers["req-%d" % req_id] = t
    return t.render(orders=orders)
for n in range(300):
    render(n, [{"item": "i%d" % k, "quantity": k} for k in range(3)])
