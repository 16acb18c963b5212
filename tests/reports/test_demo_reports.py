"""With the demo data (seed_demo), the appendices reproduce the plan's figures (DOMAIN.md §4)."""

from __future__ import annotations

import datetime as dt

import pytest

from households import movements
from households.models import Deprivation, Household
from reports import datasets
from reports.datasets import SYSTEM, Params
from reports.excel import render_xlsx

from .conftest import assert_xlsx_matches

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_city):
    """The demo city shared by the session (tests/conftest.py)."""


def build(code):
    return datasets.build(SYSTEM, code, Params(year=2025))


def test_demo_appendices_match_the_plan(demo):
    counts = {code: len(build(code).rows) - 1 for code in ("PL02", "PL03", "PL04", "PL05", "PL06", "PL07")}
    households = {code: build(code).parameters["households"] for code in ("PL02", "PL03", "PL04", "PL05")}
    assert households == {"PL02": 2, "PL03": 3, "PL04": 3, "PL05": 3}
    assert counts["PL02"] + counts["PL03"] == 5
    assert counts["PL04"] + counts["PL05"] == 6
    assert (counts["PL06"], counts["PL07"]) == (19, 47)
    pl01 = build("PL01")
    assert pl01.rows[-1].cells[2:4] == [0, 5]
    assert_xlsx_matches(render_xlsx([pl01]), pl01)

    # PL08 / PL09 totals equal the counts of the register on the day they count (one seeding: it
    # is slow): the plan's lists, in force on 01/01/2025 (the demo goes on to the present).
    day = dt.date(2025, 1, 1)
    for code, cls in (("PL08", "poor"), ("PL09", "near_poor")):
        ds = datasets.build(SYSTEM, code, Params(year=2025, on=day))
        homes = movements.in_class_on(Household.objects.filter(is_deleted=False), day, [cls]).annotate(
            decision=movements.decision_in_force_id(day))
        total = ds.rows[-1].cells
        assert total[2] == homes.count() == (191 if cls == "poor" else 150)
        for ind, col in ds.parameters["indicator_columns"].items():
            assert total[col] == Deprivation.objects.filter(
                deprived=True, indicator__code=ind, assessment_id__in=homes.values("decision")).count()
