"""The demo data (``manage.py seed_demo --today``) reproduces every figure of the 2025 plan
(DOMAIN.md §4) in the 2025 lists (the decisions effective 01/01/2025, in the 12 units of the
time), counted from the database, and is consistent with the rules: every stored class is what
the classification gives, every derived indicator agrees with the members. Then its story runs
to the present (tests at the end): the July 2025 reorganisation, the monthly reports, the 2026
lists, the 2026 plan and the review in progress.

The city is seeded once per session (the ``demo_city`` fixture, tests/conftest.py: inside a
transaction rolled back after the last test that uses it), each test then runs in its own
savepoint."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Application, Campaign, Survey
from citydata import demo
from households import classification, derivation
from households.models import (
    Assessment,
    Deprivation,
    Household,
    HouseholdTransfer,
    Member,
)
from households.services import member_facts
from reports.models import IssuedDocument, MonthlyReport
from support.models import SupportAction, SupportActionEvent
from tamky_poverty.models import AdministrativeUnit, UnitYearFigures
from targets.models import Plan
from tests.conftest import DEMO_TODAY

POOR, NEAR = "poor", "near_poor"
DEPENDANT_UNITS = {
    "An Mỹ", "An Phú", "An Sơn", "An Xuân", "Hòa Hương", "Hòa Thuận", "Trường Xuân",
    "Tam Ngọc", "Tam Phú", "Tam Thanh", "Tam Thăng",
}


@pytest.fixture
def city(demo_city):
    return demo_city


LIST_2025 = dt.date(2025, 1, 1)


def _decisions():
    """The 2025 lists: every household's annual decision effective 01/01/2025 (its unit and class
    then are the decision's)."""
    return Assessment.objects.filter(effective_date=LIST_2025, kind="annual", superseded_by__isnull=True)


def _listed():
    return _decisions().filter(result_class__in=[POOR, NEAR])


def _current_deprivations():
    return Deprivation.objects.filter(deprived=True, assessment__in=_listed())


def _deprived_households(*codes):
    return set(_current_deprivations().filter(indicator__code__in=codes).values_list("assessment__household_id", flat=True))


def test_command_reports_what_it_built(city):
    assert "341 hộ" in city


def test_poor_households_by_group_and_unit(city):
    old_units = AdministrativeUnit.objects.filter(valid_to="2025-06-30")
    poor = _listed().filter(result_class=POOR)
    assert poor.count() == 191 and poor.values("household").distinct().count() == 191
    assert poor.filter(unit__in=old_units).count() == 191
    groups = Counter(poor.values_list("household__group", flat=True))
    assert groups == {"orphan": 3, "dependants_school": 16, "dependants_social": 27, "no_labour": 145}
    orphans = set(poor.filter(household__group="orphan").values_list("unit__name", flat=True))
    assert orphans == {"An Mỹ", "Hòa Hương", "Trường Xuân"}
    dependant_units = set(
        poor.filter(household__group__in=["dependants_school", "dependants_social"]).values_list("unit__name",
                                                                                              flat=True)
    )
    assert dependant_units == DEPENDANT_UNITS  # spread over exactly the plan's 11 units
    near = _listed().filter(result_class=NEAR)
    assert 130 <= near.count() <= 170
    # near-poor households are in no group of the plan — unless a later review made them poor
    # and their ward placed them in one
    regrouped = near.exclude(household__group="other").values_list("household_id", flat=True)
    later_poor = Assessment.objects.filter(result_class=POOR, effective_date__gt=LIST_2025).values_list(
        "household_id", flat=True)
    assert set(regrouped) <= set(later_poor) and len(regrouped) < near.count() // 3


