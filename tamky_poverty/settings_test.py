"""Test settings: the production settings with a throw-away key and what tests over plain HTTP
need. Selected by pytest (pyproject.toml)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("TESTING", "1")

from tamky_poverty.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405 (whitenoise looks for it)
