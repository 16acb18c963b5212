#!/usr/bin/env python
"""Load test (issue 9), run by hand, never by CI:

    .venv/bin/pip install -r bench/requirements.txt        # locust, once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tamky_bench .venv/bin/python bench/load.py

On the configured database (build the register first with ``bench/run.py``) it

1. creates the load-test accounts (``load.*``, one password): TNMT reviewers who see the whole
   city and ward officers spread over the wards (scoped lists), an agency officer;
2. collects the static files and starts **gunicorn with 2 workers** on 127.0.0.1 with the
   production settings (DEBUG off, a throw-away SECRET_KEY);
3. runs **locust** headless on loopback: ``--users`` (default 50) logged-in users, all started
   within the first seconds, browsing the dashboard, household lists (filters, search, a later
   page), household details and the support action list (``bench/locustfile.py``) for
   ``--seconds`` (default 60), with no think time unless ``--think`` is given;
4. stops gunicorn and prints a table per page: requests, failures, median, p95, p99, and the
   whole run's throughput. Everything is bounded in time: locust stops after ``--seconds`` and
   the script kills what is left.

The load generator runs on the same machine as gunicorn and the database (loopback only), so
they share its CPUs; the figures are for that whole machine.
"""

from __future__ import annotations

import argparse
import base64
import csv
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Tai-Benchmark-2025"


def env_for_server(port: int) -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    env.update({
        "DJANGO_SETTINGS_MODULE": "tamky_poverty.settings",
        "DEBUG": "0",
        "SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "LOG_LEVEL": "ERROR",
    })
    env.pop("TESTING", None)
    return env


def prepare_users(env: dict, wards: int) -> list[str]:
    """Create (or reset) the load accounts in the configured database; return their names."""
    code = f"""
import django; django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from households.models import Household
from tamky_poverty.models import AdministrativeUnit
from tamky_poverty.models import Agency
User = get_user_model()
pw = make_password({PASSWORD!r})
units = list(AdministrativeUnit.objects.filter(households__isnull=False).distinct().order_by("name")[:{wards}])
agency = Agency.objects.order_by("id").first()
names = []
def ensure(username, **fields):
    User.objects.update_or_create(username=username, defaults={{"password": pw, "is_active": True, **fields}})
    names.append(username)
for i in range(5):
    ensure(f"load.tnmt{{i}}", role="tnmt_reviewer")
for i, unit in enumerate(units):
    ensure(f"load.ward{{i}}", role="ward_officer", unit=unit)
if agency:
    ensure("load.agency", role="agency_officer", agency=agency)
print(",".join(names))
"""
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True,
                         text=True)
    return out.stdout.strip().splitlines()[-1].split(",")


def wait_for(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/dang-nhap/", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on port {port} within {seconds:.0f} s")


