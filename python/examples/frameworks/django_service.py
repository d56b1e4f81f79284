# A Django service (the django_* programs import it): settings in code, an
# in-memory SQLite database migrated at start, a users table bigger than any
# leak; the program itself is the URLconf (ROOT_URLCONF = "__main__").
import django
from django.conf import settings
settings.configure(
    DEBUG=False, SECRET_KEY="x", ROOT_URLCONF="__main__", ALLOWED_HOSTS=["*"],
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    MIDDLEWARE=[],
)
django.setup()
from django.http import JsonResponse
from django.urls import path
from django.test import Client
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import User
PROFILES = {i: {"uid": i, "name": "user%d" % i, "bio": "b" * 300} for i in range(6000)}
