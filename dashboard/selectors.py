"""Selectors behind the dashboard (the landing page). Every read goes through
``tamky_poverty.scoping``; the whole page costs a fixed number of queries whatever the amount of
data (grouped aggregates, no query per unit, indicator or row).

The period shown is the reporting period the user chose (``tamky_poverty.periods``; by default the
last complete month): its year is the plan year, its month the month of the reports. Every figure
is dated: "now" is the class in force today (a list decided in December for 1 January is not "now"
yet), the plan's progress groups households by the unit they belonged to at the end of the period
shown (the units valid then; targets of the units the plan was made for count for the ward they
became part of), and the units expected to report are those valid in the month shown.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext

from campaigns import selectors as campaign_selectors
from households import movements
from households.models import Assessment, Deprivation, Household, Indicator, PovertyClass
from households.selectors import decision_in_force
from households.standards import standard_on
from reports.models import MonthlyReport
from support.models import ActionStatus, SupportAction, SupportKind
from tamky_poverty import scoping
from tamky_poverty.models import AdministrativeUnit
from tamky_poverty.periods import Period
from targets.models import Plan, SupportQuota, UnitTarget

ATTENTION_LIMIT = 10

REPORT_STATUSES = ("not_started", "draft", "submitted", "returned", "approved")


@dataclass
class UnitProgress:
    unit: object
    poor_target: int = 0
    near_poor_target: int = 0
    left_poor: int = 0
    left_near_poor: int = 0
    entered: int = 0
    re_entered: int = 0
    to_poor: int = 0  # near-poor households that became poor (not a "thoát", not an entry)

    @property
    def target(self) -> int:
        return self.poor_target + self.near_poor_target

    @property
    def achieved(self) -> int:
        return self.left_poor + self.left_near_poor


@dataclass
class SupportRow:
    kind: str
    label: str
    planned: int = 0
    in_progress: int = 0
    completed: int = 0
    quota: int | None = None
    link_kind: str = ""  # the support kind to filter the action list by ("" when the quota covers several)

    @property
    def total(self) -> int:
        return self.planned + self.in_progress + self.completed

    @property
    def percent(self) -> int | None:
        if not self.quota:
            return None
        return round(100 * self.completed / self.quota)


@dataclass
class IndicatorRow:
    indicator: object
    deprived: int = 0
    resolved: int = 0


@dataclass
class ReportStatusRow:
    unit: object
    status: str  # one of REPORT_STATUSES
    label: str
    report: object | None = None


def plan_of(year: int):
    """The plan of the period's year, or None when none was made for that year."""
    return Plan.objects.filter(year=year).first()


CHART_WIDTH = 300


def grouped_bar_chart(groups: list[tuple[str, list[tuple[int, str, str]]]], *, label_width: float = 100,
                      bar_height: float = 12, gap: float = 2, group_gap: float = 8) -> dict:
    """Geometry of a horizontal bar chart drawn by the template as SVG (presentation attributes
    only: the CSP forbids inline styles). ``groups`` = [(label, [(value, css class, fill), …])];
    every bar is scaled to the largest value. Numbers are plain strings, never localised."""
    top = max([v for _, bars in groups for v, _, _ in bars] + [1])
    room = CHART_WIDTH - label_width - 30  # space for the value after the longest bar
    y = 0.0
    out = []
    for label, bars in groups:
        drawn = []
        for value, css, fill in bars:
            width = round(room * value / top, 1)
            drawn.append({"value": value, "css": css, "fill": fill, "x": f"{label_width:g}", "y": f"{y:g}",
                          "width": f"{width:g}", "height": f"{bar_height:g}",
                          "label_x": f"{label_width + width + 4:g}", "label_y": f"{y + bar_height - 2:g}"})
            y += bar_height + gap
        block = len(bars) * (bar_height + gap) - gap
        out.append({"label": label, "label_y": f"{y - gap - block / 2 + 4:g}", "bars": drawn})
        y += group_gap - gap
    return {"width": f"{CHART_WIDTH:g}", "height": f"{max(y - group_gap + gap, 1):g}",
            "label_x": f"{label_width - 6:g}", "groups": out}


