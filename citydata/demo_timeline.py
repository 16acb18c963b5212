"""The demo city after its first half of 2025, up to a given day (``seed_demo --today``).

``citydata.demo`` builds the register of the 2025 plan under the 12 units. This module lets time
pass over it, month by month, through the services the pages use:

- each complete month's **monthly reports**, prepared and submitted by the unit (its demo officer,
  or the administrator on its behalf) a few days after the month and approved by TNMT
  (``reports.services``): the 12 units up to 6/2025, the four wards from 7/2025;
- the **1 July 2025 reorganisation** (``load_reference`` carries out the recorded one through
  ``tamky_poverty.services.reorganisation_apply``): households, support actions and officers pass
  to the four wards; the wards get their household totals for 2025 and 2026;
- **regular reviews**: the five households registered to leave near-poverty in 2025 leave it
  between August and November 2025 (An Phú's in October); in 2026 the households registered for
  2026 leave it and one near-poor household falls into poverty (application and decision,
  ``campaigns.services``);
- **support actions progress**: planned actions start in their month, started ones are completed
  about two months later; sponsorships end with their year;
- the **2025 annual review** (every ward decided in December 2025, lists effective 01/01/2026),
  then the **2026 plan** (targets per ward, quotas) and its support actions in January 2026;
- from 15 September 2026 the **2026 review in progress** (``citydata.demo_campaigns``).

Every step runs under the simulated clock of its own day (``clock``), so the decisions, report
approvals, document numbers and audit records carry the day they happened, not the day the demo
was built. Deterministic for a given ``until`` (random choices are seeded by the month), and
idempotent: a month whose reports exist is skipped, so running again — or later — only adds the
months that have ended since.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Application
from citydata import demo_campaigns
from citydata.reference_data import load_reference
from households import services as household_services
from households.models import Assessment, Household, PovertyClass
from households.selectors import in_class_on
from reports import services as report_services
from reports.models import MonthlyReport
from support.models import ActionStatus, SupportAction
from support.services import action_create, action_transition
from tamky_poverty.models import AdministrativeUnit, Agency, UnitYearFigures
from tamky_poverty.services import unit_year_figures_save
from targets import services as target_services
from targets.models import Plan

REORGANISATION = dt.date(2025, 7, 1)
LAST_DAY = dt.date(2026, 12, 31)  # the demo's story ends with 2026
SUBMIT_DAY, APPROVE_DAY = 5, 8  # of the month after the report's month
WARDS = ["Tam Kỳ", "Bàn Thạch", "Quảng Phú", "Hương Trà"]
# The 2025 registered exits (Phụ lục 01) leave near-poverty in these months (An Phú's in 10/2025).
EXITS_2025 = {"An Sơn": [8], "Tam Phú": [9, 11], "An Phú": [10], "Tam Thăng": [11]}
# 2026 plan: near-poor households registered to leave per ward, and the months they leave in.
TARGETS_2026 = {"Tam Kỳ": (0, 2), "Bàn Thạch": (0, 2), "Quảng Phú": (0, 3), "Hương Trà": (0, 2)}
EXIT_MONTHS_2026 = [4, 6, 7, 9]  # the first n of these months, per ward
FALL_2026 = (5, "Bàn Thạch")  # a near-poor household falls into poverty (tái nghèo / between the lists)
GROWTH_2026 = 1.012  # household totals grow about 1.2 % a year
PLAN_2026 = {
    "title": "Kế hoạch thực hiện công tác giảm nghèo bền vững năm 2026 trên địa bàn các phường Tam Kỳ, "
             "Bàn Thạch, Quảng Phú, Hương Trà",
    "issuer": "Phòng Tài nguyên và Môi trường (khu vực Tam Kỳ)",
    "document_number": "12/KH-TNMT",
    "document_date": dt.date(2026, 1, 20),
    "signer": "KT. Trưởng phòng – Phó Trưởng phòng",
}
NOTE = "Dữ liệu minh hoạ (lệnh seed_demo)."


@contextmanager
def clock(day: dt.date) -> Iterator[None]:
    """Let the services believe it is ``day`` (09:00 local time, a microsecond later at each
    call so timestamps keep their order): every write they stamp with ``timezone.now()`` —
    approvals, document dates, audit records, events — carries the simulated day. The demo
    builder is the only caller; it is the edge that decides what "today" is."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    ticks = iter(range(10**9))

    def now():
        return start + dt.timedelta(microseconds=next(ticks))

    with mock.patch("django.utils.timezone.now", now):
        yield


