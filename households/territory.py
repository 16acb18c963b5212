"""Where a household stands in the territory on a day: the unit it belonged to, and the area kind
(urban/rural) that classifies it — the one function that decides it (``area_for``).

``Household.unit`` is the unit now; a ``HouseholdTransfer`` row records each change (today:
reorganisations), so the unit on an earlier day is the ``from_unit`` of the first transfer after
that day. This module also moves the households of dissolved units when a reorganisation is
applied (``tamky_poverty.services.reorganisation_apply`` sends the signal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from households.models import Household, HouseholdTransfer
from tamky_poverty import figures_cache
from tamky_poverty.models import AdministrativeUnit, AreaKind, AreaRule


def unit_id_on(day: dt.date, household=None):
    """An expression for ``annotate``: the id of the unit the household belonged to on ``day``
    (``household`` defaults to ``OuterRef("pk")``, for a household queryset)."""
    household = OuterRef("pk") if household is None else household
    earlier = (HouseholdTransfer.objects.filter(household=household, effective_date__gt=day)
               .order_by("effective_date").values("from_unit_id")[:1])
    return Coalesce(Subquery(earlier), F("unit_id"), output_field=BigIntegerField())


def unit_on(household: Household, day: dt.date) -> AdministrativeUnit:
    """The unit ``household`` belonged to on ``day``. A household still registered in a unit
    dissolved before ``day`` (a reorganisation not yet carried out for it) belongs to the unit's
    successor then."""
    transfer = (household.transfers.filter(effective_date__gt=day).select_related("from_unit")
                .order_by("effective_date").first())
    if transfer is not None:
        return transfer.from_unit
    return _successor_on(household.unit, day, lambda pk: AdministrativeUnit.objects.get(pk=pk))


def _successor_on(unit: AdministrativeUnit, day: dt.date, get) -> AdministrativeUnit:
    for _hop in range(10):  # a longer chain would be a cycle in the data
        if unit.valid_to is None or day <= unit.valid_to or unit.successor_id is None:
            return unit
        unit = get(unit.successor_id)
    return unit


@dataclass(frozen=True)
class Area:
    """The area kind that classifies a household on a day, with the reason in words."""

    kind: str
    unit: AdministrativeUnit
    rule: AreaRule | None
    basis: str

    @property
    def label(self) -> str:
        return str(AreaKind(self.kind).label)


def area_for(household: Household, day: dt.date) -> Area:
    """The area kind of ``household`` on ``day``: the kind of the unit it belonged to that day
    (phường → urban, xã → rural), unless TNMT recorded a transitional rule (``AreaRule``) for that
    unit or for a former unit of the household, in force that day; the most specific area wins
    (the oldest former unit). The basis names the rule or the unit."""
    return areas_for([(household, day)])[0]


def areas_for(pairs: list[tuple[Household, dt.date]]) -> list[Area]:
    """``area_for`` of many (household, day) pairs in a fixed number of queries."""
    resolver = AreaResolver([h.pk for h, _day in pairs if h.pk])
    return [resolver.area(h, day) for h, day in pairs]


class AreaResolver:
    """``area_for`` for many households (the import classifies thousands of rows): the transfers
    of ``household_ids`` and every area rule are read once. A household not saved yet has no
    transfers: its own unit decides."""

    def __init__(self, household_ids):
        self.transfers: dict[int, list[HouseholdTransfer]] = {}
        ids = list(household_ids)
        for start in range(0, len(ids), 1000):
            for t in (HouseholdTransfer.objects.filter(household_id__in=ids[start:start + 1000])
                      .select_related("from_unit").order_by("household_id", "effective_date")):
                self.transfers.setdefault(t.household_id, []).append(t)
        self.units = {u.pk: u for u in AdministrativeUnit.objects.all()}  # a small table
        self.rules: dict[int, list[AreaRule]] = {}
        for rule in AreaRule.objects.select_related("unit"):
            self.rules.setdefault(rule.unit_id, []).append(rule)

    def area(self, household: Household, day: dt.date) -> Area:
        return self.area_of(household.pk, household.unit, day)

    def area_of(self, household_id: int | None, current_unit: AdministrativeUnit, day: dt.date) -> Area:
        """``area`` for a household known by its id and current unit (rows read as values)."""
        chain = self.transfers.get(household_id, [])
        later = [t for t in chain if t.effective_date > day]
        unit = later[0].from_unit if later else _successor_on(current_unit, day, self.units.__getitem__)
        # The unit that day, then the units it had left by then, the most recent first.
        areas = [unit.pk, *[t.from_unit_id for t in reversed(chain) if t.effective_date <= day]]
        for area_id in reversed(areas):  # the oldest former unit is the most specific area
            rule = next((r for r in self.rules.get(area_id, []) if r.covers(day)), None)
            if rule is not None:
                kind_label = str(AreaKind(rule.area_kind).label).lower()
                return Area(rule.area_kind, unit, rule, _(
                    "khu vực %(k)s theo quy định chuyển tiếp cho địa bàn %(a)s (%(b)s)"
                ) % {"k": kind_label, "a": rule.unit, "b": rule.basis})
        kind = unit.area_kind
        return Area(kind, unit, None, _("khu vực %(k)s: %(u)s ngày %(d)s") % {
            "k": str(AreaKind(kind).label).lower(), "u": unit, "d": f"{day:%d/%m/%Y}"})


# --- reorganisations ----------------------------------------------------------------------------

def move_households(sender, reorganisation, actor, **kwargs) -> dict[str, int]:
    """Receiver of ``tamky_poverty.signals.units_reorganised``: every household still registered
    in a dissolved unit passes to the successor from the effective date (a transfer row, the new
    unit, a version bump and an audit record). Refused when two households would share a code in
    the successor."""
    successor = reorganisation.successor
    moving = list(Household.objects.filter(unit__in=reorganisation.predecessors.all()).select_related("unit"))
    if not moving:
        return {"households": 0}
    taken: dict[str, str] = dict(Household.objects.filter(unit=successor).values_list("code", "unit__name"))
    clashes = []
    for h in moving:
        if h.code in taken:
            clashes.append(_("mã hộ %(c)s (%(a)s và %(b)s)") % {"c": h.code, "a": taken[h.code], "b": h.unit.name})
        taken[h.code] = h.unit.name
    if clashes:
        raise ValidationError(_("Không thể chuyển hộ sang %(u)s vì trùng mã hộ: %(l)s. Hãy đổi mã hộ trước.")
                              % {"u": successor, "l": "; ".join(clashes)})
    HouseholdTransfer.objects.bulk_create([
        HouseholdTransfer(household=h, from_unit=h.unit, to_unit=successor,
                          effective_date=reorganisation.effective_date, reorganisation=reorganisation)
        for h in moving
    ])
    for h in moving:
        h.unit = successor
        h.version += 1
    bulk_update_with_history(
        moving, Household, ["unit", "version"], default_user=actor,
        default_change_reason=_("Sắp xếp đơn vị hành chính từ ngày %(d)s")
        % {"d": f"{reorganisation.effective_date:%d/%m/%Y}"},
    )
    figures_cache.figures_changed()  # a bulk update sends no model signals
    return {"households": len(moving)}
