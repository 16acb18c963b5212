"""Background jobs of the households app (registered in HouseholdsConfig.ready):

- the export of a long filtered household list (more than JOBS_EXPORT_THRESHOLD households). The
  job reads the list again as its owner, with the same filter form and scoped selector as the
  page, and the exporter records the export and masks personal data as it does in a request;
- the check (preview) of a long upload (more than JOBS_IMPORT_CHECK_BYTES): the importer's dry
  run as the owner, with its progress; the page shows the preview it kept;
- the confirmation of a long import (more than JOBS_IMPORT_THRESHOLD rows): the importer run as
  the owner, all or nothing, reporting each step and the rows or records done in it."""

from __future__ import annotations

import datetime as dt
import pickle
import secrets

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from households import selectors
from households.forms import HouseholdFilterForm
from households.io import exporter, importer
from jobs.models import Job
from jobs.registry import JobError, JobKind, register
from jobs.services import job_start
from jobs.tasks import read_kept

EXPORT = "household_export"


def export_filters(data, actor) -> tuple[dict, dict]:
    """The list's filters from the query, and their printable form for the export record."""
    form = HouseholdFilterForm(data or None, actor=actor)
    filters = form.filters()
    shown = {k: str(getattr(v, "pk", v)) for k, v in filters.items() if v not in (None, "") and k != "per_page"}
    return filters, shown


def export_job_if_long(*, actor, data, fmt: str, full: bool = False, reason: str = ""):
    """A job for the export when the filtered list is long, else None (the request exports). A
    full export (unmasked, ``reason`` given) keeps its choice and reason in the job."""
    filters, _shown = export_filters(data, actor)
    count = selectors.household_list(actor=actor, filters=filters).count()
    if count <= settings.JOBS_EXPORT_THRESHOLD:
        return None
    query = data.copy()
    query.pop("page", None)
    return job_start(actor=actor, kind=EXPORT, rows_total=count, progress_label=_("hộ"),
                     params={"query": query.urlencode(), "format": fmt, "full": full, "reason": reason},
                     title=_("Danh sách hộ gia đình (%(n)s hộ, %(fmt)s)") % {"n": f"{count:,}".replace(",", "."),
                                                                            "fmt": fmt.upper()})


def run_export(ctx) -> None:
    filters, shown = export_filters(QueryDict(ctx.params["query"]), ctx.owner)
    result = exporter.export_households(actor=ctx.owner, filters=filters, fmt=ctx.params["format"], filter_repr=shown,
                                        full=ctx.params.get("full", False), reason=ctx.params.get("reason", ""))
    ctx.set_total(result.households)
    ctx.finish(result.content, result.filename, result.content_type)


def register_kinds() -> None:
    register(JobKind(EXPORT, run_export))
    register(JobKind(IMPORT, run_import))
    register(JobKind(CHECK, run_check))


# --- the confirmation of a long import ---------------------------------------------------------

IMPORT = "household_import"
UPLOAD = "upload.xlsx"
MAX_LISTED_PROBLEMS = 30


def import_job_start(*, actor, data: bytes, name: str, rows: int, today: dt.date, warnings_confirmed: bool = False):
    """Confirm a long import in the background. The file (already checked by the preview) goes
    with the job into the shared storage; the job reads it again through the bounded reader,
    checks it again against the register as it is then, and writes it in one transaction.
    ``today`` is the day the officer confirmed (the request's): the job judges the file by it.
    ``warnings_confirmed``: the officer ticked that the preview's plausibility warnings were
    checked; without it, a file the check again finds warnings in is not written."""
    return job_start(actor=actor, kind=IMPORT, rows_total=rows, progress_label=_("dòng"), inputs={UPLOAD: data},
                     params={"name": name, "upload": secrets.token_hex(8), "today": today.isoformat(),
                             "warnings_confirmed": warnings_confirmed},
                     title=_("Nhập danh sách hộ từ tệp “%(name)s” (%(n)s dòng)") % {
                         "name": name, "n": f"{rows:,}".replace(",", ".")})


