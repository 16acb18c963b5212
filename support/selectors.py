"""Scoped reads of agencies and support actions (every query goes through tamky_poverty.scoping)."""

from __future__ import annotations

from dataclasses import astuple, dataclass, field

from households.models import Deprivation, Household, Indicator
from support import catalogue
from support.models import ActionStatus, SupportAction, SupportKind
from tamky_poverty import scoping
from tamky_poverty.models import AdministrativeUnit, Agency
from tamky_poverty.pagination import ids_first_page

OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


def actions_for_user(*, actor):
    return scoping.support_actions(actor, SupportAction.objects.all())


# --- list and detail --------------------------------------------------------------------------

@dataclass
class ActionFilters:
    unit: int | None = None
    kind: str = ""
    status: str = ""
    agency: int | None = None
    household_class: str = ""
    year: int | None = None
    household: int | None = None


def actions_list(*, actor, filters: ActionFilters | None = None):
    """The support actions the actor may read, filtered; a fixed number of queries however many
    rows are shown (related rows are joined, coordinating agencies prefetched)."""
    f = filters or ActionFilters()
    qs = actions_for_user(actor=actor)
    if f.unit:
        qs = qs.filter(household__unit_id=f.unit)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.agency:
        qs = qs.filter(lead_agency_id=f.agency)
    if f.household_class:
        qs = qs.filter(household_class=f.household_class)
    if f.year:
        qs = qs.filter(plan_year=f.year)
    if f.household:
        qs = qs.filter(household_id=f.household)
    return (
        qs.select_related("household", "household__unit", "kind", "lead_agency", "indicator", "member")
        .order_by("-plan_year", "household__unit__name", "household__code", "kind_id", "id")
    )


def actions_page(*, actor, filters: ActionFilters | None = None, number=None, per_page: int = 50):
    """One page of ``actions_list`` by ``ids_first_page`` (sorting every action's full row cost
    156 ms city-wide at 100,000 households, bench/README.md)."""
    f = filters or ActionFilters()
    scope = scoping.scope_for(actor)  # a city-wide count comes from the figures cache
    return ids_first_page(actions_list(actor=actor, filters=f), number, per_page,
                          count_key=("support-actions", scope, astuple(f)) if scope.sees_all else None)


def action_get(*, actor, pk) -> SupportAction:
    """One action the actor may read (and, by the same rule, update); 404 otherwise."""
    qs = actions_for_user(actor=actor).select_related(
        "household", "household__unit", "kind", "lead_agency", "indicator", "member", "created_by"
    )
    return scoping.get_or_404(qs, pk=pk)


def action_events(*, action):
    return list(action.events.select_related("actor").order_by("at", "id"))


def household_for_planning(*, actor, pk) -> Household:
    """A household the actor may plan support for (ward officer: own unit; TNMT, admin: all)."""
    qs = scoping.writable_households(actor, Household.objects.filter(is_deleted=False)).select_related("unit")
    return scoping.get_or_404(qs, pk=pk)


def household_find_for_planning(*, actor, code: str, unit_id=None) -> Household | None:
    qs = scoping.writable_households(actor, Household.objects.filter(is_deleted=False, code__iexact=code.strip()))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    found = list(qs.select_related("unit")[:2])
    return found[0] if len(found) == 1 else None


def indicator_for_household(*, household, code: str) -> Indicator | None:
    """The indicator with ``code`` in the household's current standard (NĐ 07 when unreviewed)."""
    qs = Indicator.objects.filter(code=code)
    if household.current_standard_id:
        return qs.filter(standard_id=household.current_standard_id).first()
    return qs.filter(standard__code="ND07-2021").first()


def units_for_filter(*, actor):
    return scoping.units(actor, AdministrativeUnit.objects.all()).order_by("name", "valid_from")


def agencies_for_filter(*, actor):
    scope = scoping.scope_for(actor)
    qs = Agency.objects.all()
    if not scope.sees_all and scope.agency_id is not None:
        qs = qs.filter(pk=scope.agency_id)
    return qs.select_related("unit").order_by("kind", "name")


def agencies_list(*, actor):
    """Every agency of the plan (public reference data for any logged-in user)."""
    return Agency.objects.select_related("unit").order_by("kind", "name")


