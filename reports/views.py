"""Thin views: parse parameters, ask a selector for the dataset, hand it to a renderer."""

from __future__ import annotations

import datetime as dt

from django.conf import settings as dj_settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households.models import Indicator
from jobs.services import job_start
from reports import datasets, documents, pdf, selectors, services
from reports import jobs as report_jobs
from reports.models import DEFAULT_DUE_DAY, MonthlyReport, ReportDeadline
from reports.output import CONTENT_TYPES, filename, render_dataset
from reports.rendering import document_context
from tamky_poverty import scoping
from tamky_poverty.confirm import confirmation_page, needs_confirmation
from tamky_poverty.periods import reporting_period
from tamky_poverty.personal_data import record_access
from tamky_poverty.text import clean_text
from tamky_poverty.widgets import DateField

FORMATS = ("html", "pdf", "xlsx")


class BadParameter(ValueError):
    pass


def _int(value, default, lo, hi, message):
    if value in (None, ""):
        return default
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise BadParameter(message) from None
    if not lo <= n <= hi:
        raise BadParameter(message)
    return n


def _params(request, source=None):
    source = request.GET if source is None else source
    year = _int(source.get("year"), reporting_period(request).year, 2000, 2100, _("Năm báo cáo không hợp lệ."))
    month = _int(source.get("month"), None, 1, 12, _("Tháng báo cáo phải từ 1 đến 12."))
    unit = source.get("unit") or None
    if unit is not None and not str(unit).isdigit():
        raise Http404
    return year, month, unit


def _date(source, name, message):
    value = (source.get(name) or "").strip()
    if not value:
        return None
    try:
        day = dt.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise BadParameter(message) from None
    if not 2000 <= day.year <= 2100:
        raise BadParameter(message)
    return day


def _issue_date(source):
    """The issue date chosen when exporting (``ngay=dd/mm/yyyy``); None = a draft."""
    return _date(source, "ngay", _("Ngày ban hành phải có dạng dd/mm/yyyy."))


def _data_day(source):
    """The day PL08/PL09 count (``ngay_so_lieu=dd/mm/yyyy``); None = their default (the year's
    last day, or today in the current year)."""
    return _date(source, "ngay_so_lieu", _("Ngày lấy số liệu phải có dạng dd/mm/yyyy."))


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _record(request, code, p: datasets.Params, fmt):
    if datasets.REPORTS.get(code) and datasets.REPORTS[code].personal:
        record_access(request.user, "report", f"{code} {p.year}", code=code,
                      format=fmt, year=p.year, unit=p.unit.pk if p.unit else None)


def _file_response(stored) -> FileResponse:
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.file.name.rsplit("/", 1)[-1],
                        content_type=CONTENT_TYPES[stored.format])


def _too_long_for_request(ds, fmt: str) -> bool:
    rows = pdf.rows_of(ds)
    limit = dj_settings.JOBS_ROWS_THRESHOLD if fmt == "pdf" else dj_settings.JOBS_XLSX_ROWS_THRESHOLD
    return rows > limit


def catalogue(request):
    try:
        year, month, unit_id = _params(request)
        unit = selectors.unit_for_report(actor=request.user, unit_id=unit_id)
    except BadParameter as exc:
        messages.error(request, str(exc))
        return redirect("reports:catalogue")
    units = list(selectors.units_for(actor=request.user))
    may_issue = documents.may_issue(request.user)
    # The issue date is chosen here (shown filled with today, changeable); downloads carry it.
    issue_text = (request.GET.get("ngay") or f"{timezone.localdate():%d/%m/%Y}") if may_issue else ""
    try:
        data_day = _data_day(request.GET)
    except BadParameter as exc:
        messages.error(request, str(exc))
        data_day = None
    day_text = f"{data_day:%d/%m/%Y}" if data_day else ""
    default_day = datasets.deprivation_day(datasets.Params(year, as_of=timezone.localdate()))
    query = (f"year={year}" + (f"&month={month}" if month else "") + (f"&unit={unit.pk}" if unit else "")
             + (f"&ngay={issue_text}" if issue_text else "") + (f"&ngay_so_lieu={day_text}" if day_text else ""))
    return render(request, "reports/catalogue.html", {
        "reports": datasets.REPORTS.values(), "year": year, "month": month, "unit": unit, "units": units,
        "issue_text": issue_text, "may_issue": may_issue, "day_text": day_text, "default_day": default_day,
        "query": query, "months": range(1, 13), "ward_only": bool(scoping.scope_for(request.user).unit_ids),
        "breadcrumbs": [(_("Biểu mẫu, phụ lục"), None)],
    })


