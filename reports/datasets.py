"""One dataset function per report (PL01–PL09, year movements, monthly progress). Each reads
through the scoping rule (or as the system, for the command line) and aggregates in the
database; the renderers only draw what is returned here."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from households.models import (
    Assessment,
    Deprivation,
    Household,
    Indicator,
    Member,
    PovertyClass,
    PovertyStandard,
)
from households.selectors import in_class_on
from reports.dataset import Column, Dataset, HeaderCell, Row
from reports.formatting import rate
from support.models import ActionStatus, SupportAction, SupportKind
from tamky_poverty import scoping
from tamky_poverty.models import AdministrativeUnit, UnitYearFigures
from targets.models import Plan, QuotaKind, SupportQuota, UnitTarget, quota_kind_for_support

POOR, NEAR_POOR = PovertyClass.POOR, PovertyClass.NEAR_POOR


class _System:
    """The actor of scheduled jobs and the command line: sees every unit."""

    is_authenticated = True
    pk = None

    def __str__(self):
        return "system"


SYSTEM = _System()

# ---------------------------------------------------------------------------- scoped querysets


def households_qs(actor):
    qs = Household.objects.filter(is_deleted=False)
    return qs if actor is SYSTEM else scoping.households(actor, qs)


def actions_qs(actor):
    qs = SupportAction.objects.all()
    return qs if actor is SYSTEM else scoping.support_actions(actor, qs)


def units_qs(actor):
    qs = AdministrativeUnit.objects.all()
    return qs if actor is SYSTEM else scoping.units(actor, qs)


def assessments_qs(actor):
    qs = Assessment.objects.filter(household__is_deleted=False)
    return qs if actor is SYSTEM else scoping.households(actor, qs, prefix="household__")


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


def _today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Params:
    year: int
    month: int | None = None
    unit: AdministrativeUnit | None = None


# ------------------------------------------------------------------------------------- PL01


def pl01(actor, p: Params) -> Dataset:
    plan = _plan(p.year)
    targets = UnitTarget.objects.filter(plan=plan) if plan else UnitTarget.objects.none()
    targets = targets.filter(unit__in=units_qs(actor))
    if p.unit is not None:
        targets = targets.filter(unit=p.unit)
    targets = targets.select_related("unit").order_by("unit__kind", "unit__name")
    totals = targets.aggregate(poor=Coalesce(Sum("poor_exit_target"), 0),
                               near=Coalesce(Sum("near_poor_exit_target"), 0))
    rows = [Row([i, _unit_label(t.unit), t.poor_exit_target, t.near_poor_exit_target, ""])
            for i, t in enumerate(targets, start=1)]
    rows.append(Row(["", "Tổng cộng", totals["poor"], totals["near"], ""], style="total"))
    return Dataset(
        code="PL01",
        title=f"Chỉ tiêu giảm hộ nghèo, hộ cận nghèo năm {p.year}",
        subtitle=_subtitle(p.year),
        header_rows=[
            [HeaderCell("STT", rowspan=2), HeaderCell("Đơn vị", rowspan=2),
             HeaderCell(f"Chỉ tiêu giảm nghèo năm {p.year} (hộ)", colspan=2), HeaderCell("Ghi chú", rowspan=2)],
            [HeaderCell("Hộ nghèo thoát nghèo"), HeaderCell("Hộ cận nghèo thoát cận nghèo")],
        ],
        columns=[Column("stt", "int", 6), Column("unit", "text", 28), Column("poor", "int", 16),
                 Column("near_poor", "int", 18), Column("notes", "text", 16)],
        rows=rows,
        place_date=_today(),
        parameters={"year": p.year, "unit": p.unit.pk if p.unit else None},
    )


# ---------------------------------------------------------------------------- PL02 – PL07

LIST_REPORTS = {
    "PL02": ([SupportKind.LIVELIHOOD], POOR, "Danh sách hộ nghèo được hỗ trợ phương tiện sinh kế"),
    "PL03": ([SupportKind.LIVELIHOOD], NEAR_POOR, "Danh sách hộ cận nghèo được hỗ trợ phương tiện sinh kế"),
    "PL04": ([SupportKind.HOUSING_REPAIR, SupportKind.HOUSING_NEW], POOR,
             "Danh sách hộ nghèo được hỗ trợ sửa chữa, xây dựng mới nhà ở"),
    "PL05": ([SupportKind.HOUSING_REPAIR, SupportKind.HOUSING_NEW], NEAR_POOR,
             "Danh sách hộ cận nghèo được hỗ trợ sửa chữa, xây dựng mới nhà ở"),
    "PL06": ([SupportKind.SPONSORSHIP], POOR, "Danh sách trẻ em thuộc hộ nghèo được nhận đỡ đầu"),
    "PL07": ([SupportKind.SPONSORSHIP], NEAR_POOR, "Danh sách trẻ em thuộc hộ cận nghèo được nhận đỡ đầu"),
}


def support_list(actor, p: Params, code: str) -> Dataset:
    kinds, cls, title = LIST_REPORTS[code]
    sponsorship = kinds == [SupportKind.SPONSORSHIP]
    head = Member.objects.filter(household=OuterRef("household"), relation=Member.Relation.HEAD)
    qs = (
        actions_qs(actor)
        .filter(kind__in=kinds, household_class=cls, plan_year=p.year, household__is_deleted=False)
        .exclude(status=ActionStatus.CANCELLED)
    )
    if p.unit is not None:
        qs = qs.filter(household__unit=p.unit)
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
        common = [a.head_name or "", _unit_label(a.household.unit), a.household.village]
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
                   columns=columns, rows=rows, landscape=True, place_date=_today(),
                   parameters={"year": p.year, "unit": p.unit.pk if p.unit else None,
                               "households": totals["households"], "children": totals["children"],
                               "personal": True})


# ---------------------------------------------------------------------------- PL08 / PL09

DEPRIVATION_REPORTS = {"PL08": POOR, "PL09": NEAR_POOR}


def standard_for(year: int) -> PovertyStandard | None:
    return PovertyStandard.objects.filter(year_from__lte=year, year_to__gte=year).order_by("-year_from").first()


def _class_households(actor, cls: str, unit=None):
    qs = households_qs(actor).filter(current_class=cls)
    return qs.filter(unit=unit) if unit is not None else qs


def deprivations(actor, p: Params, code: str) -> Dataset:
    cls = DEPRIVATION_REPORTS[code]
    standard = standard_for(p.year)
    indicators = list(Indicator.objects.filter(standard=standard).order_by("number")) if standard else []
    homes = _class_households(actor, cls, p.unit)
    per_unit = dict(homes.values_list("unit_id").annotate(n=Count("id")).order_by())
    counts: dict[tuple[int, str], int] = {}
    for unit_id, ind_code, n in (
        Deprivation.objects.filter(deprived=True, assessment_id__in=homes.values("current_assessment_id"))
        .values_list("assessment__household__unit_id", "indicator__code")
        .annotate(n=Count("assessment__household_id", distinct=True)).order_by()
    ):
        counts[(unit_id, ind_code)] = n
    units = report_units(actor, dt.date(p.year, 1, 1), p.unit, extra_ids=per_unit.keys())
    codes = [i.code for i in indicators]

    def numbers(unit_ids):
        return [sum(per_unit.get(u, 0) for u in unit_ids)] + [
            sum(counts.get((u, c), 0) for u in unit_ids) for c in codes]

    rows: list[Row] = []
    stt = 0
    for label, kind in (("Khu vực thành thị (phường)", AdministrativeUnit.Kind.WARD),
                        ("Khu vực nông thôn (xã)", AdministrativeUnit.Kind.COMMUNE)):
        group = [u for u in units if u.kind == kind]
        if not group:
            continue
        rows.append(Row(["", label, *[""] * (len(codes) + 1)], style="group"))
        for u in group:
            stt += 1
            drill = {3 + j: {"unit": u.pk, "indicator": c} for j, c in enumerate(codes) if counts.get((u.pk, c))}
            rows.append(Row([stt, _unit_label(u), *numbers([u.pk])], drill=drill or None))
        rows.append(Row(["", f"Cộng {label.split(' (')[0].lower()}", *numbers([u.pk for u in group])],
                        style="subtotal"))
    rows.append(Row(["", "Tổng cộng", *numbers([u.pk for u in units])], style="total"))
    who = "hộ nghèo" if cls == POOR else "hộ cận nghèo"
    return Dataset(
        code=code,
        title=f"Tổng hợp các chỉ số thiếu hụt của {who} năm {p.year}",
        subtitle=_subtitle(p.year),
        header_rows=[
            [HeaderCell("STT", rowspan=2), HeaderCell("Đơn vị", rowspan=2), HeaderCell(f"Số {who}", rowspan=2),
             HeaderCell("Số hộ thiếu hụt theo chỉ số", colspan=max(len(codes), 1))],
            [HeaderCell(i.short_name or i.name) for i in indicators],
        ],
        columns=[Column("stt", "int", 5), Column("unit", "text", 20), Column("households", "int", 8)]
        + [Column(c, "int", 9) for c in codes],
        rows=rows, landscape=True, place_date=_today(),
        parameters={"year": p.year, "unit": p.unit.pk if p.unit else None, "class": cls,
                    "indicator_codes": codes},
    )


def deprivation_households(actor, code: str, unit_id: int, indicator_code: str):
    """The households behind one count of PL08/PL09 (the drill-down page)."""
    cls = DEPRIVATION_REPORTS[code]
    head = Member.objects.filter(household=OuterRef("pk"), relation=Member.Relation.HEAD)
    homes = households_qs(actor).filter(current_class=cls, unit_id=unit_id)
    deprived = Deprivation.objects.filter(deprived=True, indicator__code=indicator_code,
                                          assessment_id=OuterRef("current_assessment_id"))
    from django.db.models import Exists

    return (homes.filter(Exists(deprived)).annotate(head_name=Subquery(head.values("full_name")[:1]))
            .select_related("unit").order_by("village", "code"))


# ---------------------------------------------------------------------------- year movements

LEFT = {POOR: ["left_poor", "poor_to_near_poor"], NEAR_POOR: ["left_near_poor", "near_poor_to_poor"]}
NEW = {POOR: ["new_poor", "near_poor_to_poor"], NEAR_POOR: ["new_near_poor", "poor_to_near_poor"]}
RE = {POOR: ["re_poor"], NEAR_POOR: ["re_near_poor"]}


def movement_counts(actor, start: dt.date, end: dt.date, unit_ids=None) -> dict[tuple[int, str], int]:
    """{(unit_id, movement): number of decisions} effective in (start, end]."""
    qs = assessments_qs(actor).filter(superseded_by__isnull=True, effective_date__gt=start, effective_date__lte=end)
    if unit_ids is not None:
        qs = qs.filter(household__unit_id__in=unit_ids)
    return {(u, m): n for u, m, n in qs.values_list("household__unit_id", "movement").annotate(n=Count("id")).order_by()}


def movements(actor, p: Params) -> Dataset:
    jan1 = dt.date(p.year, 1, 1)
    end = dt.date(p.year, p.month, calendar.monthrange(p.year, p.month)[1]) if p.month else dt.date(p.year, 12, 31)
    homes = households_qs(actor)
    if p.unit is not None:
        homes = homes.filter(unit=p.unit)
    start_counts = {(u, c): n for u, c, n in in_class_on(homes, jan1, [POOR, NEAR_POOR])
                    .values_list("unit_id", "class_on_day").annotate(n=Count("id")).order_by()}
    end_counts: dict[tuple[int, str], int] = {}
    dtts: dict[tuple[int, str], int] = {}
    for u, c, n, e in (in_class_on(homes, end, [POOR, NEAR_POOR])
                       .values_list("unit_id", "class_on_day")
                       .annotate(n=Count("id"), e=Count("id", filter=Q(ethnic_minority=True))).order_by()):
        end_counts[(u, c)] = n
        dtts[(u, c)] = e
    moves = movement_counts(actor, jan1, end, [p.unit.pk] if p.unit else None)
    figures = dict(UnitYearFigures.objects.filter(year=p.year).values_list("unit_id", "total_households"))
    data_units = {u for u, _ in [*start_counts, *end_counts, *moves]}
    units = report_units(actor, jan1, p.unit, extra_ids=data_units)

    def numbers(unit_ids):
        total = sum(figures.get(u, 0) for u in unit_ids) if all(u in figures for u in unit_ids) else None
        out = [total]
        for cls in (POOR, NEAR_POOR):
            s = sum(start_counts.get((u, cls), 0) for u in unit_ids)
            left = sum(moves.get((u, m), 0) for u in unit_ids for m in LEFT[cls])
            new = sum(moves.get((u, m), 0) for u in unit_ids for m in NEW[cls])
            re = sum(moves.get((u, m), 0) for u in unit_ids for m in RE[cls])
            e = sum(end_counts.get((u, cls), 0) for u in unit_ids)
            d = sum(dtts.get((u, cls), 0) for u in unit_ids)
            for n in (s, left, new, re, e):
                out += [n, rate(n, total)]
            out.append(d)
        return out

    rows: list[Row] = []
    stt = 0
    width = 1 + 2 * 11
    for label, kind in (("Khu vực thành thị (phường)", AdministrativeUnit.Kind.WARD),
                        ("Khu vực nông thôn (xã)", AdministrativeUnit.Kind.COMMUNE)):
        group = [u for u in units if u.kind == kind]
        if not group:
            continue
        rows.append(Row(["", label, *[""] * width], style="group"))
        for u in group:
            stt += 1
            rows.append(Row([stt, _unit_label(u), *numbers([u.pk])]))
        rows.append(Row(["", f"Cộng {label.split(' (')[0].lower()}", *numbers([u.pk for u in group])],
                        style="subtotal"))
    rows.append(Row(["", "Tổng cộng", *numbers([u.pk for u in units])], style="total"))

    sub = []
    for word in ("Đầu kỳ", "Thoát", "Phát sinh", "Tái", "Cuối kỳ"):
        sub += [HeaderCell(word, colspan=2)]
    sub.append(HeaderCell("Cuối kỳ: hộ DTTS", rowspan=2))
    third = [HeaderCell(t) for t in ("Số hộ", "Tỷ lệ %") * 5]
    columns = [Column("stt", "int", 5), Column("unit", "text", 18), Column("total", "int", 9)]
    for cls in ("poor", "near"):
        for word in ("start", "left", "new", "re", "end"):
            columns += [Column(f"{cls}_{word}", "int", 6), Column(f"{cls}_{word}_rate", "percent", 6)]
        columns.append(Column(f"{cls}_dtts", "int", 7))
    period = f"tháng {p.month:02d}/{p.year}" if p.month else f"năm {p.year}"
    return Dataset(
        code="MOVEMENT",
        title=f"Biến động hộ nghèo, hộ cận nghèo {period}",
        subtitle=f"(Đầu kỳ: ngày 01/01/{p.year}; cuối kỳ: ngày {end:%d/%m/%Y}; tỷ lệ so với tổng số hộ dân cư)",
        header_rows=[
            [HeaderCell("STT", rowspan=3), HeaderCell("Đơn vị", rowspan=3), HeaderCell("Tổng số hộ dân cư", rowspan=3),
             HeaderCell("Hộ nghèo", colspan=11), HeaderCell("Hộ cận nghèo", colspan=11)],
            sub + sub,
            third + third,
        ],
        columns=columns, rows=rows, landscape=True, place_date=_today(),
        parameters={"year": p.year, "month": p.month, "unit": p.unit.pk if p.unit else None},
    )


# ---------------------------------------------------------------------------- monthly report

MOVEMENT_LINES = [
    ("left_poor", "Số hộ thoát nghèo", LEFT[POOR], "poor"),
    ("left_near_poor", "Số hộ thoát cận nghèo", LEFT[NEAR_POOR], "near_poor"),
    ("new_poor", "Số hộ nghèo phát sinh", NEW[POOR], None),
    ("new_near_poor", "Số hộ cận nghèo phát sinh", NEW[NEAR_POOR], None),
    ("re_poor", "Số hộ tái nghèo", RE[POOR], None),
    ("re_near_poor", "Số hộ tái cận nghèo", RE[NEAR_POOR], None),
]
SUPPORT_LINES = [QuotaKind.LIVELIHOOD, QuotaKind.HOUSING, QuotaKind.SPONSORSHIP, QuotaKind.LOAN,
                 QuotaKind.VOCATIONAL_TRAINING, QuotaKind.JOB_PLACEMENT, QuotaKind.HEALTH_INSURANCE,
                 QuotaKind.EDUCATION]


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def monthly_figures(actor, unit_ids: list[int], year: int, month: int) -> dict:
    """The figures of a unit's monthly report (JSON-serialisable: frozen into the snapshot)."""
    first, last = month_bounds(year, month)
    jan1 = dt.date(year, 1, 1)
    in_month = movement_counts(actor, first - dt.timedelta(days=1), last, unit_ids)
    ytd = movement_counts(actor, jan1, last, unit_ids)
    plan = _plan(year)
    targets = (UnitTarget.objects.filter(plan=plan, unit_id__in=unit_ids).aggregate(
        poor=Coalesce(Sum("poor_exit_target"), 0), near_poor=Coalesce(Sum("near_poor_exit_target"), 0))
        if plan else {"poor": 0, "near_poor": 0})
    movements_out = {}
    for key, _label, kinds, _t in MOVEMENT_LINES:
        movements_out[key] = {
            "month": sum(n for (u, m), n in in_month.items() if m in kinds),
            "ytd": sum(n for (u, m), n in ytd.items() if m in kinds),
        }
    actions = actions_qs(actor).filter(household__unit_id__in=unit_ids, plan_year=year).exclude(
        status=ActionStatus.CANCELLED)
    done = Q(status=ActionStatus.COMPLETED)
    support: dict[str, dict[str, int]] = {}
    for kind, planned_year, planned_month, completed_month, completed_ytd in (
        actions.values_list("kind").annotate(
            a=Count("id"),
            b=Count("id", filter=Q(planned_date__range=(first, last))),
            c=Count("id", filter=done & Q(completed_date__range=(first, last))),
            d=Count("id", filter=done & Q(completed_date__range=(jan1, last))),
        ).order_by()
    ):
        qk = quota_kind_for_support(kind)
        if qk is None:
            continue
        row = support.setdefault(qk, {"planned_year": 0, "planned_month": 0, "completed_month": 0, "completed_ytd": 0})
        for name, n in (("planned_year", planned_year), ("planned_month", planned_month),
                        ("completed_month", completed_month), ("completed_ytd", completed_ytd)):
            row[name] += n
    resolved = {}
    for code, m, y in (
        actions_qs(actor).filter(household__unit_id__in=unit_ids, status=ActionStatus.COMPLETED,
                                 indicator__isnull=False, completed_date__range=(jan1, last))
        .values_list("indicator__code")
        .annotate(m=Count("household", distinct=True, filter=Q(completed_date__gte=first)),
                  y=Count("household", distinct=True)).order_by()
    ):
        resolved[code] = {"month": m, "ytd": y}
    return {"year": year, "month": month, "unit_ids": list(unit_ids), "movements": movements_out,
            "targets": {"poor": targets["poor"], "near_poor": targets["near_poor"]},
            "support": support, "deprivations_resolved": resolved,
            "computed_at": timezone.now().isoformat()}


