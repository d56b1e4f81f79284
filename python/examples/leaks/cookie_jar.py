# expect: `jar` of module `__main__`
# pattern: module_global
# A proxy forwards requests for many tenants through one shared
# http.cookiejar.CookieJar; each tenant's backend sets a session cookie on
# its own host, and the jar keeps every one (nothing expires them).
import http.cookiejar

jar = http.cookiejar.CookieJar()


def backend_cookie(req):
    host = "tenant-%s.internal.example.org" % req["id"]
    return http.cookiejar.Cookie(
        version=0, name="session", value=uuid.uuid4().hex * 2, port=None, port_specified=False,
        domain=host, domain_specified=False, domain_initial_dot=False, path="/", path_specified=True,
        secure=False, expires=None, discard=True, comment=None, comment_url=None,
        rest={"HttpOnly": None}, rfc2109=False,
    )


def forward(req):
    jar.set_cookie(backend_cookie(req))
    return dispatch(req)


# step (repeated by a growth series)
for n in range(800):
    forward(make_request(n))
del n
