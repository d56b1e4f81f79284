# expect: `Signal.receivers`
# pattern: listeners
# Django signals: a receiver connected per request (weak=False) as a closure over the request.
from django_service import *
from django.core.signals import request_finished
from django.dispatch import Signal
order_placed = Signal()
received = order_placed
def view(request, uid):
    payload = {"uid": uid, "blob": "p" * 400}
    def on_order(sender, **kw):
        return payload
    order_placed.connect(on_order, weak=False)
    return JsonResponse({"ok": True})
urlpatterns = [path("o/<int:uid>", view)]
c = Client()
for n in range(1500):
    c.get("/o/%d" % n)