def import_open_job(*, actor):
    """The user's import still being confirmed (where a second click on "confirm" is sent)."""
    return (Job.objects.filter(owner=actor, kind=IMPORT, status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
            .order_by("-pk").first())


def import_failure(report: importer.ImportReport) -> str:
    """Why nothing of the file was written, in Vietnamese (the job's error)."""
    if report.file_message:
        return report.file_message
    if report.ok and report.warnings_unconfirmed:
        listed = report.warnings
        lines = [_("Tệp có %(n)s cảnh báo chưa được xác nhận khi kiểm tra lại với sổ hộ hiện tại; không dữ liệu "
                   "nào được ghi. Tải tệp lên lại, kiểm tra các cảnh báo và xác nhận.") % {"n": len(listed)}]
    else:
        listed = report.problems
        lines = [_("Tệp có %(n)s lỗi khi kiểm tra lại với sổ hộ hiện tại; không dữ liệu nào được ghi. "
                   "Sửa tệp và tải lên lại.") % {"n": len(listed)}]
    lines += [str(p) for p in listed[:MAX_LISTED_PROBLEMS]]
    if len(listed) > MAX_LISTED_PROBLEMS:
        lines.append("…")
    return "\n".join(lines)


def _job_day(ctx) -> dt.date:
    """The day the job was asked for (the request's today, in its parameters)."""
    return dt.date.fromisoformat(ctx.params["today"])


def run_import(ctx) -> None:
    name = ctx.params["name"]
    # A job queued before the warnings existed was confirmed without them: it keeps its meaning.
    confirmed = ctx.params.get("warnings_confirmed", True)
    report = importer.import_file(ctx.read_input(UPLOAD), actor=ctx.owner, today=_job_day(ctx), dry_run=False,
                                  filename=name, progress=ctx.tracker(), warnings_confirmed=confirmed)
    if not report.applied:
        raise JobError(import_failure(report))
    ctx.done(_("Đã nhập tệp “%(name)s”. %(summary)s") % {"name": name, "summary": report.summary()},
             reverse("households:list"))


# --- the check (preview) of a long upload ------------------------------------------------------

CHECK = "household_import_check"
REPORT = "report.pickle"


def check_job_start(*, actor, data: bytes, name: str, today: dt.date):
    """Check a long upload in the background (reading, every cell, against the register): the
    same dry run as the request makes for a short file, with its progress."""
    size = f"{len(data) / 1024:,.0f}".replace(",", ".")
    return job_start(actor=actor, kind=CHECK, inputs={UPLOAD: data}, params={"name": name,
                                                                             "upload": secrets.token_hex(8),
                                                                             "today": today.isoformat()},
                     title=_("Kiểm tra tệp “%(name)s” (%(size)s KB) trước khi nhập") % {"name": name, "size": size})


def run_check(ctx) -> None:
    name = ctx.params["name"]
    report = importer.import_file(ctx.read_input(UPLOAD), actor=ctx.owner, today=_job_day(ctx), dry_run=True,
                                  filename=name, progress=ctx.tracker())
    ctx.keep(REPORT, pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
    if report.file_message:
        summary = report.file_message
    elif report.problems:
        summary = _("Tệp có %(n)s lỗi: xem danh sách lỗi theo dòng.") % {"n": len(report.problems)}
    elif report.warnings:
        summary = _("%(rows)s dòng, không có lỗi, %(n)s cảnh báo cần kiểm tra. %(summary)s") % {
            "rows": report.rows, "n": len(report.warnings), "summary": report.summary()}
    else:
        summary = _("%(rows)s dòng, không có lỗi. %(summary)s") % {"rows": report.rows, "summary": report.summary()}
    ctx.done(summary, reverse("household_io:import") + f"?kiem-tra={ctx.job.pk}", keep_inputs=True)


def check_report(job) -> importer.ImportReport | None:
    """The preview a check job made (None if the job is not a finished check, or expired)."""
    if job.kind != CHECK or job.status != Job.Status.DONE:
        return None
    data = read_kept(job, REPORT)
    if not data:
        return None
    report = pickle.loads(data)  # noqa: S301 (written by this job, in our storage)
    report.__dict__.setdefault("warnings", [])  # kept before the import had warnings
    return report
