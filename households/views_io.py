"""Pages of the household list import/export (thin: the work is in ``households.io``)."""

from __future__ import annotations

import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from households import jobs as household_jobs
from households.forms import HouseholdFilterForm
from households.io import exporter, importer, reader
from households.io.template import build_template
from tamky_poverty import scoping

SESSION_KEY = "household_import"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_AGE_SECONDS = 24 * 3600


def upload_dir() -> Path:
    path = Path(getattr(settings, "IMPORT_TEMP_DIR", "") or Path(tempfile.gettempdir()) / "tamky-household-import")
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _stored_path(request) -> Path | None:
    info = request.session.get(SESSION_KEY) or {}
    token = info.get("token", "")
    if not TOKEN_RE.match(token):
        return None
    path = upload_dir() / f"{token}.xlsx"
    return path if path.is_file() else None


def _forget(request) -> None:
    path = _stored_path(request)
    if path is not None:
        path.unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)


def _sweep_old_uploads() -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for old in upload_dir().glob("*.xlsx"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:
            pass


def _require_import_right(user) -> None:
    if not scoping.scope_for(user).can_write_register:
        raise PermissionDenied(_("Bạn không có quyền nhập danh sách hộ gia đình."))


def _list_url() -> str | None:
    try:
        return reverse("households:list")
    except NoReverseMatch:
        return None


def _crumbs(label):
    return [(_("Hộ gia đình"), _list_url()), (label, None)]


@require_GET
def template_download(request):
    response = HttpResponse(build_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-ho.xlsx"'
    return response


def _render(request, report=None, filename="", status=200):
    return render(request, "households/io/import.html", {
        "report": report, "filename": filename, "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        "breadcrumbs": _crumbs(_("Nhập từ Excel")), "list_url": _list_url(),
    }, status=status)


@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_import_right(request.user)
    if request.method == "GET":
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
    _sweep_old_uploads()
    token = secrets.token_urlsafe(24)
    path = upload_dir() / f"{token}.xlsx"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    report = importer.import_file(path, actor=request.user, dry_run=True, filename=upload.name)
    if report.ok and report.has_changes:
        request.session[SESSION_KEY] = {"token": token, "name": upload.name}
    else:
        path.unlink(missing_ok=True)
    return _render(request, report, upload.name)


@require_POST
def import_confirm(request):
    _require_import_right(request.user)
    path = _stored_path(request)
    if path is None:
        messages.error(request, _("Không còn tệp chờ nhập (đã nhập hoặc đã hết hạn). Vui lòng tải tệp lên lại."))
        return redirect("household_io:import")
    name = request.session[SESSION_KEY].get("name", "")
    report = importer.import_file(path, actor=request.user, dry_run=False, filename=name)
    if not report.applied:
        _forget(request)
        return _render(request, report, name)
    _forget(request)
    messages.success(request, _("Đã nhập tệp “%(name)s”. %(summary)s") % {"name": name, "summary": report.summary()})
    return redirect(_list_url() or reverse("household_io:import"))


@require_GET
def export(request):
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        fmt = "xlsx"
    job = household_jobs.export_job_if_long(actor=request.user, data=request.GET, fmt=fmt)
    if job is not None:  # a long list: made in the background (“Tài liệu của tôi”)
        messages.info(request, _("Danh sách dài đang được xuất ở chế độ nền; tải về tại đây khi xong."))
        return redirect(reverse("jobs:list") + f"?job={job.pk}")
    form = HouseholdFilterForm(request.GET or None, actor=request.user)
    filters = form.filters()
    filter_repr = {k: str(getattr(v, "pk", v)) for k, v in filters.items() if v not in (None, "") and k != "per_page"}
    result = exporter.export_households(actor=request.user, filters=filters, fmt=fmt, filter_repr=filter_repr)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
