# expect: `Signal.receivers`
# pattern: listeners
# A long-lived auditor's bound method is connected to a Django signal on every
# request with a new dispatch_uid: the signal holds it weakly (default
# weak=True), but each connect adds a receiver entry and a finalizer.
from django_service import *
from django.dispatch import Signal
order_placed = Signal()
class Auditor:
    def __init__(self):
        self.seen = 0
    def on_order(self, sender, **kw):
        self.seen += 1
auditor = Auditor()
def view(request, uid):
    order_placed.connect(auditor.on_order, dispatch_uid="audit-%d-%s" % (uid, "x" * 40))
    return JsonResponse({"ok": True})
urlpatterns = [path("o/<int:uid>", view)]
c = Client()
for n in range(3000):
    c.get("/o/%d" % n)