def household_counts(*, actor, year: int, today: dt.date) -> dict:
    """Poor and near-poor households in force ``today`` and on 1 January of ``year`` (2 queries)."""

    base = scoping.households(actor, Household.objects.filter(is_deleted=False))
    now_counts = movements.classes_on(base, today, movements.CITY)
    now = {cls: n for (_key, cls), n in now_counts.items()}
    start_counts = movements.classes_on(base, movements.year_start(year), movements.CITY)
    start = {cls: n for (_key, cls), n in start_counts.items()}
    return {
        "poor_now": now.get(PovertyClass.POOR, 0),
        "near_poor_now": now.get(PovertyClass.NEAR_POOR, 0),
        "poor_start": start.get(PovertyClass.POOR, 0),
        "near_poor_start": start.get(PovertyClass.NEAR_POOR, 0),
    }


def unit_progress(*, actor, plan, year: int, day: dt.date) -> list[UnitProgress]:
    """Left / entered / re-entered in the plan year against the plan's targets, per unit valid on
    ``day`` (the end of the period shown; 2 queries), counted by ``households.movements`` (the
    year's window: the list in force on 1 January is the start; households under the unit they
    belonged to on ``day``). A unit appears when it has a target or a movement."""
    period = movements.year_period(year)
    end = min(day, period.end_day)
    blocks, grouping = movements.layout(scoping.units(actor, AdministrativeUnit.objects.all()),
                                        period.start_day, end)
    targets = {t.unit_id: t for t in UnitTarget.objects.filter(plan=plan)} if plan is not None else {}
    decisions = scoping.households(actor, Assessment.objects.filter(household__is_deleted=False),
                                   prefix="household__")
    counts = movements.movement_counts(decisions, period, grouping)
    out = []
    for block in blocks:
        p = UnitProgress(unit=block.unit)
        for unit_id in [block.unit.pk, *[c.unit.pk for c in block.children if c.always]]:
            if unit_id in targets:
                p.poor_target += targets[unit_id].poor_exit_target
                p.near_poor_target += targets[unit_id].near_poor_exit_target
        lines = movements.line_counts({(k, m): n for (k, m), n in counts.items() if block.match(k)})
        p.left_poor, p.left_near_poor = lines["left_poor"], lines["left_near_poor"]
        p.entered = lines["new_poor"] + lines["new_near_poor"]
        p.re_entered = lines["re_poor"] + lines["re_near_poor"]
        p.to_poor = lines["near_poor_to_poor"]
        if p.target or any(lines.values()):
            out.append(p)
    return out


def support_progress(*, actor, plan, year: int) -> list[SupportRow]:
    """Support actions of the year by status against the plan's quotas, per quota line of the
    catalogue (3 queries)."""
    catalogue = list(SupportKind.objects.select_related("quota_group"))
    group_of = {k.code: k.quota_group_id for k in catalogue}
    groups = {k.quota_group_id: k.quota_group for k in catalogue if k.quota_group_id}
    kinds_of: dict[str, list[str]] = {}
    for k in catalogue:
        if k.quota_group_id:
            kinds_of.setdefault(k.quota_group_id, []).append(k.code)
    rows: dict[str, SupportRow] = {}

    def row_for(kind):
        if kind not in rows:
            kinds = kinds_of.get(kind, [])
            rows[kind] = SupportRow(kind=kind, label=str(groups[kind]) if kind in groups else kind,
                                    link_kind=kinds[0] if len(kinds) == 1 else "")
        return rows[kind]

    if plan is not None:
        for q in SupportQuota.objects.filter(plan=plan).select_related("kind").order_by("kind_id", "household_class"):
            groups.setdefault(q.kind_id, q.kind)
            r = row_for(q.kind_id)
            r.quota = (r.quota or 0) + (q.items or q.households)
    counts = (
        scoping.support_actions(actor, SupportAction.objects.all())
        .filter(plan_year=year)
        .exclude(status=ActionStatus.CANCELLED)
        .order_by()
        .values("kind", "status")
        .annotate(n=Count("id"))
    )
    other = SupportRow(kind="", label="")
    for row in counts:
        kind = group_of.get(row["kind"])
        r = row_for(kind) if kind else other
        if row["status"] == ActionStatus.PLANNED:
            r.planned += row["n"]
        elif row["status"] == ActionStatus.IN_PROGRESS:
            r.in_progress += row["n"]
        elif row["status"] == ActionStatus.COMPLETED:
            r.completed += row["n"]
    result = sorted(rows.values(), key=lambda r: (groups[r.kind].position, r.kind) if r.kind in groups
                    else (1 << 16, r.kind))
    if other.total:
        other.label = gettext("Hỗ trợ khác")
        result.append(other)
    return result


