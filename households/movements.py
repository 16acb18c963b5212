"""The one rule for decisions over time: the class a household is in on a day, the movement each
decision makes, the date window of a period, and the groupings every report counts with
(DOMAIN.md §1 "Year movements", §2). The dashboard, the progress page, the monthly report, the
year-movement table and PL01 count through this module; nothing else computes a movement.

**The class on a day.** The decision in force on a day is the latest one effective on or before
that day that has not been superseded (the latest recorded wins between two of the same day).

**The movement of a decision** compares its class with the class in force just before it, along
the household's chain of decisions that still count (effective date, then recording order):

- *thoát nghèo* — poor → average, none **or near-poor**: the household leaves the poor list
  upward. Poor → near-poor is also shown on its own ("trong đó: chuyển sang cận nghèo") and on
  the near-poor list as coming from the poor list;
- *thoát cận nghèo* — near-poor → average or none, only. Near-poor → poor is a fall, its own line
  ("chuyển sang hộ nghèo"); it never counts as leaving near-poverty;
- *phát sinh* — entering a list for the first time; *tái nghèo / tái cận nghèo* — entering a list
  the household was on in an earlier decision.

So no target counts a fall into poverty, and each list balances:
poor: start − thoát nghèo + phát sinh + tái nghèo + from near-poor = end;
near-poor: start − thoát cận nghèo − to poor + phát sinh + tái cận nghèo + from poor = end.
Numbers count movements (decisions), so a household that left and came back in the same period
appears once on each line — that is what keeps every list balanced.

Movements are *derived*: when a decision is recorded with an effective date earlier than later
ones, or is superseded by a correcting decision, ``households.services`` re-derives the previous
class and movement of every decision of the household with ``derive_chain`` (the decision's own
facts stay frozen, ``tamky_poverty/integrity.py``).

**The date window.** A period counts the decisions whose effective date lies in
[``first``, ``last``], both inclusive; its start is the classes in force on the day before
``first`` and its end the classes in force on ``last`` — so start + movements = end by
construction, and consecutive periods chain. **1 January belongs to the year before**: the
annual review's list takes effect on 1 January and is that year's start (đầu kỳ, DOMAIN §2), so
the decisions effective on 1 January of Y are movements of year Y − 1 (its annual review) and
not of Y. Hence "in 2025" = effective 02/01/2025 – 01/01/2026 inclusive, start = the list in force
on 01/01/2025, end = the list in force on 01/01/2026 (= the start of 2026). Months follow: January
runs 02/01–31/01, December 01/12 – 01/01 of the next year.

**Groupings.** Every count takes a ``Grouping`` (which key a household counts under): the
household's current unit (``BY_CURRENT_UNIT``), none (``CITY``), or — what every report of a
period uses — the unit the household belonged to on a day (``by_unit_on(day)``, from its
``HouseholdTransfer`` rows; a household still registered in a unit dissolved by then counts under
the unit's successor). ``by_unit_on(day, since=start)`` keys each count by the pair (unit on
``day``, unit on ``start``): a period that spans a reorganisation shows each successor ward and,
beneath it, the former units its households came from.

**Known by a date.** A closed period is reproducible: with ``known_by`` (the day its figures were
closed) the counts read the register as it was known that day — decisions recorded later are left
out (``recorded_after`` lists them, so a report can flag them), and a decision superseded later
still counts.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models import IntegerField as _IntegerField
from django.db.models.functions import Coalesce

from households.models import Assessment, HouseholdTransfer, PovertyClass
from tamky_poverty.models import AdministrativeUnit

POOR = PovertyClass.POOR.value
NEAR_POOR = PovertyClass.NEAR_POOR.value
AVERAGE = PovertyClass.AVERAGE.value
NONE = PovertyClass.NONE.value
LISTS = (POOR, NEAR_POOR)

M = Assessment.Movement

# --- the date window ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Decisions effective from ``first`` to ``last`` (both inclusive)."""

    first: dt.date
    last: dt.date

    @property
    def start_day(self) -> dt.date:
        """The day whose list in force is the period's start (đầu kỳ)."""
        return self.first - dt.timedelta(days=1)

    @property
    def end_day(self) -> dt.date:
        """The day whose list in force is the period's end (cuối kỳ)."""
        return self.last

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def year_start(year: int) -> dt.date:
    """The day whose list is the year's start: 1 January (the annual review's list)."""
    return dt.date(year, 1, 1)