def sum_figures(figures: list[dict], year: int, month: int) -> dict:
    """The city's figures: the sum of (approved) unit snapshots."""
    out = {"year": year, "month": month, "unit_ids": [], "movements": {}, "targets": {"poor": 0, "near_poor": 0},
           "support": {}, "deprivations_resolved": {}}
    for f in figures:
        out["unit_ids"] += f.get("unit_ids", [])
        for key, v in f.get("movements", {}).items():
            row = out["movements"].setdefault(key, {"month": 0, "ytd": 0})
            row["month"] += v.get("month", 0)
            row["ytd"] += v.get("ytd", 0)
        for key in ("poor", "near_poor"):
            out["targets"][key] += f.get("targets", {}).get(key, 0)
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
    plan = _plan(year)
    if not plan:
        return {}
    return dict(SupportQuota.objects.filter(plan=plan).values_list("kind").annotate(n=Sum("households")).order_by())


def monthly_dataset(figures: dict, *, year: int, month: int, who: str, issuer: str | None = None,
                    difficulties: str = "", proposals: str = "", status_note: str = "",
                    extra_sections: list[Dataset] | None = None) -> Dataset:
    mv = figures.get("movements", {})
    targets = figures.get("targets", {})
    rows = []
    for i, (key, label, _kinds, target_key) in enumerate(MOVEMENT_LINES, start=1):
        v = mv.get(key, {})
        target = targets.get(target_key) if target_key else None
        achieved = rate(v.get("ytd", 0), target) if target_key else None
        rows.append(Row([i, label, v.get("month", 0), v.get("ytd", 0), target, achieved]))
    quotas = _quotas(year)
    srows = []
    sup = figures.get("support", {})
    for kind in SUPPORT_LINES:
        v = sup.get(kind, {})
        quota = quotas.get(kind)
        if not v and not quota:
            continue
        srows.append(Row([len(srows) + 1, str(QuotaKind(kind).label), v.get("planned_month", 0), v.get("completed_month", 0),
                          v.get("planned_year", 0), v.get("completed_ytd", 0), quota,
                          rate(v.get("completed_ytd", 0), quota)]))
    support = Dataset(
        code="MONTHLY-SUPPORT", title="II. Kết quả thực hiện các hoạt động hỗ trợ (số hộ)",
        header_rows=[[HeaderCell("STT", rowspan=2), HeaderCell("Hoạt động", rowspan=2),
                      HeaderCell("Trong tháng", colspan=2), HeaderCell("Lũy kế từ đầu năm", colspan=2),
                      HeaderCell("Định mức kế hoạch", rowspan=2), HeaderCell("Tỷ lệ hoàn thành (%)", rowspan=2)],
                     [HeaderCell("Kế hoạch"), HeaderCell("Hoàn thành"), HeaderCell("Kế hoạch"), HeaderCell("Hoàn thành")]],
        columns=[Column("stt", "int", 5), Column("what", "text", 34), Column("pm", "int", 10), Column("cm", "int", 10),
                 Column("py", "int", 10), Column("cy", "int", 10), Column("quota", "int", 10), Column("rate", "percent", 10)],
        rows=srows,
    )
    names = dict(Indicator.objects.filter(code__in=list(figures.get("deprivations_resolved", {}))).values_list("code", "name"))
    drows = [Row([i, names.get(code, code), v.get("month", 0), v.get("ytd", 0)])
             for i, (code, v) in enumerate(sorted(figures.get("deprivations_resolved", {}).items()), start=1)]
    depr = Dataset(
        code="MONTHLY-DEPRIVATIONS", title="III. Chỉ số thiếu hụt được giải quyết (số hộ)",
        header_rows=[[HeaderCell("STT"), HeaderCell("Chỉ số thiếu hụt"), HeaderCell("Trong tháng"),
                      HeaderCell("Lũy kế từ đầu năm")]],
        columns=[Column("stt", "int", 5), Column("indicator", "text", 40), Column("m", "int", 12), Column("y", "int", 14)],
        rows=drows,
    )
    notes = [f"IV. Khó khăn, vướng mắc: {difficulties.strip() or 'Không.'}",
             f"V. Đề xuất, kiến nghị: {proposals.strip() or 'Không.'}"]
    if status_note:
        notes.append(status_note)
    return Dataset(
        code="MONTHLY",
        title=f"Báo cáo kết quả thực hiện công tác giảm nghèo tháng {month:02d} năm {year}",
        subtitle=f"({who})",
        header_rows=[[HeaderCell("STT"), HeaderCell("Nội dung"), HeaderCell("Trong tháng"),
                      HeaderCell("Lũy kế từ đầu năm"), HeaderCell("Chỉ tiêu năm"), HeaderCell("Tỷ lệ đạt (%)")]],
        columns=[Column("stt", "int", 5), Column("what", "text", 36), Column("m", "int", 12), Column("y", "int", 14),
                 Column("target", "int", 12), Column("rate", "percent", 12)],
        rows=rows,
        sections=[support, depr, *(extra_sections or [])],
        notes=notes, signature="authority", show_recipients=True, place_date=_today(),
        parameters={"year": year, "month": month, "issuer": issuer, "figures": figures},
    )


