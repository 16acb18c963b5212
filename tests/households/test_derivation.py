"""Suggested indicators from hand-made member lists (DOMAIN.md §1, indicators 2, 4, 5, 6, 8)."""

import datetime as dt
from decimal import Decimal

import pytest

from households.derivation import MemberFacts, age_on, is_dependant, suggest

DAY = dt.date(2025, 6, 15)


def born(years: int, days_after: int = 0) -> dt.date:
    """Somebody who turns ``years`` on DAY, shifted ``days_after`` days later (younger)."""
    return DAY.replace(year=DAY.year - years) + dt.timedelta(days=days_after)


def adult(**kw) -> MemberFacts:
    defaults = {"date_of_birth": born(40), "highest_diploma": "upper_secondary"}
    defaults.update(kw)
    return MemberFacts(**defaults)


def test_age_on_birthday_and_the_day_before():
    assert age_on(born(6), DAY) == 6
    assert age_on(born(6, days_after=1), DAY) == 5
    assert age_on(dt.date(2016, 2, 29), dt.date(2025, 2, 28)) == 8
    assert age_on(dt.date(2016, 2, 29), dt.date(2025, 3, 1)) == 9


# --- health insurance: a member aged 6 or more without insurance ------------------------------

def test_health_insurance_child_turning_six_today_counts():
    s = suggest([adult(), MemberFacts(date_of_birth=born(6), has_health_insurance=False, schooling="attending")],
                None, DAY)
    assert s["health_insurance"].deprived
    assert "1 người" in s["health_insurance"].reason


def test_health_insurance_child_one_day_short_of_six_does_not_count():
    s = suggest([adult(), MemberFacts(date_of_birth=born(6, 1), has_health_insurance=False, schooling="attending")],
                None, DAY)
    assert not s["health_insurance"].deprived


def test_health_insurance_everybody_insured():
    assert not suggest([adult(), adult()], None, DAY)["health_insurance"].deprived


# --- child schooling: aged 3 to under 16 not attending ----------------------------------------

@pytest.mark.parametrize("age,days_after,deprived", [
    (3, 0, True),        # turns 3 today
    (3, 1, False),       # one day short of 3
    (15, 0, True),
    (16, 1, True),       # still 15 (16 tomorrow)
    (16, 0, False),      # 16 today: no longer a child for this indicator
])
def test_child_schooling_age_boundaries(age, days_after, deprived):
    child = MemberFacts(date_of_birth=born(age, days_after), schooling="not_attending",
                        highest_diploma="lower_secondary")
    assert suggest([adult(), child], None, DAY)["child_schooling"].deprived is deprived


def test_child_schooling_attending_child_is_fine():
    child = MemberFacts(date_of_birth=born(10), schooling="attending")
    s = suggest([adult(), child], None, DAY)
    assert not s["child_schooling"].deprived
    assert "đều đi học" in s["child_schooling"].reason


# --- adult education: 16–30, not in school, without the diploma for the age -------------------

@pytest.mark.parametrize("age,days_after,diploma,schooling,deprived", [
    (16, 0, "primary", "not_attending", True),
    (16, 0, "lower_secondary", "not_attending", False),
    (16, 0, "primary", "attending", False),            # still in school/training
    (16, 1, "none", "not_attending", False),           # 15 years old: out of the age range
    (25, 0, "lower_secondary", "not_attending", True),  # needs upper secondary at 19–30
    (25, 0, "vocational", "not_attending", False),
    (25, 0, "higher", "na", False),
    (30, 0, "primary", "not_attending", True),
    (31, 0, "primary", "not_attending", False),        # 31 today: out of range
    (31, 1, "primary", "not_attending", True),         # still 30
])
def test_adult_education_boundaries(age, days_after, diploma, schooling, deprived):
    person = MemberFacts(date_of_birth=born(age, days_after), highest_diploma=diploma, schooling=schooling)
    assert suggest([adult(), person], None, DAY)["adult_education"].deprived is deprived


# --- dependants: more than 50 % of members ----------------------------------------------------

def test_dependants_exactly_half_is_not_deprived():
    members = [adult(), MemberFacts(date_of_birth=born(10), schooling="attending")]
    s = suggest(members, None, DAY)
    assert not s["dependants"].deprived
    assert "1/2" in s["dependants"].reason


def test_dependants_more_than_half_is_deprived():
    members = [adult(), MemberFacts(date_of_birth=born(10), schooling="attending"),
               MemberFacts(date_of_birth=born(70))]
    s = suggest(members, None, DAY)
    assert s["dependants"].deprived
    assert "2/3" in s["dependants"].reason


def test_who_is_a_dependant():
    assert is_dependant(MemberFacts(date_of_birth=born(16, 1)), DAY)        # 15
    assert not is_dependant(MemberFacts(date_of_birth=born(16)), DAY)       # 16
    assert not is_dependant(MemberFacts(date_of_birth=born(60, 1)), DAY)    # 59
    assert is_dependant(MemberFacts(date_of_birth=born(60)), DAY)           # 60
    assert is_dependant(MemberFacts(date_of_birth=born(40), has_disability=True), DAY)


# --- floor area: under 8 m² per person --------------------------------------------------------

@pytest.mark.parametrize("area,deprived", [
    (Decimal("24"), False),      # 8,0 m²/person: exactly the bound, not deprived
    (Decimal("23.9"), True),
    (Decimal("0"), True),
    (30, False),
])
def test_floor_area_per_person(area, deprived):
    s = suggest([adult(), adult(), adult()], area, DAY)
    assert s["floor_area"].deprived is deprived
    assert "m²/người" in s["floor_area"].reason


def test_floor_area_unknown_gives_no_suggestion():
    assert "floor_area" not in suggest([adult()], None, DAY)


def test_empty_household_only_suggests_what_it_can():
    s = suggest([], Decimal("20"), DAY)
    assert "dependants" not in s and "floor_area" not in s
    assert not s["health_insurance"].deprived


def test_a_household_suggesting_every_derivable_indicator():
    members = [
        MemberFacts(date_of_birth=born(45), has_health_insurance=False, highest_diploma="primary"),
        MemberFacts(date_of_birth=born(20), highest_diploma="lower_secondary", schooling="not_attending"),
        MemberFacts(date_of_birth=born(8), schooling="not_attending"),
        MemberFacts(date_of_birth=born(72)),
        MemberFacts(date_of_birth=born(2)),
    ]
    s = suggest(members, Decimal("30"), DAY)
    assert {code for code, sug in s.items() if sug.deprived} == {
        "health_insurance", "dependants", "child_schooling", "adult_education", "floor_area",
    }