def year_period(year: int) -> Period:
    """The year's movements: effective 02/01/Y – 01/01/Y+1 (see the module docstring)."""
    return Period(dt.date(year, 1, 2), dt.date(year + 1, 1, 1))


def month_period(year: int, month: int) -> Period:
    """One month of the year's window: January from the 2nd, December up to 1 January next."""
    first = dt.date(year, month, 2 if month == 1 else 1)
    last = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month, calendar.monthrange(year, month)[1])
    return Period(first, last)


def year_to_month(year: int, month: int) -> Period:
    """From the year's start to the end of ``month`` (lũy kế từ đầu năm)."""
    return Period(year_period(year).first, month_period(year, month).last)


# --- the movement of one decision (pure) -----------------------------------------------------------


def movement(previous: str, new: str, ever_before: Iterable[str] = ()) -> str:
    """The movement of a household from its previous class to the new one.

    ``ever_before`` is every class of its earlier decisions (a return to a list it was on is a
    re-entry — tái nghèo / tái cận nghèo — not a new entry)."""
    history = set(ever_before)
    if previous == new:
        return M.UNCHANGED if new in LISTS else M.OUTSIDE
    if new == POOR:
        if previous == NEAR_POOR:
            return M.NEAR_POOR_TO_POOR
        return M.RE_POOR if POOR in history else M.NEW_POOR
    if new == NEAR_POOR:
        if previous == POOR:
            return M.POOR_TO_NEAR_POOR
        return M.RE_NEAR_POOR if NEAR_POOR in history else M.NEW_NEAR_POOR
    if previous == POOR:
        return M.LEFT_POOR
    if previous == NEAR_POOR:
        return M.LEFT_NEAR_POOR
    return M.OUTSIDE


@dataclass(frozen=True)
class ChainLink:
    """One decision of a household's chain, as ``derive_chain`` needs it."""

    key: object  # the decision's id (or anything that identifies it)
    effective_date: dt.date
    result_class: str


def derive_chain(decisions: Sequence[ChainLink]) -> dict[object, tuple[str, str]]:
    """{decision key: (previous class, movement)} for a household's decisions that count (not
    superseded), in effective-date order (recording order breaks ties: pass them sorted by
    (effective date, id))."""
    out: dict[object, tuple[str, str]] = {}
    previous = NONE
    seen: set[str] = set()
    for d in sorted(decisions, key=lambda d: d.effective_date):  # stable: keeps the id order of a day
        out[d.key] = (previous, movement(previous, d.result_class, seen))
        seen.add(d.result_class)
        previous = d.result_class
    return out


# --- how reports name and group movements -----------------------------------------------------------

#: Each list's lines: thoát (upward, the plan's target), the other list's lines, entries.
LEFT = {POOR: (M.LEFT_POOR, M.POOR_TO_NEAR_POOR), NEAR_POOR: (M.LEFT_NEAR_POOR,)}
TO_POOR = (M.NEAR_POOR_TO_POOR,)  # out of the near-poor list, downward: not thoát
NEW = {POOR: (M.NEW_POOR,), NEAR_POOR: (M.NEW_NEAR_POOR,)}
RE = {POOR: (M.RE_POOR,), NEAR_POOR: (M.RE_NEAR_POOR,)}
FROM_OTHER = {POOR: (M.NEAR_POOR_TO_POOR,), NEAR_POOR: (M.POOR_TO_NEAR_POOR,)}

