"""Writes of the reports app: the monthly reporting workflow.

draft → submitted → approved (locked)
            └──→ returned (with a comment) → submitted again …
Every step writes a MonthlyReportEvent (who, when) in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import datasets, documents
from reports.models import MonthlyReport, MonthlyReportEvent, ReportDeadline
from tamky_poverty import scoping

Status = MonthlyReport.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)


def can_prepare(actor, unit) -> bool:
    return scoping.scope_for(actor).may_prepare_report(unit.pk)


def can_review(actor, report) -> bool:
    """TNMT and administrators review, except the report of their own unit."""
    return scoping.scope_for(actor).may_review_report(report.unit_id)


def _event(report, actor, from_status, to_status, comment=""):
    MonthlyReportEvent.objects.create(report=report, from_status=from_status, to_status=to_status,
                                      actor=actor, comment=comment)


def _save(report, actor, reason):
    report.full_clean()
    report._history_user = actor
    report._change_reason = reason
    report.save()


def _validate_period(year: int, month: int):
    if not (2000 <= int(year) <= 2100) or not (1 <= int(month) <= 12):
        raise ValidationError(_("Tháng hoặc năm báo cáo không hợp lệ."))


@transaction.atomic
def monthly_report_prepare(*, actor, unit, year: int, month: int, difficulties: str = "",
                           proposals: str = "") -> MonthlyReport:
    """Create or update the unit's report for the month (only while draft or returned)."""
    _validate_period(year, month)
    if not can_prepare(actor, unit):
        raise PermissionDenied(_("Bạn không được lập báo cáo cho đơn vị này."))
    report = MonthlyReport.objects.select_for_update().filter(unit=unit, year=year, month=month).first()
    created = report is None
    if created:
        report = MonthlyReport(unit=unit, year=year, month=month, status=Status.DRAFT)
    elif report.status not in EDITABLE:
        raise ValidationError(_("Báo cáo đã gửi hoặc đã được duyệt, không thể sửa."))
    report.difficulties = (difficulties or "").strip()
    report.proposals = (proposals or "").strip()
    report.prepared_by = actor
    _save(report, actor, "prepare")
    if created:
        _event(report, actor, "", Status.DRAFT)
    return report


@transaction.atomic
def monthly_report_submit(*, actor, report: MonthlyReport) -> MonthlyReport:
    """Freeze the figures into the snapshot and send the report to TNMT."""
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if not can_prepare(actor, report.unit):
        raise PermissionDenied(_("Bạn không được gửi báo cáo của đơn vị này."))
    if report.status not in EDITABLE:
        raise ValidationError(_("Chỉ gửi được báo cáo đang soạn hoặc bị trả lại."))
    previous = report.status
    report.snapshot = datasets.monthly_figures(scoping.SYSTEM, [report.unit_id], report.year, report.month)
    report.status = Status.SUBMITTED
    report.submitted_by = actor
    report.submitted_at = timezone.now()
    _save(report, actor, "submit")
    _event(report, actor, previous, Status.SUBMITTED)
    return report


def _review(actor, report, to_status, comment, issue=False):
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if not scoping.can_review_reports(actor):
        raise PermissionDenied(_("Chỉ Phòng TNMT được duyệt hoặc trả lại báo cáo."))
    if not can_review(actor, report):
        raise PermissionDenied(_("Không được duyệt hoặc trả lại báo cáo của chính đơn vị mình."))
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("Chỉ duyệt hoặc trả lại được báo cáo đã gửi."))
    report.status = to_status
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    if issue:
        ds = datasets.monthly_unit(datasets.SYSTEM, datasets.Params(report.year, report.month, report.unit,
                                                                    as_of=timezone.localdate(report.reviewed_at)))
        issuer, _draft = documents.monthly_document(report)
        report.document = documents.document_issue(
            actor=actor, ds=ds, issuer=issuer, issue_date=timezone.localdate(report.reviewed_at))
    _save(report, actor, to_status)
    _event(report, actor, Status.SUBMITTED, to_status, comment)
    return report


@transaction.atomic
def monthly_report_approve(*, actor, report: MonthlyReport, comment: str = "") -> MonthlyReport:
    """Approve a submitted report; from then on it is locked. The approval issues it: a number in
    the unit's register and the approval date (``reports.documents``)."""
    return _review(actor, report, Status.APPROVED, (comment or "").strip(), issue=True)


@transaction.atomic
def monthly_report_return(*, actor, report: MonthlyReport, comment: str) -> MonthlyReport:
    """Send a submitted report back to the unit; the comment says what to correct."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Trả lại báo cáo phải kèm ý kiến.")})
    return _review(actor, report, Status.RETURNED, comment)


MAX_DAYS_AFTER_MONTH = 90


@transaction.atomic
def report_deadline_set(*, actor, year: int, month: int, due_date: dt.date, note: str = "") -> ReportDeadline:
    """TNMT sets the date by which the units' reports of a month are due: not before the
    month's last day (a month is reported once it has ended), at most 90 days after it."""
    _validate_period(year, month)
    if not scoping.can_review_reports(actor):
        raise PermissionDenied(_("Chỉ Phòng TNMT được đặt hạn nộp báo cáo tháng."))
    last = datasets.month_bounds(int(year), int(month))[1]
    if due_date < last:
        raise ValidationError({"due_date": _("Hạn nộp không được trước ngày cuối tháng báo cáo (%(d)s).")
                               % {"d": last.strftime("%d/%m/%Y")}})
    if due_date > last + dt.timedelta(days=MAX_DAYS_AFTER_MONTH):
        raise ValidationError({"due_date": _("Hạn nộp không được quá 90 ngày sau tháng báo cáo.")})
    row = ReportDeadline.objects.select_for_update().filter(year=year, month=month).first()
    row = row or ReportDeadline(year=year, month=month)
    row.due_date, row.note, row.set_by = due_date, (note or "").strip(), actor
    row.full_clean()
    row._history_user = actor
    row.save()
    return row
