"""Django settings for Tonle, read from the environment only."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TONLE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A production start without a key must fail, never fall back to a known one.
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (make run does this).")
    SECRET_KEY = "insecure-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "tonle.lib",
    "tonle.geo",
    "tonle.collect",
    "tonle.accounts",
    "tonle.people",
    "tonle.programs",
    "tonle.groups",
    "tonle.cases",
    "tonle.referrals",
    "tonle.transport",
    "tonle.outcomes",
    "tonle.results",
    "tonle.reports",
    "tonle.public",
    "tonle.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tonle.accounts.sessions.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tonle.accounts.middleware.RefusalLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After the messages middleware, so it adds an htmx action's messages before they are stored.
    "tonle.lib.middleware.HtmxMessagesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tonle.urls"
WSGI_APPLICATION = "tonle.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tonle" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["tonle.lib.templatetags.tonle"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'tonle.sqlite3'}", conn_max_age=60
    )
}
# A connection is kept for a minute by the thread that opened it, not opened for each request
# (on SQLite that is a file opened and three pragmas run, several ms); one that broke (a
# restarted PostgreSQL) is noticed and opened again before the request uses it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while a worker writes; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing half-way.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-64000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts-login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

# Log-in lockout (django-axes): ten wrong passwords for one username from one address lock
# that pair for a quarter of an hour; a colleague on the same office network, or the same
# woman's account from another phone, can still log in. A success clears the count.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tonle.accounts.login.login_locked_out"
# Behind a reverse proxy every request comes from the proxy: TONLE_TRUSTED_PROXIES says how
# many proxies in front of the app append to X-Forwarded-For, so the client's own address is
# read from it (0: the header is ignored, as any client can write one).
TONLE_TRUSTED_PROXIES = int(os.environ.get("TONLE_TRUSTED_PROXIES", 0))
AXES_CLIENT_IP_CALLABLE = "tonle.accounts.login.client_ip"

# Phones are shared in a field office: a session ends after a working day without a request
# (renewed by her requests, so the age counts from the last one, not from the log-in; the
# row is written again only every few minutes, not on every request: accounts/sessions.py).
SESSION_COOKIE_AGE = int(float(os.environ.get("TONLE_SESSION_IDLE_HOURS", 8)) * 3600)
SESSION_ENGINE = "tonle.accounts.sessions"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("km", _("Khmer"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tonle.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Phnom_Penh"
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The site-wide stylesheet and script: "tonle" itself is not an app, so finders need telling.
STATICFILES_DIRS = [BASE_DIR / "tonle" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development and tests the files are served from the apps' folders as they are.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# A sign-in sheet is a few thousand rows; anything near this is not one.
TONLE_MAX_UPLOAD_BYTES = int(os.environ.get("TONLE_MAX_UPLOAD_BYTES", 5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = TONLE_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = TONLE_MAX_UPLOAD_BYTES
# The first handler drops a file the moment it passes the limit, while it streams in.
FILE_UPLOAD_HANDLERS = [
    "tonle.lib.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# An XLSX is a zip: a few KB can unpack to gigabytes. Refused past these, before it is read.
TONLE_MAX_UNPACKED_BYTES = int(os.environ.get("TONLE_MAX_UNPACKED_BYTES", 50 * 1024 * 1024))
TONLE_MAX_SHEET_ROWS = int(os.environ.get("TONLE_MAX_SHEET_ROWS", 20_000))
# A photo of more pixels than a 64-megapixel camera makes is refused before it is decoded.
TONLE_MAX_IMAGE_PIXELS = int(os.environ.get("TONLE_MAX_IMAGE_PIXELS", 64_000_000))
# ODK Collect / KoboCollect: the most one submission request may carry (Collect splits a larger
# submission over several requests; each attachment is at most TONLE_MAX_UPLOAD_BYTES), the
# realm its phone passwords are digested for (changing it voids them all) and how long a
# Digest challenge holds before the phone is asked again.
TONLE_COLLECT_MAX_BODY_BYTES = int(os.environ.get("TONLE_COLLECT_MAX_BODY_BYTES", 10 * 1024 * 1024))
TONLE_COLLECT_REALM = os.environ.get("TONLE_COLLECT_REALM", "Tonle")
# Submission chains the worker applies per transaction: one commit for many, each refused one
# alone in its own savepoint.
TONLE_COLLECT_APPLY_BATCH = int(os.environ.get("TONLE_COLLECT_APPLY_BATCH", 100))
# A KoboToolbox or ODK Central request that fails is tried this often, waiting 1, 2, 4 ... s.
TONLE_IMPORT_ATTEMPTS = 3
TONLE_IMPORT_BACKOFF = 1.0
# A running import not heard of for this long lost its worker: shown stopped, and may run again.
TONLE_IMPORT_SILENCE = 10 * 60.0
TONLE_COLLECT_NONCE_SECONDS = int(os.environ.get("TONLE_COLLECT_NONCE_SECONDS", 300))

SESSION_COOKIE_HTTPONLY = True
# A field office serves plain http on its own network; a server behind TLS says HTTPS=1.
HTTPS = env_bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere (scripts are static files), no other origin. Inline style
# attributes are allowed: templates set widths and colours with style="...", which cannot
# run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # The public site's pages, shared by every gunicorn worker (a file each, or Redis), so a
    # visitor's page is read from here and never from the records' tables (tonle.lib.sitecache).
    "public": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "public",
            "TIMEOUT": None,
        }
        if os.environ.get("REDIS_URL")
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache" / "public",
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
}

# Off only for the baseline of bench/public_load.py: every public page built from the records.
if not env_bool("TONLE_PUBLIC_CACHE", default=True):
    CACHES["public"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

# Email: the console by default (printed where the server runs); SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tonle <tonle@localhost>")
# The site's address as readers reach it, for the links in emails sent by the worker.
TONLE_SITE_URL = os.environ.get("TONLE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Background work (django-tasks): jobs are stored in the database and run by
# `manage.py db_worker`, which `make run` starts beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A PDF's maker says it is alive this often; a PDF not heard of for six beats is taken for
# lost (its worker died), and one left waiting this long with no worker alive is failed.
PDF_HEARTBEAT_SECONDS = 20.0
PDF_QUEUE_PATIENCE = 15 * 60.0
PDF_RENDER_PAUSE = 0.0  # seconds a PDF's maker waits before it starts: for the fault tests only
