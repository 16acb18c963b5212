"""Running queued jobs inside a test, through the configured backend's own worker: the database
backend's ``db_worker --batch`` (in this process, in the test's transaction), or, when the suite
runs with JOBS_BACKEND=redis, an RQ worker in burst mode without forking."""

from __future__ import annotations

from unittest import mock

from django.conf import settings
from django.core.management import call_command


def run_jobs() -> None:
    if settings.JOBS_BACKEND == "redis":
        import django_rq
        from django_tasks_rq import Job as RQJob
        from rq.worker import SimpleWorker

        for _ in range(5):  # a job may enqueue its parts: work until the queue is empty
            worker = django_rq.get_worker("default", worker_class=SimpleWorker, job_class=RQJob)
            if not worker.work(burst=True):
                break
        return
    if settings.JOBS_BACKEND == "database":
        # The worker closes "old" connections between tasks; here that would be the test's own
        # connection, in the middle of its transaction.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None):
            call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0)
