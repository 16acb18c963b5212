"""The two tasks every job runs through, on Django's Tasks API (the ``django-tasks`` backport:
with Django 6 the import below becomes ``from django.tasks import task``).

``run_job(job_id, attempt)`` does a job's work; a long one calls ``ctx.fan_out(n)``, which enqueues
``run_job_part(job_id, attempt, k)`` for each part, so as many workers as are free render parts at
once; whoever finishes the last part joins them. Every write is tied to the attempt: after a
retry or a recovery the work of an older attempt is ignored."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks import task

from jobs import registry
from jobs.models import Job

logger = logging.getLogger(__name__)

INPUT_DIR = "input"  # files the request handed to the job (an upload): kept for a retry
PROGRESS_FILE = "progress.json"

GENERIC_ERROR = gettext_lazy(
    "Công việc không thành công do lỗi hệ thống. Hãy bấm “Thử lại”; nếu vẫn lỗi, báo quản trị viên.")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Superseded(Exception):
    """This attempt was replaced (retry, recovery) or the job was removed: stop quietly."""


class JobContext:
    """What a job's code sees: its parameters and owner, and the only ways to report progress and
    results. Every write checks the attempt."""

    def __init__(self, job: Job):
        self.job = job
        self.attempt = job.attempt

    @property
    def owner(self):
        return self.job.owner

    @property
    def params(self) -> dict:
        return self.job.params

    def _update(self, **fields) -> None:
        if not Job.objects.filter(pk=self.job.pk, attempt=self.attempt).update(**fields):
            raise Superseded

    def set_total(self, rows: int) -> None:
        self._update(rows_total=rows, heartbeat_at=timezone.now())
        self.job.rows_total = rows

    def advance(self, rows: int) -> None:
        """``rows`` more rows are done (reported by the job itself, as it goes)."""
        self._update(rows_done=F("rows_done") + rows, heartbeat_at=timezone.now())

    def _dir(self) -> str:
        return f"jobs/{self.job.owner_id}/{self.job.pk}/attempt-{self.attempt}"

    def save_blob(self, name: str, content: bytes) -> None:
        path = f"{self._dir()}/{name}"
        default_storage.delete(path)
        default_storage.save(path, ContentFile(content))

    def read_blob(self, name: str) -> bytes:
        with default_storage.open(f"{self._dir()}/{name}", "rb") as fh:
            return fh.read()

    def read_input(self, name: str) -> bytes:
        with default_storage.open(f"jobs/{self.job.owner_id}/{self.job.pk}/{INPUT_DIR}/{name}", "rb") as fh:
            return fh.read()

    def keep(self, name: str, content: bytes) -> None:
        """Store a file beside the job's inputs, kept until the job expires (what a page reads
        back once the job is done, e.g. the checked import's preview)."""
        path = f"jobs/{self.job.owner_id}/{self.job.pk}/{INPUT_DIR}/{name}"
        default_storage.delete(path)
        default_storage.save(path, ContentFile(content))

    def tracker(self) -> Progress:
        """Progress that work inside one long transaction can report (see ``Progress``)."""
        return Progress(f"{self._dir()}/{PROGRESS_FILE}")

    def save_part(self, k: int, content: bytes) -> None:
        self.save_blob(f"part-{k:03d}", content)

    def read_part(self, k: int) -> bytes:
        return self.read_blob(f"part-{k:03d}")

    def fan_out(self, parts: int) -> None:
        """Split the rest of the work into ``parts`` parts run by any free worker."""
        self._update(parts_total=parts, parts_done=0)
        self.job.parts_total = parts
        ids = []
        for k in range(parts):
            ids.append(run_job_part.enqueue(self.job.pk, self.attempt, k).id)
        Job.objects.filter(pk=self.job.pk, attempt=self.attempt).update(task_ids=[*self.job.task_ids, *ids])

    def finish(self, content: bytes, name: str, content_type: str) -> None:
        now = timezone.now()
        stored = default_storage.save(f"jobs/{self.job.owner_id}/{self.job.pk}/{name}", ContentFile(content))
        updated = Job.objects.filter(pk=self.job.pk, attempt=self.attempt).update(
            status=Job.Status.DONE, result=stored, result_name=name, result_type=content_type,
            rows_done=F("rows_total"), finished_at=now, heartbeat_at=now, error="",
            expires_at=now + timedelta(hours=settings.JOBS_RESULT_HOURS))
        if not updated:
            default_storage.delete(stored)
            raise Superseded
        remove_work_files(self.job.owner_id, self.job.pk, self.attempt)

    def done(self, summary: str, url: str, *, keep_inputs: bool = False) -> None:
        """Finish a job that recorded something rather than made a file: ``summary`` says what
        (in Vietnamese), ``url`` is the page that shows it. Its inputs are deleted unless
        ``keep_inputs`` (that page reads them; they go when the job expires)."""
        now = timezone.now()
        if not Job.objects.filter(pk=self.job.pk, attempt=self.attempt).update(
                status=Job.Status.DONE, summary=summary, result_url=url, rows_done=F("rows_total"),
                finished_at=now, heartbeat_at=now, error="",
                expires_at=now + timedelta(hours=settings.JOBS_RESULT_HOURS)):
            raise Superseded
        remove_work_files(self.job.owner_id, self.job.pk, inputs=not keep_inputs)


