# expect: `_page_cache`
# pattern: module_global
# Django: each search's evaluated QuerySet kept in a module dict keyed by the full query string ("cache the page"), never evicted.
from django_service import *
User.objects.bulk_create([User(username="user%d" % i, email="u%d@example.com" % i, first_name="F%d" % i) for i in range(60)])
_page_cache = {}
def search(request):
    key = request.META["QUERY_STRING"]
    if key not in _page_cache:
        qs = User.objects.filter(username__startswith=request.GET["q"]).order_by("id")
        list(qs)  # evaluate: the QuerySet keeps its rows in _result_cache
        _page_cache[key] = qs
    return JsonResponse({"n": len(_page_cache[key])})
urlpatterns = [path("search", search)]
c = Client()
for n in range(700):
    c.get("/search", {"q": "user%d" % (n % 6), "page": n})