def monthly_unit(actor, p: Params) -> Dataset:
    from reports.models import MonthlyReport

    unit = p.unit
    report = MonthlyReport.objects.filter(unit=unit, year=p.year, month=p.month).first()
    if report and report.status in (MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.APPROVED) and report.snapshot:
        figures = report.snapshot
    else:
        figures = monthly_figures(actor, [unit.pk], p.year, p.month)
    status = report.get_status_display() if report else "Chưa lập báo cáo"
    ds = monthly_dataset(
        figures, year=p.year, month=p.month, who=_unit_label(unit),
        difficulties=report.difficulties if report else "", proposals=report.proposals if report else "",
        status_note=f"Tình trạng báo cáo: {status}.",
    )
    ds.parameters["unit"] = unit.pk  # issued by the unit's People's Committee (reports.documents)
    return ds


def monthly_city(actor, p: Params) -> Dataset:
    from reports.models import MonthlyReport

    first, _last = month_bounds(p.year, p.month)
    reports = {r.unit_id: r for r in MonthlyReport.objects.filter(year=p.year, month=p.month).select_related("unit")}
    approved = [r for r in reports.values() if r.status == MonthlyReport.Status.APPROVED]
    figures = sum_figures([r.snapshot for r in approved], p.year, p.month)
    units = report_units(actor, first, extra_ids=reports.keys())
    missing = []
    for u in units:
        r = reports.get(u.pk)
        if r is None or r.status != MonthlyReport.Status.APPROVED:
            missing.append(Row([len(missing) + 1, _unit_label(u), r.get_status_display() if r else "Chưa gửi báo cáo"]))
    pending = Dataset(
        code="MONTHLY-PENDING", title="VI. Đơn vị chưa gửi hoặc chưa được duyệt báo cáo",
        header_rows=[[HeaderCell("STT"), HeaderCell("Đơn vị"), HeaderCell("Tình trạng")]],
        columns=[Column("stt", "int", 5), Column("unit", "text", 30), Column("status", "text", 24)],
        rows=missing,
    )
    difficulties = "\n".join(f"{r.unit.name}: {r.difficulties}" for r in approved if r.difficulties.strip())
    proposals = "\n".join(f"{r.unit.name}: {r.proposals}" for r in approved if r.proposals.strip())
    ds = monthly_dataset(figures, year=p.year, month=p.month,
                         who=f"Tổng hợp từ {len(approved)} báo cáo đã duyệt của các phường, xã",
                         difficulties=difficulties, proposals=proposals, extra_sections=[pending])
    ds.parameters["approved_units"] = sorted(r.unit_id for r in approved)
    ds.parameters["pending_units"] = [row.cells[1] for row in missing]
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


