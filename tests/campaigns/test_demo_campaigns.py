"""The demo's review in progress (citydata/demo_campaigns.py) on a register whose households sit
in the four wards valid since 1 July 2025, with the 2026 lists in force: some units decided, one
posting, one still surveying, a few applications with one overdue; deterministic, idempotent,
and the decided households hold their NĐ 351/2025 class on 01/01/2027."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from campaigns import selectors
from campaigns.models import Application, Campaign, CampaignDecision, CampaignHousehold, Survey
from citydata.demo_campaigns import build_campaigns
from households.models import Assessment, Household
from households.selectors import class_on
from reports.datasets import SYSTEM
from tests.campaigns.conftest import LIST_2027, TODAY, listed
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wards_register(ref, wards, tnmt):
    """Eight households per ward in two blocks: poor, near-poor and a few average ones, with
    children and elderly members so that derived indicators vary."""
    rng = random.Random(7)
    for ward in (wards.ban_thach, wards.tam_ky, wards.huong_tra, wards.quang_phu):
        for i in range(8):
            kind = i % 4
            income = [1_100_000, 1_700_000, 1_300_000, 2_600_000][kind]
            deprived = [("employment", "telecom", "information_means"), ("telecom",),
                        ("employment", "water", "latrine", "telecom"), ()][kind]
            h = listed(ward, f"{ward.code}-{i:02d}", tnmt, income=income + rng.randrange(0, 100_000, 10_000),
                       deprived=deprived, village=f"Khối phố {1 + i % 2}")
            if i % 3 == 0:
                MemberFactory(household=h, full_name=f"Cụ {h.code}", relation="parent",
                              date_of_birth=dt.date(1950, 1, 1), citizen_id=None)
    return Household.objects.count()


def snapshot():
    return (Campaign.objects.count(), CampaignHousehold.objects.count(), Survey.objects.count(),
            Assessment.objects.count(), Application.objects.count(), CampaignDecision.objects.count())


def test_the_2026_review_in_progress(ref, wards, tnmt, wards_register):
    result = build_campaigns(TODAY, tnmt)
    assert result.created and result.year == 2026
    assert result.stages == {"Bàn Thạch": "decided", "Tam Kỳ": "decided", "Hương Trà": "posting",
                             "Quảng Phú": "surveying"}
    board = {r.unit.name: r for r in selectors.campaign_board(actor=SYSTEM, review_year=2026, day=TODAY)}
    assert {name: r.stage for name, r in board.items()} == result.stages
    assert board["Quảng Phú"].surveyed < board["Quảng Phú"].households
    assert board["Hương Trà"].complaints_open == 1 and board["Hương Trà"].posting.end_date > TODAY
    # decided units: every household recorded under NĐ 351/2025 for 01/01/2027, as surveyed
    for name in ("Bàn Thạch", "Tam Kỳ"):
        c = board[name].campaign
        for entry in c.entries.select_related("survey", "assessment"):
            a = entry.assessment
            assert a.standard == ref.nd351 and a.effective_date == LIST_2027
            assert a.result_class == entry.survey.proposed_class
            day_class = Household.objects.filter(pk=entry.household_id).annotate(c=class_on(LIST_2027)).values_list(
                "c", flat=True).get()
            assert day_class == a.result_class
            assert CampaignDecision.objects.get(campaign=c).decision_date <= TODAY
    # one village of the first decided unit met twice: below 50 %, then again
    assert board["Bàn Thạch"].campaign.meetings.filter(agreement_percent__lt=50).count() == 1
    # applications: one decided today, one recent, one overdue
    assert result.applications == 3 and result.overdue == 1
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["decided", "open", "open"]
    overdue = selectors.applications_for(actor=SYSTEM, day=TODAY, status="overdue")
    assert len(overdue) == 1 and overdue[0].household.unit == wards.quang_phu
    # the overdue applicant is in Quảng Phú's list to review
    assert board["Quảng Phú"].campaign.entries.filter(household=overdue[0].household, applied=True).exists()


def test_it_is_idempotent_and_deterministic(ref, tnmt, wards_register):
    build_campaigns(TODAY, tnmt)
    before = snapshot()
    proposals = list(Survey.objects.order_by("household__code", "id").values_list("household__code", "proposed_class",
                                                                                   "income_per_capita"))
    again = build_campaigns(TODAY, tnmt)
    assert not again.created and snapshot() == before
    assert proposals and all(p[2] % 10_000 == 0 for p in proposals)


def test_dates_fit_whatever_day_of_the_season(ref, tnmt, wards_register):
    early = dt.date(2026, 9, 15)
    result = build_campaigns(early, tnmt)
    assert result.created
    assert not Survey.objects.filter(survey_date__gt=early).exists()
    assert not CampaignDecision.objects.filter(decision_date__gt=early).exists()
    assert CampaignDecision.objects.count() == 2


def test_nothing_before_the_season_or_when_the_lists_exist(ref, wards, tnmt, wards_register):
    assert not build_campaigns(dt.date(2026, 9, 1), tnmt).created
    listed(wards.tam_ky, "TK-2027", tnmt, effective=LIST_2027, deprived=("telecom",))
    result = build_campaigns(TODAY, tnmt)
    assert not result.created and "Danh sách năm sau" in result.reason
    assert not Campaign.objects.exists()
