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

from jobs import selectors
from jobs.models import Job
from jobs.registry import JobKind, register
from jobs.services import job_start
from tests.jobs.slowapp.apps import run_gated, run_gated_transaction

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


def _supervisor():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings", "DATABASE_URL": _database_url()}
    return subprocess.Popen(
        [sys.executable, "-m", "django", "run_workers", "--processes", "1", "--sweep", "1"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _stop(supervisor) -> str:
    supervisor.send_signal(signal.SIGTERM)
    try:
        output, _ = supervisor.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        supervisor.kill()
        output, _ = supervisor.communicate()
    return output


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_job_loses_nothing(tmp_path, make_user):
    register(JobKind("test_gated", run_gated))
    owner = make_user("canbo.tailieu", "tnmt_reviewer")
    gate = tmp_path / "gate"
    job = job_start(actor=owner, kind="test_gated", title="Việc thử", params={"gate": str(gate)})
    supervisor = _supervisor()
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
        output = _stop(supervisor)
    assert "jobs started again: 1" in output, output
    if settings.JOBS_BACKEND == "database":  # RQ runs each job in a forked child; its worker lives on
        assert "restarting" in output, output


@pytest.mark.django_db(transaction=True)
def test_progress_inside_a_transaction_is_seen_while_it_runs_and_a_kill_writes_nothing(tmp_path, make_user):
    """A job writing in one transaction (an import, a campaign decision) in a real worker: its
    page sees the rows done while nothing is committed yet (on SQLite too, whose one writer is
    that transaction); killed in the middle, it writes nothing, and its next attempt writes all."""
    from django.contrib.auth.models import Group

    register(JobKind("test_gated_transaction", run_gated_transaction))
    owner = make_user("canbo.nhap", "tnmt_reviewer")
    gate = tmp_path / "gate"
    job = job_start(actor=owner, kind="test_gated_transaction", title="Ghi thử", params={"gate": str(gate)})
    supervisor = _supervisor()
    try:
        def three_of_ten():
            seen = selectors.live(Job.objects.get(pk=job.pk))
            return seen if (seen.rows_done, seen.rows_total) == (3, 10) else None

        seen = _wait(three_of_ten, what="the job's page to show 3 of 10 rows")
        assert seen.phase == "Bước 1/1: ghi từng dòng" and seen.progress_label == "dòng"
        assert not Group.objects.filter(name__startswith="gated-").exists()  # not committed yet
        os.kill(int(seen.worker.rsplit(":", 1)[1]), signal.SIGKILL)
        gate.touch()

        def done():
            return Job.objects.filter(pk=job.pk, status=Job.Status.DONE).first()

        finished = _wait(done, what="the job to be started again and finish")
        assert finished.attempt == 2 and finished.summary == "attempt 2"
        assert Group.objects.filter(name__startswith="gated-").count() == 10  # the killed attempt left nothing
    finally:
        _stop(supervisor)