def _monthly(actor, p: Params) -> Dataset:
    return monthly_unit(actor, p) if p.unit is not None else monthly_city(actor, p)


REPORTS: dict[str, ReportSpec] = {
    "PL01": ReportSpec("PL01", "Phụ lục 01 – Chỉ tiêu giảm nghèo theo đơn vị", pl01),
    **{code: ReportSpec(code, f"Phụ lục {code[2:]} – {title}", lambda a, p, c=code: support_list(a, p, c), personal=True)
       for code, (_k, _c, title) in LIST_REPORTS.items()},
    "PL08": ReportSpec("PL08", "Phụ lục 08 – Chỉ số thiếu hụt của hộ nghèo", lambda a, p: deprivations(a, p, "PL08")),
    "PL09": ReportSpec("PL09", "Phụ lục 09 – Chỉ số thiếu hụt của hộ cận nghèo", lambda a, p: deprivations(a, p, "PL09")),
    "MOVEMENT": ReportSpec("MOVEMENT", "Biến động hộ nghèo, hộ cận nghèo trong năm", movements, uses_month=True),
    "MONTHLY": ReportSpec("MONTHLY", "Báo cáo tháng (đơn vị hoặc toàn thành phố)", _monthly,
                          uses_month=True, needs_month=True),
}


def build(actor, code: str, p: Params) -> Dataset:
    return REPORTS[code].build(actor, p)
