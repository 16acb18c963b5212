"""Load test (issue 9): logged-in users browsing lists, details and the dashboard.

Run through ``bench/load.py``, which prepares the accounts, starts gunicorn, logs every account
in through the login form and runs locust headless for a bounded time on loopback. Each simulated
user takes one of those sessions (``LOAD_SESSIONS``, a comma list of session ids) and keeps
browsing: the dashboard, the household list (no filter, a class filter, a diacritics-
insensitive search, a later page), a household detail page picked from the list it just saw, and
the support action list.

The server runs with the production settings (DEBUG off), so cookies are marked Secure and plain
HTTP would be redirected to HTTPS. A real deployment puts TLS in front of gunicorn; here the client
says so with ``X-Forwarded-Proto: https`` (trusted by the settings) and sends its cookies itself.
"""

from __future__ import annotations

import csv
import itertools
import os
import random
import re
import threading
import time

from locust import HttpUser, between, constant, events, task

SESSIONS = [s for s in os.environ.get("LOAD_SESSIONS", "").split(",") if s]
THINK = float(os.environ.get("LOAD_THINK_SECONDS", "0"))  # 0: no pause between pages
HOUSEHOLD_LINK = re.compile(r'href="/ho/(\d+)/"')
SEARCHES = ["nguyen van", "trần thị", "le", "hương", "PHAM", "B00123"]
CLASSES = ["poor", "near_poor"]

_next_session = itertools.cycle(SESSIONS or ["none"])
_lock = threading.Lock()

# Every request's start time, page and response time, written at the end to LOAD_TIMES_FILE, so
# that load.py can tell the users' start (all arriving at once) from the steady state after it.
TIMES_FILE = os.environ.get("LOAD_TIMES_FILE", "")
_times: list[tuple[float, str, float]] = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    _times.append((time.time() - response_time / 1000, name, response_time))


@events.quitting.add_listener
def _write_times(environment, **kwargs):
    if TIMES_FILE:
        with open(TIMES_FILE, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(_times)


class Officer(HttpUser):
    wait_time = between(THINK / 2, THINK * 1.5) if THINK else constant(0)

    def _headers(self) -> dict:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"X-Forwarded-Proto": "https", "Cookie": cookie, "Referer": f"https://{self.netloc}/"}

    def _get(self, path: str, name: str, params=None):
        with self.client.get(path, params=params, name=name, headers=self._headers(),
                             allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            return r

    def on_start(self) -> None:
        with _lock:
            self.session = next(_next_session)
        self.netloc = self.host.split("://", 1)[1].rstrip("/")
        self.cookies = {"sessionid": self.session}
        self.household_ids: list[str] = []

    @task(2)
    def dashboard(self) -> None:
        self._get("/", "dashboard")

    @task(4)
    def household_list(self) -> None:
        choice = random.random()
        if choice < 0.4:
            r = self._get("/ho/", "households: list")
        elif choice < 0.7:
            r = self._get("/ho/", "households: list by class", {"current_class": random.choice(CLASSES)})
        elif choice < 0.9:
            r = self._get("/ho/", "households: search", {"q": random.choice(SEARCHES)})
        else:
            r = self._get("/ho/", "households: page 5", {"page": 5})
        ids = HOUSEHOLD_LINK.findall(r.text or "")
        if ids:
            self.household_ids = ids

    @task(4)
    def household_detail(self) -> None:
        if not self.household_ids:
            self.household_list()
        if self.household_ids:
            self._get(f"/ho/{random.choice(self.household_ids)}/", "households: detail")

    @task(1)
    def support_list(self) -> None:
        self._get("/ho-tro/", "support actions: list")
