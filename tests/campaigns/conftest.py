"""Shared data for the review tests: the four wards valid since 1 July 2025, their officers, a
register with the 2026 lists (NĐ 07/2021, effective 01/01/2026), and helpers that take a
campaign through its steps. "Today" is a fixed day of the 2026 review."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from campaigns import services
from households.services import assessment_record
from tamky_poverty.models import Role
from tests.factories import MemberFactory, household_with_head

TODAY = dt.date(2026, 11, 27)
LIST_2026 = dt.date(2026, 1, 1)
LIST_2027 = dt.date(2027, 1, 1)


@pytest.fixture
def wards(ref):
    u = ref.units
    return SimpleNamespace(quang_phu=u["Quảng Phú"], tam_ky=u["Tam Kỳ"], ban_thach=u["Bàn Thạch"],
                           huong_tra=u["Hương Trà"])


@pytest.fixture
def qp_officer(make_user, wards):
    return make_user("canbo.quangphu", Role.WARD_OFFICER, unit=wards.quang_phu, full_name="Cán bộ Quảng Phú")


@pytest.fixture
def tk_officer(make_user, wards):
    return make_user("canbo.tamky", Role.WARD_OFFICER, unit=wards.tam_ky)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def qp_client(qp_officer):
    return client_for(qp_officer)


@pytest.fixture
def tk_client(tk_officer):
    return client_for(tk_officer)


def listed(unit, code, actor, *, income=1_200_000, deprived=("employment", "telecom", "information_means"),
           village="Khối phố 1", effective=LIST_2026, with_child=False):
    """A household with a decision for the list of ``effective`` (NĐ 07/2021 for 2026)."""
    household = household_with_head(unit, code=code, village=village)
    if with_child:
        MemberFactory(household=household, full_name=f"Con {code}", relation="child",
                      date_of_birth=dt.date(2012, 3, 1), citizen_id=None, schooling="attending")
    assessment_record(
        actor=actor, household=household, kind="annual", year=effective.year, income_per_capita=income,
        indicators={c: True for c in deprived}, decision_number=f"QĐ-{code}",
        decision_date=effective - dt.timedelta(days=10), effective_date=effective, today=effective,
    )
    household.refresh_from_db()
    return household


def open_campaign(actor, unit, **kw):
    return services.campaign_open(actor=actor, unit=unit, review_year=2026, **kw)


def survey_all(actor, campaign, plan: dict, day=dt.date(2026, 9, 15)):
    """``plan``: {household code: (income, [deprived ND351 codes])}; households not named get
    1,000,000 đ and three deprivations."""
    for entry in campaign.entries.select_related("household"):
        income, codes = plan.get(entry.household.code, (1_000_000, ["employment", "telecom", "waste_treatment"]))
        services.campaign_survey_record(actor=actor, entry=entry, survey_date=day, income_per_capita=income,
                                        indicators={c: True for c in codes}, today=TODAY)


def meet_all(actor, campaign, day=dt.date(2026, 10, 1), percent=80):
    villages = sorted(set(campaign.entries.values_list("household__village", flat=True)))
    return [services.meeting_record(actor=actor, campaign=campaign, village=v, held_on=day, attendees=40,
                                    agreement_percent=percent, minutes_text=f"Biên bản họp {v}", today=TODAY)
            for v in villages]


def post(actor, campaign, start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 12)):
    return services.posting_record(actor=actor, campaign=campaign, start_date=start, end_date=end,
                                   place="Nhà văn hoá khối phố và trụ sở UBND phường", today=TODAY)


def decide(actor, campaign, day=dt.date(2026, 10, 20), number="125/QĐ-UBND"):
    return services.campaign_decide(actor=actor, campaign=campaign, number=number, decision_date=day,
                                    signer="Nguyễn Văn Chủ Tịch", today=TODAY)