#: The lines of the monthly report and the dashboard: key, label, movements counted, target key.
LINES = [
    ("left_poor", "Số hộ thoát nghèo", LEFT[POOR], "poor"),
    ("poor_to_near_poor", "Trong đó: hộ nghèo chuyển sang hộ cận nghèo", (M.POOR_TO_NEAR_POOR,), None),
    ("left_near_poor", "Số hộ thoát cận nghèo", LEFT[NEAR_POOR], "near_poor"),
    ("new_poor", "Số hộ nghèo phát sinh", NEW[POOR], None),
    ("new_near_poor", "Số hộ cận nghèo phát sinh", NEW[NEAR_POOR], None),
    ("re_poor", "Số hộ tái nghèo", RE[POOR], None),
    ("re_near_poor", "Số hộ tái cận nghèo", RE[NEAR_POOR], None),
    ("near_poor_to_poor", "Số hộ cận nghèo chuyển sang hộ nghèo", TO_POOR, None),
]
LINE_KINDS = {key: kinds for key, _label, kinds, _t in LINES}


@dataclass(frozen=True)
class Grouping:
    """Which key a household counts under: a field path from the household (``None``: one
    group for all, key 0). ``annotate`` adds the ``group_key`` annotation (and the others of
    ``key_fields``) to a queryset of households (``prefix`` "") or of rows that point to a
    household (``prefix`` "household__" for decisions, …); the counts only read them."""

    household_field: str | None

    key_fields = ("group_key",)

    def annotate(self, qs: QuerySet, prefix: str = "") -> QuerySet:
        if self.household_field is None:
            return qs.annotate(group_key=Value(0, output_field=_IntegerField()))
        return qs.annotate(group_key=F(prefix + self.household_field))

    def annotate_households(self, qs: QuerySet, day: dt.date | None = None) -> QuerySet:
        return self.annotate(qs, "")

    def annotate_decisions(self, qs: QuerySet, period: Period | None = None) -> QuerySet:
        return self.annotate(qs, "household__")

    def key(self, row: Sequence) -> object:
        """The key of a ``values_list`` row that starts with ``key_fields``."""
        return row[0] if len(self.key_fields) == 1 else tuple(row[: len(self.key_fields)])


def unit_on_expression(day: dt.date, prefix: str = ""):
    """The id of the unit a household belonged to on ``day``, for ``annotate``: the ``from_unit``
    of its first transfer after that day, else its unit — or that unit's successor when the unit
    was dissolved by ``day`` (a household registered there after the reorganisation was carried
    out, not moved yet). ``prefix`` leads from the queryset's rows to the household."""
    household = OuterRef(prefix + "id") if prefix else OuterRef("pk")
    earlier = (HouseholdTransfer.objects.filter(household_id=household, effective_date__gt=day)
               .order_by("effective_date").values("from_unit_id")[:1])
    current = Case(
        When(**{f"{prefix}unit__valid_to__lt": day, f"{prefix}unit__successor__isnull": False},
             then=F(f"{prefix}unit__successor_id")),
        default=F(f"{prefix}unit_id"),
    )
    return Coalesce(Subquery(earlier), current, output_field=BigIntegerField())


@dataclass(frozen=True)
class UnitsOn(Grouping):
    """Key: the unit the household belonged to on ``day``; with ``since``, the pair (unit on
    ``day``, unit on ``since``) — the ward and the former unit a household came from."""

    day: dt.date | None = None
    since: dt.date | None = None

    @property
    def key_fields(self):  # type: ignore[override]
        return ("group_key", "former_key") if self.since is not None else ("group_key",)

    def annotate(self, qs: QuerySet, prefix: str = "") -> QuerySet:
        qs = qs.annotate(group_key=unit_on_expression(self.day, prefix))
        if self.since is not None:
            qs = qs.annotate(former_key=unit_on_expression(self.since, prefix))
        return qs


def by_unit_on(day: dt.date, since: dt.date | None = None) -> UnitsOn:
    """Group by the unit valid on ``day`` (see ``UnitsOn``)."""
    return UnitsOn(None, day, since)


BY_CURRENT_UNIT = Grouping("unit_id")
CITY = Grouping(None)


# --- units in time: the rows of a table by unit --------------------------------------------------

