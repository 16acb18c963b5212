"""Writes to the year's plan (identity, Phụ lục 01 targets, quotas): TNMT reviewers and
administrators only. Keyword-only, one transaction, ``full_clean()`` before saving, history
attributed to ``actor``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tamky_poverty import scoping
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
