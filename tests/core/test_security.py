"""Accounts and hardening (issue 7): login throttling, password rules, idle sessions, password
change ending other sessions, deactivation, security headers and the CSP."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

GENERIC_FAILURE = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKOUT = "Đăng nhập sai quá nhiều lần"
BASE_DIR = Path(settings.BASE_DIR)


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- Login throttling ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_login_locks_after_repeated_failures_even_with_the_right_password(ward_officer):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit - 1):
        response = _login(client, "canbo.anphu", "sai-mat-khau")
        assert response.status_code == 200
        assert GENERIC_FAILURE in response.content.decode()
    locked = _login(client, "canbo.anphu", "sai-mat-khau")
    assert locked.status_code == 429
    assert LOCKOUT in locked.content.decode()
    # the right password no longer helps while the lock lasts
    again = _login(client, "canbo.anphu", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.django_db
def test_lockout_answer_is_identical_for_unknown_and_existing_users(ward_officer):
    answers = {}
    for username in ("canbo.anphu", "khong.ton.tai"):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = _login(client, username, "sai-mat-khau")
        answers[username] = (response.status_code, _strip_csrf(response.content.decode()))
    assert answers["canbo.anphu"][0] == answers["khong.ton.tai"][0] == 429
    assert answers["canbo.anphu"][1] == answers["khong.ton.tai"][1]


def _strip_csrf(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'value="[^"]*"', "", html)  # the typed user name is echoed back


@pytest.mark.django_db
def test_failures_below_the_limit_are_forgotten_after_a_successful_login(ward_officer):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "canbo.anphu", "sai")
    assert _login(client, "canbo.anphu", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "canbo.anphu", "sai").status_code == 200
    assert _login(client, "canbo.anphu", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_admin_login_is_throttled_too(admin_user):
    client = Client()
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": "quantri", "password": "sai"})
    assert response.status_code == 429
    assert client.post(url, {"username": "quantri", "password": PASSWORD}).status_code == 429


@pytest.mark.django_db
def test_inactive_user_gets_the_same_message_as_a_wrong_password(ward_officer):
    ward_officer.is_active = False
    ward_officer.save()
    response = _login(Client(), "canbo.anphu", PASSWORD)
    assert response.status_code == 200
    assert GENERIC_FAILURE in response.content.decode()


# --- Passwords ----------------------------------------------------------------------------------

@pytest.mark.parametrize("weak", ["ngan", "12345678901234", "password1234", "canbo.anphu1"])
@pytest.mark.django_db
def test_weak_passwords_are_refused(ward_officer, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=ward_officer)


@pytest.mark.django_db
def test_a_strong_password_is_accepted(ward_officer):
    validate_password("Ruong-lua-Tam-Ky-2025", user=ward_officer)


@pytest.mark.django_db
def test_password_change_page_is_vietnamese_and_ends_other_sessions(ward_officer):
    laptop, phone = Client(), Client()
    assert _login(laptop, "canbo.anphu", PASSWORD).status_code == 302
    assert _login(phone, "canbo.anphu", PASSWORD).status_code == 302
    assert phone.get(reverse("dashboard")).status_code == 200

    page = laptop.get(reverse("password_change"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đổi mật khẩu" in html and "Mật khẩu hiện tại" in html

    new = "Cay-dua-Tam-Thang-2026"
    response = laptop.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": new, "new_password2": new,
    }, follow=True)
    assert response.status_code == 200
    assert "Đã đổi mật khẩu" in response.content.decode()
    # this browser stays logged in, the other one is logged out
    assert laptop.get(reverse("dashboard")).status_code == 200
    other = phone.get(reverse("dashboard"))
    assert other.status_code == 302 and other["Location"].startswith(reverse("login"))
    ward_officer.refresh_from_db()
    assert ward_officer.check_password(new)


@pytest.mark.django_db
def test_password_change_refuses_wrong_old_password_and_weak_new_one(ward_client, ward_officer):
    wrong_old = ward_client.post(reverse("password_change"), {
        "old_password": "sai", "new_password1": "Cay-dua-Tam-Thang-2026",
        "new_password2": "Cay-dua-Tam-Thang-2026",
    })
    assert wrong_old.status_code == 200
    assert "Mật khẩu hiện tại không đúng" in wrong_old.content.decode()
    weak = ward_client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "123456", "new_password2": "123456",
    })
    assert weak.status_code == 200
    assert "Chưa đổi được mật khẩu" in weak.content.decode()
    ward_officer.refresh_from_db()
    assert ward_officer.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_change_requires_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Sessions -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_session_ends_after_the_idle_timeout_and_activity_renews_it(ward_officer):
    assert settings.SESSION_COOKIE_AGE == int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
    assert settings.SESSION_SAVE_EVERY_REQUEST
    client = Client()
    assert _login(client, "canbo.anphu", PASSWORD).status_code == 302
    key = client.session.session_key

    session = Session.objects.get(session_key=key)
    session.expire_date = timezone.now() + dt.timedelta(seconds=5)
    session.save()
    assert client.get(reverse("dashboard")).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    expected = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((renewed - expected).total_seconds()) < 60  # activity pushed the end forward

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Deactivation -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_admin_deactivates_a_user_who_is_logged_out_and_cannot_log_in(admin_client_, admin_user, ward_officer):
    officer = Client()
    assert _login(officer, "canbo.anphu", PASSWORD).status_code == 302
    response = admin_client_.post(
        reverse("admin:tamky_poverty_user_changelist"),
        {"action": "deactivate", "_selected_action": [ward_officer.pk, admin_user.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Đã khoá 1 tài khoản." in response.content.decode()
    ward_officer.refresh_from_db()
    admin_user.refresh_from_db()
    assert not ward_officer.is_active
    assert admin_user.is_active  # an administrator cannot lock themselves out
    assert officer.get(reverse("dashboard")).status_code == 302
    assert GENERIC_FAILURE in _login(Client(), "canbo.anphu", PASSWORD).content.decode()


@pytest.mark.django_db
def test_non_admins_cannot_reach_user_administration(ward_client, tnmt_client, ward_officer):
    for client in (ward_client, tnmt_client):
        response = client.get(reverse("admin:tamky_poverty_user_changelist"))
        assert response.status_code == 302 and "login" in response["Location"]


# --- Headers and the Content Security Policy ----------------------------------------------------

def _csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    out = {}
    for part in header.split(";"):
        bits = part.strip().split()
        if bits:
            out[bits[0]] = bits[1:]
    return out


@pytest.mark.django_db
def test_csp_and_security_headers_on_pages(client, ward_client, admin_client_):
    pages = [
        (client, reverse("login")),
        (ward_client, reverse("dashboard")),
        (ward_client, reverse("password_change")),
        (admin_client_, reverse("admin:index")),
    ]
    for c, url in pages:
        response = c.get(url)
        assert response.status_code == 200, url
        csp = _csp_directives(response)
        assert csp["default-src"] == ["'self'"], url
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'"], url
        assert csp["frame-ancestors"] == ["'none'"], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_not_found_page_has_the_csp_too(ward_client):
    response = ward_client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"javascript:", re.I)


# Read only by WeasyPrint (PDF), never served to a browser, so the CSP does not apply:
# pdf.html is the PDF page; _table.html writes <col style> only inside `{% if font_dir %}` (PDF).
PDF_ONLY_STYLES = {"templates/reports/pdf.html", "templates/reports/_table.html",
                   "templates/reports/pdf_page_numbers.html"}


def test_no_template_uses_inline_scripts_styles_or_handlers():
    """The CSP forbids them; this finds them before a browser does (all apps' templates)."""
    offenders = []
    for path in sorted((BASE_DIR / "templates").rglob("*.html")):
        relative = str(path.relative_to(BASE_DIR))
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
        text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
        for name, pattern in (("inline <script>", INLINE_SCRIPT), ("style", INLINE_STYLE),
                              ("on* handler", INLINE_HANDLER), ("javascript: URL", JS_URL)):
            if name == "style" and relative in PDF_ONLY_STYLES:
                continue
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(BASE_DIR)}:{line}: {name}: {match.group(0).strip()}")
    assert not offenders, "\n".join(offenders)


# --- Production settings ------------------------------------------------------------------------

def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "TESTING", "DEBUG"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tamky_poverty.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k" + os.urandom(40).hex(),
        "ALLOWED_HOSTS": "giamngheo.example.vn",
    })
    env.update(extra)
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=_production_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_turn_on_https_hardening():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django;django.setup();" + code],
        cwd=BASE_DIR, env=_production_env(), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "DENY", "False"]


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True,
        text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_uploads_are_limited_in_size():
    assert settings.IMPORT_MAX_BYTES > 0
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.IMPORT_MAX_BYTES + 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.IMPORT_MAX_BYTES
