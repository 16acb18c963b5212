"""Scoped reads of agencies and support actions (every query goes through tamky_poverty.scoping)."""

from __future__ import annotations

from tamky_poverty import scoping
from support.models import SupportAction


def actions_for_user(*, actor):
    return scoping.support_actions(actor, SupportAction.objects.all())


def household_panel(*, actor, household) -> dict:
    """What the household page shows about support: the actions it has received or has planned.
    (The support app extends this with suggested actions per deprived indicator.)"""
    actions = (
        actions_for_user(actor=actor)
        .filter(household=household)
        .select_related("lead_agency", "indicator", "member")
        .prefetch_related("coordinating_agencies")
        .order_by("-plan_year", "kind")
    )
    return {"household": household, "actions": list(actions)}