@dataclass
class Block:
    """One row of a table by unit: a unit valid on the table's day, the keys of the counts it
    sums (``match``), and beneath it the former units its households came from."""

    unit: AdministrativeUnit
    match: Callable[[object], bool]
    label: str
    children: list[Block]
    child: bool = False
    always: bool = True  # shown even without data (a former unit); else only with data


def successor_on(unit: AdministrativeUnit, day: dt.date, units: dict) -> AdministrativeUnit:
    for _hop in range(10):
        if unit.valid_to is None or day <= unit.valid_to or unit.successor_id is None:
            return unit
        unit = units[unit.successor_id]
    return unit


def _ward_first(units):
    return sorted(units, key=lambda u: (u.kind != AdministrativeUnit.Kind.WARD, u.name))


def layout(units: QuerySet, start: dt.date, end: dt.date, unit=None) -> tuple[list[Block], Grouping]:
    """The rows of a table whose households are counted on ``end`` (and came from the units of
    ``start``): the ``units`` (a scoped queryset) valid on ``end`` — urban first, by name — each with the units
    valid on ``start`` that were dissolved into it by ``end``; and the grouping that keys the
    counts for them. With ``unit``, that unit only (a unit dissolved by ``end``: the households it
    had on ``start``)."""
    every = {u.pk: u for u in units.model.objects.all()}  # a small table
    scoped = set(units.values_list("pk", flat=True)) if units.query.has_filters() else set(every)
    tops = _ward_first(u for u in every.values() if u.pk in scoped and u.is_valid_on(end))
    formers: dict[int, list] = {}
    for u in _ward_first(every.values()):
        if u.pk in scoped and u.is_valid_on(start) and not u.is_valid_on(end):
            formers.setdefault(successor_on(u, end, every).pk, []).append(u)
    if unit is not None and not unit.is_valid_on(end):
        grouping = by_unit_on(end, since=start)
        return [Block(unit, lambda k, f=unit.pk: k[1] == f, str(unit), [])], grouping
    spans = any(formers.get(t.pk) for t in tops if unit is None or t.pk == unit.pk)
    grouping = by_unit_on(end, since=start if spans else None)
    blocks = []
    for t in tops:
        if unit is not None and t.pk != unit.pk:
            continue
        if not spans:
            blocks.append(Block(t, lambda k, u=t.pk: k == u, str(t), []))
            continue
        former = formers.get(t.pk, [])
        ids = {f.pk for f in former}
        children = [Block(f, lambda k, u=t.pk, f=f.pk: k == (u, f), str(f), [], child=True) for f in former]
        if former:
            label = (f"Hộ đăng ký tại {t} từ ngày {t.valid_from:%d/%m/%Y}" if t.valid_from and t.valid_from > start
                     else f"Hộ khác của {t}")
            children.append(Block(t, lambda k, u=t.pk, ids=ids: k[0] == u and k[1] not in ids, label, [],
                                  child=True, always=False))
        blocks.append(Block(t, lambda k, u=t.pk: k[0] == u, str(t), children))
    return blocks, grouping


def pick(counts: dict, match: Callable[[object], bool]) -> dict:
    """{second part: sum} of ``counts`` ({(key, x): n}) over the keys ``match`` accepts."""
    out: dict = {}
    for (k, x), n in counts.items():
        if match(k):
            out[x] = out.get(x, 0) + n if not isinstance(n, tuple) else tuple(
                a + b for a, b in zip(out.get(x, (0,) * len(n)), n, strict=True))
    return out


# --- the class on a day (queries) ------------------------------------------------------------------


def counting(known_by: dt.date | None = None, prefix: str = "") -> Q:
    """The decisions that count: not superseded — or, for the register as known on ``known_by``,
    recorded by that day and not superseded by a decision recorded by then."""
    if known_by is None:
        return Q(**{f"{prefix}superseded_by__isnull": True})
    return Q(**{f"{prefix}created_at__date__lte": known_by}) & (
        Q(**{f"{prefix}superseded_by__isnull": True})
        | Q(**{f"{prefix}superseded_by__created_at__date__gt": known_by}))


