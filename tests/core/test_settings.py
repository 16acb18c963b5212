"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _run(env_overrides: dict[str, str], code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "TESTING"}}
    env.update({"DJANGO_SETTINGS_MODULE": "tamky_poverty.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _run({"DEBUG": "0"}, "print('started')")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_gets_a_development_key_and_sqlite_by_default():
    result = _run({"DEBUG": "1"}, "print(settings.DATABASES['default']['ENGINE'], settings.SECRET_KEY.startswith('dev-only'))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["tamky_poverty.backends.sqlite3", "True"]  # SQLite, PostgreSQL integer bounds


def test_database_url_selects_postgresql():
    result = _run(
        {"DEBUG": "0", "SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u:p@db.example:5432/giamngheo"},
        "d = settings.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "db.example", "giamngheo"]


def test_sqlite_uses_write_ahead_logging_and_immediate_transactions(tmp_path):
    """gunicorn's workers share the SQLite file: readers must not block the writer, and a
    transaction must not fail with "database is locked" when it starts writing."""
    result = _run(
        {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}"},
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode'); "
        "print(c.fetchone()[0], connection.transaction_mode)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "IMMEDIATE"]


def test_vietnamese_locale_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


@pytest.mark.django_db
def test_no_missing_migrations():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_vietnamese_number_and_date_formats():
    import datetime as dt

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(dt.date(2025, 2, 5), "SHORT_DATE_FORMAT") == "05/02/2025"
        assert formats.number_format(1500000, use_l10n=True, force_grouping=True) == "1.500.000"


def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    """Production serves hashed, compressed static files (WhiteNoise's manifest storage), which
    post-processes every CSS/JS reference; a reference to a file we do not ship (e.g. a source
    map) makes `collectstatic` fail and the deployment with it."""
    code = (
        f"settings.STATIC_ROOT = {str(tmp_path)!r}; "
        "from django.core.management import call_command; "
        "call_command('collectstatic', '--noinput', verbosity=0); "
        "from django.contrib.staticfiles.storage import staticfiles_storage as s; "
        "print(type(s._wrapped).__name__, s.url('css/bootstrap.min.css'))"
    )
    result = _run({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "giamngheo.example.vn"}, code)
    assert result.returncode == 0, result.stderr[-2000:]
    storage, url = result.stdout.split()
    assert storage == "CompressedManifestStaticFilesStorage"
    assert url.startswith("/static/css/bootstrap.min.") and url != "/static/css/bootstrap.min.css"
    assert (tmp_path / "staticfiles.json").exists()
    assert (tmp_path / (url.removeprefix("/static/") + ".gz")).exists()  # compressed copy served by WhiteNoise
