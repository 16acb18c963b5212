"""Settings for the Tam Kỳ poverty-reduction management system.

Everything that differs between machines comes from the environment:

- ``DEBUG`` (``1``/``0``, default ``0``)
- ``SECRET_KEY`` (required unless ``DEBUG`` is on)
- ``DATABASE_URL`` (unset → SQLite file ``var/db.sqlite3``; ``postgres://…`` → PostgreSQL)
- ``ALLOWED_HOSTS`` (comma separated)
- ``SESSION_IDLE_SECONDS`` (inactivity timeout, default 1800)
- ``IMPORT_MAX_BYTES`` (largest accepted upload, default 10 MB) and the reader's bounds
  ``IMPORT_MAX_UNCOMPRESSED_BYTES``, ``IMPORT_READ_MEMORY_MB``, ``IMPORT_READ_SECONDS``
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see docs/operations.md, 'Configuration')."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "tamky_poverty.views.csrf_failure"  # the Vietnamese 403 page, with the menu

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "tamky_poverty",
    "households",
    "targets",
    "support",
    "reports",
    # The annual and regular reviews: read households, draw documents with the reports' renderers.
    "campaigns",
    # The top of the house: pages and loaders that read every app above.
    "dashboard",
    "citydata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every dynamic answer: Cache-Control: no-store (personal data; static files are served above).
    "tamky_poverty.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the user picked English with the language switch (not Accept-Language).
    "tamky_poverty.i18n.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (a lazy user, no query of the parameters): its 400 page has the menu.
    "tamky_poverty.middleware.RejectNulBytesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a login lockout into the Vietnamese lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tamky_poverty.urls"

# Every form field through one template, templates/forms/field.html (issue 18).
FORM_RENDERER = "tamky_poverty.forms.FormRenderer"

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
                "tamky_poverty.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "tamky_poverty.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: it compiled the dashboard's aggregates for 160 ms to save a few (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Several gunicorn workers share the file: write-ahead logging lets readers go on while one
    # request writes, and IMMEDIATE transactions take the write lock up front (a deferred one
    # that tries to upgrade fails with "database is locked" instead of waiting).
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
    })
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Django's SQLite backend with PostgreSQL's integer bounds, so a number accepted here can be
    # restored into PostgreSQL (tamky_poverty/backends/sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "tamky_poverty.backends.sqlite3"
# Parallel test runs (several checkouts against one PostgreSQL server) can pick their own name.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

AUTH_USER_MODEL = "tamky_poverty.User"
# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "tamky_poverty.auth_backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Common Vietnamese passwords ("matkhau123", "123456a@", "anhyeuem") and trivial ones.
    {"NAME": "tamky_poverty.passwords.VietnameseCommonPasswordValidator"},
]

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["tamky_poverty.formats"]
# Off on purpose: with it on, every integer a template prints — ids in links, years in form
# values — came out as "2.025" or "1.452". Money and large counts are formatted explicitly with
# the |vnd and |num filters ({% load vn %}), which use the dot thousands separator.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("TESTING")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions end after inactivity (seconds); every request renews the window.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Uploaded files (minutes of village meetings): stored here, never served directly — only through
# a page that checks the reader's scope (campaigns.views.meeting_minutes).
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))

# Uploads (household Excel import). The file is read in a child process with these bounds
# (households/io/sheet_worker.py): a workbook beyond them is refused with a message.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(20 * IMPORT_MAX_BYTES)))
IMPORT_MAX_ARCHIVE_ENTRIES = 1000
IMPORT_MAX_ROWS = 100_000
IMPORT_MAX_COLUMNS = 200
IMPORT_MAX_CELLS = 2_000_000
IMPORT_READ_MEMORY_MB = int(os.environ.get("IMPORT_READ_MEMORY_MB", "300"))
IMPORT_READ_SECONDS = int(os.environ.get("IMPORT_READ_SECONDS", "60"))
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security headers (the production values; DEBUG relaxes only what local HTTP needs).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from
# one address, further attempts are refused for AXES_COOLOFF_MINUTES, whether or not the user
# exists (no user enumeration). Administrators can unlock with `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tamky_poverty.views.login_locked_out"
AXES_USERNAME_CALLABLE = "tamky_poverty.auth_backends.attempted_username"
AXES_VERBOSE = False
# Failures from one address, whatever the user names, that lock the address (password spraying).
AXES_HANDLER = "tamky_poverty.auth_backends.LoginAttemptHandler"
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
# The client's address: REMOTE_ADDR, or — when the request comes from a trusted reverse proxy —
# the header that proxy sets (docs/operations.md, "Deployment": nginx sets X-Real-IP). Without this every
# login behind the proxy had the proxy's address, and anyone could lock any account.
TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "X-Real-IP")
AXES_CLIENT_IP_CALLABLE = "tamky_poverty.auth_backends.client_ip"

# Content Security Policy (django-csp 4): only this site's own files; no inline scripts or
# styles anywhere (put JS in static/js, CSS classes in static/css/app.css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws a few icons as data: SVG
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Background jobs, cache, sessions and files (issue 17; docs/user-guide.md "Background jobs") ----------
# One machine: everything in the database — jobs on django-tasks-db (a worker beside the web
# server: `manage.py run_workers`), the cache in the table `django_cache`, sessions in the
# database. Several machines: REDIS_URL puts the cache, the sessions and the job queue
# (django-tasks-rq, workers `manage.py run_workers`) in Redis; MEDIA_ROOT must then be one
# storage shared by every machine (a network mount), since job results are written there.
REDIS_URL = os.environ.get("REDIS_URL", "")
JOBS_BACKEND = os.environ.get("JOBS_BACKEND", "redis" if REDIS_URL else "database")
if JOBS_BACKEND not in {"database", "redis", "immediate"}:
    raise ImproperlyConfigured("JOBS_BACKEND must be database, redis or immediate.")
if JOBS_BACKEND == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("JOBS_BACKEND=redis needs REDIS_URL.")
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "jobs"]
if JOBS_BACKEND == "redis":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": int(os.environ.get("JOBS_TIMEOUT_SECONDS", "3600"))}}
elif JOBS_BACKEND == "immediate":  # runs each job inside the request that asks for it (debugging only)
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Worker processes `run_workers` starts (default: one per CPU) and the parts a long PDF is split
# into (rendered by as many workers at once).
JOBS_WORKERS = int(os.environ.get("JOBS_WORKERS", "0")) or (os.cpu_count() or 1)
JOBS_RESULT_HOURS = float(os.environ.get("JOBS_RESULT_HOURS", "24"))  # results are deleted after
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "5"))
JOBS_STALE_SECONDS = float(os.environ.get("JOBS_STALE_SECONDS", "60"))  # no heartbeat → start again
# A report or export with more rows than this is made in the background ("Tài liệu của tôi").
JOBS_ROWS_THRESHOLD = int(os.environ.get("JOBS_ROWS_THRESHOLD", "300"))  # PDF (WeasyPrint: ~12 ms a row)
JOBS_XLSX_ROWS_THRESHOLD = int(os.environ.get("JOBS_XLSX_ROWS_THRESHOLD", "5000"))
# The engine for the long plain lists drawn by jobs (PL02–PL07 of a city): reportlab (default,
# ~7× faster) or weasyprint (the engine of every other PDF). Both pass the same format tests.
PDF_LIST_ENGINE = os.environ.get("PDF_LIST_ENGINE", "reportlab")
JOBS_EXPORT_THRESHOLD = int(os.environ.get("JOBS_EXPORT_THRESHOLD", "2000"))  # households in one export
# Writes that take more than a second go to a job too, with their progress: the confirmation of
# an import of more rows than this (~0.6 ms a row), a campaign decision for more households.
JOBS_IMPORT_THRESHOLD = int(os.environ.get("JOBS_IMPORT_THRESHOLD", "1000"))
JOBS_DECISION_THRESHOLD = int(os.environ.get("JOBS_DECISION_THRESHOLD", "50"))
# An uploaded household list larger than this (bytes; ~90 bytes a row) is checked by a job too.
JOBS_IMPORT_CHECK_BYTES = int(os.environ.get("JOBS_IMPORT_CHECK_BYTES", "100000"))

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "tamky")}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache",
                          "OPTIONS": {"MAX_ENTRIES": 5000}}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHE_SECONDS = int(os.environ.get("CACHE_SECONDS", "3600"))
# Long lists (households, support actions) page at most this many rows deep; past that the user
# narrows the list with its filters or exports it (tamky_poverty/pagination.py).
LIST_MAX_ROWS = int(os.environ.get("LIST_MAX_ROWS", "10000"))  # dashboard figures (also invalidated on writes)

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", "") or BASE_DIR / "var" / "media")
# No MEDIA_URL: stored files are served only through views that check who asks.


# django-import-export (the admin's import/export of reference tables): export CSV or XLSX; import
# CSV only — plain text, no archive to expand (the household workbooks have their own bounded
# reader) — every import in one transaction (the preview is a rolled-back run).
from import_export.formats.base_formats import CSV, XLSX  # noqa: E402

IMPORT_EXPORT_FORMATS = [CSV, XLSX]
EXPORT_FORMATS = [CSV, XLSX]
IMPORT_FORMATS = [CSV]
IMPORT_EXPORT_USE_TRANSACTIONS = True
