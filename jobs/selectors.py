"""Reads of the jobs app: a user sees only their own jobs; anyone else's answers 404."""

from __future__ import annotations

from jobs.models import Job
from jobs.tasks import read_progress
from tamky_poverty import scoping


def jobs_for(*, actor, now):
    """The user's own jobs whose results have not expired by ``now`` (the request's moment)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Job.objects.none()
    return Job.objects.filter(owner=actor).exclude(expires_at__lt=now).order_by("-created_at", "-id")


def job_get(*, actor, pk, now) -> Job:
    return scoping.get_or_404(jobs_for(actor=actor, now=now), pk=pk)


def live(job: Job) -> Job:
    """``job`` with the progress its work reported from inside a long transaction (an import, a
    campaign decision: ``jobs.tasks.Progress``), while it is running. ``job.phase`` names what
    is being done ("" when the job reports only rows)."""
    job.phase = ""
    if job.status == Job.Status.RUNNING:
        progress = read_progress(job)
        if progress:
            job.phase = progress.get("phase", "")
            job.rows_done, job.rows_total = progress.get("done", 0), progress.get("total", 0)
            job.progress_label = progress.get("label", "")
    return job
