"""A worker restart loses no job: the supervisor (`manage.py run_workers`) runs a real worker
process against the test database (and Redis, in the CI run with JOBS_BACKEND=redis); the test
kills the process running the job (SIGKILL) in the middle of it, and the job is started again
and completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from jobs.models import Job
from jobs.registry import JobKind, register
from jobs.services import job_start
from tests.jobs.slowapp.apps import run_gated

pytestmark = [pytest.mark.tasks,
              pytest.mark.skipif(settings.JOBS_BACKEND == "immediate", reason="needs a queue and a worker")]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def _wait(predicate, seconds=60.0, what=""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_job_loses_nothing(tmp_path, make_user):
    register(JobKind("test_gated", run_gated))
    owner = make_user("canbo.tailieu", "tnmt_reviewer")
    gate = tmp_path / "gate"
    job = job_start(actor=owner, kind="test_gated", title="Việc thử", params={"gate": str(gate)})
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings", "DATABASE_URL": _database_url()}
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "django", "run_workers", "--processes", "1", "--sweep", "1"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def held():
            job.refresh_from_db()
            return job.status == Job.Status.RUNNING and job.rows_done == 3 and job.worker

        _wait(held, what="the job to report 3 of 10 rows")
        pid = int(job.worker.rsplit(":", 1)[1])
        assert pid != supervisor.pid
        os.kill(pid, signal.SIGKILL)  # the worker dies in the middle of the job
        gate.touch()

        def done():
            job.refresh_from_db()
            return job.status == Job.Status.DONE

        _wait(done, what="the job to be started again and finish")
        assert job.attempt == 2 and job.rows_done == job.rows_total == 10
        assert job.result.read() == b"attempt 2"
        assert int(job.worker.rsplit(":", 1)[1]) != pid  # a new worker process did it
    finally:
        supervisor.send_signal(signal.SIGTERM)
        try:
            output, _ = supervisor.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            supervisor.kill()
            output, _ = supervisor.communicate()
    assert "jobs started again: 1" in output, output
    if settings.JOBS_BACKEND == "database":  # RQ runs each job in a forked child; its worker lives on
        assert "restarting" in output, output
