"""Reads of the jobs app: a user sees only their own jobs; anyone else's answers 404."""

from __future__ import annotations

from django.utils import timezone

from jobs.models import Job
from tamky_poverty import scoping


def jobs_for(*, actor, now=None):
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Job.objects.none()
    now = now or timezone.now()
    return Job.objects.filter(owner=actor).exclude(expires_at__lt=now).order_by("-created_at", "-id")


def job_get(*, actor, pk) -> Job:
    return scoping.get_or_404(jobs_for(actor=actor), pk=pk)
