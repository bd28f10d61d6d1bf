"""Settings for the test suite: production settings with the few values tests need."""

import os

# Before the import: the production settings refuse to start without a key.
os.environ.setdefault("SECRET_KEY", "insecure-test-key-never-used-in-production")

from tonle.settings import *  # noqa: F403
from tonle.settings import ALLOWED_HOSTS, DATABASES, STORAGES

# Django's test client asks for this host.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
# A transactional test's flush deletes rows on PostgreSQL instead of truncating every table.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "tonle.lib.testing.postgresql"
# A fast hasher: tests create many users; the real one is there to be slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests log in wrongly on purpose; the lockout tests turn axes on for themselves.
AXES_ENABLED = False
# Static files are served from the apps' folders as they are, with no collectstatic.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
# The public site's cache in memory, emptied before each test (tonle/conftest.py).
CACHES = {**CACHES, "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",  # noqa: F405
                                "LOCATION": "public", "TIMEOUT": None}}  # fmt: skip
# The loopback Kobo and Central servers answer at once: no waiting between tries.
TONLE_IMPORT_BACKOFF = 0.0
