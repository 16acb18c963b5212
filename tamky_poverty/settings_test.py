"""Test settings: the production settings with a throw-away key and what tests over plain HTTP
need. Selected by pytest (pyproject.toml)."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("TESTING", "1")
# Job results and issued documents go to a throw-away directory (shared with the worker
# processes that the job tests start, which inherit the environment).
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="tamky-test-media-"))

from tamky_poverty.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405 (whitenoise looks for it)

# SQLite: the test database is a file, not memory, so that the worker processes started by the job
# tests (tests/jobs/test_worker.py) see the same database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and "TEST" not in DATABASES["default"]:  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
