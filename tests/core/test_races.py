"""Races give form errors, never a server error (issue 15): ten concurrent double-submits of the
household form, ten pairs of households entered at once with the same citizen ID, and ten
double clicks on "confirm" of an import — real concurrent requests against gunicorn (four
worker processes, the test settings) on the database the suite runs on: a fresh SQLite file in
WAL mode, or the PostgreSQL test database."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.households.io_helpers import head_row, workbook_bytes
from tests.households.test_views import household_post, member_data

BASE_DIR = Path(settings.BASE_DIR)
PAIRS = 10

SETUP = f"""
import django; django.setup()
from citydata.reference_data import load_reference
from households.models import PovertyStandard
from tamky_poverty.models import AdministrativeUnit, Role, User
if not PovertyStandard.objects.exists():
    load_reference()
unit = AdministrativeUnit.objects.get(code="20356", valid_from__isnull=False)  # Phường Quảng Phú
user = User(username="canbo.race", role=Role.WARD_OFFICER, unit=unit)
user.set_password({PASSWORD!r})
user.save()
print(unit.pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp_path) -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'races.sqlite3'}"


class Browser:
    """One user's browser: cookies, CSRF token, form posts (urlencoded or multipart)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for key, value in response.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.getheader("Location", ""), content.decode("utf-8", "replace")

    def token(self, path) -> str:
        status, _location, html = self.request("GET", path)
        assert status == 200, (path, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def post(self, path, data: dict, token: str, files: dict | None = None):
        fields = {**data, "csrfmiddlewaretoken": token}
        if not files:
            body = urlencode(fields, doseq=True).encode()
            return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        for key, (name, content) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{name}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def login(self, username):
        token = self.token("/dang-nhap/")
        status, _location, _html = self.post("/dang-nhap/", {"username": username, "password": PASSWORD}, token)
        assert status == 302, status


@pytest.fixture
def server(transactional_db, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.update({"DJANGO_SETTINGS_MODULE": "tamky_poverty.settings_test", "DATABASE_URL": _database_url(tmp_path),
                "MEDIA_ROOT": str(tmp_path / "media"), "PYTHONPATH": str(BASE_DIR)})
    run = {"cwd": BASE_DIR, "env": env, "capture_output": True, "text": True, "timeout": 600}
    if connection.vendor == "sqlite":
        done = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], **run)
        assert done.returncode == 0, done.stderr
    done = subprocess.run([sys.executable, "-c", SETUP], **run)
    assert done.returncode == 0, done.stderr
    unit_id = done.stdout.split()[-1]
    port = _free_port()
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tamky_poverty.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "4",
         "--timeout", "120"], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port, unit_id, tmp_path / "gunicorn.log"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _errors(html: str) -> list[str]:
    summary = html.split('data-testid="error-summary"', 1)[-1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]


def _all_at_once(calls):
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_ten_concurrent_double_submits_of_each_form_give_no_server_error(server):
    port, unit_id, log = server
    officers = []
    for _ in range(PAIRS):
        browser = Browser(port)
        browser.login("canbo.race")
        officers.append(browser)

    # 1. The household form submitted twice at once (a double click), ten times over.
    calls = []
    for n, browser in enumerate(officers):
        token = browser.token("/ho/them/")
        data = household_post(members=[member_data(0, citizen_id=f"0492000000{n:02d}")], code=f"DUP-{n}",
                              unit=None)
        calls += [lambda b=browser, d=data, t=token: b.post("/ho/them/", d, t)] * 2
    answers = _all_at_once(calls)
    statuses = sorted(status for status, _l, _h in answers)
    assert statuses == [302] * PAIRS + [400] * PAIRS, statuses
    for status, _location, html in answers:
        if status == 400:
            # "already there" — the code or the head's citizen ID, whichever check met the first
            # save: the form's, the model's or the database's constraint
            errors = _errors(html)
            assert errors and all(re.search("đã có ở|vừa được ghi|đã tồn tại|đã được ghi cho", e) for e in errors), errors

    # 2. Two different households with the same citizen ID entered at the same moment.
    calls = []
    for n, browser in enumerate(officers):
        token = browser.token("/ho/them/")
        for side in ("A", "B"):
            data = household_post(members=[member_data(0, citizen_id=f"0493000000{n:02d}")], code=f"CID-{n}-{side}")
            calls.append(lambda b=browser, d=data, t=token: b.post("/ho/them/", d, t))
    answers = _all_at_once(calls)
    statuses = sorted(status for status, _l, _h in answers)
    assert statuses == [302] * PAIRS + [400] * PAIRS, statuses
    for status, _location, html in answers:
        if status == 400:
            errors = _errors(html)
            assert errors and all("số định danh" in e.lower() for e in errors), errors

    # 3. "Confirm" of a previewed import clicked twice at once, in ten sessions.
    calls = []
    for n, browser in enumerate(officers):
        token = browser.token(reverse("household_io:import"))
        data = workbook_bytes([head_row(code=f"IMP-{n}", citizen_id=f"0494000000{n:02d}", full_name=f"Nhập {n}")])
        status, _location, html = browser.post(reverse("household_io:import"), {}, token, files={"file": (f"{n}.xlsx", data)})
        assert status == 200 and "Xác nhận nhập vào sổ" in html, html[-2000:]
        calls += [lambda b=browser, t=token: b.post(reverse("household_io:import_confirm"), {}, t)] * 2
    answers = _all_at_once(calls)
    assert all(status == 302 for status, _l, _h in answers), [s for s, _l, _h in answers]
    results = []
    for browser in officers:
        _status, _location, html = browser.request("GET", "/ho/?q=imp-")
        results.append(html)
    listed = set(re.findall(r"<td>(IMP-\d+)</td>", results[0]))
    assert listed == {f"IMP-{n}" for n in range(PAIRS)}

    # Not one server error in the whole run.
    text = log.read_text()
    assert "Internal Server Error" not in text and "Traceback" not in text, text[-5000:]
