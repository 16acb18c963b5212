"""One rule for "the household's class on a date" (``households.selectors.class_on``): the
dashboard's start-of-year figure, the year-movement table and the review's "previous class" all
use it, so they cannot disagree."""

import datetime as dt

import pytest

from dashboard import selectors as dashboard
from households.models import Household
from households.selectors import class_on, decision_in_force
from households.services import assessment_record
from reports import datasets
from tests.factories import household_with_head
from tests.reports.conftest import list_lines, movement_row

pytestmark = pytest.mark.django_db

THREE = ["health_insurance", "water", "latrine"]


def _review(actor, household, deprived, day, income=1_500_000):
    return assessment_record(actor=actor, household=household, kind="regular", year=day.year,
                             income_per_capita=income, indicators={c: True for c in deprived},
                             decision_number=f"{day:%d%m}/QĐ-UBND", decision_date=day, suggestions={})


def _class(household, day):
    return Household.objects.filter(pk=household.pk).annotate(c=class_on(day)).get().c


def test_class_on_a_date_is_the_latest_decision_effective_by_then(ref, ward_officer):
    household = household_with_head(ref.an_phu)
    poor = _review(ward_officer, household, THREE, dt.date(2024, 6, 1))
    near_poor = _review(ward_officer, household, [], dt.date(2025, 3, 1))
    assert (poor.result_class, near_poor.result_class) == ("poor", "near_poor")
    assert near_poor.previous_class == "poor"  # the review's "previous" follows the same rule

    assert _class(household, dt.date(2024, 5, 31)) is None
    assert _class(household, dt.date(2024, 6, 1)) == "poor"
    assert _class(household, dt.date(2025, 1, 1)) == "poor"
    assert _class(household, dt.date(2025, 3, 1)) == "near_poor"
    assert decision_in_force(dt.date(2025, 1, 1), household.pk).first() == poor

    # A later decision recorded with an earlier effective date does not win on later days.
    late_entry = _review(ward_officer, household, THREE, dt.date(2025, 2, 1))
    assert _class(household, dt.date(2025, 2, 15)) == "poor"
    assert _class(household, dt.date(2025, 3, 15)) == "near_poor"
    # A superseded decision is never in force.
    late_entry.superseded_by = near_poor
    late_entry.save(update_fields=["superseded_by"])
    assert _class(household, dt.date(2025, 2, 15)) == "poor"
    assert decision_in_force(dt.date(2025, 2, 15), household.pk).first() == poor


def test_dashboard_and_movement_table_agree_on_the_start_and_end_of_the_year(ref, ward_officer, tnmt):
    left = household_with_head(ref.an_phu, code="CL-1")
    _review(ward_officer, left, THREE, dt.date(2024, 6, 1))
    _review(ward_officer, left, [], dt.date(2025, 3, 1))                      # poor → near-poor
    stays = household_with_head(ref.an_phu, code="CL-2")
    _review(ward_officer, stays, THREE, dt.date(2024, 12, 1))                 # poor all year
    entered = household_with_head(ref.an_phu, code="CL-3")
    _review(ward_officer, entered, [], dt.date(2025, 5, 1))                    # new near-poor

    counts = dashboard.household_counts(actor=tnmt, year=2025, today=dt.date(2025, 12, 31))
    assert (counts["poor_start"], counts["near_poor_start"]) == (2, 0)
    assert (counts["poor_now"], counts["near_poor_now"]) == (1, 2)

    ds = datasets.build(tnmt, "MOVEMENT", datasets.Params(year=2025))
    total = movement_row(ds, "Tổng cộng")
    poor, near = list_lines(total, "poor"), list_lines(total, "near")
    # Poor → near-poor leaves the poor list upward (thoát nghèo, of which to near-poor) and enters
    # the near-poor list from the poor list.
    assert poor == {"start": 2, "left": 1, "other_out": 1, "new": 0, "re": 0, "other_in": 0, "end": 1}
    assert near == {"start": 0, "left": 0, "other_out": 0, "new": 1, "re": 0, "other_in": 1, "end": 2}
    # Start and end of the table are the dashboard's figures.
    assert (poor["start"], near["start"]) == (counts["poor_start"], counts["near_poor_start"])
    assert (poor["end"], near["end"]) == (counts["poor_now"], counts["near_poor_now"])