def test_registered_exits_match_phu_luc_01(city):
    plan = Plan.objects.get(year=2025)
    registered = _listed().filter(household__registered_exit_year=2025)
    near = Counter(registered.filter(result_class=NEAR).values_list("unit_id", flat=True))
    poor = Counter(registered.filter(result_class=POOR).values_list("unit_id", flat=True))
    targets = {t.unit_id: t for t in plan.unit_targets.all()}
    assert sum(near.values()) == 5 and sum(poor.values()) == 0
    assert {uid: t.near_poor_exit_target for uid, t in targets.items() if t.near_poor_exit_target} == dict(near)
    by_name = {t.unit.name: (t.poor_exit_target, t.near_poor_exit_target) for t in targets.values()}
    assert by_name == {"An Phú": (0, 1), "An Sơn": (0, 1), "Tam Phú": (0, 2), "Tam Thăng": (0, 1)}


def test_unit_year_figures_plausible(city):
    rows = UnitYearFigures.objects.filter(year=2025, unit__valid_to="2025-06-30")
    assert rows.count() == 12
    total = rows.aggregate(s=Sum("total_households"))["s"]
    assert 33_000 <= total <= 35_000
    listed = dict(_listed().values_list("unit_id").annotate(n=Count("id")).order_by())
    for row in rows:
        assert listed.get(row.unit_id, 0) < row.total_households * 0.05


def test_deprivation_counts_of_phu_luc_08_09(city):
    counts = Counter(_current_deprivations().values_list("indicator__code", flat=True))
    assert counts["employment"] == 20
    assert counts["nutrition"] == 11
    assert counts["health_insurance"] == 174
    assert counts["telecom"] == 209
    assert counts["information_means"] == 174
    assert counts["housing_quality"] == 6  # the six housing recipients (§III.3.4), not counted by the plan
    assert len(_deprived_households("nutrition", "health_insurance")) == 185  # health dimension
    assert not _deprived_households("nutrition") & _deprived_households("health_insurance")
    education = _deprived_households("adult_education", "child_schooling")
    assert len(education) == 9
    assert counts["adult_education"] and counts["child_schooling"]
    assert counts["adult_education"] + counts["child_schooling"] == 9  # 9 distinct households
    # The indicators the plan does not count are used only by poor households (to reach 3).
    top_ups = _current_deprivations().filter(indicator__code__in=["dependants", "water", "latrine", "floor_area"])
    assert set(top_ups.values_list("assessment__result_class", flat=True)) <= {POOR}


def test_every_household_is_classifiable(city):
    decisions = _listed().select_related("standard", "unit")
    deprived = {}
    for aid, code in _current_deprivations().values_list("assessment_id", "indicator__code"):
        deprived.setdefault(aid, set()).add(code)
    assert decisions.count() == 341 and decisions.values("household").distinct().count() == 341
    for a in decisions:
        assert a.year == 2025 and a.standard.code == "ND07-2021" and a.kind == "annual"
        assert a.decision_date.isoformat() == "2024-12-20"
        assert a.area_kind == a.unit.area_kind and a.unit.valid_to.isoformat() == "2025-06-30"
        result = classification.classify(a.standard, a.area_kind, a.income_per_capita, deprived.get(a.id, set()))
        assert result.result == a.result_class, a.household.code
        if a.result_class == POOR:
            assert len(deprived[a.id]) >= 3
        else:
            assert len(deprived.get(a.id, set())) <= 2
    assert not Deprivation.objects.filter(assessment__in=_decisions()).exclude(override_reason="").exists()


def test_every_later_decision_is_what_the_rule_gives(city):
    """The story's decisions (regular reviews, the 2026 lists, the 2027 lists of the decided wards)
    hold the class the rule gives for their standard, area and indicators, with no override."""
    later = Assessment.objects.exclude(effective_date=LIST_2025).select_related("standard")
    assert later.count() > 341
    deprived = {}
    for aid, code in Deprivation.objects.filter(assessment__in=later, deprived=True).values_list("assessment_id",
                                                                                                  "indicator__code"):
        deprived.setdefault(aid, set()).add(code)
    for a in later:
        result = classification.classify(a.standard, a.area_kind, a.income_per_capita, deprived.get(a.id, set()))
        assert result.result == a.result_class, (a.household_id, a.effective_date)
    assert not Deprivation.objects.filter(assessment__in=later).exclude(override_reason="").exists()
    # decisions after the reorganisation are recorded in the wards, under the standard of their date
    assert set(later.values_list("unit__valid_from", flat=True)) == {dt.date(2025, 7, 1)}
    assert set(later.filter(effective_date__year=2027).values_list("standard__code", flat=True)) == {"ND351-2025"}
    assert set(later.filter(effective_date__year__lt=2027).values_list("standard__code", flat=True)) == {"ND07-2021"}