def decision_in_force(day, household=None, known_by: dt.date | None = None) -> QuerySet:
    """The decisions that can be in force for a household on ``day``, the one in force first:
    effective on or before that day and not superseded; the latest effective date wins (then the
    latest recorded). ``household`` is an id or an outer reference (default ``OuterRef("pk")``,
    for a subquery of a household queryset)."""
    household = OuterRef("pk") if household is None else household
    return Assessment.objects.filter(counting(known_by), household_id=household,
                                     effective_date__lte=day).order_by("-effective_date", "-id")


def _current_decides(day, known_by) -> Q:
    """Households whose current decision is the one in force on ``day`` (as known by ``known_by``)."""
    q = Q(current_assessment__effective_date__lte=day)
    return q & Q(current_assessment__created_at__date__lte=known_by) if known_by is not None else q


def class_on(day, household=None, known_by: dt.date | None = None):
    """The household's class on ``day`` (by ``decision_in_force``), for ``annotate``.

    For a household queryset (no ``household`` given), when the current decision took effect on
    or before ``day`` it is the one in force then (it is the latest of all), so its class is read
    from the row; only households reviewed after ``day`` run the subquery (at 100,000 households
    the start-of-year count went from 390 ms to 190 ms, bench/README.md)."""
    in_force = Subquery(decision_in_force(day, household, known_by).values("result_class")[:1])
    if household is not None:
        return in_force
    return Case(When(_current_decides(day, known_by), then=F("current_class")), default=in_force)


def in_class_on(qs: QuerySet, day, classes, known_by: dt.date | None = None) -> QuerySet:
    """The households of ``qs`` whose class on ``day`` is one of ``classes``, annotated with it
    as ``class_on_day``. Households whose current decision took effect by ``day`` are in their
    current class then, so only those already in ``classes`` or reviewed after ``day`` need the
    rule at all (a few percent of a real register, instead of every household)."""
    return (
        qs.filter(Q(current_class__in=classes) | ~_current_decides(day, known_by))
        .annotate(class_on_day=class_on(day, known_by=known_by))
        .filter(class_on_day__in=classes)
    )


def decision_in_force_id(day, known_by: dt.date | None = None):
    """The id of the decision in force on ``day`` for a household queryset, for ``annotate``."""
    in_force = Subquery(decision_in_force(day, None, known_by).values("id")[:1])
    return Case(When(_current_decides(day, known_by), then=F("current_assessment_id")), default=in_force)


def recorded_after(decisions: QuerySet, known_by: dt.date, *, first: dt.date | None = None,
                   last: dt.date) -> QuerySet:
    """Decisions effective in [``first``, ``last``] (from any day when ``first`` is None) that were
    recorded after ``known_by`` — back-dated into a closed period — or that supersede, after it, a
    decision of that period: what a reproducible report leaves out and flags."""
    window = Q(effective_date__lte=last) if first is None else Q(effective_date__gte=first, effective_date__lte=last)
    return decisions.filter(window, created_at__date__gt=known_by).order_by("effective_date", "id")


# --- counts --------------------------------------------------------------------------------------------


def classes_on(households: QuerySet, day: dt.date, grouping: Grouping = BY_CURRENT_UNIT, *,
               ethnic_minority: bool = False, known_by: dt.date | None = None) -> dict[tuple[object, str], int]:
    """{(group key, class): households} of the lists (poor, near-poor) on ``day`` (1 query).
    With ``ethnic_minority``, {(key, class): (households, of which ethnic minority)}."""
    qs = grouping.annotate_households(in_class_on(households.order_by(), day, LISTS, known_by), day)
    n_keys = len(grouping.key_fields)
    if ethnic_minority:
        rows = qs.values_list(*grouping.key_fields, "class_on_day").annotate(
            n=Count("id"), e=Count("id", filter=Q(ethnic_minority=True)))
        return {(grouping.key(r), r[n_keys]): (r[n_keys + 1], r[n_keys + 2]) for r in rows}
    rows = qs.values_list(*grouping.key_fields, "class_on_day").annotate(n=Count("id"))
    return {(grouping.key(r), r[n_keys]): r[n_keys + 1] for r in rows}