def report(request, code: str):
    fmt = request.GET.get("format", "html")
    if fmt not in FORMATS:
        raise Http404
    code = code.upper()
    if code not in datasets.REPORTS:
        raise Http404
    try:
        year, month, unit_id = _params(request)
        if datasets.REPORTS[code].needs_month and month is None:
            period = reporting_period(request)  # the month of the reporting period chosen once, in its year
            if year != period.year:
                raise BadParameter(_("Báo cáo tháng cần chọn tháng."))
            month = period.month
        issue_date = _issue_date(request.GET) if fmt != "html" else None
        on = _data_day(request.GET)
    except BadParameter as exc:
        messages.error(request, str(exc))
        return redirect("reports:catalogue")
    params = selectors.report_params(actor=request.user, code=code, year=year, month=month, unit_id=unit_id,
                                     as_of=timezone.localdate(), on=on)
    _record(request, code, params, fmt)
    final = documents.final_document(request.user, code, params) if fmt != "html" else None
    stored = documents.find(final, fmt)
    if stored is not None:  # a final document: made once, served from storage
        return _file_response(stored)
    ds = datasets.build(request.user, code, params)
    if final is not None:
        settings, issued = final.issuer, documents.issue_final(actor=request.user, final=final, ds=ds)
    else:
        settings, issued = documents.document_of(request.user, ds, issue_date)
    if fmt == "html":
        ctx = document_context(ds, settings, issued)
        query = request.GET.copy()
        query.pop("format", None)
        ctx.update({"query": query.urlencode(), "report_name": datasets.REPORTS[code].title, "year": year, "month": month,
                    "unit": params.unit, "breadcrumbs": [
            (_("Biểu mẫu, phụ lục"), reverse("reports:catalogue")), (datasets.REPORTS[code].title, None)]})
        return render(request, "reports/report.html", ctx)
    if _too_long_for_request(ds, fmt):
        job = job_start(actor=request.user, kind=report_jobs.REPORT,
                        params=report_jobs.report_params(code, fmt, params, issue_date),
                        title=f"{ds.title} ({fmt.upper()}, {filename(ds, fmt)})", rows_total=pdf.rows_of(ds))
        messages.info(request, _("Tài liệu dài (%(rows)s dòng) đang được tạo ở chế độ nền; theo dõi tiến độ và "
                                 "tải về tại đây.") % {"rows": pdf.rows_of(ds)})
        return redirect("jobs:detail", pk=job.pk)
    content, content_type = render_dataset(ds, fmt, settings, issued)
    if final is not None:
        documents.store(issued, fmt, content, filename(ds, fmt))
    return _download(content, content_type, filename(ds, fmt))


@require_POST
def bundle_xlsx(request):
    codes = [c.upper() for c in request.POST.getlist("codes") if c.upper() in datasets.REPORTS]
    try:
        year, month, unit_id = _params(request, request.POST)
        issue_date = _issue_date(request.POST)
        on = _data_day(request.POST)
        if not codes:
            raise BadParameter(_("Chọn ít nhất một phụ lục để xuất."))
        if month is None and any(datasets.REPORTS[c].needs_month for c in codes):
            raise BadParameter(_("Báo cáo tháng cần chọn tháng."))
    except BadParameter as exc:
        messages.error(request, str(exc))
        return redirect("reports:catalogue")
    codes = list(dict.fromkeys(codes))
    today = timezone.localdate()
    sets = [selectors.report_params(actor=request.user, code=c, year=year, month=month, unit_id=unit_id,
                                    as_of=today, on=on)
            for c in codes]  # 404 before anything is asked of a worker
    for code, p in zip(codes, sets, strict=True):
        _record(request, code, p, "xlsx")
    unit = sets[0].unit
    job = job_start(
        actor=request.user, kind=report_jobs.BUNDLE, progress_label=_("phụ lục"), rows_total=len(codes),
        params={"codes": codes, "year": year, "month": month, "unit": unit.pk if unit else None,
                "issue_date": issue_date.isoformat() if issue_date else None, "as_of": today.isoformat(),
                "on": on.isoformat() if on else None},
        title=_("Bộ phụ lục %(codes)s năm %(year)s (Excel)") % {"codes": ", ".join(codes), "year": year})
    messages.info(request, _("Bộ phụ lục đang được tạo ở chế độ nền; tải về tại đây khi xong."))
    return redirect("jobs:detail", pk=job.pk)


