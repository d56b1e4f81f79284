# expect: `_caches['']`
# pattern: module_global
# Django's cache framework (LocMemCache, MAX_ENTRIES raised "so it never culls") used to store each request's rendered response under the request id with timeout=None: nothing ever expires.
from django_service import *
from django.core.cache import caches
from django.conf import settings
settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 1000000}}}
cache = caches["default"]
def view(request, uid):
    body = {"uid": uid, "profile": PROFILES[uid % 6000]["name"], "items": ["item-%d" % k for k in range(10)], "note": "n" * 900}
    cache.set("resp:%s" % request.headers.get("X-Request-Id"), body, timeout=None)
    return JsonResponse(body)
urlpatterns = [path("u/<int:uid>", view)]
c = Client()
for n in range(1500):
    c.get("/u/%d" % n, headers={"X-Request-Id": "r-%06d" % n})
