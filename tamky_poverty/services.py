"""Writes of the base app: the territory in time.

A reorganisation is an operation, not an edit: ``reorganisation_apply`` records it, closes the
dissolved units the day before it takes effect, moves the officers of those units to the
successor and tells every app (``signals.units_reorganised``) to move what belongs to them —
households, future targets — in the same transaction. Past decisions, approved reports and
issued documents keep their units. Applying the same reorganisation again changes nothing
(and completes it if something was registered in a dissolved unit in the meantime)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tamky_poverty.models import AdministrativeUnit, AreaRule, Reorganisation, UnitYearFigures, User
from tamky_poverty.signals import units_reorganised


@dataclass
class ReorganisationResult:
    reorganisation: Reorganisation
    created: bool
    # What each app moved, e.g. {"households": 99, "officers": 1, "targets": 0}.
    moved: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.created or any(self.moved.values())


def _check(predecessors: list[AdministrativeUnit], successor: AdministrativeUnit, effective_date: dt.date,
           today: dt.date) -> None:
    day_before = effective_date - dt.timedelta(days=1)
    errors = []
    if not predecessors:
        errors.append(_("Phải chọn ít nhất một đơn vị được sắp xếp."))
    if effective_date > today:
        errors.append(_("Chỉ thực hiện sắp xếp từ ngày có hiệu lực (%(d)s) trở đi.") % {"d": f"{effective_date:%d/%m/%Y}"})
    if successor.valid_from != effective_date:
        errors.append(_("Đơn vị sau sắp xếp (%(u)s) phải có hiệu lực từ đúng ngày %(d)s.")
                      % {"u": successor, "d": f"{effective_date:%d/%m/%Y}"})
    for unit in predecessors:
        if unit.pk == successor.pk:
            errors.append(_("Đơn vị sau sắp xếp không thể đồng thời là đơn vị được sắp xếp."))
        elif not unit.is_valid_on(day_before):
            errors.append(_("%(u)s không còn hiệu lực ngày %(d)s.") % {"u": unit, "d": f"{day_before:%d/%m/%Y}"})
        elif unit.valid_to not in (None, day_before):
            errors.append(_("%(u)s đã có ngày hết hiệu lực khác (%(d)s).") % {"u": unit, "d": f"{unit.valid_to:%d/%m/%Y}"})
        elif unit.successor_id not in (None, successor.pk):
            errors.append(_("%(u)s đã được sắp xếp vào đơn vị khác (%(s)s).") % {"u": unit, "s": unit.successor})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reorganisation_apply(*, actor, predecessors: Iterable[AdministrativeUnit], successor: AdministrativeUnit,
                         effective_date: dt.date, legal_basis: str = "", today: dt.date) -> ReorganisationResult:
    """Dissolve ``predecessors`` into ``successor`` from ``effective_date`` (not later than
    ``today``). Refused with a ``ValidationError`` (Vietnamese) when the units do not fit: the
    successor must start on that date, each predecessor must be valid the day before and not
    already dissolved into another unit; an app may refuse too (e.g. two households with the same
    code would meet in the successor) — then nothing changes."""
    predecessors = sorted({u.pk: u for u in predecessors}.values(), key=lambda u: u.pk)
    existing = Reorganisation.objects.filter(successor=successor, effective_date=effective_date).first()
    if existing is not None:
        recorded = set(existing.predecessors.values_list("pk", flat=True))
        if recorded != {u.pk for u in predecessors}:
            raise ValidationError(_("Đã ghi nhận việc sắp xếp vào %(u)s từ ngày %(d)s với các đơn vị khác.")
                                  % {"u": successor, "d": f"{effective_date:%d/%m/%Y}"})
    _check(predecessors, successor, effective_date, today)

    created = existing is None
    if created:
        existing = Reorganisation(successor=successor, effective_date=effective_date,
                                  legal_basis=(legal_basis or "").strip(), recorded_by=actor)
        existing.full_clean()
        existing.save()
        existing.predecessors.set(predecessors)
    day_before = effective_date - dt.timedelta(days=1)
    for unit in predecessors:
        if unit.valid_to != day_before or unit.successor_id != successor.pk:
            unit.valid_to, unit.successor = day_before, successor
            unit.full_clean()
            unit.save(update_fields=["valid_to", "successor"])
    officers = User.objects.filter(unit__in=predecessors).update(unit=successor)
    result = ReorganisationResult(existing, created, {"officers": officers})
    for _receiver, moved in units_reorganised.send(sender=Reorganisation, reorganisation=existing, actor=actor):
        for name, n in (moved or {}).items():
            result.moved[name] = result.moved.get(name, 0) + n
    return result


@transaction.atomic
def area_rule_save(*, actor, rule: AreaRule) -> AreaRule:
    """Record or change a transitional area rule (TNMT). Two rules of one area may not overlap."""
    rule.full_clean()
    overlapping = AreaRule.objects.filter(unit=rule.unit).exclude(pk=rule.pk)
    for other in overlapping:
        ends_after_start = other.valid_to is None or other.valid_to >= rule.valid_from
        starts_before_end = rule.valid_to is None or other.valid_from <= rule.valid_to
        if ends_after_start and starts_before_end:
            raise ValidationError(_("Thời gian áp dụng trùng với quy định %(r)s.") % {"r": other})
    rule._history_user = actor
    rule.save()
    return rule


@transaction.atomic
def unit_year_figures_save(*, actor, year: int, totals) -> int:
    """Record the total households of each unit in ``year`` (the denominators of the year's
    rates): ``totals`` maps a unit to a number, or to None to leave it unrecorded. Units must be
    valid at some point of the year. Returns how many rows changed; each change is audited."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    valid = set(AdministrativeUnit.objects.valid_during(start, end).values_list("pk", flat=True))
    changed = 0
    for unit, total in totals.items():
        if unit.pk not in valid:
            raise ValidationError(_("%(u)s không có hiệu lực trong năm %(y)s.") % {"u": unit, "y": year})
        row = UnitYearFigures.objects.filter(unit=unit, year=year).first()
        if total is None:
            if row is not None:
                row._history_user = actor
                row.delete()
                changed += 1
            continue
        if row is not None and row.total_households == total:
            continue
        row = row or UnitYearFigures(unit=unit, year=year)
        row.total_households = total
        row.full_clean()
        row._history_user = actor
        row.save()
        changed += 1
    return changed