class Progress:
    """Progress reported from inside one long transaction (an import, a campaign decision).

    The job's row cannot carry it there: its update would be part of the transaction (invisible
    to the page until the end), and on SQLite the database has one writer, the transaction
    itself. So it goes to a small file in the job's storage (shared by every machine), written
    at most every ``every`` seconds and at each new phase; the job's pages read it while the
    job is open (``jobs.selectors.live``). ``phase`` names what is being counted."""

    def __init__(self, path: str, every: float = 0.3):
        self.path, self.every = path, every
        self.phase_name, self.label, self.done, self.total = "", "", 0, 0
        self._written = 0.0

    def phase(self, name: str, total: int = 0, label: str = "") -> None:
        self.phase_name, self.total, self.label, self.done = str(name), total, str(label), 0
        self._write()

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n) if self.total else self.done + n
        if time.monotonic() - self._written >= self.every or self.done == self.total:
            self._write()

    def _write(self) -> None:
        data = json.dumps({"phase": self.phase_name, "label": self.label, "done": self.done,
                           "total": self.total}).encode()
        try:
            local = default_storage.path(self.path)
        except NotImplementedError:  # a remote storage: replace the file
            default_storage.delete(self.path)
            default_storage.save(self.path, ContentFile(data))
        else:  # a local or mounted directory: replaced atomically, never seen half-written
            os.makedirs(os.path.dirname(local), exist_ok=True)
            temp = f"{local}.{os.getpid()}.tmp"
            with open(temp, "wb") as fh:
                fh.write(data)
            os.replace(temp, local)
        self._written = time.monotonic()


def read_kept(job: Job, name: str) -> bytes | None:
    """A file the job stored with ``JobContext.keep`` (None once gone)."""
    try:
        with default_storage.open(f"jobs/{job.owner_id}/{job.pk}/{INPUT_DIR}/{name}", "rb") as fh:
            return fh.read()
    except OSError:
        return None


def read_progress(job: Job) -> dict | None:
    path = f"jobs/{job.owner_id}/{job.pk}/attempt-{job.attempt}/{PROGRESS_FILE}"
    try:
        with default_storage.open(path, "rb") as fh:
            return json.loads(fh.read())
    except (OSError, ValueError):
        return None


def remove_work_files(owner_id: int, job_id: int, attempt: int | None = None, *, inputs: bool = False) -> None:
    """The work files of one attempt, or of every attempt; the job's inputs too when ``inputs``
    (the job is deleted; a retry needs them)."""
    base = f"jobs/{owner_id}/{job_id}"
    dirs = [f"{base}/attempt-{attempt}"] if attempt else [
        f"{base}/{d}" for d in (default_storage.listdir(base)[0] if default_storage.exists(base) else [])
        if inputs or d != INPUT_DIR]
    for d in dirs:
        if default_storage.exists(d):
            for name in default_storage.listdir(d)[1]:
                default_storage.delete(f"{d}/{name}")


@contextmanager
def heartbeat(job_id: int, attempt: int):
    """Touch the job every JOBS_HEARTBEAT_SECONDS while this process works on it (from a thread
    with its own database connection), so a job whose worker died is told from a slow one."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=job_id, attempt=attempt).update(heartbeat_at=timezone.now())
                except Exception:  # the beat must never kill the work; a beat missed (SQLite
                    # locked by the job's own long transaction) is tried again at the next one
                    logger.warning("heartbeat of job %s missed", job_id, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _claim(job_id: int, attempt: int) -> Job:
    now = timezone.now()
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.attempt != attempt or not job.is_open:
        raise Superseded
    Job.objects.filter(pk=job_id, attempt=attempt).update(
        status=Job.Status.RUNNING, worker=worker_name(), heartbeat_at=now,
        started_at=job.started_at or now)
    job.status = Job.Status.RUNNING
    return job


def _fail(job_id: int, attempt: int, message: str) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job_id, attempt=attempt).exclude(status=Job.Status.DONE).update(
        status=Job.Status.FAILED, error=message, finished_at=now, heartbeat_at=now,
        expires_at=now + timedelta(hours=settings.JOBS_RESULT_HOURS))


@contextmanager
def _guarded(job_id: int, attempt: int):
    try:
        yield
    except Superseded:
        logger.info("job %s attempt %s superseded", job_id, attempt)
    except registry.JobError as exc:
        _fail(job_id, attempt, str(exc))
    except Exception:
        logger.exception("job %s attempt %s failed", job_id, attempt)
        _fail(job_id, attempt, str(GENERIC_ERROR))
        raise


@task()
def run_job(job_id: int, attempt: int) -> None:
    with _guarded(job_id, attempt):
        job = _claim(job_id, attempt)
        with heartbeat(job_id, attempt):
            registry.get(job.kind).run(JobContext(job))


@task()
def run_job_part(job_id: int, attempt: int, part: int) -> None:
    with _guarded(job_id, attempt):
        job = _claim(job_id, attempt)
        kind = registry.get(job.kind)
        ctx = JobContext(job)
        with heartbeat(job_id, attempt):
            kind.part(ctx, part)
            with transaction.atomic():
                locked = Job.objects.select_for_update().filter(pk=job_id, attempt=attempt).first()
                if locked is None:
                    raise Superseded
                locked.parts_done += 1
                Job.objects.filter(pk=job_id).update(parts_done=locked.parts_done)
                last = locked.parts_done == locked.parts_total
            if last:
                ctx.job.refresh_from_db()
                kind.join(ctx)