def same_kind_same_year(*, household, kind: str, plan_year: int, exclude_pk=None):
    """Other non-cancelled actions of the same kind for the household in the same plan year
    (the duplicate warning)."""
    qs = SupportAction.objects.filter(household=household, kind=kind, plan_year=plan_year).exclude(
        status=ActionStatus.CANCELLED
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def support_kind(code) -> SupportKind | None:
    """A kind of the support catalogue by its code (catalogue data, the same for every user)."""
    return SupportKind.objects.filter(pk=code).first() if code else None


def unit_ubnd(unit) -> Agency | None:
    return Agency.objects.filter(kind=Agency.Kind.WARD, unit=unit).order_by("id").first()


def agencies_by_code(codes) -> dict[str, Agency]:
    return {a.code: a for a in Agency.objects.filter(code__in=set(codes))}


def default_agencies(*, household, kind: str) -> tuple[Agency | None, list[Agency]]:
    """The lead and coordinating agencies the plan names for ``kind`` (catalogue data), with the
    household's own UBND in place of ``UNIT_UBND``."""
    lead_code, coord_codes = catalogue.load([kind]).agency_codes_for_kind(kind)
    found = agencies_by_code([lead_code, *coord_codes])
    ubnd = unit_ubnd(household.unit) if catalogue.UNIT_UBND in (lead_code, *coord_codes) else None

    def resolve(code):
        return ubnd if code == catalogue.UNIT_UBND else found.get(code)

    coordinating = [a for a in (resolve(c) for c in coord_codes) if a is not None]
    return resolve(lead_code), coordinating


# --- household panel --------------------------------------------------------------------------

@dataclass
class Suggestion:
    kind: str
    kind_label: str
    lead: Agency | None
    coordinating: list[Agency] = field(default_factory=list)


@dataclass
class DeprivedIndicator:
    indicator: Indicator
    suggestions: list[Suggestion]


def household_panel(*, actor, household) -> dict:
    """What the household page shows about support: the actions it has received or has planned,
    and for each deprived indicator of its current review without an open action addressing it,
    the kinds of support that address it with the agency the plan puts in charge.
    Fixed number of queries (actions, coordinating agencies, deprivations, agencies)."""
    actions = list(
        actions_for_user(actor=actor)
        .filter(household=household)
        .select_related("kind", "lead_agency", "indicator", "member")
        .prefetch_related("coordinating_agencies")
        .order_by("-plan_year", "kind_id")
    )
    can_plan = scoping.writable_households(actor, Household.objects.filter(pk=household.pk)).exists()
    # Open actions of the household as a whole (not only those the actor sees), so a suggestion
    # is not repeated for something another agency already handles.
    open_actions = list(
        SupportAction.objects.filter(household=household, status__in=OPEN_STATUSES).values_list("kind", "indicator_id")
    )
    open_indicator_ids = {ind for _k, ind in open_actions if ind}
    open_kinds = {k for k, _ind in open_actions}

    deprived = []
    if household.current_assessment_id:
        rows = (
            Deprivation.objects.filter(assessment_id=household.current_assessment_id, deprived=True)
            .select_related("indicator")
            .order_by("indicator__number")
        )
        indicators = [r.indicator for r in rows]
        kinds = catalogue.load() if indicators else catalogue.Catalogue({})
        wanted = [i for i in indicators if i.id not in open_indicator_ids
                  and not (open_kinds & set(kinds.kinds_for_indicator(i.code)))]
        codes = set()
        for ind in wanted:
            for kind in kinds.kinds_for_indicator(ind.code):
                lead, coord = kinds.agency_codes_for_kind(kind)
                codes.update([lead, *coord])
        found = agencies_by_code(codes) if codes else {}
        ubnd = unit_ubnd(household.unit) if catalogue.UNIT_UBND in codes else None
        for ind in wanted:
            suggestions = []
            for kind in kinds.kinds_for_indicator(ind.code):
                lead_code, coord_codes = kinds.agency_codes_for_kind(kind)
                resolve = (lambda c: ubnd if c == catalogue.UNIT_UBND else found.get(c))  # noqa: E731
                suggestions.append(Suggestion(
                    kind=kind, kind_label=kinds.label(kind), lead=resolve(lead_code),
                    coordinating=[a for a in map(resolve, coord_codes) if a is not None],
                ))
            deprived.append(DeprivedIndicator(indicator=ind, suggestions=suggestions))
    return {"household": household, "actions": actions, "suggestions": deprived, "can_plan": can_plan}