def deprivations(*, actor, year: int, today: dt.date) -> list[IndicatorRow]:
    """Deprivations of the households poor and near-poor ``today`` by indicator (the decision in
    force today), and how many deprivations (of any household) were resolved since 1 January
    (3 queries)."""

    try:
        standard = standard_on(today if today.year == year else dt.date(year, 12, 31))
    except Exception:  # no standard for the year: nothing to show
        return []
    indicators = list(Indicator.objects.filter(standard=standard).order_by("number"))
    households = scoping.households(actor, Household.objects.filter(is_deleted=False))
    in_lists = movements.in_class_on(households, today, movements.LISTS).annotate(
        in_force=movements.decision_in_force_id(today))
    current = Deprivation.objects.filter(assessment_id__in=in_lists.values("in_force"), deprived=True)
    deprived = dict(current.order_by().values_list("indicator_id").annotate(n=Count("assessment_id")))

    jan1 = dt.date(year, 1, 1)
    start_assessment = Subquery(
        decision_in_force(jan1, OuterRef(OuterRef("assessment__household_id"))).values("id")[:1]
    )
    was_deprived = Deprivation.objects.filter(
        indicator_id=OuterRef("indicator_id"), deprived=True, assessment_id=start_assessment
    )
    resolved_qs = (
        Deprivation.objects.filter(
            assessment_id__in=households.values("current_assessment_id"),
            assessment__effective_date__gt=jan1,
            deprived=False,
        )
        .filter(Exists(was_deprived))
        .order_by()
        .values_list("indicator_id")
        .annotate(n=Count("id"))
    )
    resolved = dict(resolved_qs)
    rows = [IndicatorRow(indicator=i, deprived=deprived.get(i.id, 0), resolved=resolved.get(i.id, 0))
            for i in indicators]
    return rows


def report_units(*, actor, year: int, month: int, reports: list) -> list:
    """Units expected to report: those in scope valid on the first day of the month shown and any
    unit in scope that has a report for the month (1 query)."""
    jan1 = dt.date(year, month, 1)
    reporting = {r.unit_id for r in reports}
    return list(
        scoping.units(actor, AdministrativeUnit.objects.all())
        .filter(
            (Q(valid_from__isnull=True) | Q(valid_from__lte=jan1)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=jan1))
            | Q(id__in=reporting)
        )
        .order_by("kind", "name")
    )


def report_statuses(*, actor, year: int, month: int, units: list, reports: list) -> list[ReportStatusRow]:
    by_unit = {r.unit_id: r for r in reports}
    rows = []
    for unit in units:
        report = by_unit.get(unit.id)
        if report is None:
            rows.append(ReportStatusRow(unit=unit, status="not_started", label=gettext("Chưa lập")))
        else:
            rows.append(ReportStatusRow(unit=unit, status=report.status, label=report.get_status_display(),
                                        report=report))
    return rows


