"""Scoped reads of the reports app: report parameters (the unit a user may ask for) and the
monthly reports. Everything goes through tamky_poverty.scoping; out of scope → 404."""

from __future__ import annotations

from django.http import Http404

from reports import datasets
from reports.models import MonthlyReport, ReportDeadline, default_due_date
from tamky_poverty import scoping
from tamky_poverty.models import AdministrativeUnit


def units_for(*, actor):
    return datasets.units_qs(actor).order_by("kind", "name")


def unit_for_report(*, actor, unit_id) -> AdministrativeUnit | None:
    """The unit a report is asked for. A ward officer always gets their own unit (another unit
    → 404); others may ask for none (the whole city)."""
    if unit_id in (None, ""):
        scope = scoping.scope_for(actor)
        if scope.own_unit_only:
            return AdministrativeUnit.objects.get(pk=scope.home_unit_id)
        return None
    return scoping.get_or_404(units_for(actor=actor), pk=unit_id)


def report_params(*, actor, code: str, year: int, month: int | None, unit_id=None, as_of=None,
                  on=None) -> datasets.Params:
    """The parameters of a report the actor may ask for (404 otherwise), without building it.
    ``as_of`` is the day the report is looked at (today, read by the page); ``on`` the day
    PL08/PL09 count (None: their default, ``datasets.deprivation_day``)."""
    spec = datasets.REPORTS.get(code)
    if spec is None:
        raise Http404
    unit = unit_for_report(actor=actor, unit_id=unit_id)
    if code == "MONTHLY" and unit is None and not scoping.scope_for(actor).sees_city_reports:
        raise Http404
    return datasets.Params(year=year, month=month if spec.uses_month else None, unit=unit, as_of=as_of,
                           on=on if spec.uses_day else None)


def monthly_reports_for(*, actor, year=None, month=None):
    qs = scoping.monthly_reports(actor, MonthlyReport.objects.select_related("unit", "submitted_by", "reviewed_by"))
    if year:
        qs = qs.filter(year=year)
    if month:
        qs = qs.filter(month=month)
    return qs.order_by("-year", "-month", "unit__kind", "unit__name")


def monthly_report_get(*, actor, pk) -> MonthlyReport:
    return scoping.get_or_404(monthly_reports_for(actor=actor), pk=pk)


def monthly_report_events(*, report):
    return report.events.select_related("actor").order_by("at", "id")


def report_deadlines(*, year: int) -> list[dict]:
    """The twelve months of ``year`` with their due dates: set by TNMT, or the default."""
    rows = {r.month: r for r in ReportDeadline.objects.filter(year=year).select_related("set_by")}
    return [{"month": m, "due_date": rows[m].due_date if m in rows else default_due_date(year, m),
             "row": rows.get(m)} for m in range(1, 13)]
