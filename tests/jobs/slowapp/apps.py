"""Job kinds for the worker tests only (installed by tests/jobs/worker_settings.py): they report
progress row by row and, on their first attempt, stop after 3 of 10 rows until a gate file
exists, so a test can look at the job or kill its worker in the middle of it. The second one
writes its 10 rows in one transaction (as an import or a campaign decision does) and reports
through ``ctx.tracker()``."""

import time
from pathlib import Path

from django.apps import AppConfig
from django.db import transaction

from jobs.registry import JobKind, register


def run_gated(ctx):
    gate = Path(ctx.params["gate"])
    ctx.set_total(10)
    for i in range(10):
        while i == 3 and ctx.attempt == 1 and not gate.exists():
            time.sleep(0.05)
        ctx.advance(1)
    ctx.finish(f"attempt {ctx.attempt}".encode(), "gated.txt", "text/plain")


def run_gated_transaction(ctx):
    from django.contrib.auth.models import Group

    gate = Path(ctx.params["gate"])
    progress = ctx.tracker()
    progress.every = 0
    with transaction.atomic():
        progress.phase("Bước 1/1: ghi từng dòng", 10, "dòng")
        for i in range(10):
            while i == 3 and ctx.attempt == 1 and not gate.exists():
                time.sleep(0.05)
            Group.objects.create(name=f"gated-{i}")
            progress.advance(1)
    ctx.done(f"attempt {ctx.attempt}", "/")


class SlowAppConfig(AppConfig):
    name = "tests.jobs.slowapp"
    label = "jobs_slowapp"

    def ready(self):
        register(JobKind("test_gated", run_gated))
        register(JobKind("test_gated_transaction", run_gated_transaction))
