"""Reads of the year's plan: targets, progress computed from the register, and quotas against
the support actions. Figures are aggregates computed in the database (a fixed number of queries
whatever the number of units or actions). Aggregate figures are readable by every logged-in
user (the plan is public inside the administration); lists of households go through
``tamky_poverty.scoping``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import CharField, Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from households import movements
from households.models import Assessment, Household, PovertyClass
from support.models import ActionStatus, QuotaGroup, SupportAction
from tamky_poverty import scoping
from tamky_poverty.models import AdministrativeUnit
from targets.models import Plan, SupportQuota, UnitTarget

QUOTA_CLASSES = (PovertyClass.POOR, PovertyClass.NEAR_POOR)


def plan_years() -> list[int]:
    return list(Plan.objects.order_by("-year").values_list("year", flat=True))


def plan_for_year(year: int | None) -> Plan | None:
    qs = Plan.objects.all()
    if year:
        return qs.filter(year=year).first()
    return qs.order_by("-year").first()


def units_for_year(year: int):
    """Units valid at some point of ``year`` (targets are set per unit of that year)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return AdministrativeUnit.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=end), Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    ).order_by("valid_from", "name")


def unit_targets(plan: Plan):
    return list(UnitTarget.objects.filter(plan=plan).select_related("unit").order_by("unit__name"))


# --- progress -----------------------------------------------------------------------------------

def _share(done: int, target: int) -> float | None:
    return round(100 * done / target, 1) if target else None


@dataclass
class UnitProgress:
    unit: AdministrativeUnit | None  # None = the city
    label: str = ""
    child: bool = False  # a former unit, beneath the ward it became part of
    poor_target: int = 0
    near_poor_target: int = 0
    left_poor: int = 0
    left_near_poor: int = 0
    registered_pending: int = 0
    liftable_poor: int = 0
    registered_households: list = field(default_factory=list)
    liftable_households: list = field(default_factory=list)

    @property
    def poor_share(self):
        return _share(self.left_poor, self.poor_target)

    @property
    def near_poor_share(self):
        return _share(self.left_near_poor, self.near_poor_target)


@dataclass
class Progress:
    plan: Plan
    year: int
    rows: list[UnitProgress]
    city: UnitProgress
    period: movements.Period | None = None
    # The plan's groups of the poor households on the year's start (the plan's basis).
    groups_at_start: dict[str, int] = field(default_factory=dict)

    @property
    def liftable_at_start(self) -> int:
        return self.groups_at_start.get(movements.LIFTABLE, 0)

    @property
    def poor_at_start(self) -> int:
        return sum(self.groups_at_start.values())

    @property
    def dependants_at_start(self) -> int:
        return self.groups_at_start.get("dependants_school", 0) + self.groups_at_start.get("dependants_social", 0)

    @property
    def no_liftable_poor_remains(self) -> bool:
        """The plan's first target: no poor household left in the liftable group — at the
        year's start and now."""
        return self.city.liftable_poor == 0 and self.liftable_at_start == 0


def progress(*, actor, plan: Plan) -> Progress:
    """Per unit and city: households that left poverty / near-poverty in the plan year
    (``households.movements``: the year's window, decisions that count) against Phụ lục 01;
    registered households not yet out; poor households in none of the plan's three groups
    (liftable), now and on the year's start. Units are those valid at the year's end, with —
    when the year spans a reorganisation — the units the plan was made for beneath them."""
    year = plan.year
    period = movements.year_period(year)
    blocks, grouping = movements.layout(AdministrativeUnit.objects.all(), period.start_day, period.end_day)
    targets = {t.unit_id: t for t in UnitTarget.objects.filter(plan=plan)}
    counts = movements.movement_counts(Assessment.objects.filter(household__is_deleted=False), period, grouping)

    live = Household.objects.filter(is_deleted=False)
    groups = movements.poor_by_group(live, movements.year_start(year), movements.CITY)
    registered = grouping.annotate(live.filter(registered_exit_year=year, current_class__in=QUOTA_CLASSES))
    liftable = grouping.annotate(live.filter(current_class=PovertyClass.POOR, group=movements.LIFTABLE))
    pending_counts = {(grouping.key(r), None): r[-1] for r in
                      registered.values_list(*grouping.key_fields).annotate(n=Count("id")).order_by()}
    liftable_counts = {(grouping.key(r), None): r[-1] for r in
                       liftable.values_list(*grouping.key_fields).annotate(n=Count("id")).order_by()}

    visible = scoping.households
    registered_rows = list(visible(actor, registered).select_related("unit").order_by("unit__name", "code")[:500])
    liftable_rows = list(visible(actor, liftable).select_related("unit").order_by("unit__name", "code")[:500])

    def key_of(h):
        return tuple(getattr(h, f) for f in grouping.key_fields) if len(grouping.key_fields) > 1 else h.group_key

    def target_of(block) -> tuple[int, int]:
        units = ([block.unit.pk] if block.always else []) if block.child else \
            [block.unit.pk, *[c.unit.pk for c in block.children if c.always]]
        found = [targets[u] for u in units if u in targets]
        return sum(t.poor_exit_target for t in found), sum(t.near_poor_exit_target for t in found)

    def row(block) -> UnitProgress:
        lines = movements.line_counts({(k, m): n for (k, m), n in counts.items() if block.match(k)})
        poor, near = target_of(block)
        return UnitProgress(
            unit=block.unit, label=block.label, child=block.child, poor_target=poor, near_poor_target=near,
            left_poor=lines["left_poor"], left_near_poor=lines["left_near_poor"],
            registered_pending=movements.pick(pending_counts, block.match).get(None, 0),
            liftable_poor=movements.pick(liftable_counts, block.match).get(None, 0),
            registered_households=[h for h in registered_rows if block.match(key_of(h))],
            liftable_households=[h for h in liftable_rows if block.match(key_of(h))],
        )

    def shown(r: UnitProgress) -> bool:
        return any((r.poor_target, r.near_poor_target, r.left_poor, r.left_near_poor, r.registered_pending,
                    r.liftable_poor))

    rows = []
    for block in blocks:
        top = row(block)
        children = [r for r in (row(c) for c in block.children) if shown(r)]
        if shown(top) or children:
            rows += [top, *children]
    city = UnitProgress(unit=None)
    for r in rows:
        if r.child:
            continue
        for name in ("poor_target", "near_poor_target", "left_poor", "left_near_poor",
                     "registered_pending", "liftable_poor"):
            setattr(city, name, getattr(city, name) + getattr(r, name))
    return Progress(plan=plan, year=year, rows=rows, city=city, period=period,
                    groups_at_start={g: n for (_k, g), n in groups.items()})


