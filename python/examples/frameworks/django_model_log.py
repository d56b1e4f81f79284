# expect: `SEEN_USERS`
# pattern: module_global
# Django: view stores every fetched User model instance in a module dict keyed by a request counter.
from django_service import *
import itertools
SEEN_USERS = {}
counter = itertools.count()
def view(request, uid):
    u = User.objects.get(pk=uid)
    SEEN_USERS["req-%d" % next(counter)] = u
    return JsonResponse({"name": u.username})
urlpatterns = [path("u/<int:uid>", view)]
for i in range(1, 51):
    User.objects.create(username="u%d" % i, email="u%d@x.org" % i)
c = Client()
for n in range(1500):
    c.get("/u/%d" % (1 + n % 50))