def drilldown(request, code: str):
    code = code.upper()
    if code not in datasets.DEPRIVATION_REPORTS:
        raise Http404
    try:
        year, _month, unit_id = _params(request)
        day = _data_day(request.GET) or datasets.deprivation_day(datasets.Params(year, as_of=timezone.localdate()))
    except BadParameter:
        raise Http404 from None
    unit = selectors.unit_for_report(actor=request.user, unit_id=unit_id)
    if unit is None:
        raise Http404
    indicator = request.GET.get("indicator", "")
    homes = list(datasets.deprivation_households(request.user, code, unit.pk, indicator, day))
    record_access(request.user, "report", f"{code} {unit.name} {indicator}", code=code, unit=unit.pk,
                  indicator=indicator)
    ind = Indicator.objects.filter(code=indicator).order_by("-standard__year_from").first()
    return render(request, "reports/drilldown.html", {
        "code": code, "unit": unit, "indicator": ind, "homes": homes, "year": year, "day": day,
        "breadcrumbs": [(_("Biểu mẫu, phụ lục"), reverse("reports:catalogue")),
                        (datasets.REPORTS[code].title, reverse("reports:report", args=[code]) + f"?year={year}"),
                        (_("Danh sách hộ"), None)],
    })


# ----------------------------------------------------------------------------- monthly workflow


def monthly_list(request):
    period = reporting_period(request)
    # No parameter: the reporting period's month; a year alone (or "— tất cả —"): the whole year.
    chosen = "year" in request.GET or "month" in request.GET
    try:
        year = _int(request.GET.get("year"), period.year, 2000, 2100, _("Năm không hợp lệ."))
        month = _int(request.GET.get("month"), None if chosen else period.month, 1, 12, _("Tháng không hợp lệ."))
    except BadParameter as exc:
        messages.error(request, str(exc))
        return redirect("reports:monthly_list")
    user = request.user
    scope = scoping.scope_for(user)
    return render(request, "reports/monthly_list.html", {
        "reports": selectors.monthly_reports_for(actor=user, year=year, month=month),
        "year": year, "month": month, "months": range(1, 13),
        "can_prepare": scope.home_unit_id is not None and scope.may_prepare_report(scope.home_unit_id),
        "default_month": period.month if year == period.year else 12,
        "city_ok": scope.sees_city_reports,
        "due_date": ReportDeadline.due_for(year, month) if month else None,
        "breadcrumbs": [(_("Báo cáo tháng"), None)],
    })


def monthly_detail(request, pk: int):
    report_obj = selectors.monthly_report_get(actor=request.user, pk=pk)
    ds = datasets.monthly_unit(request.user, datasets.Params(report_obj.year, report_obj.month, report_obj.unit,
                                                             as_of=timezone.localdate()))
    ctx = document_context(ds, *documents.monthly_document(report_obj))
    ctx.update({
        "report": report_obj, "events": selectors.monthly_report_events(report=report_obj),
        "can_edit": report_obj.status in services.EDITABLE and services.can_prepare(request.user, report_obj.unit),
        "can_review": report_obj.status == MonthlyReport.Status.SUBMITTED and services.can_review(request.user, report_obj),
        "query": f"year={report_obj.year}&month={report_obj.month}&unit={report_obj.unit_id}",
        "breadcrumbs": [(_("Báo cáo tháng"), reverse("reports:monthly_list")), (str(report_obj), None)],
    })
    return render(request, "reports/monthly_detail.html", ctx)


def monthly_prepare(request):
    user = request.user
    home = scoping.scope_for(user).home_unit_id
    if home is None:
        raise Http404
    unit = scoping.get_or_404(selectors.units_for(actor=user), pk=home)
    source = request.POST if request.method == "POST" else request.GET
    period = reporting_period(request)
    try:
        year = _int(source.get("year"), period.year, 2000, 2100, _("Năm không hợp lệ."))
        month = _int(source.get("month"), period.month, 1, 12, _("Tháng phải từ 1 đến 12."))
    except BadParameter as exc:
        messages.error(request, str(exc))
        return redirect("reports:monthly_list")
    existing = selectors.monthly_reports_for(actor=user, year=year, month=month).filter(unit=unit).first()
    if request.method == "POST":
        try:
            obj = services.monthly_report_prepare(
                actor=user, unit=unit, year=year, month=month,
                difficulties=clean_text(request.POST.get("difficulties", ""), multiline=True),
                proposals=clean_text(request.POST.get("proposals", ""), multiline=True))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("reports:monthly_list")
        messages.success(request, _("Đã lưu báo cáo tháng %(m)02d/%(y)s.") % {"m": month, "y": year})
        return redirect("reports:monthly_detail", pk=obj.pk)
    if existing is not None and existing.status not in services.EDITABLE:
        messages.error(request, _("Báo cáo đã gửi hoặc đã được duyệt, không thể sửa."))
        return redirect("reports:monthly_detail", pk=existing.pk)
    return render(request, "reports/monthly_prepare.html", {
        "unit": unit, "year": year, "month": month, "report": existing,
        "breadcrumbs": [(_("Báo cáo tháng"), reverse("reports:monthly_list")), (_("Lập báo cáo"), None)],
    })


