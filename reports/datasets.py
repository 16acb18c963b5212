"""One dataset function per report (PL01–PL09, year movements, monthly progress). Each reads
through the scoping rule (or as the system, for the command line) and aggregates in the
database; the renderers only draw what is returned here.

**As of a date.** Every table counts the decisions in force on its day or in its period
(``households.movements``) and groups households by the unit they belonged to then
(``movements.by_unit_on``): the units valid on the period's last day, and — when the period spans
a reorganisation (the year 2025) — beneath each successor ward, the former units its households
came from (``layout``). A year closed with ``documents.period_close`` is read as it was known on
its closing day; decisions recorded later for that period are left out and named in a note.
"Today" is never read here: it comes in ``Params.as_of`` from the page or the command."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, F, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, gettext_noop

from households import movements as mv
from households.models import (
    Assessment,
    Deprivation,
    Household,
    Indicator,
    Member,
    PovertyClass,
    PovertyStandard,
)
from households.standards import standard_on
from reports.dataset import Column, Dataset, HeaderCell, Row
from reports.formatting import rate
from reports.models import ClosedPeriod, MonthlyReport, ReportDeadline
from support.models import ActionStatus, QuotaGroup, SupportAction
from tamky_poverty import scoping
from tamky_poverty.models import AdministrativeUnit, UnitYearFigures
from targets.models import Plan, SupportQuota, UnitTarget

POOR, NEAR_POOR = PovertyClass.POOR, PovertyClass.NEAR_POOR


SYSTEM = scoping.SYSTEM  # the command line's actor: a scope of its own in tamky_poverty.scoping

# ---------------------------------------------------------------------------- scoped querysets


def households_qs(actor):
    return scoping.households(actor, Household.objects.filter(is_deleted=False))


def actions_qs(actor):
    return scoping.support_actions(actor, SupportAction.objects.all())


def units_qs(actor):
    return scoping.units(actor, AdministrativeUnit.objects.all())


def assessments_qs(actor):
    return scoping.households(actor, Assessment.objects.filter(household__is_deleted=False), prefix="household__")


def valid_on(qs, day: dt.date):
    return qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                     Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def report_units(actor, day: dt.date, unit=None, extra_ids=()) -> list[AdministrativeUnit]:
    """Units a report lists: those valid on ``day`` plus any that carry data, within scope;
    urban (phường) first, then rural (xã), by name."""
    qs = units_qs(actor)
    if unit is not None:
        qs = qs.filter(pk=unit.pk)
    qs = qs.filter(Q(pk__in=valid_on(AdministrativeUnit.objects.all(), day).values("pk")) | Q(pk__in=list(extra_ids)))
    return sorted(qs, key=lambda u: (u.kind != AdministrativeUnit.Kind.WARD, u.name))


def _unit_label(unit: AdministrativeUnit) -> str:
    return str(unit)


def _plan(year: int) -> Plan | None:
    return Plan.objects.filter(year=year).first()


def _subtitle(year: int) -> str:
    plan = _plan(year)
    if plan and plan.document_number:
        date = f" ngày {plan.document_date:%d/%m/%Y}" if plan.document_date else ""
        return f"(Kèm theo Kế hoạch số {plan.document_number}{date} của {plan.issuer})"
    return f"(Kèm theo Kế hoạch giảm nghèo bền vững năm {year})"


@dataclass(frozen=True)
class Params:
    year: int
    month: int | None = None
    unit: AdministrativeUnit | None = None
    # The day the report is looked at (today, read by the page or the command): the lateness of
    # monthly reports, and the day PL08/PL09 count in the current year. None: the period's end.
    as_of: dt.date | None = None
    # The day PL08/PL09 count (default: the year's last day, or ``as_of`` in the current year).
    on: dt.date | None = None


def deprivation_day(p: Params) -> dt.date:
    """The day PL08/PL09 count: the one asked for, else the year's last day — or the day the
    report is looked at, when that falls inside the year."""
    if p.on is not None:
        return p.on
    end = dt.date(p.year, 12, 31)
    if p.as_of is not None and dt.date(p.year, 1, 1) <= p.as_of < end:
        return p.as_of
    return end


# ------------------------------------------------------------------ units in time, closed years


Block = mv.Block
pick = mv.pick
_successor_on = mv.successor_on


def layout(actor, start: dt.date, end: dt.date, unit=None) -> tuple[list[Block], mv.Grouping]:
    """``movements.layout`` over the units ``actor`` may read."""
    return mv.layout(units_qs(actor), start, end, unit)


def unit_rows(blocks: list[Block], numbers: Callable[..., list], width: int,
              has_data: Callable[[Callable], bool] = lambda match: True) -> list[Row]:
    """The rows of a table by unit: per area kind a heading, each unit (and beneath it the
    former units, style ``child``), the kind's subtotal; then the total. ``numbers(match,
    members)`` gives a row's numbers: ``match`` accepts the keys it sums, ``members`` are the
    blocks it stands for."""
    rows: list[Row] = []
    stt = 0
    for label, kind in (("Khu vực thành thị (phường)", AdministrativeUnit.Kind.WARD),
                        ("Khu vực nông thôn (xã)", AdministrativeUnit.Kind.COMMUNE)):
        group = [b for b in blocks if b.unit.kind == kind]
        if not group:
            continue
        rows.append(Row(["", label, *[""] * width], style="group"))
        for b in group:
            stt += 1
            rows.append(Row([stt, b.label, *numbers(b.match, [b])]))
            for c in b.children:
                if c.always or has_data(c.match):
                    rows.append(Row(["", c.label, *numbers(c.match, [c])], style="child"))
        rows.append(Row(["", f"Cộng {label.split(' (')[0].lower()}",
                         *numbers(lambda k, g=group: any(b.match(k) for b in g), group)], style="subtotal"))
    rows.append(Row(["", "Tổng cộng", *numbers(lambda k: any(b.match(k) for b in blocks), blocks)], style="total"))
    return rows


def block_total(block: Block, figures: dict[int, int]) -> int | None:
    """All households of a row's unit in the year (``UnitYearFigures``): its own figure, or for a
    ward formed during the year the sum of its former units'; None when not recorded."""
    if block.child:
        return figures.get(block.unit.pk) if block.always else None
    if block.unit.pk in figures:
        return figures[block.unit.pk]
    parts = [figures.get(c.unit.pk) for c in block.children if c.always]
    return sum(parts) if parts and None not in parts else None