def test_members_agree_with_derived_indicators(city):
    rows = {}
    for hid, code, dep, sug in Deprivation.objects.filter(assessment__in=_decisions()).values_list(
            "assessment__household_id", "indicator__code", "deprived", "suggested"):
        rows[(hid, code)] = (dep, sug)
    day = demo.EFFECTIVE_DATE
    for h in Household.objects.filter(pk__in=_listed().values("household")).prefetch_related("members"):
        members = list(h.members.all())
        suggestions = derivation.suggest(member_facts(members), h.floor_area_m2, day)
        assert set(suggestions) == set(derivation.DERIVABLE), h.code
        for code, s in suggestions.items():
            assert rows[(h.id, code)] == (s.deprived, s.deprived), (h.code, code)
        # Indicators recorded from facts the members also show.
        ages = [derivation.age_on(m.date_of_birth, day) for m in members]
        stunted = any(m.nutrition in ("stunted", "underweight") and a < 16 for m, a in zip(members, ages, strict=True))
        assert stunted == rows[(h.id, "nutrition")][0], h.code
        unstable = any(m.employment in ("unstable", "unemployed") for m in members)
        assert unstable == rows[(h.id, "employment")][0], h.code


def test_members_are_realistic(city):
    members = Member.objects.filter(household__in=_listed().values("household"))
    assert members.count() >= 600
    heads = Counter(members.filter(relation="head").values_list("household_id", flat=True))
    assert len(heads) == 341 and set(heads.values()) == {1}
    day = demo.EFFECTIVE_DATE
    ids = []
    for m in members:
        name = m.full_name
        assert name == unicodedata.normalize("NFC", name) and len(name.split()) >= 3, name
        assert m.sex in ("male", "female")
        age = derivation.age_on(m.date_of_birth, day)
        assert 0 <= age <= 100
        if age >= 18:
            assert m.citizen_id, name
        if m.citizen_id:
            assert re.fullmatch(r"049[0-3]\d{8}", m.citizen_id)
            assert m.citizen_id[4:6] == f"{m.date_of_birth.year % 100:02d}"
            ids.append(m.citizen_id)
    assert len(ids) == len(set(ids))
    assert members.filter(full_name__startswith="Nguyễn").exists()
    assert members.filter(full_name__contains=" Thị ").exists()


