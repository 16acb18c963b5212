"""A job kind for the worker tests only (installed by tests/jobs/worker_settings.py): it reports
progress row by row and, on its first attempt, stops after 3 of 10 rows until a gate file
exists, so a test can kill its worker in the middle of the job."""

import time
from pathlib import Path

from django.apps import AppConfig

from jobs.registry import JobKind, register


def run_gated(ctx):
    gate = Path(ctx.params["gate"])
    ctx.set_total(10)
    for i in range(10):
        while i == 3 and ctx.attempt == 1 and not gate.exists():
            time.sleep(0.05)
        ctx.advance(1)
    ctx.finish(f"attempt {ctx.attempt}".encode(), "gated.txt", "text/plain")


class SlowAppConfig(AppConfig):
    name = "tests.jobs.slowapp"
    label = "jobs_slowapp"

    def ready(self):
        register(JobKind("test_gated", run_gated))
