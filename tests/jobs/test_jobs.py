"""“Tài liệu của tôi” and the job machinery: own jobs only, progress from the job, the error in
Vietnamese, retry, expiry, recovery of a job whose worker died, and the household export job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import Job
from jobs.registry import JobError, JobKind, register
from tests.jobs_helpers import run_jobs

pytestmark = pytest.mark.tasks

CALLS = {"n": 0}


def _flaky(ctx):
    """Fails the first time with a message for the user, then works."""
    CALLS["n"] += 1
    ctx.set_total(2)
    ctx.advance(1)
    if CALLS["n"] == 1:
        raise JobError("Không đủ số liệu để lập tài liệu.")
    ctx.advance(1)
    ctx.finish(b"ok", "ket-qua.txt", "text/plain")


def _crash(ctx):
    raise RuntimeError("boom: internal detail that must not reach the user")


@pytest.fixture(autouse=True)
def kinds():
    CALLS["n"] = 0
    register(JobKind("test_flaky", _flaky))
    register(JobKind("test_crash", _crash))


def _done_job(owner, **extra) -> Job:
    job = Job(owner=owner, kind="test_flaky", title="Tài liệu xong", status=Job.Status.DONE, result_name="a.txt",
              result_type="text/plain", finished_at=timezone.now(), **extra)
    job.result.save("a.txt", ContentFile(b"noi dung"), save=False)
    job.save()
    return job


def test_the_page_lists_only_the_users_own_jobs(ward_officer, other_ward_officer, ward_client):
    mine = _done_job(ward_officer)
    theirs = _done_job(other_ward_officer, )
    theirs.title = "Tài liệu của người khác"
    theirs.save()
    page = ward_client.get(reverse("jobs:list")).content.decode()
    assert "Tài liệu xong" in page and "Tài liệu của người khác" not in page
    assert reverse("jobs:download", args=[mine.pk]) in page
    for name in ("jobs:row", "jobs:download"):
        assert ward_client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert ward_client.post(reverse("jobs:retry", args=[theirs.pk])).status_code == 404
    resp = ward_client.get(reverse("jobs:download", args=[mine.pk]))
    assert b"".join(resp.streaming_content) == b"noi dung"


def test_the_menu_links_to_my_documents(ward_client):
    assert reverse("jobs:list") in ward_client.get(reverse("dashboard")).content.decode()


def test_a_failed_job_shows_its_error_in_vietnamese_and_can_be_retried(ward_officer, ward_client):
    job = services.job_start(actor=ward_officer, kind="test_flaky", title="Việc thử", params={})
    run_jobs()
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("failed", 1, 2)
    row = ward_client.get(reverse("jobs:row", args=[job.pk])).content.decode()
    assert "Không đủ số liệu để lập tài liệu." in row and "Thử lại" in row and "hx-trigger" not in row
    resp = ward_client.post(reverse("jobs:retry", args=[job.pk]))
    assert resp.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt, job.rows_done, job.error) == ("queued", 2, 0, "")
    row = ward_client.get(reverse("jobs:row", args=[job.pk])).content.decode()
    assert "hx-trigger=\"every" in row  # an open job is polled
    run_jobs()
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.result.read()) == ("done", 2, b"ok")
    # a finished job cannot be "retried"
    ward_client.post(reverse("jobs:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.attempt == 2


def test_asking_twice_for_what_is_being_made_gives_the_same_job(ward_officer, other_ward_officer):
    first = services.job_start(actor=ward_officer, kind="test_flaky", title="Việc thử", params={"a": 1})
    assert services.job_start(actor=ward_officer, kind="test_flaky", title="Việc thử", params={"a": 1}) == first
    other = services.job_start(actor=ward_officer, kind="test_flaky", title="Việc thử", params={"a": 2})
    theirs = services.job_start(actor=other_ward_officer, kind="test_flaky", title="Việc thử", params={"a": 1})
    assert len({first.pk, other.pk, theirs.pk}) == 3
    assert Job.objects.count() == 3


def test_an_unexpected_error_is_a_plain_message_not_a_traceback(ward_officer, ward_client):
    job = services.job_start(actor=ward_officer, kind="test_crash", title="Việc lỗi", params={})
    run_jobs()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "lỗi hệ thống" in job.error and "boom" not in job.error
    assert "boom" not in ward_client.get(reverse("jobs:list")).content.decode()


def test_results_expire_and_are_deleted(ward_officer, ward_client, settings):
    job = _done_job(ward_officer, expires_at=timezone.now() - dt.timedelta(minutes=1))
    path = job.result.path
    assert ward_client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert "Tài liệu xong" not in ward_client.get(reverse("jobs:list")).content.decode()
    assert services.jobs_purge_expired(now=timezone.now()) == 1
    assert not Job.objects.exists()
    import os

    assert not os.path.exists(path)


def test_a_finished_job_keeps_its_result_for_the_set_time(ward_officer, settings):
    settings.JOBS_RESULT_HOURS = 2
    job = services.job_start(actor=ward_officer, kind="test_flaky", title="Việc thử", params={})
    CALLS["n"] = 1  # succeed at once
    run_jobs()
    job.refresh_from_db()
    assert job.expires_at - job.finished_at == dt.timedelta(hours=2)


def test_recovery_restarts_a_job_whose_worker_is_gone(ward_officer):
    job = services.job_start(actor=ward_officer, kind="test_flaky", title="Việc thử", params={})
    now = timezone.now()
    # taken by a worker of this machine that no longer exists
    import socket

    Job.objects.filter(pk=job.pk).update(status="running", worker=f"{socket.gethostname()}:999999999",
                                         heartbeat_at=now, task_ids=[])
    job.refresh_from_db()
    assert services.is_lost(job, now=now)
    assert [j.pk for j in services.jobs_recover(now=now)] == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("queued", 2)


def test_recovery_leaves_alone_a_job_that_is_alive_or_waiting(ward_officer, settings):
    import os
    import socket

    now = timezone.now()
    alive = services.job_start(actor=ward_officer, kind="test_flaky", title="A", params={"n": 1})
    Job.objects.filter(pk=alive.pk).update(status="running", worker=f"{socket.gethostname()}:{os.getpid()}",
                                           heartbeat_at=now)
    waiting = services.job_start(actor=ward_officer, kind="test_flaky", title="B", params={"n": 2})
    # queued long ago but its task is still waiting in the queue (busy workers): not lost
    Job.objects.filter(pk=waiting.pk).update(created_at=now - dt.timedelta(hours=1))
    stale = services.job_start(actor=ward_officer, kind="test_flaky", title="C", params={"n": 3})
    Job.objects.filter(pk=stale.pk).update(status="running", worker="another-machine:42", task_ids=[],
                                           heartbeat_at=now - dt.timedelta(seconds=settings.JOBS_STALE_SECONDS + 5))
    assert [j.title for j in services.jobs_recover(now=now)] == ["C"]


def test_work_of_an_older_attempt_is_ignored(ward_officer):
    from jobs.tasks import JobContext, Superseded

    job = services.job_start(actor=ward_officer, kind="test_flaky", title="Việc thử", params={})
    old = JobContext(job)
    Job.objects.filter(pk=job.pk).update(attempt=2)
    with pytest.raises(Superseded):
        old.advance(1)
    with pytest.raises(Superseded):
        old.finish(b"x", "x.txt", "text/plain")
    job.refresh_from_db()
    assert job.rows_done == 0 and not job.result


# ----------------------------------------------------------------------------- household export


def test_a_long_household_export_is_a_job_in_the_owners_scope(ward_officer, ward_client, ref, settings):
    from openpyxl import load_workbook

    from tests.factories import household_with_head

    for i in range(3):
        household_with_head(ref.an_phu, code=f"XP{i}")
    household_with_head(ref.tam_thang, code="XP-TT")
    settings.JOBS_EXPORT_THRESHOLD = 2
    resp = ward_client.get(reverse("household_io:export"), {"format": "xlsx"})
    job = Job.objects.get()
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("jobs:list"))
    assert (job.kind, job.rows_total, job.progress_label) == ("household_export", 3, "hộ")
    run_jobs()
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == 3
    import io

    content = b"".join(ward_client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    codes = {row[2] for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True)}
    assert {"XP0", "XP1", "XP2"} <= codes and "XP-TT" not in codes


def test_a_short_household_export_is_made_in_the_request(ward_client, ref):
    resp = ward_client.get(reverse("household_io:export"), {"format": "csv"})
    assert resp.status_code == 200 and not Job.objects.exists()


def test_progress_reported_inside_a_long_transaction_reaches_the_pages(ward_officer, ward_client):
    """A job writing in one transaction (an import, a decision) reports through a file in the
    shared storage: the job's page and its row show it while the job runs, the row's own columns
    would not (uncommitted, or locked on SQLite)."""
    from django.db import transaction

    from jobs.tasks import JobContext

    job = services.job_start(actor=ward_officer, kind="test_flaky", title="Việc dài", params={"n": 1})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job.refresh_from_db()
    progress = JobContext(job).tracker()
    with transaction.atomic():
        progress.phase("Bước 2/3: ghi quyết định", 5, "hộ")
        progress.every = 0
        progress.advance(2)
        page = ward_client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
        row = ward_client.get(reverse("jobs:row", args=[job.pk])).content.decode()
    for html in (page, row):
        assert "Bước 2/3: ghi quyết định" in html and "2 / 5 hộ" in html and "hx-trigger" in html
    assert 'value="2"' in page and 'max="5"' in page
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (0, 0)  # the row itself was not touched


def test_a_job_that_records_finishes_with_its_summary_and_link(ward_officer, ward_client):
    from jobs.tasks import JobContext

    job = services.job_start(actor=ward_officer, kind="test_flaky", title="Ghi nhận", params={"n": 2})
    JobContext(job).done("Đã ghi 3 hộ.", reverse("dashboard"))
    job.refresh_from_db()
    assert job.status == "done" and not job.result and job.expires_at is not None
    page = ward_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Đã ghi 3 hộ." in page and f'href="{reverse("dashboard")}"' in page and "job-download" not in page
    listing = ward_client.get(reverse("jobs:list")).content.decode()
    assert "Đã ghi 3 hộ." in listing and "job-download" not in listing
