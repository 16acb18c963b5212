"""Writes of the jobs app: start, retry, recover and purge jobs.

Starting a job writes its row, then hands it to the task queue. The two are not one transaction
on purpose: the queue may be another server (Redis), and a worker must find the row committed
when it picks the task up. If the queue refuses, the job is marked failed with a message."""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import default_task_backend
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from jobs import registry
from jobs.models import Job
from jobs.tasks import INPUT_DIR, remove_work_files, run_job

logger = logging.getLogger(__name__)


def _enqueue(job: Job) -> Job:
    try:
        result = run_job.enqueue(job.pk, job.attempt)
    except Exception:
        logger.exception("could not enqueue job %s", job.pk)
        now = timezone.now()
        Job.objects.filter(pk=job.pk, attempt=job.attempt).update(
            status=Job.Status.FAILED, finished_at=now, expires_at=now + timedelta(hours=settings.JOBS_RESULT_HOURS),
            error=_("Không gửi được yêu cầu tới hàng đợi xử lý. Hãy thử lại sau ít phút."))
    else:
        Job.objects.filter(pk=job.pk, attempt=job.attempt).update(task_ids=[result.id])
    job.refresh_from_db()
    return job


def job_start(*, actor, kind: str, title: str, params: dict, rows_total: int = 0, progress_label: str = "dòng",
              inputs: dict[str, bytes] | None = None) -> Job:
    """Ask for a background job owned by ``actor``. The caller has checked the actor's right to
    the parameters; the job's code applies the actor's scope again when it runs. Asking again
    for what is still being made (a second click) gives the same job. ``inputs`` (name → bytes,
    e.g. an uploaded file) are stored with the job before it is queued, in the storage every
    machine shares (``JobContext.read_input``), and kept until the job is deleted."""
    registry.get(kind)
    open_job = (Job.objects.filter(owner=actor, kind=kind, params=params, status__in=[Job.Status.QUEUED,
                                                                                      Job.Status.RUNNING])
                .order_by("-pk").first())
    if open_job is not None:
        return open_job
    job = Job(owner=actor, kind=kind, title=title[:250], params=params, rows_total=rows_total,
              progress_label=progress_label)
    job.full_clean()
    job.save()
    for name, content in (inputs or {}).items():
        path = f"jobs/{actor.pk}/{job.pk}/{INPUT_DIR}/{name}"
        default_storage.delete(path)  # a leftover of a database restored or reset must not be read
        if default_storage.save(path, ContentFile(content)) != path:
            raise RuntimeError(f"job input stored under another name than {path}")
    return _enqueue(job)


def _restart(job: Job) -> Job:
    remove_work_files(job.owner_id, job.pk)
    if job.result:
        job.result.delete(save=False)
    Job.objects.filter(pk=job.pk).update(
        attempt=job.attempt + 1, status=Job.Status.QUEUED, rows_done=0, parts_total=0, parts_done=0,
        task_ids=[], worker="", heartbeat_at=None, error="", result="", result_name="", result_type="",
        summary="", result_url="", finished_at=None, expires_at=None)
    job.refresh_from_db()
    return _enqueue(job)


def job_retry(*, actor, job: Job) -> Job:
    """Start a failed job again (its owner only; the selector already answered 404 to others)."""
    if job.owner_id != actor.pk:
        raise PermissionDenied
    if job.status != Job.Status.FAILED:
        raise PermissionDenied(_("Chỉ thử lại được công việc không thành công."))
    return _restart(job)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a child that died and was not reaped yet
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _waiting_in_queue(job: Job) -> bool:
    for task_id in job.task_ids:
        try:
            if default_task_backend.get_result(task_id).status == TaskResultStatus.READY:
                return True
        except TaskResultDoesNotExist:
            continue
    return False


def is_lost(job: Job, *, now) -> bool:
    """A job nobody works on any more: its worker on this machine is gone, or no worker has
    touched it for JOBS_STALE_SECONDS and none of its tasks is still waiting in the queue."""
    if not job.is_open:
        return False
    host, _sep, pid = job.worker.rpartition(":")
    if job.status == Job.Status.RUNNING and host == socket.gethostname() and pid.isdigit() \
            and not _pid_alive(int(pid)) and not _waiting_in_queue(job):
        return True
    last = job.heartbeat_at or job.created_at
    return last < now - timedelta(seconds=settings.JOBS_STALE_SECONDS) and not _waiting_in_queue(job)


def jobs_recover(*, now) -> list[Job]:
    """Start again every job whose worker died (killed, machine restarted): nothing is lost."""
    restarted = []
    for job in Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).order_by("pk"):
        if is_lost(job, now=now):
            logger.warning("job %s (attempt %s) lost by %s: starting it again", job.pk, job.attempt, job.worker)
            restarted.append(_restart(job))
    return restarted


def jobs_purge_expired(*, now) -> int:
    """Delete the jobs whose results expired, with their files."""
    expired = list(Job.objects.filter(expires_at__lt=now))
    for job in expired:
        if job.result:
            default_storage.delete(job.result.name)
        remove_work_files(job.owner_id, job.pk, inputs=True)
        job.delete()
    return len(expired)