def login(port: int, username: str) -> tuple[str, float]:
    """Log one account in through the login form, as a browser does; return its session id and
    the time the POST took."""
    def request(method, path, body=None, cookies=None, **headers):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1:{port}/dang-nhap/", **headers}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return response.status, response.read().decode(), {k: m.value for k, m in jar.items()}

    _, page, cookies = request("GET", "/dang-nhap/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    t = time.perf_counter()
    status, _, new = request("POST", "/dang-nhap/", body, cookies,
                             **{"Content-Type": "application/x-www-form-urlencoded"})
    elapsed = time.perf_counter() - t
    if status != 302 or "sessionid" not in new:
        raise SystemExit(f"login of {username} failed: HTTP {status}")
    return new["sessionid"], elapsed


def percentile(histogram: dict[int, int], q: float) -> int:
    """The q-th percentile of locust's response-time histogram {rounded ms: count}."""
    total = sum(histogram.values())
    seen = 0
    for ms in sorted(histogram):
        seen += histogram[ms]
        if seen >= q * total:
            return ms
    return 0


def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as fh:
        values = [float(v) for v in fh.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def summary(stats: list[dict]) -> tuple[str, int]:
    """A markdown table: a row per page, then all pages together."""
    lines = ["| page | requests | failures | req/s | median ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]

    def row(name, entries):
        histogram: dict[int, int] = {}
        for e in entries:
            for ms, n in e["response_times"].items():
                histogram[int(float(ms))] = histogram.get(int(float(ms)), 0) + n
        requests = sum(e["num_requests"] for e in entries)
        failed = sum(e["num_failures"] for e in entries)
        start = min(e["start_time"] for e in entries)
        end = max(e["last_request_timestamp"] or start for e in entries)
        rate = requests / max(end - start, 1e-9)
        lines.append(f"| {name} | {requests:,} | {failed:,} | {rate:.1f} | {percentile(histogram, .5)} | "
                     f"{percentile(histogram, .95)} | {percentile(histogram, .99)} | "
                     f"{max(e['max_response_time'] for e in entries):.0f} |")
        return failed

    browsing = stats
    failures = 0
    for e in sorted(stats, key=lambda e: e["name"]):
        failures += row(e["name"], [e])
    row("**all pages**", browsing)
    return "\n".join(lines), failures


def exact_percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, int(round(q * len(values))) - 1)] if values else 0.0


def split_phases(times: list[tuple[float, str, float]], warmup: float) -> tuple[list[float], list[tuple[str, float]]]:
    """(milliseconds of the requests started in the first ``warmup`` seconds, (page, milliseconds)
    of those started after)."""
    start = min(t for t, _, _ in times)
    early = [ms for t, _, ms in times if t - start < warmup]
    steady = [(name, ms) for t, name, ms in times if t - start >= warmup]
    return early, steady


def phases(times: list[tuple[float, str, float]], warmup: float) -> str:
    """The users' arrival (the first ``warmup`` seconds, when they all start at once with cold
    caches) apart from the steady state after it: a row per page for the steady state, then both
    phases for all pages together."""
    early, steady = split_phases(times, warmup)
    lines = [f"Steady state, requests started {warmup:.0f} s or more after the first:", "",
             "| page | requests | median ms | p95 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|---:|"]

    def row(label, values):
        if values:
            lines.append(f"| {label} | {len(values):,} | {exact_percentile(values, .5):.0f} | "
                         f"{exact_percentile(values, .95):.0f} | {exact_percentile(values, .99):.0f} | "
                         f"{max(values):.0f} |")

    for name in sorted({name for name, _ in steady}):
        row(name, [ms for n, ms in steady if n == name])
    row("**all pages, steady state**", [ms for _, ms in steady])
    row(f"all pages, first {warmup:.0f} s (arrival)", early)
    return "\n".join(lines)


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=25, help="users started per second")
    parser.add_argument("--think", type=float, default=0, help="mean pause between a user's pages (s)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (more than 1: the gthread worker class)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--wards", type=int, default=30, help="ward officer accounts (one ward each)")
    parser.add_argument("--warmup", type=float, default=None,
                        help="seconds counted as the users' arrival, reported apart from the steady state "
                             "(default: the spawning time plus three pauses, at least 5 s)")
    parser.add_argument("--output", help="also write the markdown table to this file")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict:
    """One load test; prints its tables and returns its figures: every request's start time,
    page and milliseconds (``times``), the arrival's length in seconds (``warmup``), the whole
    run's requests per second (``rate``), failed requests and the markdown text."""
    env = env_for_server(args.port)
    db = env["DATABASE_URL"].split("@")[-1]
    print(f"database: {db}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPU, Python {platform.python_version()}")
    users = prepare_users(env, args.wards)
    print(f"accounts: {len(users)} ({', '.join(users[:3])}, …)")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT,
                   check=True)

    host = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "tamky_poverty.wsgi", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "60",
         "--log-level", "warning"],
        env=env, cwd=ROOT, start_new_session=True)
    tmp = Path(tempfile.mkdtemp())
    try:
        wait_for(args.port, 30)
        accounts = [users[i % len(users)] for i in range(args.users)]
        with ThreadPoolExecutor(args.workers) as pool:
            logins = list(pool.map(lambda u: login(args.port, u), accounts))
        times = sorted(t * 1000 for _, t in logins)
        print(f"logins: {len(logins)} through the login form, median {times[len(times) // 2]:.0f} ms, "
              f"max {times[-1]:.0f} ms (password hashing)")
        locust_env = {**env, "LOAD_SESSIONS": ",".join(sid for sid, _ in logins),
                      "LOAD_THINK_SECONDS": str(args.think), "LOAD_TIMES_FILE": str(tmp / "times.csv")}
        cmd = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "--host", host, "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s",
               "--stop-timeout", "5", "--json-file", str(tmp / "stats"), "--only-summary", "--loglevel", "WARNING"]
        print(f"locust: {args.users} users, {args.seconds} s, think {args.think} s, gunicorn {args.workers} workers "
              f"× {args.threads} thread(s)")
        print(f"load average before: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
        busy0, total0 = cpu_times()
        subprocess.run(cmd, env=locust_env, cwd=ROOT, timeout=args.seconds + 60)
        busy1, total1 = cpu_times()
        print(f"load average after: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}; machine CPU busy during "
              f"the run: {100 * (busy1 - busy0) / max(total1 - total0, 1):.0f} % of {os.cpu_count()} CPUs "
              f"(gunicorn, the database and locust share them)")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    stats = json.loads((tmp / "stats.json").read_text(encoding="utf-8"))
    text, failures = summary(stats)
    requests = sum(e["num_requests"] for e in stats)
    start = min(e["start_time"] for e in stats)
    end = max(e["last_request_timestamp"] or start for e in stats)
    rate = requests / max(end - start, 1e-9)
    print()
    print(text)
    print(f"\nthroughput {rate:.1f} req/s with {args.workers} gunicorn workers = {rate / args.workers:.1f} req/s "
          f"per worker process")
    warmup = args.warmup if args.warmup is not None else args.users / args.spawn_rate + max(5.0, 3 * args.think)
    with open(tmp / "times.csv", encoding="utf-8") as fh:
        times = [(float(t), name, float(ms)) for t, name, ms in csv.reader(fh)]
    shutil.rmtree(tmp, ignore_errors=True)
    steady = phases(times, warmup)
    print()
    print(steady)
    text += "\n\n" + steady
    if failures:
        print(f"\nFAILED: {failures} request(s) failed")
    return {"times": times, "warmup": warmup, "rate": rate, "failures": failures, "text": text}


def main(argv=None) -> int:
    args = parse(argv)
    result = run(args)
    if args.output:
        Path(args.output).write_text(result["text"] + "\n", encoding="utf-8")
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