def last_complete_month(day: dt.date) -> tuple[int, int]:
    first = day.replace(day=1)
    previous = first - dt.timedelta(days=1)
    return previous.year, previous.month


def months(start: tuple[int, int], end: tuple[int, int]) -> Iterator[tuple[int, int]]:
    year, month = start
    while (year, month) <= end:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return nxt - dt.timedelta(days=1)


class Actors:
    def __init__(self):
        User = get_user_model()
        self.users = {u.username: u for u in User.objects.filter(username__in=[
            "tnmt", "quantri", "canbo.anphu", "canbo.tamky", "canbo.banthach", "canbo.huongtra"])}
        for user in self.users.values():
            user.refresh_from_db()  # the reorganisation moved the officers of dissolved units
        self.tnmt, self.admin = self.users["tnmt"], self.users["quantri"]

    def officer(self, unit: AdministrativeUnit):
        """The unit's demo officer, else the administrator (who prepares reports on its behalf)."""
        for user in self.users.values():
            if user.unit_id == unit.pk:
                return user
        return self.admin


def units_valid_on(day: dt.date) -> list[AdministrativeUnit]:
    return list(AdministrativeUnit.objects.valid_on(day).order_by("code"))


def ward(name: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(name=name, valid_from=REORGANISATION)


# --- Monthly reports ----------------------------------------------------------------------------

def report_month(actors: Actors, year: int, month: int, until: dt.date) -> int:
    """Prepare, submit and approve every unit's report of the month (units valid at its end)."""
    end = month_end(year, month)
    submit_day = min(end + dt.timedelta(days=SUBMIT_DAY), until)
    approve_day = min(end + dt.timedelta(days=APPROVE_DAY), until)
    made = 0
    for unit in units_valid_on(end):
        if MonthlyReport.objects.filter(unit=unit, year=year, month=month).exists():
            continue
        officer = actors.officer(unit)
        with clock(submit_day):
            report = report_services.monthly_report_prepare(
                actor=officer, unit=unit, year=year, month=month,
                difficulties="Một số hộ thuộc nhóm không có khả năng lao động, khó thoát nghèo bền vững.",
                proposals="Đề nghị tiếp tục hỗ trợ thẻ bảo hiểm y tế và nhà ở cho hộ nghèo, cận nghèo.")
            report = report_services.monthly_report_submit(actor=officer, report=report)
        with clock(approve_day):
            report_services.monthly_report_approve(actor=actors.tnmt, report=report, comment="Thống nhất.")
        made += 1
    return made


# --- Support actions ------------------------------------------------------------------------------

def progress_support(actors: Actors, year: int, month: int, until: dt.date) -> None:
    """Planned actions of the month start; actions started two months before are completed in
    this month (a day seeded by the action); sponsorships are completed at their end."""
    first, end = dt.date(year, month, 1), month_end(year, month)
    actions = SupportAction.objects.filter(plan_year__lte=year).select_related("household")
    for action in actions.filter(status=ActionStatus.PLANNED, planned_date__lte=end).order_by("pk"):
        with clock(max(min(action.planned_date, until), first)):
            action_transition(actor=actors.admin, action=action, to_status=ActionStatus.IN_PROGRESS)
    for action in actions.filter(status=ActionStatus.IN_PROGRESS).order_by("pk"):
        if action.kind == "sponsorship":
            due = action.sponsorship_end or dt.date(action.plan_year, 12, 31)
        else:
            rng = random.Random(f"{demo_campaigns.SEED}-action-{action.household.code}-{action.kind}-{action.pk}")
            due = (action.planned_date or first) + dt.timedelta(days=55 + rng.randrange(0, 30))
        if due > end:
            continue
        day = min(max(due, first), end, until)
        if action.planned_date and day < action.planned_date:
            continue
        with clock(day):
            action_transition(actor=actors.admin, action=action, to_status=ActionStatus.COMPLETED, date=day)


# --- Regular reviews ------------------------------------------------------------------------------

def _indicators(household: Household, effective: dt.date) -> dict[str, bool]:
    """What the household's last decision recorded, with the derivable indicators from its
    members on ``effective`` (so no suggestion is contradicted)."""
    last = (Assessment.objects.filter(household=household, superseded_by__isnull=True, effective_date__lte=effective)
            .order_by("-effective_date", "-id").first())
    recorded = set(last.deprivations.filter(deprived=True).values_list("indicator__code", flat=True)) if last else set()
    indicators = {code: True for code in recorded}
    for code, suggestion in household_services.suggestions_for(household, effective).items():
        indicators[code] = suggestion.deprived
    return indicators


def regular_review(actors: Actors, household: Household, kind: str, received: dt.date, decided: dt.date,
                   income: int, number: str, extra: tuple[str, ...] = ()) -> Assessment:
    """An application received on ``received`` and decided (within 15 days) on ``decided``."""
    with clock(received):
        application = campaign_services.application_create(
            actor=actors.officer(household.unit), household=household, kind=kind, received_on=received,
            applicant="Chủ hộ (demo)", today=received,
            content="Hộ đã có thu nhập ổn định, đề nghị công nhận thoát cận nghèo."
            if kind == Application.Kind.TO_LEAVE else
            "Chủ hộ bị tai nạn lao động, mất việc làm, đề nghị xét duyệt hộ nghèo.")
    indicators = _indicators(household, decided)
    indicators.update({code: True for code in extra})
    with clock(decided):
        return campaign_services.application_decide(
            actor=actors.officer(household.unit), application=application, survey_date=received + dt.timedelta(days=3),
            decision_date=decided, income_per_capita=income, indicators=indicators, decision_number=number,
            today=decided, notes=NOTE)


def reviews_of_month(actors: Actors, year: int, month: int, until: dt.date) -> None:
    end = month_end(year, month)
    rng = random.Random(f"{demo_campaigns.SEED}-reviews-{year}-{month}")
    leaving: list[Household] = []
    if year == 2025:
        for name, in_months in EXITS_2025.items():
            if month in in_months:
                code = AdministrativeUnit.objects.filter(name=name, valid_to=REORGANISATION - dt.timedelta(days=1)
                                                         ).values_list("code", flat=True).get()
                still = [h for h in in_class_on(Household.objects.filter(registered_exit_year=2025, code__startswith=code),
                                                dt.date(year, month, 1), [PovertyClass.NEAR_POOR]).order_by("code")]
                leaving += still[:1]
    elif year == 2026:
        for name in WARDS:
            n = TARGETS_2026[name][1]
            if month in EXIT_MONTHS_2026[:n]:
                still = in_class_on(Household.objects.filter(registered_exit_year=2026, unit=ward(name)),
                                    dt.date(year, month, 1), [PovertyClass.NEAR_POOR]).order_by("code")
                leaving += list(still[:1])
    for i, household in enumerate(leaving):
        received = dt.date(year, month, 3 + 4 * i)
        decided = min(received + dt.timedelta(days=10), end, until)
        if decided < received:
            continue
        regular_review(actors, household, Application.Kind.TO_LEAVE, received, decided,
                       income=rng.randrange(2_300_000, 2_800_000, 10_000),
                       number=f"{200 + month + 12 * (year - 2025)}/QĐ-UBND")
    if (month, year) == (FALL_2026[0], 2026):
        candidates = in_class_on(Household.objects.filter(is_deleted=False, unit=ward(FALL_2026[1]),
                                                          registered_exit_year__isnull=True),
                                 dt.date(year, month, 1), [PovertyClass.NEAR_POOR]).order_by("code")
        household = candidates.first()
        received = dt.date(year, month, 12)
        if household is not None and received <= until:
            decided = min(received + dt.timedelta(days=9), until)
            # the head lost his labour capacity in a work accident: the household joins the
            # plan's "no labour capacity" group, so no poor household is left liftable
            with clock(received):
                household_services.household_update(actor=actors.officer(household.unit), household=household,
                                                    expected_version=household.version, group="no_labour")
            household.refresh_from_db()
            regular_review(actors, household, Application.Kind.TO_LIST, received, decided,
                           income=1_150_000, number="58/QĐ-UBND", extra=("employment", "telecom", "information_means"))


def categorise_new_poor(actors: Actors, day: dt.date) -> int:
    """Households a review has just made poor are placed by their ward in one of the plan's
    groups from their members (social-protection or disabled members, children in school, else
    no labour capacity), so that no poor household is left "liftable" (DOMAIN.md §1)."""
    homes = (Household.objects.filter(is_deleted=False, group="other", assessments__result_class=PovertyClass.POOR,
                                      assessments__superseded_by__isnull=True)
             .distinct().prefetch_related("members").order_by("code"))
    n = 0
    for household in homes:
        members = list(household.members.all())
        if any(m.social_allowance or m.has_disability for m in members):
            group = "dependants_social"
        elif any(m.schooling == "attending" for m in members):
            group = "dependants_school"
        else:
            group = "no_labour"
        with clock(day):
            household_services.household_update(actor=actors.officer(household.unit), household=household,
                                                expected_version=household.version, group=group)
        n += 1
    return n


# --- After the reorganisation: ward totals, the 2026 plan and its actions -------------------------

def ward_figures(actors: Actors, year: int) -> None:
    """The four wards' household totals: in 2025 the sum of their former units', in 2026 a little
    more (recorded by TNMT in July 2025 and in January 2026)."""
    totals = {}
    for name in WARDS:
        unit = ward(name)
        former = sum(UnitYearFigures.objects.filter(unit__successor=unit, year=2025)
                     .values_list("total_households", flat=True))
        totals[unit] = former if year == 2025 else round(former * GROWTH_2026)
    with clock(dt.date(2025, 7, 15) if year == 2025 else dt.date(2026, 1, 10)):
        unit_year_figures_save(actor=actors.tnmt, year=year, totals=totals)


def plan_2026(actors: Actors) -> None:
    """The 2026 plan (January 2026): households registered to leave near-poverty in 2026, the
    targets per ward that count them, the quotas, and the support actions that follow."""
    if Plan.objects.filter(year=2026).exists():
        return
    jan1 = dt.date(2026, 1, 1)
    day = PLAN_2026["document_date"]
    ward_figures(actors, 2026)
    agencies = {a.code: a for a in Agency.objects.all()}
    chosen: list[tuple[str, Household]] = []
    for name in WARDS:
        near = list(in_class_on(Household.objects.filter(is_deleted=False, unit=ward(name),
                                                         registered_exit_year__isnull=True),
                                jan1, [PovertyClass.NEAR_POOR]).order_by("code"))
        rng = random.Random(f"{demo_campaigns.SEED}-plan-2026-{name}")
        rng.shuffle(near)
        chosen += [(name, h) for h in sorted(near[:TARGETS_2026[name][1]], key=lambda h: h.code)]
    with clock(day):
        for _name, household in chosen:
            household_services.household_update(actor=actors.tnmt, household=household,
                                                expected_version=household.version, registered_exit_year=2026)
        plan = target_services.plan_save(actor=actors.tnmt, year=2026, **PLAN_2026)
        target_services.unit_targets_save(actor=actors.tnmt, plan=plan,
                                          targets={ward(n): t for n, t in TARGETS_2026.items()})
        target_services.quotas_save(actor=actors.tnmt, plan=plan, quotas={
            ("livelihood", "near_poor"): (len(chosen), len(chosen)),
            ("housing", "poor"): (2, 2),
        })
        # Livelihood means for every household registered to leave; two houses repaired.
        for i, (name, household) in enumerate(chosen):
            ward_agency = agencies[f"ubnd-{ward(name).code}-{REORGANISATION.isoformat()}"]
            action_create(
                actor=actors.tnmt, household=household, kind="livelihood",
                description="Hỗ trợ phương tiện sinh kế: 01 con bò cái giống" if i % 2 else
                "Hỗ trợ phương tiện sinh kế: 01 máy may công nghiệp",
                quantity=1, lead_agency=agencies["mttq"], coordinating_agencies=[ward_agency, agencies["tnmt"]],
                funding_source="fund_for_poor", amount=15_000_000 if i % 2 else 8_000_000, plan_year=2026,
                planned_date=dt.date(2026, 2 + i % 3, 1), notes=NOTE)
        # Job placement for the same households in the autumn: under way or planned at the end.
        for i, (name, household) in enumerate(chosen[:4]):
            ward_agency = agencies[f"ubnd-{ward(name).code}-{REORGANISATION.isoformat()}"]
            action_create(
                actor=actors.tnmt, household=household, kind="job_placement",
                description="Tư vấn, giới thiệu việc làm phù hợp cho lao động của hộ", quantity=1,
                lead_agency=ward_agency, coordinating_agencies=[agencies["tnmt"], agencies["hoi-doan-the"]],
                funding_source="other", amount=0, plan_year=2026, planned_date=dt.date(2026, 9 + i, 15), notes=NOTE)
        poor = list(in_class_on(Household.objects.filter(is_deleted=False), jan1, [PovertyClass.POOR])
                    .filter(group="no_labour").order_by("code")[::40][:2])
        for household in poor:
            ward_agency = Agency.objects.filter(unit=household.unit).first()
            action_create(
                actor=actors.tnmt, household=household, kind="housing_repair", description="Sửa chữa nhà ở xuống cấp",
                quantity=1, lead_agency=agencies["mttq"],
                coordinating_agencies=[a for a in (ward_agency, agencies["tnmt"]) if a is not None],
                funding_source="fund_for_poor", amount=30_000_000, plan_year=2026,
                planned_date=dt.date(2026, 3, 15), notes=NOTE)


# --- The story ------------------------------------------------------------------------------------

@transaction.atomic
def _month(actors: Actors, year: int, month: int, until: dt.date) -> None:
    """One month of the story, in one transaction: its reviews and support, the December 2025
    annual review, the January 2026 plan, then the month's reports."""
    if (year, month) == (2026, 1):
        plan_2026(actors)
    if (year, month) >= (2025, 7):
        reviews_of_month(actors, year, month, until)
        progress_support(actors, year, month, until)
    if (year, month) == (2025, 12):
        review_day = dt.date(2025, 12, 14)
        with clock(review_day):
            demo_campaigns.build_decided_review(2025, review_day, actors.tnmt)
        categorise_new_poor(actors, review_day)
    report_month(actors, year, month, until)


def month_done(year: int, month: int) -> bool:
    units = units_valid_on(month_end(year, month))
    return MonthlyReport.objects.filter(year=year, month=month, unit__in=units).count() == len(units)


@transaction.atomic
def reorganise(until: dt.date) -> None:
    """The recorded 1 July 2025 reorganisation, through its service (``load_reference`` carries
    out the reorganisations in force), and the wards' 2025 household totals."""
    with clock(REORGANISATION):
        load_reference(today=until)
    if not UnitYearFigures.objects.filter(unit__valid_from=REORGANISATION, year=2025).exists():
        ward_figures(Actors(), 2025)


def run(until: dt.date) -> dict:
    """Let time pass from 1 January 2025 to ``until`` (from 01/07/2025; at most 31/12/2026) on the
    demo register; returns how many months were added and the review in progress."""
    until = min(until, LAST_DAY)
    done = {"months": 0, "campaigns": None}
    for year, month in months((2025, 1), last_complete_month(until)):
        if (year, month) == (2025, 7):  # the first half's reports were made in the 12 units
            reorganise(until)
        if month_done(year, month):
            continue
        _month(Actors(), year, month, until)
        done["months"] += 1
    reorganise(until)  # also when July 2025 is not over yet; a second time changes nothing
    if until >= dt.date(2026, 9, 15):
        with clock(until):
            done["campaigns"] = demo_campaigns.build_campaigns(until, Actors().tnmt)
        categorise_new_poor(Actors(), until)
    return done
