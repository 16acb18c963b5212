"""Helpers for support-action tests: households with a recorded review, and actions."""

from __future__ import annotations

import datetime as dt

import pytest

from households.services import assessment_record
from support import services
from tests.factories import household_with_head


def reviewed_household(unit, actor, deprived=("health_insurance", "telecom", "information_means"),
                       income=1_200_000, year=2025, **kwargs):
    """A household with a head and a recorded review (poor with ≥ 3 deprivations)."""
    household = household_with_head(unit, **kwargs)
    assessment_record(
        actor=actor, household=household, kind="annual", year=year, income_per_capita=income,
        indicators={code: True for code in deprived}, decision_number="01/QĐ-UBND",
        decision_date=dt.date(year, 1, 10), suggestions={},
    )
    household.refresh_from_db()
    return household


@pytest.fixture
def poor_an_phu(ref, admin_user):
    return reviewed_household(ref.an_phu, admin_user)


@pytest.fixture
def poor_tam_thang(ref, admin_user):
    return reviewed_household(ref.tam_thang, admin_user)


def plan_action(actor, household, kind="health_insurance", lead=None, ref=None, **kwargs):
    lead = lead or ref.agencies["ttyt"]
    kwargs.setdefault("plan_year", 2025)
    return services.action_create(actor=actor, household=household, kind=kind, lead_agency=lead, **kwargs)
