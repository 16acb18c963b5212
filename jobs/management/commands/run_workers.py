"""python manage.py run_workers [--processes N] [--runserver ADDR]

A small supervisor for the background job workers: starts N worker processes of the configured
backend (``db_worker`` of django-tasks-db, or RQ's ``rqworker`` with django-tasks-rq's job class
when REDIS_URL is set), starts again any that dies, and every ``--sweep`` seconds starts again the
jobs whose worker died (``jobs.services.jobs_recover``) and deletes expired results. With
``--runserver`` it also runs Django's development server (what ``make run`` uses). SIGTERM or
Ctrl+C stops everything: a worker finishes its current task first."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from jobs import services


def worker_command(index: int) -> list[str]:
    base = [sys.executable, "-m", "django"]
    if settings.JOBS_BACKEND == "redis":
        return [*base, "rqworker", "--job-class", "django_tasks_rq.Job",
                "--name", f"{socket.gethostname()}-{os.getpid()}-{index}", "default"]
    return [*base, "db_worker", "--queue-name", "default", "--interval", "0.5", "--no-reload",
            "--worker-id", f"{socket.gethostname()[:40]}-{os.getpid()}-{index}"]


class Command(BaseCommand):
    help = "Chạy các tiến trình xử lý công việc nền (và máy chủ phát triển với --runserver)."

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=None, help="số tiến trình (mặc định JOBS_WORKERS)")
        parser.add_argument("--sweep", type=float, default=30.0, help="giây giữa hai lần kiểm tra việc bị bỏ dở")
        parser.add_argument("--runserver", metavar="ADDR", help="chạy kèm máy chủ phát triển, ví dụ 127.0.0.1:8000")

    def handle(self, *args, **opts):
        if settings.JOBS_BACKEND == "immediate":
            self.stderr.write("JOBS_BACKEND=immediate: no worker needed.")
            return
        count = opts["processes"] or settings.JOBS_WORKERS
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "tamky_poverty.settings")}
        cwd = str(settings.BASE_DIR)
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self._sweep()
        workers: dict[int, subprocess.Popen] = {}
        server = None
        if opts["runserver"]:
            server = subprocess.Popen([sys.executable, "-m", "django", "runserver", opts["runserver"]], env=env, cwd=cwd)
        last_sweep = time.monotonic()
        self.stdout.write(f"{count} worker(s), backend {settings.JOBS_BACKEND}")
        try:
            while not stopping:
                died = False
                for i in range(count):
                    proc = workers.get(i)
                    if proc is not None and proc.poll() is not None:
                        self.stderr.write(f"worker {i} (pid {proc.pid}) exited with {proc.returncode}; restarting")
                        died = True
                        proc = None
                    if proc is None:
                        workers[i] = subprocess.Popen(worker_command(i), env=env, cwd=cwd)
                if server is not None and server.poll() is not None:
                    break
                if died or time.monotonic() - last_sweep > opts["sweep"]:
                    self._sweep()
                    last_sweep = time.monotonic()
                time.sleep(0.5)
        finally:
            procs = [*workers.values(), *([server] if server else [])]
            for proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 60
            for proc in procs:
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()

    def _sweep(self):
        now = timezone.now()
        restarted = services.jobs_recover(now=now)
        purged = services.jobs_purge_expired(now=now)
        if restarted or purged:
            self.stdout.write(f"jobs started again: {len(restarted)}, expired results deleted: {purged}")