def test_support_actions_of_phu_luc_02_to_07(city):
    actions = SupportAction.objects.filter(plan_year=2025)

    def households_by_class(kinds):
        rows = actions.filter(kind__in=kinds).values_list("household_id", "household_class").distinct()
        return Counter(cls for _h, cls in rows)

    assert households_by_class(["livelihood"]) == {POOR: 2, NEAR: 3}
    assert actions.filter(kind="livelihood").aggregate(n=Sum("quantity"))["n"] == 5
    livelihood_near = actions.filter(kind="livelihood", household_class=NEAR)
    assert all(a.household.registered_exit_year == 2025 for a in livelihood_near)

    assert households_by_class(["housing_repair", "housing_new"]) == {POOR: 3, NEAR: 3}
    housing = actions.filter(kind__in=["housing_repair", "housing_new"])
    assert housing.aggregate(n=Sum("quantity"))["n"] == 6
    for a in housing:
        assert a.amount == (demo.HOUSING_NEW if a.kind_id == "housing_new" else demo.HOUSING_REPAIR)

    sponsored = actions.filter(kind="sponsorship")
    assert Counter(sponsored.values_list("household_class", flat=True)) == {POOR: 19, NEAR: 47}
    assert sponsored.values("member").distinct().count() == 66
    for a in sponsored.select_related("member"):
        assert a.member.household_id == a.household_id
        assert derivation.age_on(a.member.date_of_birth, demo.EFFECTIVE_DATE) < 16
        assert a.sponsor and a.monthly_amount and a.sponsorship_start and a.sponsorship_end

    # The quotas in the plan are met exactly by the planned actions.
    plan = Plan.objects.get(year=2025)
    for q in plan.quotas.all():
        kinds = ["housing_repair", "housing_new"] if q.kind_id == "housing" else [q.kind_id]
        if q.kind_id == "sponsorship":
            assert sponsored.filter(household_class=q.household_class).count() == q.items
        else:
            assert households_by_class(kinds)[q.household_class] == q.households
            assert actions.filter(kind__in=kinds, household_class=q.household_class).aggregate(
                n=Sum("quantity"))["n"] == q.items

    # Every action's class is its household's class in the 2025 lists; agencies are set.
    class_2025 = dict(_decisions().values_list("household_id", "result_class"))
    for a in actions.select_related("household", "lead_agency").prefetch_related("coordinating_agencies"):
        assert a.household_class == class_2025[a.household_id]
        assert a.lead_agency_id and a.coordinating_agencies.exists()
    # On 30/06/2025 (the plan's mid-year): mostly planned, some in progress, a few completed —
    # read from each action's events, stamped with the day they happened.
    midyear = timezone.make_aware(dt.datetime(2025, 7, 1))
    status_then = {}
    for action_id, to_status in (SupportActionEvent.objects.filter(action__in=actions, at__lt=midyear)
                                 .order_by("at", "id").values_list("action_id", "to_status")):
        status_then[action_id] = to_status
    statuses = Counter(status_then.get(a.pk, "planned") for a in actions)
    assert statuses["planned"] > statuses["in_progress"] > statuses["completed"] > 0
    # By the end of 2025 every 2025 action was completed, on a day of 2025 and not before planned.
    assert set(actions.values_list("status", flat=True)) == {"completed"}
    assert not actions.filter(completed_date__isnull=True).exists()
    assert not actions.filter(completed_date__year__gt=2025).exists()
    assert not actions.filter(completed_date__lt=F("planned_date")).exists()
    assert SupportActionEvent.objects.filter(action__in=actions, to_status="completed").count() == actions.count()
    # The demo agency officer (Trung tâm Y tế) has work of its own.
    assert actions.filter(lead_agency__code="ttyt", kind__in=["health_insurance", "nutrition"]).count() >= 5
    assert actions.filter(lead_agency__code="ttyt", household__transfers__from_unit__name="An Phú").exists()


@pytest.mark.parametrize(
    "username,password,role",
    [(u, p, r) for u, p, r, *_ in demo.DEMO_ACCOUNTS],
)
def test_demo_accounts_can_log_in(city, username, password, role):
    user = get_user_model().objects.get(username=username)
    assert user.role == role
    if username == "canbo.anphu":  # An Phú's officer, moved to its successor by the reorganisation
        assert user.unit.name == "Quảng Phú" and user.unit.valid_from == dt.date(2025, 7, 1)
    if username in ("canbo.tamky", "canbo.banthach", "canbo.huongtra"):
        assert user.unit.valid_from == dt.date(2025, 7, 1)
    if username == "canbo.ttyt":
        assert user.agency.code == "ttyt"
    if username == "quantri":
        assert user.is_staff and user.is_superuser
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content[:500]
    assert client.get(reverse("dashboard")).status_code == 200


