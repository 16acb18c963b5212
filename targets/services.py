"""Writes to the year's plan (identity, Phụ lục 01 targets, quotas): TNMT reviewers and
administrators only. Keyword-only, one transaction, ``full_clean()`` before saving, history
attributed to ``actor``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from households.movements import successor_on
from tamky_poverty import scoping
from tamky_poverty.models import AdministrativeUnit
from targets.models import Plan, SupportQuota, UnitTarget


def _require_editor(actor) -> None:
    if not scoping.can_edit_plan(actor):
        raise PermissionDenied


@transaction.atomic
def plan_save(*, actor, year: int, title: str, issuer: str, document_number: str = "",
              document_date: dt.date | None = None, signer: str = "") -> Plan:
    """Create the plan of ``year`` or update its identity."""
    _require_editor(actor)
    plan = Plan.objects.select_for_update().filter(year=year).first() or Plan(year=year)
    plan.title, plan.issuer = title, issuer
    plan.document_number, plan.document_date, plan.signer = document_number, document_date, signer
    plan.full_clean()
    plan._history_user = actor
    plan.save()
    return plan


@transaction.atomic
def unit_target_save(*, actor, plan: Plan, unit, poor_exit_target: int, near_poor_exit_target: int) -> UnitTarget | None:
    """Set a unit's targets; a unit with 0/0 and no row stays without a row."""
    _require_editor(actor)
    target = UnitTarget.objects.select_for_update().filter(plan=plan, unit=unit).first()
    if target is None:
        if not poor_exit_target and not near_poor_exit_target:
            return None
        target = UnitTarget(plan=plan, unit=unit)
    if (target.pk and target.poor_exit_target == poor_exit_target
            and target.near_poor_exit_target == near_poor_exit_target):
        return target
    target.poor_exit_target, target.near_poor_exit_target = poor_exit_target, near_poor_exit_target
    target.full_clean()
    target._history_user = actor
    target.save()
    return target


@transaction.atomic
def quota_save(*, actor, plan: Plan, kind: str, household_class: str, households: int, items: int) -> SupportQuota | None:
    _require_editor(actor)
    quota = SupportQuota.objects.select_for_update().filter(plan=plan, kind=kind, household_class=household_class).first()
    if quota is None:
        if not households and not items:
            return None
        quota = SupportQuota(plan=plan, kind_id=getattr(kind, "pk", kind), household_class=household_class)
    if quota.pk and quota.households == households and quota.items == items:
        return quota
    quota.households, quota.items = households, items
    quota.full_clean()
    quota._history_user = actor
    quota.save()
    return quota


@transaction.atomic
def unit_targets_save(*, actor, plan: Plan, targets: dict) -> None:
    """Save Phụ lục 01 for several units at once, all or nothing.
    ``targets`` maps a unit to ``(poor_exit_target, near_poor_exit_target)``."""
    for unit, (poor, near_poor) in targets.items():
        unit_target_save(actor=actor, plan=plan, unit=unit, poor_exit_target=poor, near_poor_exit_target=near_poor)


@transaction.atomic
def quotas_save(*, actor, plan: Plan, quotas: dict) -> None:
    """Save several quotas at once, all or nothing.
    ``quotas`` maps ``(kind, household_class)`` to ``(households, items)``."""
    for (kind, household_class), (households, items) in quotas.items():
        quota_save(actor=actor, plan=plan, kind=kind, household_class=household_class,
                   households=households, items=items)


@dataclass
class PlanCopy:
    plan: Plan
    targets: int  # target rows of the new plan
    quotas: int
    merged: list[str]  # "Phường An Phú → Phường Quảng Phú", for the message
    dropped: list[str]  # units with a target that no longer exist and have no successor


@transaction.atomic
def plan_copy_from_previous(*, actor, year: int) -> PlanCopy:
    """Start the plan of ``year`` from the plan of ``year - 1``: its identity (the title with the
    year changed, issuer and signer; the document number and date are left for the new
    document), its support quotas, and its Phụ lục 01 targets mapped to the units valid on
    1 January of ``year`` — the targets of a unit dissolved by then are summed into its successor.
    TNMT then edits them. Refused when there is no previous plan, or when the plan of ``year``
    already has targets or quotas (nothing is overwritten)."""
    _require_editor(actor)
    previous = Plan.objects.filter(year=year - 1).first()
    if previous is None:
        raise ValidationError(_("Chưa có kế hoạch năm %(y)s để sao chép.") % {"y": year - 1})
    plan = Plan.objects.select_for_update().filter(year=year).first()
    if plan is not None and (plan.unit_targets.exists() or plan.quotas.exists()):
        raise ValidationError(_("Kế hoạch năm %(y)s đã có chỉ tiêu hoặc định mức; không sao chép đè.") % {"y": year})
    if plan is None:
        plan = plan_save(actor=actor, year=year, title=previous.title.replace(str(year - 1), str(year)),
                         issuer=previous.issuer, signer=previous.signer)
    jan1 = dt.date(year, 1, 1)
    units = {u.pk: u for u in AdministrativeUnit.objects.all()}
    sums: dict[int, list[int]] = {}
    merged, dropped = [], []
    for t in UnitTarget.objects.filter(plan=previous).order_by("unit__name"):
        unit = successor_on(units[t.unit_id], jan1, units)
        if not unit.is_valid_on(jan1):
            dropped.append(str(units[t.unit_id]))
            continue
        if unit.pk != t.unit_id:
            merged.append(f"{units[t.unit_id]} → {unit}")
        pair = sums.setdefault(unit.pk, [0, 0])
        pair[0] += t.poor_exit_target
        pair[1] += t.near_poor_exit_target
    for unit_id, (poor, near) in sums.items():
        unit_target_save(actor=actor, plan=plan, unit=units[unit_id], poor_exit_target=poor,
                         near_poor_exit_target=near)
    quotas = 0
    for q in SupportQuota.objects.filter(plan=previous):
        if quota_save(actor=actor, plan=plan, kind=q.kind, household_class=q.household_class,
                      households=q.households, items=q.items) is not None:
            quotas += 1
    return PlanCopy(plan=plan, targets=plan.unit_targets.count(), quotas=quotas, merged=merged, dropped=dropped)
