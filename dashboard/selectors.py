"""Selectors behind the dashboard (the landing page). Every read goes through
``tamky_poverty.scoping``; the whole page costs a fixed number of queries whatever the amount of
data (grouped aggregates, no query per unit, indicator or row).

The period shown is the reporting period the user chose (``tamky_poverty.periods``; by default the
last complete month): its year is the plan year, its month the month of the reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from campaigns import selectors as campaign_selectors
from tamky_poverty import scoping
from tamky_poverty.periods import Period

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

    @property
    def link_kind(self) -> str:
        """The support kind to filter the action list by ("" when the quota covers several)."""
        from targets.models import support_kinds_for_quota

        kinds = support_kinds_for_quota(self.kind) if self.kind else []
        return str(kinds[0]) if len(kinds) == 1 else ""

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
    from targets.models import Plan

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


def household_counts(*, actor, year: int) -> dict:
    """Poor and near-poor households now and on 1 January of ``year`` (2 queries)."""
    from households import movements
    from households.models import Household, PovertyClass

    base = scoping.households(actor, Household.objects.filter(is_deleted=False))
    # Counting an indexed column (not the id) lets the database answer from the class index alone.
    now = base.aggregate(
        poor=Count("current_class", filter=Q(current_class=PovertyClass.POOR)),
        near_poor=Count("current_class", filter=Q(current_class=PovertyClass.NEAR_POOR)),
    )
    start_counts = movements.classes_on(base, movements.year_start(year), movements.CITY)
    start = {cls: n for (_key, cls), n in start_counts.items()}
    return {
        "poor_now": now["poor"],
        "near_poor_now": now["near_poor"],
        "poor_start": start.get(PovertyClass.POOR, 0),
        "near_poor_start": start.get(PovertyClass.NEAR_POOR, 0),
    }


def unit_progress(*, actor, plan, year: int, units: list) -> list[UnitProgress]:
    """Left / entered / re-entered in the plan year against the plan's targets, per unit
    (2 queries), counted by ``households.movements`` (the year's window: the list in force on
    1 January is the start). A unit appears when it has a target or a movement."""
    from households import movements
    from households.models import Assessment
    from targets.models import UnitTarget

    by_unit: dict[int, UnitProgress] = {}
    units_by_id = {u.id: u for u in units}
    if plan is not None:
        for t in UnitTarget.objects.filter(plan=plan, unit_id__in=list(units_by_id)):
            p = by_unit.setdefault(t.unit_id, UnitProgress(unit=units_by_id[t.unit_id]))
            p.poor_target, p.near_poor_target = t.poor_exit_target, t.near_poor_exit_target
    decisions = scoping.households(actor, Assessment.objects.filter(household__is_deleted=False),
                                   prefix="household__")
    counts = movements.movement_counts(decisions, movements.year_period(year))
    for unit_id in {k for k, _m in counts}:
        if unit_id not in units_by_id:
            continue
        lines = movements.line_counts(counts, {unit_id})
        if not any(lines.values()):
            continue
        p = by_unit.setdefault(unit_id, UnitProgress(unit=units_by_id[unit_id]))
        p.left_poor, p.left_near_poor = lines["left_poor"], lines["left_near_poor"]
        p.entered = lines["new_poor"] + lines["new_near_poor"]
        p.re_entered = lines["re_poor"] + lines["re_near_poor"]
        p.to_poor = lines["near_poor_to_poor"]
    return [by_unit[u.id] for u in units if u.id in by_unit]


def support_progress(*, actor, plan, year: int) -> list[SupportRow]:
    """Support actions of the year by status against the plan's quotas, per quota kind (2 queries)."""
    from support.models import ActionStatus, SupportAction
    from targets.models import QuotaKind, SupportQuota, quota_kind_for_support

    rows: dict[str, SupportRow] = {}

    def row_for(kind):
        if kind not in rows:
            rows[kind] = SupportRow(kind=kind, label=str(QuotaKind(kind).label))
        return rows[kind]

    if plan is not None:
        for q in SupportQuota.objects.filter(plan=plan).order_by("kind", "household_class"):
            r = row_for(q.kind)
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
        kind = quota_kind_for_support(row["kind"])
        r = row_for(kind) if kind else other
        if row["status"] == ActionStatus.PLANNED:
            r.planned += row["n"]
        elif row["status"] == ActionStatus.IN_PROGRESS:
            r.in_progress += row["n"]
        elif row["status"] == ActionStatus.COMPLETED:
            r.completed += row["n"]
    order = list(QuotaKind.values)
    result = sorted(rows.values(), key=lambda r: order.index(r.kind))
    if other.total:
        from django.utils.translation import gettext

        other.label = gettext("Hỗ trợ khác")
        result.append(other)
    return result


def deprivations(*, actor, year: int) -> list[IndicatorRow]:
    """Deprivations of current poor and near-poor households by indicator, and how many
    deprivations (of any household) were resolved since 1 January (3 queries)."""
    from households.models import Deprivation, Household, Indicator, PovertyClass
    from households.selectors import decision_in_force
    from households.standards import standard_for_year

    try:
        standard = standard_for_year(year)
    except Exception:  # no standard for the year: nothing to show
        return []
    indicators = list(Indicator.objects.filter(standard=standard).order_by("number"))
    households = scoping.households(actor, Household.objects.filter(is_deleted=False))
    current = Deprivation.objects.filter(
        assessment_id__in=households.filter(
            current_class__in=[PovertyClass.POOR, PovertyClass.NEAR_POOR]
        ).values("current_assessment_id"),
        deprived=True,
    )
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
    """Units expected to report: those in scope valid on 1 January of the plan year (the units the
    plan was made for) and any unit in scope that has a report for the month (1 query)."""
    from tamky_poverty.models import AdministrativeUnit

    jan1 = dt.date(year, 1, 1)
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
    from django.utils.translation import gettext

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


def attention(*, actor, year: int, month: int, today: dt.date | None = None) -> dict:
    """What needs the user's attention: reports to review (TNMT, administrator), returned reports
    and households due for review (ward officer), overdue actions (agency officer)."""
    from households.models import Household, PovertyClass
    from reports.models import MonthlyReport
    from support.models import ActionStatus, SupportAction

    today = today or timezone.localdate()
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
            .select_related("household", "household__unit")
            .order_by("planned_date", "id")
        )
        result["overdue"] = list(overdue[:ATTENTION_LIMIT])
    result["empty"] = not any(result.get(k) for k in ("to_review", "returned", "due_review", "overdue"))
    return result


def own_report_to_prepare(*, actor, reports: list, year: int, month: int) -> dict | None:
    """For a ward officer: the own unit's report of the month when it still has to be written or
    sent (none yet, a draft, or returned) — the dashboard offers the way to it."""
    from reports.models import MonthlyReport

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


def dashboard_data(*, actor, period: Period, today: dt.date | None = None) -> dict:
    """Everything the dashboard shows, for ``actor`` and the reporting ``period``
    (``tamky_poverty.periods``: the plan year is the period's year), in a fixed number of queries."""
    from reports.models import MonthlyReport

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
    indicator_rows = deprivations(actor=actor, year=year)
    progress = unit_progress(actor=actor, plan=plan, year=year, units=units)
    return {
        "plan": plan,
        "period": period,
        "year": year,
        "month": month,
        "counts": household_counts(actor=actor, year=year),
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
        "campaign_block": campaign_block(actor=actor, today=today or timezone.localdate()),
    }