def _fingerprint():
    households = sorted(
        Household.objects.values_list(
            "unit__name", "code", "group", "current_class", "registered_exit_year", "floor_area_m2", "address",
        )
    )
    members = sorted(
        Member.objects.values_list(
            "household__code", "full_name", "sex", "date_of_birth", "citizen_id", "relation",
            "has_health_insurance", "schooling", "highest_diploma", "employment", "nutrition",
        )
    )
    assessments = sorted(Assessment.objects.values_list("household__code", "income_per_capita", "result_class"))
    actions = sorted(
        SupportAction.objects.values_list(
            "household__code", "kind", "member__full_name", "lead_agency__code", "amount", "status", "sponsor",
        ),
        key=repr,
    )
    return households, members, assessments, actions


def _history_counts():
    return (Household.history.count(), Member.history.count(), Assessment.history.count(),
            SupportAction.history.count(), SupportActionEvent.objects.count(), get_user_model().objects.count(),
            MonthlyReport.history.count(), IssuedDocument.objects.count(), Campaign.objects.count(),
            Survey.objects.count(), Application.objects.count(), HouseholdTransfer.objects.count())


def test_running_twice_changes_nothing(city):
    before, history = _fingerprint(), _history_counts()
    out = io.StringIO()
    call_command("seed_demo", "--today", DEMO_TODAY.isoformat(), stdout=out)
    assert "không thay đổi" in out.getvalue()
    assert _fingerprint() == before
    assert _history_counts() == history


def test_generation_is_deterministic():
    """The same seed gives the same households, members and deprivations (no database needed)."""

    def generate():
        import random

        rng = random.Random(demo.SEED)
        people = demo.People(rng)
        specs = demo.plan_households(rng)
        for s in specs:
            s.members = demo.build_members(people, s)
        return [(s.unit, s.cls, s.group, sorted(s.deprived), s.floor_area, s.members) for s in specs]

    assert generate() == generate()


def _units_deprived_on(code):
    return set(_current_deprivations().filter(indicator__code=code)
               .values_list("assessment__unit__name", flat=True))


def test_deprivations_fall_in_the_units_the_plan_names(city):
    # §III.3.1: employment — exactly the nine units the plan charges with it.
    assert _units_deprived_on("employment") == set(demo.NAMED_UNITS["employment"])
    # §III.3.2.1: nutrition — the six units the plan names.
    assert _units_deprived_on("nutrition") == set(demo.NAMED_UNITS["nutrition"])
    # §III.3.4: the six households whose houses are repaired or rebuilt live in degraded houses.
    housed = SupportAction.objects.filter(plan_year=2025, kind__in=["housing_repair", "housing_new"])
    assert housed.count() == 6
    assert _deprived_households("housing_quality") == set(housed.values_list("household_id", flat=True))
    assert set(housed.values_list("indicator__code", flat=True)) == {"housing_quality"}


def test_the_plans_groups_report_and_check(city):
    from reports import datasets

    admin_user = get_user_model().objects.get(username="quantri")
    from targets import selectors as target_selectors

    ds = datasets.build(datasets.SYSTEM, "GROUPS", datasets.Params(2025))
    total = {c.key: v for c, v in zip(ds.columns, ds.rows[-1].cells, strict=True)}
    assert (total["poor"], total["orphan"], total["dependants"], total["dependants_school"],
            total["dependants_social"], total["no_labour"], total["other"]) == (191, 3, 43, 16, 27, 145, 0)
    progress = target_selectors.progress(actor=admin_user, plan=Plan.objects.get(year=2025))
    assert progress.no_liftable_poor_remains and progress.poor_at_start == 191
    assert not Household.objects.filter(group="other", assessments__result_class=POOR).exists()
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("targets:progress"), {"year": 2025}).content.decode()
    assert "191 hộ = trẻ em mồ côi 3 + đông người ăn theo 43" in page and "Đạt: đầu năm và hiện nay" in page


