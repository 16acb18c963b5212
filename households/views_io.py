"""Pages of the household list import/export (thin: the work is in ``households.io``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from households import jobs as household_jobs
from households.forms import FullExportForm, HouseholdFilterForm
from households.io import exporter, importer, pending, reader
from households.io.template import build_template
from jobs import selectors as job_selectors
from tamky_poverty import personal_data, scoping

SESSION_KEY = "household_import"
# The preview's checkbox "Tôi đã kiểm tra các cảnh báo, dữ liệu đúng"; its value names the
# warnings confirmed (ImportReport.warnings_key), as the household form's does.
CONFIRM_WARNINGS = "confirm_warnings"


def _token(request) -> str:
    """The token of the upload this session is waiting to confirm ("" when there is none)."""
    return (request.session.get(SESSION_KEY) or {}).get("token", "")


def _forget(request) -> None:
    pending.discard(_token(request))
    request.session.pop(SESSION_KEY, None)


def _require_import_right(user) -> None:
    if not scoping.scope_for(user).can_write_register:
        raise PermissionDenied(_("Bạn không có quyền nhập danh sách hộ gia đình."))


def _crumbs(label):
    return [(_("Hộ gia đình"), reverse("households:list")), (label, None)]


def _waiting(report) -> dict:
    """What the session keeps of a preview worth confirming, beside the upload's token and name:
    its rows (a long file is written by a job) and its plausibility warnings (how many, and the
    key the confirmation must send back)."""
    return {"rows": report.rows, "warnings": len(report.warnings), "warnings_key": report.warnings_key}


@require_GET
def template_download(request):
    response = HttpResponse(build_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-ho.xlsx"'
    return response


def _render(request, report=None, filename="", status=200, *, check_job=None, confirmable=None):
    if confirmable is None:
        confirmable = report is not None and report.ok and report.has_changes
    return render(request, "households/io/import.html", {
        "report": report, "filename": filename, "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        "long_import": report is not None and report.rows > settings.JOBS_IMPORT_THRESHOLD,
        "check_job": check_job, "confirmable": confirmable, "poll_seconds": 1,
        "breadcrumbs": _crumbs(_("Nhập từ Excel")), "list_url": reverse("households:list"),
    }, status=status)


@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_import_right(request.user)
    if request.method == "GET":
        if "kiem-tra" in request.GET:
            return _check_result(request, request.GET["kiem-tra"])
        return _render(request)
    _forget(request)
    upload = request.FILES.get("file")
    report = importer.ImportReport()
    if upload is None:
        report.file_message = _("Chưa chọn tệp để tải lên.")
        return _render(request, report)
    if upload.size > settings.IMPORT_MAX_BYTES:
        report.file_message = reader.too_big_message(upload.size)
        return _render(request, report, upload.name)
    pending.sweep(timezone.now())
    # Checked from memory (at most IMPORT_MAX_BYTES); only a file worth confirming is stored, so a
    # refused upload never leaves a file behind. A long file is stored first and checked by a job;
    # its preview forgets it if refused (and the sweep removes one nobody looked at after a day).
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    if len(data) > settings.JOBS_IMPORT_CHECK_BYTES:
        # A long file: checked by a background job whose progress shows here (the preview follows).
        job = household_jobs.check_job_start(actor=request.user, data=data, name=upload.name,
                                              today=timezone.localdate())
        request.session[SESSION_KEY] = {"token": pending.store(data), "name": upload.name, "check_job": job.pk}
        return _render(request, filename=upload.name, check_job=job_selectors.live(job))
    report = importer.import_file(data, actor=request.user, today=timezone.localdate(), dry_run=True,
                                  filename=upload.name)
    if report.ok and report.has_changes:
        request.session[SESSION_KEY] = {"token": pending.store(data), "name": upload.name, **_waiting(report)}
    return _render(request, report, upload.name)


def _check_result(request, pk: str):
    """The preview a check job made, once it is done (its progress while it runs). Only the
    session that uploaded the file can confirm it."""
    if not pk.isdigit():
        raise Http404
    job = job_selectors.live(job_selectors.job_get(actor=request.user, pk=int(pk), now=timezone.now()))
    if job.kind != household_jobs.CHECK:
        raise Http404
    report = household_jobs.check_report(job)
    name = job.params.get("name", "")
    if report is None:
        if job.status == job.Status.DONE:
            raise Http404  # expired
        return _render(request, filename=name, check_job=job)
    info = request.session.get(SESSION_KEY) or {}
    mine = info.get("check_job") == job.pk and pending.exists(info.get("token", ""))
    if mine and report.ok and report.has_changes:
        request.session[SESSION_KEY] = {**info, **_waiting(report)}
    elif mine:
        _forget(request)
    return _render(request, report, name, confirmable=mine and report.ok and report.has_changes)


def _warnings_refused(request, info):
    """The preview again, the upload still waiting, when its warnings were not confirmed: a long
    file's from its check job, a short file's checked again (it is short)."""
    messages.error(request, _("Tệp có %(n)s cảnh báo: kiểm tra các cảnh báo, đánh dấu “Tôi đã kiểm tra các cảnh "
                              "báo, dữ liệu đúng” rồi xác nhận lại. Chưa có dữ liệu nào được ghi.")
                   % {"n": info["warnings"]})
    if "check_job" in info:
        return redirect(reverse("household_io:import") + f"?kiem-tra={info['check_job']}")
    name = info.get("name", "")
    data = pending.read(info["token"])
    if data is None:  # claimed or swept meanwhile
        _forget(request)
        return redirect("household_io:import")
    report = importer.import_file(data, actor=request.user, today=timezone.localdate(), dry_run=True, filename=name)
    if report.ok and report.has_changes:
        request.session[SESSION_KEY] = {**info, **_waiting(report)}
    else:
        _forget(request)
    return _render(request, report, name, status=400)


@require_POST
def import_confirm(request):
    _require_import_right(request.user)
    info = request.session.get(SESSION_KEY) or {}
    warnings_confirmed = bool(info.get("warnings_key")) and request.POST.get(CONFIRM_WARNINGS) == info["warnings_key"]
    if info.get("warnings") and not warnings_confirmed and pending.exists(info.get("token", "")):
        return _warnings_refused(request, info)  # nothing claimed: the officer ticks and confirms again
    data = pending.claim(info.get("token", ""))  # a double click: the second request gets None
    request.session.pop(SESSION_KEY, None)
    if data is None:
        running = household_jobs.import_open_job(actor=request.user)
        if running is not None:  # a second click while the first one's job runs: show that job
            messages.info(request, _("Tệp đang được nhập ở chế độ nền."))
            return redirect("jobs:detail", pk=running.pk)
        messages.error(request, _("Không còn tệp chờ nhập (đã nhập, đang được nhập ở một yêu cầu khác, hoặc đã "
                                  "hết hạn). Kiểm tra danh sách hộ; nếu cần, tải tệp lên lại."))
        return redirect("household_io:import")
    name = info.get("name", "")
    if info.get("rows", 0) > settings.JOBS_IMPORT_THRESHOLD or "check_job" in info:
        # A long file: written by a background job that shows its progress (the file goes with it).
        job = household_jobs.import_job_start(actor=request.user, data=data, name=name, rows=info.get("rows", 0),
                                               today=timezone.localdate(), warnings_confirmed=warnings_confirmed)
        return redirect("jobs:detail", pk=job.pk)
    report = importer.import_file(data, actor=request.user, today=timezone.localdate(), dry_run=False,
                                  filename=name, warnings_confirmed=warnings_confirmed)
    if report.warnings_unconfirmed:
        # Warnings the preview did not show (the register changed meanwhile): the file waits again
        # for the officer to check and confirm them.
        request.session[SESSION_KEY] = {"token": pending.store(data), "name": name, **_waiting(report)}
        messages.error(request, _("Khi kiểm tra lại với sổ hộ hiện tại, tệp có %(n)s cảnh báo chưa được xác nhận: "
                                  "kiểm tra các cảnh báo, đánh dấu “Tôi đã kiểm tra các cảnh báo, dữ liệu đúng” "
                                  "rồi xác nhận lại. Chưa có dữ liệu nào được ghi.") % {"n": len(report.warnings)})
        return _render(request, report, name, status=400)
    if not report.applied:
        return _render(request, report, name)
    messages.success(request, _("Đã nhập tệp “%(name)s”. %(summary)s") % {"name": name, "summary": report.summary()})
    return redirect("households:list")


def _export_response(request, params, *, fmt: str, full: bool = False, reason: str = ""):
    job = household_jobs.export_job_if_long(actor=request.user, data=params, fmt=fmt, full=full, reason=reason)
    if job is not None:  # a long list: made in the background (“Tài liệu của tôi”)
        messages.info(request, _("Danh sách dài đang được xuất ở chế độ nền; tải về tại đây khi xong."))
        return redirect("jobs:detail", pk=job.pk)
    form = HouseholdFilterForm(params or None, actor=request.user)
    filters = form.filters()
    filter_repr = {k: str(getattr(v, "pk", v)) for k, v in filters.items() if v not in (None, "") and k != "per_page"}
    result = exporter.export_households(actor=request.user, filters=filters, fmt=fmt, filter_repr=filter_repr,
                                        full=full, reason=reason)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


@require_GET
def export(request):
    """The filtered list, citizen IDs and birth dates masked (for everyone)."""
    fmt = request.GET.get("format", "xlsx")
    return _export_response(request, request.GET, fmt=fmt if fmt in ("xlsx", "csv") else "xlsx")


FILTER_KEYS = ("q", "unit", "village", "current_class", "group", "indicator", "registered_exit_year")


@require_http_methods(["GET", "POST"])
def export_full(request):
    """A full export (citizen IDs and birth dates in full): only for users who may see them, for
    the households whose data they may see, with a reason that the access record keeps. The
    list's filters travel as hidden fields."""
    if not personal_data.can_see(request.user):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    filters = {k: source.get(k) for k in FILTER_KEYS if source.get(k)}
    form = FullExportForm(request.POST if request.method == "POST" else None,
                          initial={"format": source.get("format", "xlsx")})
    if request.method == "POST" and form.is_valid():
        return _export_response(request, filters, fmt=form.cleaned_data["format"], full=True,
                                reason=form.cleaned_data["reason"])
    return render(request, "households/io/export_full.html", {
        "form": form, "filters": filters, "breadcrumbs": _crumbs(_("Xuất danh sách đầy đủ")),
    }, status=400 if form.is_bound else 200)