# --- quotas against actions ---------------------------------------------------------------------

def _quota_kind_expression():
    """The quota line of an action's kind (the catalogue's data); "" for a kind without one."""
    return Coalesce(F("kind__quota_group"), Value(""), output_field=CharField())


@dataclass
class QuotaRow:
    kind: str
    kind_label: str
    household_class: str
    class_label: str
    quota_households: int | None = None
    quota_items: int | None = None
    planned_households: int = 0
    planned_items: int = 0
    completed_households: int = 0
    completed_items: int = 0


@dataclass
class QuotaTable:
    plan: Plan
    city: list[QuotaRow]
    by_unit: list[tuple[AdministrativeUnit, list[QuotaRow]]]

    def totals(self) -> dict[str, QuotaRow]:
        """City rows summed over classes, per quota kind (e.g. livelihood 5 = 2 + 3)."""
        out: dict[str, QuotaRow] = {}
        for r in self.city:
            t = out.setdefault(r.kind, QuotaRow(r.kind, r.kind_label, "", "", 0, 0))
            t.quota_households += r.quota_households or 0
            t.quota_items += r.quota_items or 0
            for name in ("planned_households", "planned_items", "completed_households", "completed_items"):
                setattr(t, name, getattr(t, name) + getattr(r, name))
        return out


def quota_counts(*, plan: Plan) -> QuotaTable:
    """For each quota kind and class: households and items (quantity; children for sponsorship)
    planned (every action not cancelled) and completed in the plan year, against the plan's
    quota — per unit and city-wide. Two aggregate queries plus the quotas, the quota lines and units."""
    actions = (
        SupportAction.objects.filter(plan_year=plan.year, household_class__in=QUOTA_CLASSES)
        .exclude(status=ActionStatus.CANCELLED)
        .annotate(quota_kind=_quota_kind_expression())
        .exclude(quota_kind="")
    )
    completed = Q(status=ActionStatus.COMPLETED)
    aggregates = {
        "planned_households": Count("household", distinct=True),
        "planned_items": Coalesce(Sum("quantity"), 0),
        "completed_households": Count("household", distinct=True, filter=completed),
        "completed_items": Coalesce(Sum("quantity", filter=completed), 0),
    }
    city_counts = {
        (r["quota_kind"], r["household_class"]): r
        for r in actions.values("quota_kind", "household_class").annotate(**aggregates).order_by()
    }
    unit_counts = list(
        actions.values("household__unit_id", "quota_kind", "household_class").annotate(**aggregates).order_by()
    )
    quotas = {(q.kind_id, q.household_class): q for q in SupportQuota.objects.filter(plan=plan)}

    groups = list(QuotaGroup.objects.all())
    kind_labels = {g.code: str(g) for g in groups}
    order = [g.code for g in groups]
    class_labels = dict(PovertyClass.choices)
    keys = sorted(set(quotas) | set(city_counts), key=lambda k: (order.index(k[0]), QUOTA_CLASSES.index(k[1])))

    def row(key, counts, with_quota=True):
        q = quotas.get(key) if with_quota else None
        r = QuotaRow(key[0], kind_labels[key[0]], key[1], class_labels[key[1]],
                     q.households if q else None, q.items if q else None)
        if counts:
            for name in aggregates:
                setattr(r, name, counts[name])
        return r

    city = [row(k, city_counts.get(k)) for k in keys]
    per_unit: dict[int, dict] = {}
    for r in unit_counts:
        per_unit.setdefault(r["household__unit_id"], {})[(r["quota_kind"], r["household_class"])] = r
    units = {u.id: u for u in AdministrativeUnit.objects.filter(id__in=per_unit)}
    by_unit = [
        (units[uid], [row(k, counts.get(k), with_quota=False) for k in keys if k in counts])
        for uid, counts in per_unit.items()
    ]
    by_unit.sort(key=lambda item: (item[0].valid_from or dt.date.min, item[0].name))
    return QuotaTable(plan=plan, city=city, by_unit=by_unit)


def quotas(plan: Plan):
    return list(SupportQuota.objects.filter(plan=plan).order_by("kind_id", "household_class"))
