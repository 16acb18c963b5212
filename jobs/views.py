"""“Tài liệu của tôi”: the user's own jobs, their progress (polled with htmx while a job is open),
the file to download, the error, and a retry for a failed job. Thin: reads go through
``jobs.selectors`` (someone else's job → 404), writes through ``jobs.services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jobs import selectors, services
from jobs.models import Job

POLL_SECONDS = 2
DETAIL_POLL_SECONDS = 1


@require_GET
def job_list(request):
    jobs = [selectors.live(job) for job in selectors.jobs_for(actor=request.user, now=timezone.now())[:100]]
    return render(request, "jobs/list.html", {
        "jobs": jobs, "poll_seconds": POLL_SECONDS,
        "breadcrumbs": [(_("Tài liệu của tôi"), None)],
    })


@require_GET
def job_row(request, pk: int):
    """One row of the list (htmx polls it every few seconds while the job is open)."""
    job = selectors.live(selectors.job_get(actor=request.user, pk=pk, now=timezone.now()))
    return render(request, "jobs/_job_row.html", {"job": job, "poll_seconds": POLL_SECONDS})


@require_GET
def job_detail(request, pk: int):
    """One job on its own page: where a request that started a job sends the user."""
    job = selectors.live(selectors.job_get(actor=request.user, pk=pk, now=timezone.now()))
    return render(request, "jobs/detail.html", {
        "job": job, "poll_seconds": DETAIL_POLL_SECONDS,
        "breadcrumbs": [(_("Tài liệu của tôi"), reverse("jobs:list")), (job.title, None)],
    })


@require_GET
def job_progress(request, pk: int):
    """The job's state and progress (htmx polls it every second while the job is open)."""
    job = selectors.live(selectors.job_get(actor=request.user, pk=pk, now=timezone.now()))
    return render(request, "jobs/_job_progress.html", {"job": job, "poll_seconds": DETAIL_POLL_SECONDS})


@require_GET
def job_download(request, pk: int):
    job = selectors.job_get(actor=request.user, pk=pk, now=timezone.now())
    if job.status != Job.Status.DONE or not job.result:
        raise Http404
    try:
        handle = job.result.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.result_name,
                        content_type=job.result_type or "application/octet-stream")


@require_POST
def job_retry(request, pk: int):
    job = selectors.job_get(actor=request.user, pk=pk, now=timezone.now())
    try:
        services.job_retry(actor=request.user, job=job)
        messages.success(request, _("Đã gửi lại yêu cầu “%(title)s”.") % {"title": job.title})
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Không thể thử lại công việc này."))
    return redirect("jobs:detail", pk=job.pk)