def blocks_total(blocks: list[Block], figures: dict[int, int]) -> int | None:
    totals = [block_total(b, figures) for b in blocks]
    return sum(totals) if totals and None not in totals else None


def known_by(year: int) -> dt.date | None:
    """The day a closed year's figures were closed (``ClosedPeriod``): its tables read the register
    as known that day. None for an open year."""
    closed = ClosedPeriod.objects.filter(year=year).only("closed_on").first()
    return closed.closed_on if closed else None


def late_decisions_note(decisions, cutoff: dt.date | None, *, first: dt.date | None, last: dt.date) -> list[str]:
    """The note that flags decisions of a closed period recorded after it was closed."""
    if cutoff is None:
        return []
    late = list(mv.recorded_after(decisions, cutoff, first=first, last=last)
                .select_related("household", "unit")[:20])
    if not late:
        return []
    named = "; ".join(f"QĐ số {d.decision_number} ngày {d.decision_date:%d/%m/%Y} có hiệu lực "
                      f"{d.effective_date:%d/%m/%Y} (hộ {d.household.code}, {d.unit})" for d in late)
    return [f"Ghi chú: số liệu đã khóa ngày {cutoff:%d/%m/%Y}. Các quyết định có hiệu lực trong kỳ nhưng được ghi "
            f"nhận sau ngày khóa không được tính trong biểu này: {named}."]


# ------------------------------------------------------------------------------------- PL01


def pl01(actor, p: Params) -> Dataset:
    """Phụ lục 01: the targets per unit, with what each unit has achieved in the year (or up to
    the end of ``p.month``): households that left poverty / near-poverty (``households.movements``).
    Units are those valid at the period's end; the targets of the units the plan was made for
    show beneath their successor when the period spans a reorganisation."""
    plan = _plan(p.year)
    period = period_of(p)
    blocks, grouping = layout(actor, period.start_day, period.end_day, p.unit)
    targets = UnitTarget.objects.filter(plan=plan) if plan else UnitTarget.objects.none()
    target_by_unit = {t.unit_id: (t.poor_exit_target, t.near_poor_exit_target) for t in targets}
    cutoff = known_by(p.year)
    decisions = assessments_qs(actor)
    moves = mv.movement_counts(decisions, period, grouping, known_by=cutoff)

    def own_target(block: Block) -> tuple[int, int]:
        """A row's targets: its unit's own — plus, for a ward, its former units' (summed)."""
        if block.child:
            return target_by_unit.get(block.unit.pk, (0, 0)) if block.always else (0, 0)
        pairs = [target_by_unit.get(u, (0, 0))
                 for u in [block.unit.pk, *[c.unit.pk for c in block.children if c.always]]]
        return sum(a for a, _b in pairs), sum(b for _a, b in pairs)

    def line(block: Block, stt) -> Row:
        poor, near = own_target(block)
        lines = mv.line_counts({(k, m): n for (k, m), n in moves.items() if block.match(k)})
        return Row([stt, block.label, poor, near, lines["left_poor"], lines["left_near_poor"], ""],
                   style="child" if block.child else "")

    rows = []
    shown = []
    for b in blocks:
        children = [c for c in b.children
                    if c.unit.pk in target_by_unit and c.always or any(c.match(k) for k, _m in moves)]
        has = own_target(b) != (0, 0) or children or any(b.match(k) for k, _m in moves)
        if not has:
            continue
        shown.append(b)
        rows.append(line(b, len(shown)))
        rows += [line(c, "") for c in children]
    totals = [r.cells for r in rows if r.style != "child"]
    rows.append(Row(["", "Tổng cộng", *[sum(c[i] for c in totals) for i in (2, 3, 4, 5)], ""], style="total"))
    notes = late_decisions_note(decisions, cutoff, first=period.first, last=period.last)
    until = f"đến ngày {period.last:%d/%m/%Y}" if p.month else f"năm {p.year}"
    return Dataset(
        code="PL01",
        title=f"Chỉ tiêu giảm hộ nghèo, hộ cận nghèo năm {p.year}",
        subtitle=_subtitle(p.year),
        header_rows=[
            [HeaderCell("STT", rowspan=2), HeaderCell("Đơn vị", rowspan=2),
             HeaderCell(f"Chỉ tiêu giảm nghèo năm {p.year} (hộ)", colspan=2),
             HeaderCell(f"Kết quả thực hiện {until} (hộ)", colspan=2), HeaderCell("Ghi chú", rowspan=2)],
            [HeaderCell("Hộ nghèo thoát nghèo"), HeaderCell("Hộ cận nghèo thoát cận nghèo"),
             HeaderCell("Đã thoát nghèo"), HeaderCell("Đã thoát cận nghèo")],
        ],
        columns=[Column("stt", "int", 6), Column("unit", "text", 28), Column("poor", "int", 16),
                 Column("near_poor", "int", 18), Column("left_poor", "int", 14), Column("left_near_poor", "int", 14),
                 Column("notes", "text", 16)],
        rows=rows, notes=notes,
        parameters={"year": p.year, "month": p.month, "unit": p.unit.pk if p.unit else None,
                    "period": [period.first.isoformat(), period.last.isoformat()]},
    )


# ---------------------------------------------------------------------------- PL02 – PL07

# Phụ lục 02–07: the actions of one quota line of the catalogue (its kinds) for one class; titles
# marked for the catalogue (REPORTS), kept Vietnamese in the documents.
LIST_REPORTS = {
    "PL02": ("livelihood", POOR, gettext_noop("Danh sách hộ nghèo được hỗ trợ phương tiện sinh kế")),
    "PL03": ("livelihood", NEAR_POOR, gettext_noop("Danh sách hộ cận nghèo được hỗ trợ phương tiện sinh kế")),
    "PL04": ("housing", POOR, gettext_noop("Danh sách hộ nghèo được hỗ trợ sửa chữa, xây dựng mới nhà ở")),
    "PL05": ("housing", NEAR_POOR, gettext_noop("Danh sách hộ cận nghèo được hỗ trợ sửa chữa, xây dựng mới nhà ở")),
    "PL06": ("sponsorship", POOR, gettext_noop("Danh sách trẻ em thuộc hộ nghèo được nhận đỡ đầu")),
    "PL07": ("sponsorship", NEAR_POOR, gettext_noop("Danh sách trẻ em thuộc hộ cận nghèo được nhận đỡ đầu")),
}


