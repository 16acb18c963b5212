"""The unit a household belongs to on a date, for the reviews: its own unit when that unit is
valid then, otherwise the unit that succeeded it (following ``successor``), so a register whose
households still sit in units dissolved on 1 July 2025 is reviewed, simulated and classified by
the ward valid on the list's date — with that ward's area kind.

The area kind that classifies a household is decided by ``households.territory.area_for`` only;
this module maps units forward to their successors (which ward a dissolved unit became)."""

from __future__ import annotations

import datetime as dt

from tamky_poverty.models import AdministrativeUnit

_MAX_HOPS = 10  # a successor chain longer than this is a data error (a cycle)


def follow(unit: AdministrativeUnit, day: dt.date, by_id: dict[int, AdministrativeUnit]) -> AdministrativeUnit:
    """``unit`` itself if valid on ``day``, else its successor valid then (or the last one)."""
    current = unit
    for _ in range(_MAX_HOPS):
        if current.is_valid_on(day) or current.successor_id is None:
            return current
        current = by_id[current.successor_id]
    return current


def units_on(day: dt.date) -> dict[int, AdministrativeUnit]:
    """{unit id: the unit valid on ``day`` that it is (or became)}, for every unit (one query)."""
    by_id = {u.pk: u for u in AdministrativeUnit.objects.all()}
    return {pk: follow(u, day, by_id) for pk, u in by_id.items()}


def family_ids(unit: AdministrativeUnit, day: dt.date) -> list[int]:
    """Ids of the units whose households belong to ``unit`` on ``day``: itself and every unit
    that became it."""
    return [pk for pk, u in units_on(day).items() if u.pk == unit.pk]
