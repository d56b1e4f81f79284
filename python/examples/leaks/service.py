# A noisy service heap that every leak program starts with: dozens of stdlib
# modules, a users table, templates, a bounded LRU, a database connection, a
# route table and a request handler. The leak program appended below adds
# one modest leak; the users table stays bigger than it.
import argparse, asyncio, base64, collections, csv, dataclasses, datetime, decimal, email, email.message
import enum, functools, gc, hashlib, http.client, http.server, io, json, logging, logging.handlers, random
import re, sqlite3, string, threading, typing, urllib.parse, uuid, weakref, xml.etree.ElementTree as ET
import zlib, textwrap, heapq, itertools, operator, struct, html, contextlib, traceback, inspect

random.seed(7)
log = logging.getLogger("service")


class Role(enum.Enum):
    READER = 1
    WRITER = 2
    ADMIN = 3


@dataclasses.dataclass
class User:
    uid: int
    name: str
    email: str
    roles: list
    prefs: dict
    created: datetime.datetime
    balance: decimal.Decimal


def _make_user(i):
    return User(
        uid=i,
        name="user%05d" % i,
        email="user%05d@example.org" % i,
        roles=[Role.READER] + ([Role.WRITER] if i % 3 == 0 else []),
        prefs={"theme": random.choice(["dark", "light"]), "lang": "en", "tz": "UTC", "bio": "x" * (40 + i % 60)},
        created=datetime.datetime(2024, 1, 1) + datetime.timedelta(minutes=i),
        balance=decimal.Decimal(i) / 7,
    )


USERS = {i: _make_user(i) for i in range(4000)}

TEMPLATES = {
    name: string.Template("<html><head><title>$title</title></head><body>" + ("<p>$body</p>" * 20) + "</body></html>")
    for name in ("home", "profile", "settings", "search", "error", "admin", "login", "logout")
}


class LRU:
    """A bounded least-recently-used cache of rendered pages."""

    def __init__(self, capacity):
        self.capacity = capacity
        self.data = collections.OrderedDict()

    def get(self, key, make):
        if key in self.data:
            self.data.move_to_end(key)
            return self.data[key]
        value = self.data[key] = make()
        if len(self.data) > self.capacity:
            self.data.popitem(last=False)
        return value


PAGES = LRU(64)

DB = sqlite3.connect(":memory:")
DB.execute("create table audit (id integer primary key, who text, what text)")
DB.executemany("insert into audit (who, what) values (?, ?)", [("user%d" % i, "login") for i in range(200)])


def render(name, **values):
    return TEMPLATES[name].safe_substitute(**values)


def home(req):
    return PAGES.get(("home", req["user"] % 100), lambda: render("home", title="Home", body=req["path"]))


def profile(req):
    u = USERS[req["user"]]
    return render("profile", title=u.name, body=json.dumps({"email": u.email, "theme": u.prefs["theme"]}))


def search(req):
    q = urllib.parse.parse_qs(urllib.parse.urlparse(req["path"]).query).get("q", [""])[0]
    return render("search", title="Search", body=html.escape(q))


ROUTES = [(re.compile(p), fn) for p, fn in [(r"^/$", home), (r"^/profile/\d+$", profile), (r"^/search", search)]]


def dispatch(req):
    for pattern, fn in ROUTES:
        if pattern.match(urllib.parse.urlparse(req["path"]).path):
            return fn(req)
    return render("error", title="Not found", body=req["path"])


ROUND = 0   # a growth series (crates/core/tests/data/growth/leak_series.py) repeats a program's step: new ids each round


def make_request(n):
    n += 100000 * ROUND
    paths = ["/", "/profile/%d" % (n % 4000), "/search?q=item%d" % n]
    return {"id": "req-%d" % n, "user": n % 4000, "path": paths[n % 3], "headers": {"accept": "text/html"}}


for _n in range(300):
    dispatch(make_request(_n))
msg = email.message.EmailMessage()
msg["Subject"] = "report"
msg.set_content("hello")
CONFIG = json.loads(json.dumps({"debug": False, "workers": 4, "db": ":memory:", "secret": uuid.uuid4().hex}))
# --- the leak program follows ---
