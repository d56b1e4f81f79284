# expect: `Environment.cache`
# pattern: instance_attribute
# Per-tenant e-mail templates loaded by name through a FunctionLoader into one Environment configured with cache_size=-1 ("never evict"); every request's template name is new, so the environment's cache keeps every compiled template.
from flask_service import *
import jinja2
BODY = "<h1>Hello {{ name }}</h1>{% for o in orders %}<li>{{ o.item }} x{{ o.quantity }} ({{ o.note }})</li>{% endfor %}<p>NAME</p>"
def load_template(name):
    return BODY.replace("NAME", name)
env = jinja2.Environment(loader=jinja2.FunctionLoader(load_template), cache_size=-1, autoescape=True)

@app.post("/mail/<int:tenant>/<int:campaign>")
def send_mail(tenant, campaign):
    t = env.get_template("tenant-%d/campaign-%d.html" % (tenant, campaign))
    return t.render(name=request.get_json()["name"], orders=[])

client = app.test_client()
for n in range(500):
    client.post("/mail/%d/%d" % (n % 20, n), json={"name": "n%d" % n})