def attention(*, actor, year: int, month: int, today: dt.date) -> dict:
    """What needs the user's attention: reports to review (TNMT, administrator), returned reports
    and households due for review (ward officer), overdue actions (agency officer), as of
    ``today`` (the view's)."""
    scope = scoping.scope_for(actor)
    result: dict = {}
    if scope.can_review_reports:
        to_review = (
            scoping.monthly_reports(actor, MonthlyReport.objects.all())
            .filter(status=MonthlyReport.Status.SUBMITTED)
            .select_related("unit")
            .order_by("submitted_at", "id")
        )
        result["to_review"] = list(to_review[:ATTENTION_LIMIT])
    if scope.unit_ids:
        returned = (
            scoping.monthly_reports(actor, MonthlyReport.objects.all())
            .filter(status=MonthlyReport.Status.RETURNED)
            .select_related("unit")
            .order_by("-year", "-month")
        )
        result["returned"] = list(returned[:ATTENTION_LIMIT])
        due = (
            scoping.households(actor, Household.objects.filter(is_deleted=False))
            .filter(
                Q(current_assessment__isnull=True)
                | Q(registered_exit_year=year, current_class__in=[PovertyClass.POOR, PovertyClass.NEAR_POOR])
            )
            .select_related("unit")
            .order_by("unit__name", "code")
        )
        result["due_review"] = list(due[:ATTENTION_LIMIT])
    if scope.agency_id is not None:
        overdue = (
            scoping.support_actions(actor, SupportAction.objects.all())
            .filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS], planned_date__lt=today)
            .select_related("household", "household__unit", "kind")
            .order_by("planned_date", "id")
        )
        result["overdue"] = list(overdue[:ATTENTION_LIMIT])
    result["empty"] = not any(result.get(k) for k in ("to_review", "returned", "due_review", "overdue"))
    return result


def own_report_to_prepare(*, actor, reports: list, year: int, month: int) -> dict | None:
    """For a ward officer: the own unit's report of the month when it still has to be written or
    sent (none yet, a draft, or returned) — the dashboard offers the way to it."""
    scope = scoping.scope_for(actor)
    unit_id = scope.home_unit_id
    if not scope.own_unit_only or not scope.may_prepare_report(unit_id):
        return None
    report = next((r for r in reports if r.unit_id == unit_id), None)
    if report is not None and report.status not in (MonthlyReport.Status.DRAFT, MonthlyReport.Status.RETURNED):
        return None
    return {"year": year, "month": month, "report": report}


def campaign_block(*, actor, today: dt.date) -> dict | None:
    """The annual review's progress per unit and the applications past their 15-day deadline
    (``campaigns.selectors``; two queries); None for those who take no part in reviews."""
    block = campaign_selectors.dashboard_block(actor=actor, day=today)
    if block is not None:
        block["overdue"] = campaign_selectors.overdue_count(actor=actor, day=today)
    return block


def dashboard_data(*, actor, period: Period, today: dt.date) -> dict:
    """Everything the dashboard shows, for ``actor`` and the reporting ``period``
    (``tamky_poverty.periods``: the plan year is the period's year), in a fixed number of queries."""
    year, month = period.year, period.month
    plan = plan_of(year)
    reports = list(
        scoping.monthly_reports(actor, MonthlyReport.objects.all()).filter(year=year, month=month)
    )
    units = report_units(actor=actor, year=year, month=month, reports=reports)
    statuses = report_statuses(actor=actor, year=year, month=month, units=units, reports=reports)
    status_totals = {s: 0 for s in REPORT_STATUSES}
    for row in statuses:
        status_totals[row.status] = status_totals.get(row.status, 0) + 1
    indicator_rows = deprivations(actor=actor, year=year, today=today)
    period_end = dt.date(year, month, calendar.monthrange(year, month)[1])
    progress = unit_progress(actor=actor, plan=plan, year=year, day=min(today, period_end))
    return {
        "plan": plan,
        "period": period,
        "year": year,
        "month": month,
        "counts": household_counts(actor=actor, year=year, today=today),
        "unit_progress": progress,
        "progress_chart": grouped_bar_chart(
            [(p.unit.name, [(p.target, "bar-target", "#9ec5fe"), (p.achieved, "bar-achieved", "#198754")])
             for p in progress], label_width=88),
        "indicator_chart": grouped_bar_chart(
            [(f"{r.indicator.number}. {r.indicator.short_name or r.indicator.name}",
              [(r.deprived, "bar-deprived", "#dc3545")]) for r in indicator_rows],
            label_width=140, bar_height=13, group_gap=4),
        "support_rows": support_progress(actor=actor, plan=plan, year=year),
        "indicator_rows": indicator_rows,
        "resolved_total": sum(r.resolved for r in indicator_rows),
        "deprived_total": sum(r.deprived for r in indicator_rows),
        "report_rows": statuses,
        "report_totals": status_totals,
        "attention": attention(actor=actor, year=year, month=month, today=today),
        "own_report": own_report_to_prepare(actor=actor, reports=reports, year=year, month=month),
        "campaign_block": campaign_block(actor=actor, today=today),
    }