def test_pl08_pl09_count_households_per_dimension(city):
    from reports import datasets

    totals = {}
    for code in ("PL08", "PL09"):  # the plan's lists: in force on 01/01/2025
        ds = datasets.build(datasets.SYSTEM, code, datasets.Params(2025, on=dt.date(2025, 1, 1)))
        for dimension, col in ds.parameters["dimension_columns"].items():
            totals[dimension] = totals.get(dimension, 0) + ds.rows[-1].cells[col]
    assert totals["Y tế"] == 185 and totals["Giáo dục"] == 9
    # The plan's "việc làm" (20) is the employment indicator; the dimension also holds the
    # dependants indicator, which the plan does not count.
    assert totals["Việc làm"] >= 191


def test_the_movement_table_balances_on_the_demo(city):
    from reports import datasets
    from tests.households.test_movements import assert_balanced
    from tests.reports.conftest import movement_row

    for year, month in ((2025, None), (2025, 6), (2024, None)):
        assert_balanced(datasets.build(datasets.SYSTEM, "MOVEMENT", datasets.Params(year, month)))
    total = movement_row(datasets.build(datasets.SYSTEM, "MOVEMENT", datasets.Params(2025)), "Tổng cộng")
    # the year ends with the 2026 lists (effective 01/01/2026, the end of the 2025 window)
    poor_2026 = Assessment.objects.filter(effective_date=dt.date(2026, 1, 1), superseded_by__isnull=True,
                                          result_class=POOR).count()
    assert (total["poor_start"], total["poor_end"]) == (191, poor_2026)
    # The 2025 lists took effect on 01/01/2025: they are 2024's entries, not 2025 movements.
    y2024 = movement_row(datasets.build(datasets.SYSTEM, "MOVEMENT", datasets.Params(2024)), "Tổng cộng")
    assert (y2024["poor_new"], y2024["poor_end"], y2024["near_end"]) == (191, 191, total["near_start"])


def test_the_city_monthly_report_says_what_the_plan_says(city):
    from reports import datasets

    ds = datasets.build(datasets.SYSTEM, "MONTHLY", datasets.Params(2025, 6))
    lines = {r.cells[1]: r.cells for r in ds.rows}
    assert lines["Số hộ thoát nghèo"][4] == 0 and lines["Số hộ thoát cận nghèo"][4] == 5  # 0/5 from the plan
    support = {r.cells[1]: r.cells for r in ds.sections[0].rows}
    assert support["Nhận đỡ đầu trẻ em (số cháu)"][6] == 66   # 19 + 47 children
    assert support["Hỗ trợ phương tiện sinh kế"][6] == 5 and support["Hỗ trợ sửa chữa, xây dựng mới nhà ở"][6] == 6
    titles = [s.title.split(".")[0] for s in ds.sections]
    assert titles == ["II", "III", "IV"] and ds.table_title.startswith("I. ")
    assert [n.split(".")[0] for n in ds.notes[-2:]] == ["V", "VI"]

    # A unit's report, as An Phú submitted it in July 2025 (frozen in its approved snapshot,
    # before the reorganisation): its own targets and households.
    an_phu = AdministrativeUnit.objects.get(name="An Phú", valid_to__isnull=False)
    report = MonthlyReport.objects.get(unit=an_phu, year=2025, month=6, status="approved")
    frozen = report.snapshot
    assert frozen["targets"] == {"poor": 0, "near_poor": 1} and frozen["unit_ids"] == [an_phu.pk]
    of_an_phu = SupportAction.objects.filter(plan_year=2025, household__transfers__from_unit=an_phu)
    sponsored = of_an_phu.filter(kind="sponsorship").values("member").distinct().count()
    assert sponsored and frozen["support"]["sponsorship"]["planned_year"] == sponsored
    livelihood = of_an_phu.filter(kind="livelihood").values("household").distinct().count()
    assert frozen["support"].get("livelihood", {}).get("planned_year", 0) == livelihood
    assert report.document.issue_date == dt.date(2025, 7, 8) and report.document.year == 2025


def test_the_demo_starts_with_the_first_half_of_2025_complete(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="01/07/2025"):
        call_command("seed_demo", "--today", "2025-06-30", stdout=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_demo", "--today", "27/11/2026", stdout=io.StringIO())
    assert not Household.objects.exists()