def support_list(actor, p: Params, code: str) -> Dataset:
    group, cls, title = LIST_REPORTS[code]
    sponsorship = group == "sponsorship"
    head = Member.objects.filter(household=OuterRef("household"), relation=Member.Relation.HEAD)
    qs = (
        actions_qs(actor)
        .filter(kind__quota_group=group, household_class=cls, plan_year=p.year, household__is_deleted=False)
        .exclude(status=ActionStatus.CANCELLED)
    )
    # Each household under the unit it belonged to at the year's end (a unit dissolved earlier:
    # the households it had on its last day).
    year_end = dt.date(p.year, 12, 31)
    qs = qs.annotate(unit_then=mv.unit_on_expression(year_end, "household__"))
    if p.unit is not None:
        day = min(year_end, p.unit.valid_to) if p.unit.valid_to else year_end
        qs = qs.alias(unit_asked=mv.unit_on_expression(day, "household__")).filter(unit_asked=p.unit.pk)
    unit_names = {u.pk: str(u) for u in AdministrativeUnit.objects.all()}
    totals = qs.aggregate(households=Count("household", distinct=True), items=Coalesce(Sum("quantity"), 0),
                          amount=Coalesce(Sum("amount"), 0), children=Count("member", distinct=True),
                          monthly=Coalesce(Sum("monthly_amount"), 0))
    qs = (
        qs.annotate(head_name=Subquery(head.values("full_name")[:1]))
        .select_related("household__unit", "lead_agency", "member")
        .prefetch_related("coordinating_agencies")
        .order_by("household__unit__kind", "household__unit__name", "household__village", "household__code", "id")
    )
    rows = []
    for i, a in enumerate(qs, start=1):
        coordinating = ", ".join(str(x) for x in a.coordinating_agencies.all())
        timing = a.completed_date or a.planned_date
        common = [a.head_name or "", unit_names.get(a.unit_then, ""), a.household.village]
        if sponsorship:
            rows.append(Row([i, a.member.full_name if a.member else "", *common, a.sponsor or a.description,
                             a.monthly_amount or a.amount, a.get_funding_source_display(), str(a.lead_agency),
                             coordinating, timing, a.get_status_display()], household_ids=[a.household_id]))
        else:
            rows.append(Row([i, *common, a.description, a.quantity, a.amount, a.get_funding_source_display(),
                             str(a.lead_agency), coordinating, timing, a.get_status_display()],
                            household_ids=[a.household_id]))
    if sponsorship:
        rows.append(Row(["", f"Tổng cộng: {len(rows)} cháu", f"{totals['households']} hộ", "", "", "",
                         totals["monthly"] or totals["amount"], "", "", "", "", ""], style="total"))
        header = [[HeaderCell(t) for t in (
            "STT", "Họ và tên trẻ", "Chủ hộ", "Đơn vị", "Thôn, khối phố", "Người, đơn vị đỡ đầu",
            "Mức đỡ đầu (đồng/tháng)", "Nguồn kinh phí", "Cơ quan chủ trì", "Cơ quan phối hợp",
            "Thời gian thực hiện", "Tình trạng")]]
        columns = [Column("stt", "int", 5), Column("child", "text", 20), Column("head", "text", 20),
                   Column("unit", "text", 16), Column("village", "text", 12), Column("sponsor", "text", 20),
                   Column("amount", "money", 13), Column("funding", "text", 16), Column("lead", "text", 16),
                   Column("coord", "text", 18), Column("timing", "date", 11), Column("status", "text", 12)]
    else:
        rows.append(Row(["", f"Tổng cộng: {totals['households']} hộ", "", "", "", totals["items"],
                         totals["amount"], "", "", "", "", ""], style="total"))
        header = [[HeaderCell(t) for t in (
            "STT", "Chủ hộ", "Đơn vị", "Thôn, khối phố", "Nội dung hỗ trợ", "Số lượng", "Kinh phí (đồng)",
            "Nguồn kinh phí", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện", "Tình trạng")]]
        columns = [Column("stt", "int", 5), Column("head", "text", 20), Column("unit", "text", 16),
                   Column("village", "text", 12), Column("what", "text", 24), Column("qty", "int", 8),
                   Column("amount", "money", 14), Column("funding", "text", 18), Column("lead", "text", 16),
                   Column("coord", "text", 18), Column("timing", "date", 11), Column("status", "text", 12)]
    return Dataset(code=code, title=f"{title} năm {p.year}", subtitle=_subtitle(p.year), header_rows=header,
                   columns=columns, rows=rows, landscape=True,
                   parameters={"year": p.year, "unit": p.unit.pk if p.unit else None,
                               "households": totals["households"], "children": totals["children"],
                               "personal": True})


# ---------------------------------------------------------------------------- PL08 / PL09

DEPRIVATION_REPORTS = {"PL08": POOR, "PL09": NEAR_POOR}


def standard_for(year: int) -> PovertyStandard | None:
    return PovertyStandard.objects.filter(year_from__lte=year, year_to__gte=year).order_by("-year_from").first()


def _standard_on(day: dt.date) -> PovertyStandard | None:
    try:
        return standard_on(day)
    except Exception:  # no standard covers the day: a table without indicators
        return None


def class_households_on(actor, cls: str, day: dt.date, known: dt.date | None = None):
    """The households in the list ``cls`` on ``day``, annotated with the id of the decision in
    force then (``in_force``)."""
    return mv.in_class_on(households_qs(actor), day, [cls], known).annotate(
        in_force=mv.decision_in_force_id(day, known))


def deprivations(actor, p: Params, code: str) -> Dataset:
    """PL08/PL09: per unit, the households of the class, and for each dimension the distinct
    households deprived on any of its indicators, then each indicator — from the decision in
    force on the table's day (``deprivation_day``), the households under the unit they belonged
    to that day (in 2025: the four wards, their former units beneath)."""
    cls = DEPRIVATION_REPORTS[code]
    day = deprivation_day(p)
    standard = _standard_on(day) or standard_for(p.year)
    indicators = list(Indicator.objects.filter(standard=standard).order_by("number")) if standard else []
    cutoff = known_by(p.year)
    blocks, grouping = layout(actor, dt.date(day.year, 1, 1), day, p.unit)
    homes = grouping.annotate(class_households_on(actor, cls, day, cutoff))
    per_unit = {(grouping.key(r), None): r[-1] for r in
                homes.values_list(*grouping.key_fields).annotate(n=Count("id")).order_by()}
    deprived = grouping.annotate(
        Deprivation.objects.filter(deprived=True, assessment_id__in=homes.values("in_force")),
        "assessment__household__")
    n_keys = len(grouping.key_fields)
    counts: dict[tuple, int] = {}
    by_dimension: dict[tuple, int] = {}
    for field, out in (("indicator__code", counts), ("indicator__dimension", by_dimension)):
        for r in (deprived.values_list(*grouping.key_fields, field)
                  .annotate(n=Count("assessment__household_id", distinct=True)).order_by()):
            out[(grouping.key(r), r[n_keys])] = r[n_keys + 1]
    dimensions: dict[str, list] = {}
    for i in indicators:
        dimensions.setdefault(i.dimension, []).append(i)
    # Column plan: per dimension its distinct households, then its indicators.
    plan: list[tuple[str, str]] = []
    for dimension, inds in dimensions.items():
        plan.append(("dimension", dimension))
        plan += [("indicator", i.code) for i in inds]
    indicator_columns = {key: 3 + j for j, (kind, key) in enumerate(plan) if kind == "indicator"}
    dimension_columns = {key: 3 + j for j, (kind, key) in enumerate(plan) if kind == "dimension"}

    def numbers(match, _members):
        by_ind, by_dim = pick(counts, match), pick(by_dimension, match)
        out = [pick(per_unit, match).get(None, 0)]
        for kind, key in plan:
            out.append((by_dim if kind == "dimension" else by_ind).get(key, 0))
        return out

    rows = unit_rows(blocks, numbers, len(plan) + 1, lambda match: any(match(k) for k, _x in per_unit))
    tops = {b.label: b for b in blocks}
    for row in rows:  # every indicator number of a unit links to its households
        b = tops.get(row.cells[1]) if row.style == "" else None
        if b is not None and b.unit.is_valid_on(day):
            by_ind = pick(counts, b.match)
            row.drill = {col: {"unit": b.unit.pk, "indicator": c} for c, col in indicator_columns.items()
                         if by_ind.get(c)} or None
    notes = late_decisions_note(assessments_qs(actor), cutoff, first=None, last=day)
    who = "hộ nghèo" if cls == POOR else "hộ cận nghèo"
    second, third = [], []
    for dimension, inds in dimensions.items():
        second.append(HeaderCell(dimension, colspan=len(inds) + 1))
        third += [HeaderCell("Số hộ thiếu hụt (chiều)")] + [HeaderCell(i.short_name or i.name) for i in inds]
    columns = [Column("stt", "int", 5), Column("unit", "text", 20), Column("households", "int", 8)]
    for kind, key in plan:
        columns.append(Column(f"dim:{key}" if kind == "dimension" else key, "int", 9))
    return Dataset(
        code=code,
        title=f"Tổng hợp các chỉ số thiếu hụt của {who} năm {p.year}",
        subtitle=f"{_subtitle(p.year)} (Danh sách {who} có hiệu lực ngày {day:%d/%m/%Y}, theo đơn vị hành chính ngày đó)",
        header_rows=[
            [HeaderCell("STT", rowspan=3), HeaderCell("Đơn vị", rowspan=3), HeaderCell(f"Số {who}", rowspan=3),
             HeaderCell("Số hộ thiếu hụt theo chiều (hộ không trùng) và theo chỉ số", colspan=max(len(plan), 1))],
            second or [HeaderCell("")],
            third or [HeaderCell("")],
        ],
        columns=columns,
        rows=rows, landscape=True, notes=notes,
        parameters={"year": p.year, "unit": p.unit.pk if p.unit else None, "class": cls, "on": day.isoformat(),
                    "indicator_codes": [i.code for i in indicators], "indicator_columns": indicator_columns,
                    "dimension_columns": dimension_columns},
    )


def deprivation_households(actor, code: str, unit_id: int, indicator_code: str, day: dt.date):
    """The households behind one count of PL08/PL09 (the drill-down page): in the list on ``day``,
    in unit ``unit_id`` that day, deprived on the indicator in the decision in force then."""
    cls = DEPRIVATION_REPORTS[code]
    head = Member.objects.filter(household=OuterRef("pk"), relation=Member.Relation.HEAD)
    homes = (class_households_on(actor, cls, day, known_by(day.year))
             .alias(unit_then=mv.unit_on_expression(day)).filter(unit_then=unit_id))
    deprived = Deprivation.objects.filter(deprived=True, indicator__code=indicator_code,
                                          assessment_id=OuterRef("in_force"))
    return (homes.filter(Exists(deprived)).annotate(head_name=Subquery(head.values("full_name")[:1]))
            .select_related("unit").order_by("village", "code"))


# ---------------------------------------------------------------------------- year movements


def period_of(p: Params) -> mv.Period:
    """The report's window: the year, or from its start to the end of ``p.month``."""
    return mv.year_to_month(p.year, p.month) if p.month else mv.year_period(p.year)


MOVEMENT_COLUMNS = {  # per list: (label of the third column, of the sixth)
    POOR: ("Thoát nghèo", "Trong đó: sang cận nghèo", "Tái nghèo", "Từ cận nghèo"),
    NEAR_POOR: ("Thoát cận nghèo", "Sang hộ nghèo", "Tái cận nghèo", "Từ hộ nghèo"),
}


def movements(actor, p: Params) -> Dataset:
    """The year-movement table: per unit valid at the period's end (in a period that spans a
    reorganisation, the former units beneath), each list's start, movements and end, with rates
    against the unit's households in the year."""
    period = period_of(p)
    blocks, grouping = layout(actor, period.start_day, period.end_day, p.unit)
    cutoff = known_by(p.year)
    homes = households_qs(actor)
    decisions = assessments_qs(actor)
    start_counts = mv.classes_on(homes, period.start_day, grouping, known_by=cutoff)
    end_counts = mv.classes_on(homes, period.end_day, grouping, ethnic_minority=True, known_by=cutoff)
    moves = mv.movement_counts(decisions, period, grouping, known_by=cutoff)
    figures = dict(UnitYearFigures.objects.filter(year=p.year).values_list("unit_id", "total_households"))
    data_keys = {k for k, _x in [*start_counts, *end_counts, *moves]}

    def numbers(match, members):
        total = blocks_total(members, figures)
        out = [total]
        keys = {k for k in data_keys if match(k)}
        lists = mv.list_figures(start_counts, end_counts, moves, keys)
        for cls in (POOR, NEAR_POOR):
            f = lists[cls]
            out += [f.start, rate(f.start, total), f.left, rate(f.left, total), f.to_other,
                    f.new, rate(f.new, total), f.re, rate(f.re, total), f.from_other,
                    f.end, rate(f.end, total), f.ethnic_minority_end]
        return out

    rows = unit_rows(blocks, numbers, 1 + 2 * 13, lambda match: any(match(k) for k in data_keys))
    notes = late_decisions_note(decisions, cutoff, first=period.first, last=period.last)

    second, third = [], []
    for cls in (POOR, NEAR_POOR):
        left, other_out, re_label, other_in = MOVEMENT_COLUMNS[cls]
        second += [HeaderCell("Đầu kỳ", colspan=2), HeaderCell(left, colspan=2), HeaderCell(other_out, rowspan=2),
                   HeaderCell("Phát sinh", colspan=2), HeaderCell(re_label, colspan=2), HeaderCell(other_in, rowspan=2),
                   HeaderCell("Cuối kỳ", colspan=2), HeaderCell("Cuối kỳ: hộ DTTS", rowspan=2)]
        third += [HeaderCell(t) for t in ("Số hộ", "Tỷ lệ %") * 5]
    columns = [Column("stt", "int", 5), Column("unit", "text", 18), Column("total", "int", 9)]
    for cls in ("poor", "near"):
        for word in ("start", "left", "other_out", "new", "re", "other_in", "end"):
            columns.append(Column(f"{cls}_{word}", "int", 6))
            if word not in ("other_out", "other_in"):
                columns.append(Column(f"{cls}_{word}_rate", "percent", 6))
        columns.append(Column(f"{cls}_dtts", "int", 7))
    label = f"tháng {p.month:02d}/{p.year}" if p.month else f"năm {p.year}"
    return Dataset(
        code="MOVEMENT",
        title=f"Biến động hộ nghèo, hộ cận nghèo {label}",
        subtitle=(f"(Đầu kỳ: danh sách có hiệu lực ngày {period.start_day:%d/%m/%Y}; biến động: các quyết định có "
                  f"hiệu lực từ {period.first:%d/%m/%Y} đến {period.last:%d/%m/%Y}; cuối kỳ: danh sách có hiệu lực ngày "
                  f"{period.end_day:%d/%m/%Y}. Hộ nghèo: đầu kỳ − thoát nghèo + phát sinh + tái nghèo + từ cận nghèo "
                  f"= cuối kỳ; hộ cận nghèo: đầu kỳ − thoát cận nghèo − chuyển sang hộ nghèo + phát sinh + tái cận "
                  f"nghèo + từ hộ nghèo = cuối kỳ; tỷ lệ so với tổng số hộ dân cư)"),
        header_rows=[
            [HeaderCell("STT", rowspan=3), HeaderCell("Đơn vị", rowspan=3), HeaderCell("Tổng số hộ dân cư", rowspan=3),
             HeaderCell("Hộ nghèo", colspan=13), HeaderCell("Hộ cận nghèo", colspan=13)],
            second,
            third,
        ],
        columns=columns, rows=rows, landscape=True, notes=notes,
        parameters={"year": p.year, "month": p.month, "unit": p.unit.pk if p.unit else None,
                    "period": [period.first.isoformat(), period.last.isoformat()]},
    )


# ---------------------------------------------------------------------------- the plan's groups

GROUP_COLUMNS = [("orphan", "Trẻ em mồ côi"), ("dependants", "Đông người ăn theo: cộng"),
                 ("dependants_school", "trong đó: con đang đi học"),
                 ("dependants_social", "trong đó: người hưởng bảo trợ xã hội"),
                 ("no_labour", "Không có khả năng lao động"), (mv.LIFTABLE, "Có thể tác động (ngoài ba nhóm)")]


def groups(actor, p: Params) -> Dataset:
    """The poor households of each unit in the plan's groups (DOMAIN.md §1), on the year's start
    (the plan's basis) or, with a month, at its end; "có thể tác động" must stay 0."""
    day = mv.month_period(p.year, p.month).end_day if p.month else mv.year_start(p.year)
    blocks, grouping = layout(actor, mv.year_start(p.year), day, p.unit)
    counts = mv.poor_by_group(households_qs(actor), day, grouping, known_by=known_by(p.year))

    def numbers(match, _members):
        found = pick(counts, match)
        by = {g: found.get(g, 0) for g in (*mv.PLAN_GROUPS, mv.LIFTABLE)}
        by["dependants"] = by["dependants_school"] + by["dependants_social"]
        return [sum(v for g, v in by.items() if g != "dependants")] + [by[key] for key, _label in GROUP_COLUMNS]

    rows = unit_rows(blocks, numbers, len(GROUP_COLUMNS) + 1, lambda match: any(match(k) for k, _g in counts))
    return Dataset(
        code="GROUPS",
        title=f"Hộ nghèo theo nhóm của kế hoạch giảm nghèo năm {p.year}",
        subtitle=(f"(Danh sách hộ nghèo có hiệu lực ngày {day:%d/%m/%Y}. Hộ có thể tác động là hộ nghèo không thuộc "
                  f"nhóm trẻ em mồ côi, đông người ăn theo, không có khả năng lao động; kế hoạch yêu cầu duy trì "
                  f"không còn hộ nghèo thuộc nhóm này)"),
        header_rows=[[HeaderCell("STT"), HeaderCell("Đơn vị"), HeaderCell("Số hộ nghèo"),
                      *[HeaderCell(label) for _key, label in GROUP_COLUMNS]]],
        columns=[Column("stt", "int", 5), Column("unit", "text", 20), Column("poor", "int", 9),
                 *[Column(key, "int", 11) for key, _label in GROUP_COLUMNS]],
        rows=rows, landscape=True,
        parameters={"year": p.year, "month": p.month, "unit": p.unit.pk if p.unit else None,
                    "day": day.isoformat()},
    )


# ---------------------------------------------------------------------------- monthly report

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _quota_kind():
    """The quota line of a support action's kind (the catalogue's data; housing repair and new
    build share one); "" for a kind without one."""
    return Coalesce(F("kind__quota_group"), Value(""), output_field=CharField())


def monthly_figures(actor, unit_ids: list[int], year: int, month: int) -> dict:
    """The figures of a unit's monthly report (JSON-serialisable: frozen into the snapshot; the
    moment they were taken is the report's ``submitted_at``, so the figures carry no clock).
    Movements come from ``households.movements`` (the month's window and the year to the month's
    end); support is counted in households — children for sponsorship — never in actions.

    A unit's households are those that belonged to it on the month's last day (a ward formed
    in July 2025 counts what its former units' households did since January), and its targets
    are those of the plan's units that had become part of it by then (Quảng Phú: An Phú 0/1 +
    Tam Phú 0/2 + Tam Thanh 0/0)."""
    first, last = month_bounds(year, month)
    jan1 = dt.date(year, 1, 1)
    wanted = set(unit_ids)
    grouping = mv.by_unit_on(last)
    decisions = assessments_qs(actor)
    in_month = mv.line_counts(mv.movement_counts(decisions, mv.month_period(year, month), grouping), wanted)
    ytd = mv.line_counts(mv.movement_counts(decisions, mv.year_to_month(year, month), grouping), wanted)
    movements_out = {key: {"month": in_month[key], "ytd": ytd[key]} for key in mv.LINE_KINDS}
    plan = _plan(year)
    every = {u.pk: u for u in AdministrativeUnit.objects.all()}
    targets = {"poor": 0, "near_poor": 0}
    for t in UnitTarget.objects.filter(plan=plan) if plan else []:
        if t.unit_id in wanted or _successor_on(every[t.unit_id], last, every).pk in wanted:
            targets["poor"] += t.poor_exit_target
            targets["near_poor"] += t.near_poor_exit_target
    in_units = Q(unit_then__in=unit_ids)
    actions = actions_qs(actor).alias(unit_then=mv.unit_on_expression(last, "household__")).filter(
        in_units, plan_year=year).exclude(
        status=ActionStatus.CANCELLED).annotate(quota_kind=_quota_kind()).exclude(quota_kind="")
    done = Q(status=ActionStatus.COMPLETED)
    windows = {"planned_year": Q(), "planned_month": Q(planned_date__range=(first, last)),
               "completed_month": done & Q(completed_date__range=(first, last)),
               "completed_ytd": done & Q(completed_date__range=(jan1, last))}
    aggregates = {}
    for name, cond in windows.items():
        aggregates[f"h_{name}"] = Count("household", distinct=True, filter=cond)
        aggregates[f"c_{name}"] = Count("member", distinct=True, filter=cond)
    support: dict[str, dict[str, int]] = {}
    by_children = set(QuotaGroup.objects.filter(counts_children=True).values_list("code", flat=True))
    for row in actions.values("quota_kind").annotate(**aggregates).order_by():
        unit_of_count = "c" if row["quota_kind"] in by_children else "h"
        support[row["quota_kind"]] = {name: row[f"{unit_of_count}_{name}"] for name in windows}
    resolved = {}
    for code, m, y in (
        actions_qs(actor).alias(unit_then=mv.unit_on_expression(last, "household__"))
        .filter(in_units, status=ActionStatus.COMPLETED, indicator__isnull=False,
                completed_date__range=(jan1, last))
        .values_list("indicator__code")
        .annotate(m=Count("household", distinct=True, filter=Q(completed_date__gte=first)),
                  y=Count("household", distinct=True)).order_by()
    ):
        resolved[code] = {"month": m, "ytd": y}
    return {"year": year, "month": month, "unit_ids": list(unit_ids), "movements": movements_out,
            "targets": {"poor": targets["poor"], "near_poor": targets["near_poor"]},
            "support": support, "deprivations_resolved": resolved, "counted_in": "households"}


def plan_targets(year: int) -> dict[str, int]:
    """The plan's city targets (Phụ lục 01 totals): what the city report is rated against."""
    plan = _plan(year)
    if plan is None:
        return {"poor": 0, "near_poor": 0}
    return UnitTarget.objects.filter(plan=plan).aggregate(
        poor=Coalesce(Sum("poor_exit_target"), 0), near_poor=Coalesce(Sum("near_poor_exit_target"), 0))


def sum_figures(figures: list[dict], year: int, month: int) -> dict:
    """The city's figures: the sum of (approved) unit snapshots; targets from the plan."""
    out = {"year": year, "month": month, "unit_ids": [], "movements": {}, "targets": plan_targets(year),
           "support": {}, "deprivations_resolved": {}}
    for f in figures:
        out["unit_ids"] += f.get("unit_ids", [])
        for key, v in f.get("movements", {}).items():
            row = out["movements"].setdefault(key, {"month": 0, "ytd": 0})
            row["month"] += v.get("month", 0)
            row["ytd"] += v.get("ytd", 0)
        for kind, v in f.get("support", {}).items():
            row = out["support"].setdefault(kind, {})
            for name, n in v.items():
                row[name] = row.get(name, 0) + n
        for code, v in f.get("deprivations_resolved", {}).items():
            row = out["deprivations_resolved"].setdefault(code, {"month": 0, "ytd": 0})
            row["month"] += v.get("month", 0)
            row["ytd"] += v.get("ytd", 0)
    return out


def _quotas(year: int) -> dict[str, int]:
    """The plan's quota per kind: households, children for sponsorship (66 = 19 + 47)."""
    plan = _plan(year)
    if not plan:
        return {}
    out: dict[str, int] = {}
    for kind, by_children, households, items in SupportQuota.objects.filter(plan=plan).values_list(
            "kind", "kind__counts_children", "households", "items"):
        out[kind] = out.get(kind, 0) + (items if by_children else households)
    return out


def monthly_dataset(figures: dict, *, year: int, month: int, who: str, issuer: str | None = None,
                    difficulties: str = "", proposals: str = "", status_note: str = "", city: bool = False,
                    extra_sections: list[Dataset] | None = None) -> Dataset:
    """The monthly report. A unit's report rates the unit against its own targets (Phụ lục 01)
    and shows the plan's support quotas as city-wide, without a rate; the city report rates the
    city against the plan."""
    mv_figures = figures.get("movements", {})
    targets = figures.get("targets", {})
    rows, beyond = [], []
    number = 0
    for key, label, _kinds, target_key in mv.LINES:
        v = mv_figures.get(key, {})
        target = targets.get(target_key) if target_key else None
        ytd = v.get("ytd", 0)
        sub = label.startswith("Trong đó")
        if not sub:
            number += 1
        rows.append(Row(["" if sub else number, label, v.get("month", 0), ytd, target,
                         rate(ytd, target) if target_key else None]))
        if target_key and target is not None and ytd > target:
            beyond.append(f"{label} lũy kế ({ytd}) vượt chỉ tiêu năm ({target})")
    quotas = _quotas(year)
    srows = []
    sup = figures.get("support", {})
    for group in QuotaGroup.objects.all():
        v = sup.get(group.code, {})
        quota = quotas.get(group.code)
        if not v and not quota:
            continue
        label = str(group) + (" (số cháu)" if group.counts_children else "")
        srows.append(Row([len(srows) + 1, label, v.get("planned_month", 0), v.get("completed_month", 0),
                          v.get("planned_year", 0), v.get("completed_ytd", 0), quota,
                          rate(v.get("completed_ytd", 0), quota) if city else None]))
    sections: list[Dataset] = []

    def section(ds: Dataset) -> Dataset:
        ds.title = f"{ROMAN[len(sections) + 1]}. {ds.title}"
        sections.append(ds)
        return ds

    section(Dataset(
        code="MONTHLY-SUPPORT", title="Kết quả thực hiện các hoạt động hỗ trợ (số hộ; nhận đỡ đầu: số cháu)",
        header_rows=[[HeaderCell("STT", rowspan=2), HeaderCell("Hoạt động", rowspan=2),
                      HeaderCell("Trong tháng", colspan=2), HeaderCell("Lũy kế từ đầu năm", colspan=2),
                      HeaderCell("Định mức kế hoạch" if city else "Định mức kế hoạch (toàn thành phố)", rowspan=2),
                      HeaderCell("Tỷ lệ hoàn thành (%)", rowspan=2)],
                     [HeaderCell("Kế hoạch"), HeaderCell("Hoàn thành"), HeaderCell("Kế hoạch"), HeaderCell("Hoàn thành")]],
        columns=[Column("stt", "int", 5), Column("what", "text", 34), Column("pm", "int", 10), Column("cm", "int", 10),
                 Column("py", "int", 10), Column("cy", "int", 10), Column("quota", "int", 10), Column("rate", "percent", 10)],
        rows=srows,
    ))
    names = dict(Indicator.objects.filter(code__in=list(figures.get("deprivations_resolved", {}))).values_list("code", "name"))
    drows = [Row([i, names.get(code, code), v.get("month", 0), v.get("ytd", 0)])
             for i, (code, v) in enumerate(sorted(figures.get("deprivations_resolved", {}).items()), start=1)]
    section(Dataset(
        code="MONTHLY-DEPRIVATIONS", title="Chỉ số thiếu hụt được giải quyết (số hộ)",
        header_rows=[[HeaderCell("STT"), HeaderCell("Chỉ số thiếu hụt"), HeaderCell("Trong tháng"),
                      HeaderCell("Lũy kế từ đầu năm")]],
        columns=[Column("stt", "int", 5), Column("indicator", "text", 40), Column("m", "int", 12), Column("y", "int", 14)],
        rows=drows,
    ))
    for extra in extra_sections or []:
        section(extra)
    n = len(sections) + 1
    notes = []
    if not city:
        notes.append("Ghi chú: định mức hỗ trợ trong kế hoạch là định mức chung của toàn thành phố, không giao "
                     "riêng cho từng đơn vị, nên báo cáo của đơn vị không tính tỷ lệ hoàn thành định mức; cột "
                     "\"Kế hoạch\" là phần việc của đơn vị trong danh sách Phụ lục 02–07.")
    if beyond:
        notes.append("Ghi chú: " + "; ".join(beyond) + ".")
    notes += [f"{ROMAN[n]}. Khó khăn, vướng mắc: {difficulties.strip() or 'Không.'}",
              f"{ROMAN[n + 1]}. Đề xuất, kiến nghị: {proposals.strip() or 'Không.'}"]
    if status_note:
        notes.append(status_note)
    first_period = mv.month_period(year, month)
    return Dataset(
        code="MONTHLY",
        title=f"Báo cáo kết quả thực hiện công tác giảm nghèo tháng {month:02d} năm {year}",
        subtitle=f"({who})",
        table_title=(f"I. Kết quả giảm nghèo (số hộ; trong tháng: quyết định có hiệu lực từ "
                     f"{first_period.first:%d/%m/%Y} đến {first_period.last:%d/%m/%Y})"),
        header_rows=[[HeaderCell("STT"), HeaderCell("Nội dung"), HeaderCell("Trong tháng"),
                      HeaderCell("Lũy kế từ đầu năm"), HeaderCell("Chỉ tiêu năm"), HeaderCell("Tỷ lệ đạt (%)")]],
        columns=[Column("stt", "int", 5), Column("what", "text", 36), Column("m", "int", 12), Column("y", "int", 14),
                 Column("target", "int", 12), Column("rate", "percent", 12)],
        rows=rows,
        sections=sections,
        notes=notes, signature="authority", show_recipients=True,
        parameters={"year": year, "month": month, "issuer": issuer, "figures": figures},
    )


def monthly_unit(actor, p: Params) -> Dataset:
    unit = p.unit
    report = MonthlyReport.objects.filter(unit=unit, year=p.year, month=p.month).first()
    if report and report.status in (MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.APPROVED) and report.snapshot:
        figures = report.snapshot
    else:
        figures = monthly_figures(actor, [unit.pk], p.year, p.month)
    status = report.get_status_display() if report else "Chưa lập báo cáo"
    due = ReportDeadline.due_for(p.year, p.month)
    ds = monthly_dataset(
        figures, year=p.year, month=p.month, who=_unit_label(unit),
        difficulties=report.difficulties if report else "", proposals=report.proposals if report else "",
        status_note=f"Tình trạng báo cáo: {status}. Hạn nộp: {due:%d/%m/%Y}.",
    )
    ds.parameters["unit"] = unit.pk  # issued by the unit's People's Committee (reports.documents)
    return ds


def submission_status(reports: dict, units: list, due: dt.date, as_of: dt.date) -> list[tuple]:
    """(unit, report or None, first submission date or None, days late or None, listed?) for
    each unit: late = first submitted after ``due``, or not yet submitted on ``as_of`` > ``due``."""
    out = []
    for u in units:
        r = reports.get(u.pk)
        submitted = r.first_submitted if r is not None else None
        if submitted is not None:
            late = (submitted - due).days if submitted > due else None
        else:
            late = (as_of - due).days if as_of > due else None
        listed = r is None or r.status != MonthlyReport.Status.APPROVED or late is not None
        out.append((u, r, submitted, late, listed))
    return out


def monthly_city(actor, p: Params) -> Dataset:
    first, _last = month_bounds(p.year, p.month)
    due = ReportDeadline.due_for(p.year, p.month)
    reports = {r.unit_id: r for r in MonthlyReport.objects.filter(year=p.year, month=p.month).select_related("unit")
               .annotate(first_submitted=Min(TruncDate("events__at"), filter=Q(events__to_status="submitted")))}
    approved = [r for r in reports.values() if r.status == MonthlyReport.Status.APPROVED]
    figures = sum_figures([r.snapshot for r in approved], p.year, p.month)
    units = report_units(actor, first, extra_ids=reports.keys())
    listed = []
    late_units, pending_units = [], []
    # Looked at on ``p.as_of`` (today, from the page or the command); without it, on the due date:
    # only reports sent late are late.
    for u, r, submitted, late, show in submission_status(reports, units, due, p.as_of or due):
        if late is not None:
            late_units.append(_unit_label(u))
        if r is None or r.status != MonthlyReport.Status.APPROVED:
            pending_units.append(_unit_label(u))
        if show:
            state = r.get_status_display() if r else "Chưa gửi báo cáo"
            listed.append(Row([len(listed) + 1, _unit_label(u), state, submitted,
                               f"Trễ {late} ngày" if late is not None else ""]))
    pending = Dataset(
        code="MONTHLY-PENDING",
        title=f"Đơn vị chưa gửi, chưa được duyệt hoặc gửi trễ hạn (hạn nộp: {due:%d/%m/%Y})",
        header_rows=[[HeaderCell("STT"), HeaderCell("Đơn vị"), HeaderCell("Tình trạng"), HeaderCell("Ngày gửi"),
                      HeaderCell("Trễ hạn")]],
        columns=[Column("stt", "int", 5), Column("unit", "text", 30), Column("status", "text", 20),
                 Column("sent", "date", 12), Column("late", "text", 14)],
        rows=listed,
    )
    difficulties = "\n".join(f"{r.unit.name}: {r.difficulties}" for r in approved if r.difficulties.strip())
    proposals = "\n".join(f"{r.unit.name}: {r.proposals}" for r in approved if r.proposals.strip())
    ds = monthly_dataset(figures, year=p.year, month=p.month,
                         who=f"Tổng hợp từ {len(approved)} báo cáo đã duyệt của các phường, xã; chỉ tiêu theo kế hoạch",
                         difficulties=difficulties, proposals=proposals, city=True, extra_sections=[pending])
    ds.parameters["approved_units"] = sorted(r.unit_id for r in approved)
    ds.parameters["pending_units"] = pending_units
    ds.parameters["late_units"] = late_units
    ds.parameters["due_date"] = due.isoformat()
    return ds


# ---------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class ReportSpec:
    code: str
    title: str
    build: Callable[..., Dataset]
    uses_month: bool = False
    needs_month: bool = False
    personal: bool = False
    uses_day: bool = False  # counted on one day, chosen with ``Params.on`` (PL08/PL09)


def _monthly(actor, p: Params) -> Dataset:
    return monthly_unit(actor, p) if p.unit is not None else monthly_city(actor, p)


# The catalogue's titles (the interface's language); the documents keep their Vietnamese titles.
REPORTS: dict[str, ReportSpec] = {
    "PL01": ReportSpec("PL01", gettext_lazy("Phụ lục 01 – Chỉ tiêu giảm nghèo theo đơn vị và kết quả thực hiện"), pl01,
                       uses_month=True),
    **{code: ReportSpec(code, format_lazy(gettext_lazy("Phụ lục {number} – {title}"), number=code[2:],
                                          title=gettext_lazy(title)),  # marked in LIST_REPORTS
                        lambda a, p, c=code: support_list(a, p, c), personal=True)
       for code, (_k, _c, title) in LIST_REPORTS.items()},
    "PL08": ReportSpec("PL08", gettext_lazy("Phụ lục 08 – Chỉ số thiếu hụt của hộ nghèo"),
                       lambda a, p: deprivations(a, p, "PL08"), uses_day=True),
    "PL09": ReportSpec("PL09", gettext_lazy("Phụ lục 09 – Chỉ số thiếu hụt của hộ cận nghèo"),
                       lambda a, p: deprivations(a, p, "PL09"), uses_day=True),
    "MOVEMENT": ReportSpec("MOVEMENT", gettext_lazy("Biến động hộ nghèo, hộ cận nghèo trong năm"), movements,
                           uses_month=True),
    "GROUPS": ReportSpec("GROUPS", gettext_lazy("Hộ nghèo theo nhóm của kế hoạch, theo đơn vị"), groups,
                         uses_month=True),
    "MONTHLY": ReportSpec("MONTHLY", gettext_lazy("Báo cáo tháng (đơn vị hoặc toàn thành phố)"), _monthly,
                          uses_month=True, needs_month=True),
}


def build(actor, code: str, p: Params) -> Dataset:
    return REPORTS[code].build(actor, p)