def _confirm_step(request, report_obj, action, question, accept_label):
    """The confirmation page of a monthly workflow step, for a browser without JavaScript."""
    return confirmation_page(
        request, question=question, accept_label=accept_label,
        cancel_url=reverse("reports:monthly_detail", args=[report_obj.pk]),
        summary_template="reports/_monthly_confirm_summary.html",
        context={"report": report_obj, "action": action, "breadcrumbs": [
            (_("Báo cáo tháng"), reverse("reports:monthly_list")),
            (str(report_obj), reverse("reports:monthly_detail", args=[report_obj.pk])), (_("Xác nhận"), None)]})


@require_POST
def monthly_submit(request, pk: int):
    report_obj = selectors.monthly_report_get(actor=request.user, pk=pk)
    if needs_confirmation(request):
        return _confirm_step(request, report_obj, "submit", _("Gửi báo cáo? Số liệu sẽ được chốt."),
                             _("Gửi và chốt số liệu"))
    try:
        services.monthly_report_submit(actor=request.user, report=report_obj)
        messages.success(request, _("Đã gửi báo cáo đến Phòng TNMT; số liệu đã được chốt."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("reports:monthly_detail", pk=report_obj.pk)


@require_POST
def monthly_review(request, pk: int):
    report_obj = selectors.monthly_report_get(actor=request.user, pk=pk)
    decision = request.POST.get("decision")
    comment = request.POST.get("comment", "")
    if needs_confirmation(request) and decision in ("approve", "return"):
        if decision == "approve":
            return _confirm_step(request, report_obj, decision, _("Duyệt báo cáo này?"), _("Duyệt và khoá báo cáo"))
        return _confirm_step(request, report_obj, decision, _("Trả lại báo cáo cho đơn vị?"), _("Trả lại"))
    try:
        if decision == "approve":
            services.monthly_report_approve(actor=request.user, report=report_obj, comment=comment)
            messages.success(request, _("Đã duyệt báo cáo."))
        elif decision == "return":
            services.monthly_report_return(actor=request.user, report=report_obj, comment=comment)
            messages.success(request, _("Đã trả lại báo cáo cho đơn vị."))
        else:
            messages.error(request, _("Chọn duyệt hoặc trả lại."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("reports:monthly_detail", pk=report_obj.pk)


def monthly_deadlines(request):
    """Due dates of the monthly reports of a year: everyone reads them, TNMT sets them."""
    try:
        year = _int(request.GET.get("year") or request.POST.get("year"), reporting_period(request).year, 2000, 2100,
                    _("Năm không hợp lệ."))
    except BadParameter as exc:
        messages.error(request, str(exc))
        return redirect("reports:monthly_list")
    can_set = scoping.can_review_reports(request.user)
    status = 200
    if request.method == "POST":
        if not can_set:
            raise PermissionDenied
        try:
            month = _int(request.POST.get("month"), None, 1, 12, _("Tháng phải từ 1 đến 12."))
            raw = (request.POST.get("due_date") or "").strip()
            try:  # dd/mm/yyyy as shown (tamky_poverty.widgets), or yyyy-mm-dd
                due = DateField().clean(raw)
            except ValidationError:
                raise BadParameter(_("Nhập hạn nộp là một ngày hợp lệ (dd/mm/yyyy).")) from None
            if month is None:
                raise BadParameter(_("Tháng phải từ 1 đến 12."))
            services.report_deadline_set(actor=request.user, year=year, month=month, due_date=due,
                                         note=request.POST.get("note", ""))
        except (BadParameter, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            status = 400
        else:
            messages.success(request, _("Đã đặt hạn nộp báo cáo tháng %(m)02d/%(y)s: %(d)s.") % {
                "m": month, "y": year, "d": due.strftime("%d/%m/%Y")})
            return redirect(reverse("reports:monthly_deadlines") + f"?year={year}")
    return render(request, "reports/monthly_deadlines.html", {
        "year": year, "rows": selectors.report_deadlines(year=year), "can_set": can_set,
        "default_day": DEFAULT_DUE_DAY,
        "breadcrumbs": [(_("Báo cáo tháng"), reverse("reports:monthly_list")), (_("Hạn nộp"), None)],
    }, status=status)
