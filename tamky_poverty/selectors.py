"""Reads of the base app's territory pages: units in time, reorganisations, the yearly household
totals and the transitional area rules. These are reference data every logged-in user may read
(no personal data); editing is a scope decision (``Scope.can_edit_plan``)."""

from __future__ import annotations

import datetime as dt

from tamky_poverty.models import AdministrativeUnit, AreaRule, Reorganisation, UnitYearFigures
from tamky_poverty.scoping import get_or_404


def units_on(day: dt.date) -> list[AdministrativeUnit]:
    """The units valid on ``day``, wards first, with their predecessors listed (2 queries)."""
    return list(AdministrativeUnit.objects.valid_on(day).prefetch_related("predecessors")
                .order_by("kind", "name"))


def reorganisations() -> list[Reorganisation]:
    return list(Reorganisation.objects.select_related("successor", "recorded_by")
                .prefetch_related("predecessors").order_by("-effective_date", "successor__name"))


def year_figures(year: int) -> list[tuple[AdministrativeUnit, UnitYearFigures | None]]:
    """Every unit valid at some point of ``year`` with its recorded total (or None)."""
    units = list(AdministrativeUnit.objects.valid_during(dt.date(year, 1, 1), dt.date(year, 12, 31))
                 .order_by("valid_from", "kind", "name"))
    figures = {f.unit_id: f for f in UnitYearFigures.objects.filter(year=year, unit__in=units)}
    return [(u, figures.get(u.pk)) for u in units]


def area_rules() -> list[AreaRule]:
    return list(AreaRule.objects.select_related("unit").order_by("unit__name", "valid_from"))


def area_rule(pk) -> AreaRule:
    return get_or_404(AreaRule.objects.all(), pk=pk)