def movement_counts(decisions: QuerySet, period: Period, grouping: Grouping = BY_CURRENT_UNIT, *,
                    known_by: dt.date | None = None) -> dict[tuple[object, str], int]:
    """{(group key, movement): decisions} of the decisions that count, effective in ``period``
    (1 query). ``decisions`` is an already scoped queryset of ``Assessment``."""
    qs = decisions.filter(counting(known_by), effective_date__gte=period.first,
                          effective_date__lte=period.last).order_by()
    qs = grouping.annotate_decisions(qs, period)
    n_keys = len(grouping.key_fields)
    rows = qs.values_list(*grouping.key_fields, "movement").annotate(n=Count("id"))
    return {(grouping.key(r), r[n_keys]): r[n_keys + 1] for r in rows}


def line_counts(counts: dict[tuple[object, str], int], keys=None) -> dict[str, int]:
    """The report lines (``LINES``) summed over the group keys ``keys`` (all when None)."""
    by_movement: Counter = Counter()
    for (k, m), n in counts.items():
        if keys is None or k in keys:
            by_movement[m] += n
    return {key: sum(by_movement[m] for m in kinds) for key, kinds in LINE_KINDS.items()}


@dataclass
class ListFigures:
    """One list (poor or near-poor) over a period; ``end`` is counted, ``balance`` recomputes it."""

    start: int = 0
    left: int = 0          # thoát (upward; poor → near-poor included for the poor list)
    to_other: int = 0      # poor list: of which to near-poor (inside ``left``); near-poor: to poor
    new: int = 0
    re: int = 0
    from_other: int = 0
    end: int = 0
    ethnic_minority_end: int = 0

    def balance(self, cls: str) -> int:
        """start − out + in, which must equal ``end``."""
        out = self.left + (self.to_other if cls == NEAR_POOR else 0)
        return self.start - out + self.new + self.re + self.from_other


def list_figures(start: dict, end: dict, moves: dict, keys) -> dict[str, ListFigures]:
    """Both lists' figures for the group keys ``keys`` from ``classes_on`` (start; end with
    ethnic minority) and ``movement_counts``."""
    keys = set(keys)
    by_movement: Counter = Counter()
    for (k, m), n in moves.items():
        if k in keys:
            by_movement[m] += n
    out = {}
    for cls in LISTS:
        f = ListFigures()
        f.start = sum(n for (k, c), n in start.items() if k in keys and c == cls)
        f.end = sum(v[0] for (k, c), v in end.items() if k in keys and c == cls)
        f.ethnic_minority_end = sum(v[1] for (k, c), v in end.items() if k in keys and c == cls)
        f.left = sum(by_movement[m] for m in LEFT[cls])
        f.to_other = by_movement[M.POOR_TO_NEAR_POOR] if cls == POOR else by_movement[M.NEAR_POOR_TO_POOR]
        f.new = sum(by_movement[m] for m in NEW[cls])
        f.re = sum(by_movement[m] for m in RE[cls])
        f.from_other = sum(by_movement[m] for m in FROM_OTHER[cls])
        out[cls] = f
    return out


# --- the plan's groups of poor households -------------------------------------------------------------

#: The plan's three groups support cannot lift within a year (DOMAIN.md §1); a poor household in
#: none of them (group "other") is *có thể tác động* — liftable.
PLAN_GROUPS = ("orphan", "dependants_school", "dependants_social", "no_labour")
LIFTABLE = "other"


def poor_by_group(households: QuerySet, day: dt.date, grouping: Grouping = BY_CURRENT_UNIT, *,
                  known_by: dt.date | None = None) -> dict[tuple[object, str], int]:
    """{(group key, household group): poor households on ``day``} (1 query)."""
    qs = grouping.annotate_households(in_class_on(households.order_by(), day, [POOR], known_by), day)
    n_keys = len(grouping.key_fields)
    rows = qs.values_list(*grouping.key_fields, "group").annotate(n=Count("id"))
    return {(grouping.key(r), r[n_keys]): r[n_keys + 1] for r in rows}
