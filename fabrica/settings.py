"""Settings for Fábrica de Livros, read from environment variables.

The defaults run the *embedded* mode: SQLite, an in-process Celery worker on the
memory broker, an in-memory channel layer and the offline AI provider. Setting
``REDIS_URL`` (and ``DATABASE_URL``) switches to the production services.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ai.budget import soft_time_limit_for

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def _envnumber(name: str, default, cast, kind: str):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return cast(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {kind}, not {value!r}") from None


def envint(name: str, default: int) -> int:
    return _envnumber(name, default, int, "an integer")


def envfloat(name: str, default: float) -> float:
    return _envnumber(name, default, float, "a number")


def envlist(name: str, default: str) -> list[str]:
    value = os.environ.get(name) or default
    return [item.strip() for item in value.split(",") if item.strip()]


def envlimits(name: str) -> dict[str, int]:
    """``name=count`` pairs, comma separated (``gemini=32,offline=64``); each count at least 1."""
    limits: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in os.environ.get(name, "").split(","))):
        provider, sep, count = (piece.strip() for piece in item.partition("="))
        if not sep or not provider or not count.isdigit() or int(count) < 1 or provider in limits:
            raise ImproperlyConfigured(
                f"{name} must be provider=count pairs with counts of at least 1, each provider once"
                f" (e.g. gemini=32,offline=64); {item!r} is not"
            )
        limits[provider] = int(count)
    return limits


DEBUG = envbool("DEBUG", True)
INSECURE_DEV_KEY = "django-insecure-fabrica-dev-only-key"
SECRET_KEY = os.environ.get("SECRET_KEY", "") or INSECURE_DEV_KEY
if not DEBUG and (SECRET_KEY == INSECURE_DEV_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("DEBUG is off: set SECRET_KEY to a random value of at least 32 characters.")
# Previous secret keys, still accepted (sessions, signed links, stored secrets) while they
# are rotated out: see `manage.py rotate_secrets`.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", "")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

REDIS_URL = os.environ.get("REDIS_URL", "")
EMBEDDED = not REDIS_URL

INSTALLED_APPS = [
    "fabrica.admin_site.FabricaAdminConfig",  # django.contrib.admin with the operations dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "books",
    "ai",
    "exports",
    "gamification",
    "api",
    "audit",
    "webhooks",
    "analytics",
    "allauth.mfa",
    "allauth.usersessions",
    "csp",
]

MIDDLEWARE = [
    "fabrica.middleware.RequestIdMiddleware",
    "fabrica.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "fabrica.middleware.CSPMiddleware",
    # Saturated (WEB_MAX_INFLIGHT requests in hand): 503 with Retry-After before any work is done.
    "fabrica.admission.AdmissionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Database unreachable: 503 and the friendly page instead of a 500 (before anything asks it).
    "fabrica.db_unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "fabrica.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "fabrica.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
        # A pooled connection is checked before it is handed out: after a database restart the
        # pool drops its dead connections instead of failing one request with each.
        conn_health_checks=envbool("DB_CONN_HEALTH_CHECKS", True),
    )
}
# On PostgreSQL every process keeps a bounded pool of connections (psycopg_pool, Django's native
# pool): a burst of requests waits for a free connection instead of opening one each and meeting
# "too many clients". Sizing rule and the start-up check: fabrica/db_pool.py and the README.
# A request that waits longer than DB_POOL_TIMEOUT answers 503 (fabrica/db_unavailable.py).
DB_POOL = envbool("DB_POOL", True)
DB_POOL_MIN_SIZE = envint("DB_POOL_MIN_SIZE", 2)
DB_POOL_MAX_SIZE = envint("DB_POOL_MAX_SIZE", 10)
DB_POOL_TIMEOUT = envfloat("DB_POOL_TIMEOUT", 5.0)
# What the start-up check counts against PostgreSQL's max_connections (see fabrica/db_pool.py).
WEB_CONCURRENCY = envint("WEB_CONCURRENCY", 2)
# worker_io processes and their threads (Procfile), and the connections each one's pool holds: a
# provider call gives its connection back while it waits (ai/services.py), so a few serve them all.
IO_WORKERS = envint("IO_WORKERS", 1)
IO_CONCURRENCY = envint("IO_CONCURRENCY", 64)
DB_POOL_IO_SIZE = envint("DB_POOL_IO_SIZE", 8)
# worker_cpu processes and the prefork children of each (one connection per child).
CPU_WORKERS = envint("CPU_WORKERS", 1)
CPU_CONCURRENCY = envint("CPU_CONCURRENCY", 2)
DB_CONNECTIONS_HEADROOM = envint("DB_CONNECTIONS_HEADROOM", 10)
# Requests one web process answers at once; the next is refused with 503 + Retry-After
# (fabrica/admission.py). 0 turns admission control off.
WEB_MAX_INFLIGHT = envint("WEB_MAX_INFLIGHT", 100)
if DB_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if DATABASES["default"]["CONN_MAX_AGE"]:
        raise ImproperlyConfigured("DB_CONN_MAX_AGE must be 0 with the connection pool (or set DB_POOL=0).")
    # Django's backend, failing fast while PostgreSQL is unreachable (fabrica/db_backend/base.py).
    DATABASES["default"]["ENGINE"] = "fabrica.db_backend"
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": DB_POOL_MIN_SIZE,
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": DB_POOL_TIMEOUT,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web threads read while the in-process worker writes;
    # IMMEDIATE transactions queue writers instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery, Channels --------------------------------------------------
if EMBEDDED:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {"polling_interval": 0.05}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # channels_redis blocks up to 5 s waiting for a message; redis-py's own 5 s read
    # timeout must be longer or a quiet socket's consumer crashes.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    # Kombu keeps a list per priority step (0, 3, 6, 9) in every queue and serves 0 first: a book's
    # story and first picture jump the line (books/generation/dispatch.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 150)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = os.environ.get("TIME_ZONE", "America/Sao_Paulo")
# Each kind of work has its own queue, so none waits behind another; each is served by the
# worker made for it (Procfile, docker-compose.yml): provider calls on a thread pool, since a
# call is ~99 % waiting on the network, and CPU work on a prefork pool.
WORK_QUEUES = ("story", "pictures", "cpu", "exports", "webhooks", "housekeeping")
CELERY_TASK_DEFAULT_PRIORITY = 6  # books/generation/dispatch.py PICTURE_PRIORITY: the first pictures go first
CELERY_TASK_DEFAULT_QUEUE = "housekeeping"  # periodic jobs and anything not routed below
CELERY_TASK_ROUTES = {
    "books.tasks.book_write_story": {"queue": "story"},
    "books.tasks.book_draw_page": {"queue": "pictures"},
    "books.tasks.book_draw_cover": {"queue": "pictures"},
    "books.tasks.book_finish_page": {"queue": "cpu"},
    "books.tasks.book_assemble": {"queue": "cpu"},
    "exports.tasks.export_build": {"queue": "exports"},
    "accounts.tasks.data_export_build": {"queue": "exports"},
    "webhooks.tasks.webhook_deliver": {"queue": "webhooks"},
}
# Threads of the in-process worker in embedded mode (pages drawn in parallel); it serves every queue.
EMBEDDED_WORKER_CONCURRENCY = envint("EMBEDDED_WORKER_CONCURRENCY", 4)

# --- Operations (owned by fabrica/health.py, metrics.py, middleware.py) --------------
# /metrics answers loopback, or anyone sending "Authorization: Bearer <METRICS_TOKEN>" when set.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# The worker logs through LOGGING below (JSON lines with the request id), not Celery's own setup.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# --- end of operations settings ----------------------------------------------------

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Mandatory in production: only then can sign-up answer the same whether or not the email already
# has an account (allauth's enumeration prevention; the owner gets an email instead). Optional in
# development, so a newcomer signs up in one step.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION") or (
    "optional" if DEBUG else "mandatory"
)
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# Each sign-in is recorded (allauth.usersessions) so a parent sees and ends their sessions at
# /accounts/sessions/. Tracking activity writes the last-seen time and address on every request:
# off unless asked for.
USERSESSIONS_TRACK_ACTIVITY = envbool("USERSESSIONS_TRACK_ACTIVITY", False)
# allauth's login limits, counted in the cache (Redis in production, so every web process
# shares them): after 5 wrong passwords for one address within 5 minutes the 6th attempt,
# right or wrong, is refused with "Too many failed login attempts"; 10 failures a minute
# from one IP likewise. Over the "login" limit the page answers 429. The load test raises
# ACCOUNT_LOGIN_RATE because all its users come from 127.0.0.1.
# allauth takes the client's address from REMOTE_ADDR, never from X-Forwarded-For: uvicorn has
# already put the client's address there when the request came through a trusted proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = 0
ACCOUNT_RATE_LIMITS = {
    "login": os.environ.get("ACCOUNT_LOGIN_RATE", "30/m/ip"),
    "login_failed": os.environ.get("ACCOUNT_LOGIN_FAILED_RATE", "10/m/ip,5/300s/key"),
}

GOOGLE_CLIENT_ID = os.environ.get("GOOGLE_CLIENT_ID", "")
GOOGLE_CLIENT_SECRET = os.environ.get("GOOGLE_CLIENT_SECRET", "")
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "SCOPE": ["profile", "email"],
        "AUTH_PARAMS": {"access_type": "online"},
        **(
            {"APPS": [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET, "key": ""}]}
            if GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET
            else {}
        ),
    }
}
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "") or CONSOLE_EMAIL_BACKEND
# The console backend writes every email, password-reset links and confirmation keys included,
# to the web log: in production only on purpose.
ALLOW_CONSOLE_EMAIL = envbool("ALLOW_CONSOLE_EMAIL", False)
if not DEBUG and EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND and not ALLOW_CONSOLE_EMAIL:
    raise ImproperlyConfigured(
        "DEBUG is off: set EMAIL_BACKEND to a backend that sends email (for example "
        "django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST), or ALLOW_CONSOLE_EMAIL=1 "
        "to write emails, sign-in links included, to the log."
    )
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Fábrica de Livros <noreply@localhost>")

# --- Internationalisation -----------------------------------------------------
# pt-BR first; English is the source language of every string. The .mo files are built from
# locale/*/django.po by `manage.py compile_translations` (pure Python, no gettext needed).
# A visitor's choice lives in the language cookie; a user's in User.language (accounts.language).
LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", "Português (Brasil)"), ("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Sao_Paulo")
USE_I18N = True
USE_TZ = True
# Dates and numbers follow the active language (Django's pt_BR/es formats); no thousands
# separator, so numbers written into HTML attributes and URLs stay machine-readable.
USE_THOUSAND_SEPARATOR = False

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# In development static files come from the finders; there is no collected folder to warn about.
warnings.filterwarnings("ignore", message="No directory at")
# Uploaded files above this go to a temporary file, not memory. Form fields (not files) are
# capped at the second value: a 10,000-character story is far below it.
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)

# --- Exports / storage --------------------------------------------------------
# Built files (PDFs, ZIPs) have their own storage alias. Local disk under MEDIA_ROOT by default
# (never served at a public URL: downloads go through the owner check); with
# AWS_STORAGE_BUCKET_NAME set, pictures and exports go to S3 (or an S3-compatible service at
# AWS_S3_ENDPOINT_URL) and downloads are short-lived presigned URLs. Credentials come from the
# usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables or the instance role.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
EXPORT_DOWNLOAD_URL_SECONDS = envint("EXPORT_DOWNLOAD_URL_SECONDS", 300)
EXPORT_TTL_DAYS = envint("EXPORT_TTL_DAYS", 30)
EXPORT_MAX_BYTES = envint("EXPORT_MAX_BYTES", 100 * 1024 * 1024)
# "Download my data" archives (LGPD/GDPR): the link works this many days, then the file is deleted.
DATA_EXPORT_TTL_DAYS = envint("DATA_EXPORT_TTL_DAYS", 7)
if AWS_STORAGE_BUCKET_NAME:
    S3_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            "signature_version": "s3v4",
            "querystring_auth": True,
            "querystring_expire": EXPORT_DOWNLOAD_URL_SECONDS,
            "file_overwrite": False,
        },
    }
    # Web and worker processes share no disk in production: pictures live in the bucket too.
    STORAGES["default"] = S3_STORAGE
    STORAGES["exports"] = S3_STORAGE
else:
    STORAGES["exports"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

# --- Product limits -----------------------------------------------------------
BOOK_MIN_PAGES = 5
BOOK_MAX_PAGES = 20
STORY_MAX_CHARS = 10_000
# A story file (.txt, .md, .docx) before its text is taken out; larger ones are refused unread.
STORY_UPLOAD_MAX_BYTES = envint("STORY_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
# A whole book must be drawn within this many seconds, retries included.
BOOK_GENERATION_DEADLINE = envint("BOOK_GENERATION_DEADLINE", 300)
# "Try again" on one failed book, per day: each retry costs provider calls even when it is refunded.
BOOK_RETRIES_PER_DAY = envint("BOOK_RETRIES_PER_DAY", 3)
# Pictures are 4:5 portrait: 300 DPI at 8 x 10 in, so they print at >= 300 DPI on A4 and Letter.
PAGE_IMAGE_WIDTH = envint("PAGE_IMAGE_WIDTH", 2400)
PAGE_IMAGE_HEIGHT = envint("PAGE_IMAGE_HEIGHT", 3000)

# --- AI -----------------------------------------------------------------------
AI_TEXT_PROVIDERS = envlist("AI_TEXT_PROVIDERS", "offline")
AI_IMAGE_PROVIDERS = envlist("AI_IMAGE_PROVIDERS", "offline")
AI_OFFLINE_TEXT_DELAY = envfloat("AI_OFFLINE_TEXT_DELAY", 0.0)
AI_OFFLINE_IMAGE_DELAY = envfloat("AI_OFFLINE_IMAGE_DELAY", 0.0)
AI_OFFLINE_FAILURE_RATE = envfloat("AI_OFFLINE_FAILURE_RATE", 0.0)
# First retry delay for a transient provider error; doubles per attempt, with jitter, capped.
AI_RETRY_BACKOFF_SECONDS = envfloat("AI_RETRY_BACKOFF_SECONDS", 0.25)
AI_RETRY_BACKOFF_MAX_SECONDS = envfloat("AI_RETRY_BACKOFF_MAX_SECONDS", 8.0)
# Transient errors are retried here, by the router, and nowhere else (ai/budget.py).
AI_ATTEMPTS_PER_PROVIDER = envint("AI_ATTEMPTS_PER_PROVIDER", 2)
# One call, connect to last byte (an admin provider row may set its own).
AI_TIMEOUT_SECONDS = envfloat("AI_TIMEOUT_SECONDS", 60.0)
# The tasks that make a router call get room for every attempt it may make, checked at start-up
# (ai.apps → ai.budget.budgets_check: ImproperlyConfigured when a limit set here is too short).
_ai_budget = {
    "timeout": AI_TIMEOUT_SECONDS,
    "attempts": AI_ATTEMPTS_PER_PROVIDER,
    "backoff_max": AI_RETRY_BACKOFF_MAX_SECONDS,
}
STORY_TASK_SOFT_TIME_LIMIT = envint(
    "STORY_TASK_SOFT_TIME_LIMIT", soft_time_limit_for(providers=len(AI_TEXT_PROVIDERS), **_ai_budget)
)
STORY_TASK_TIME_LIMIT = envint("STORY_TASK_TIME_LIMIT", STORY_TASK_SOFT_TIME_LIMIT + 30)
PICTURE_TASK_SOFT_TIME_LIMIT = envint(
    "PICTURE_TASK_SOFT_TIME_LIMIT", soft_time_limit_for(providers=len(AI_IMAGE_PROVIDERS), **_ai_budget)
)
PICTURE_TASK_TIME_LIMIT = envint("PICTURE_TASK_TIME_LIMIT", PICTURE_TASK_SOFT_TIME_LIMIT + 30)
# Circuit breaker per provider and capability, shared by all workers through the cache.
AI_CIRCUIT_FAILURE_THRESHOLD = envint("AI_CIRCUIT_FAILURE_THRESHOLD", 5)
AI_CIRCUIT_COOLDOWN_SECONDS = envfloat("AI_CIRCUIT_COOLDOWN_SECONDS", 60.0)
# Calls in flight per provider, across every worker process (an admin row's max_concurrent wins).
AI_CONCURRENCY_LIMITS = envlimits("AI_CONCURRENCY_LIMITS")
AI_CONCURRENCY_DEFAULT_LIMIT = envint("AI_CONCURRENCY_DEFAULT_LIMIT", 32)
# How long a call waits for a free slot before the caller is told to come back later.
AI_CONCURRENCY_WAIT_SECONDS = envfloat("AI_CONCURRENCY_WAIT_SECONDS", 10.0)
# A 429 without a Retry-After pauses new calls to that provider this long.
AI_RATE_LIMIT_COOLDOWN_SECONDS = envfloat("AI_RATE_LIMIT_COOLDOWN_SECONDS", 5.0)
# Simulated provider quota: above this many offline calls in flight it answers 429 (0 = off).
AI_OFFLINE_MAX_CONCURRENT = envint("AI_OFFLINE_MAX_CONCURRENT", 0)
if AI_CONCURRENCY_DEFAULT_LIMIT < 1:
    raise ImproperlyConfigured("AI_CONCURRENCY_DEFAULT_LIMIT must be at least 1")
if AI_CONCURRENCY_WAIT_SECONDS < 0 or AI_RATE_LIMIT_COOLDOWN_SECONDS < 0 or AI_OFFLINE_MAX_CONCURRENT < 0:
    raise ImproperlyConfigured(
        "AI_CONCURRENCY_WAIT_SECONDS, AI_RATE_LIMIT_COOLDOWN_SECONDS and AI_OFFLINE_MAX_CONCURRENT"
        " cannot be negative"
    )

GEMINI_API_KEY = os.environ.get("GEMINI_API_KEY", "")
GEMINI_BASE_URL = os.environ.get("GEMINI_BASE_URL", "")
GEMINI_TEXT_MODEL = os.environ.get("GEMINI_TEXT_MODEL", "gemini-2.5-flash")
GEMINI_IMAGE_MODEL = os.environ.get("GEMINI_IMAGE_MODEL", "gemini-2.5-flash-image")
OPENROUTER_API_KEY = os.environ.get("OPENROUTER_API_KEY", "")
OPENROUTER_BASE_URL = os.environ.get("OPENROUTER_BASE_URL", "")
OPENROUTER_TEXT_MODEL = os.environ.get("OPENROUTER_TEXT_MODEL", "google/gemini-2.5-flash")
OPENROUTER_IMAGE_MODEL = os.environ.get("OPENROUTER_IMAGE_MODEL", "google/gemini-2.5-flash-image")

# --- Gamification (owned by gamification/) ------------------------------------
# How many missions each day and each week offers (picked by gamification.tasks.missions_rotate).
GAMIFICATION_DAILY_MISSIONS = envint("GAMIFICATION_DAILY_MISSIONS", 3)
GAMIFICATION_WEEKLY_MISSIONS = envint("GAMIFICATION_WEEKLY_MISSIONS", 2)
# --- end of gamification settings ----------------------------------------------

# --- REST API (owned by api/) ----------------------------------------------------
# /api/v1/: personal tokens (Bearer fab_…) or the browser session; every endpoint needs a user.
# Rate limits are DRF throttles keyed by the user (all of a user's tokens share one bucket).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_RATE_LIMIT", "120/min"),
        "book_create": os.environ.get("API_BOOK_CREATE_RATE", "10/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    # A caller's address is REMOTE_ADDR: uvicorn already put the client's there when, and only
    # when, the request came through a proxy listed in FORWARDED_ALLOW_IPS. DRF's default (None)
    # would read X-Forwarded-For itself, from anyone.
    "NUM_PROXIES": 0,
}
# A JSON body larger than this is refused with 413 before it is parsed.
API_MAX_BODY_BYTES = envint("API_MAX_BODY_BYTES", 256 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "Fábrica de Livros API",
    "DESCRIPTION": "Coloring books made by AI: books, pages, exports, share links, progress and badges.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "BookStatusEnum": "books.models.Book.Status",
        "PageStatusEnum": "books.models.Page.Status",
        "ExportStatusEnum": "exports.models.Export.Status",
    },
}
# --- end of REST API settings ------------------------------------------------------

# --- Webhooks (owned by webhooks/) -------------------------------------------------
# Receivers must be public HTTPS addresses; private, loopback and link-local ones are allowed only
# with WEBHOOKS_ALLOW_PRIVATE (on with DEBUG, so a receiver on 127.0.0.1 works in development).
WEBHOOKS_ALLOW_PRIVATE = envbool("WEBHOOKS_ALLOW_PRIVATE", DEBUG)
WEBHOOKS_CONNECT_TIMEOUT = envfloat("WEBHOOKS_CONNECT_TIMEOUT", 5.0)
WEBHOOKS_READ_TIMEOUT = envfloat("WEBHOOKS_READ_TIMEOUT", 10.0)
# Attempts per event; the wait after attempt n is BASE * 2^(n-1) seconds, at most MAX.
WEBHOOKS_MAX_ATTEMPTS = envint("WEBHOOKS_MAX_ATTEMPTS", 6)
WEBHOOKS_RETRY_BASE_SECONDS = envfloat("WEBHOOKS_RETRY_BASE_SECONDS", 30.0)
WEBHOOKS_RETRY_MAX_SECONDS = envfloat("WEBHOOKS_RETRY_MAX_SECONDS", 1800.0)
# Events in a row whose every attempt failed before the webhook is turned off.
WEBHOOKS_DISABLE_AFTER_FAILURES = envint("WEBHOOKS_DISABLE_AFTER_FAILURES", 5)
WEBHOOKS_MAX_PER_USER = envint("WEBHOOKS_MAX_PER_USER", 10)
# --- end of webhooks settings --------------------------------------------------------

# --- Audit, analytics, staff MFA (owned by audit/ and analytics/) ------------------
# Staff open the admin only with a second factor (allauth.mfa TOTP); off in development.
STAFF_REQUIRE_MFA = envbool("STAFF_REQUIRE_MFA", not DEBUG)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Fábrica de Livros"
# Raw analytics events older than this are deleted by `cleanup` (the daily totals stay).
ANALYTICS_RETENTION_DAYS = envint("ANALYTICS_RETENTION_DAYS", 365)
# --- end of audit settings ---------------------------------------------------------

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
# With Redis, a signed-in request reads its session from the cache, not a query per request
# (written through to the database, so "sign out everywhere" can still list them).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.db" if EMBEDDED else "django.contrib.sessions.backends.cached_db"
)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
# Probes and the scraper come over plain HTTP from inside (container healthcheck, Prometheus).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# Only behind a proxy that sets X-Forwarded-Proto itself (and strips a client's): opt in with
# SECURE_PROXY_SSL_HEADER=1, or any client could claim HTTPS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("SECURE_PROXY_SSL_HEADER", False) else None
)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 3600)
# Off unless asked: they bind every subdomain (and the browsers' preload list) to HTTPS for good.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp). No inline scripts anywhere: every script is a static
# file. Inline style *attributes* stay allowed (server-drawn progress bars set a width);
# <style> elements do not, so htmx's indicator styles are off (meta htmx-config in base.html).
# fabrica.middleware.CSPMiddleware adds ws:/wss: of the request's own host to connect-src.
# CSP_REPORT_ONLY=1 sends the same policy as Content-Security-Policy-Report-Only (to try a
# change in production without breaking pages); CSP_REPORT_URI collects the reports.
_CSP_S3 = []  # pictures and exports come from the bucket's presigned URLs (img, redirects after a POST)
if AWS_STORAGE_BUCKET_NAME:
    if AWS_S3_ENDPOINT_URL:
        from urllib.parse import urlsplit

        _endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
        _CSP_S3 = [f"{_endpoint.scheme}://{_endpoint.netloc}", f"{_endpoint.scheme}://*.{_endpoint.netloc}"]
    else:
        _CSP_S3 = ["https://*.amazonaws.com"]
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", *_CSP_S3],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    # Google sign-in and S3 downloads are redirects after a POST, which form-action governs.
    "form-action": ["'self'", "https://accounts.google.com", *_CSP_S3],
}
if os.environ.get("CSP_REPORT_URI"):
    _CSP_DIRECTIVES["report-uri"] = [os.environ["CSP_REPORT_URI"]]
_CSP_POLICY = {
    # The API's Swagger UI and ReDoc pages (third-party, showing only our schema) need inline code.
    "EXCLUDE_URL_PREFIXES": ["/api/docs/", "/api/redoc/"],
    "DIRECTIVES": _CSP_DIRECTIVES,
}
# (Not named CSP_REPORT_ONLY here: django-csp's checks take CSP_* settings for its 3.x format.)
CONTENT_SECURITY_POLICY_REPORT_ONLY_MODE = envbool("CSP_REPORT_ONLY", False)
CONTENT_SECURITY_POLICY = None if CONTENT_SECURITY_POLICY_REPORT_ONLY_MODE else _CSP_POLICY
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP_POLICY if CONTENT_SECURITY_POLICY_REPORT_ONLY_MODE else None

# JSON lines in production (LOG_FORMAT=json), readable lines in development; both carry the
# request id (fabrica.log), which Celery tasks inherit from whoever queued them.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "fabrica.log.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "fabrica.log.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"celery": {"level": "WARNING"}, "django.channels.server": {"level": "WARNING"}},
}

# --- Error reports (fabrica/sentry.py): only when SENTRY_DSN is set ---------------------------
from fabrica.sentry import sentry_init  # noqa: E402

SENTRY_ENABLED = sentry_init()
