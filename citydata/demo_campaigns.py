"""The annual review in progress, for the demo: ``build_campaigns(today, actor)``.

On a register whose households sit in the units valid at the start of the review (the four
wards of Đà Nẵng since 1 July 2025), it opens the review of the year of ``today`` for every such
unit and takes each one as far as the date allows, through the same services the pages use:

- all units but the last two: surveyed, met (one village first below 50 % and again), posted, a
  complaint resolved, **decided** by the chairman (every household recorded through the
  classification rule, lists effective 1 January of the next year under the standard then —
  NĐ 351/2025 for 2027);
- the second-to-last unit: surveyed, met, **posting** in progress with one complaint open;
- the last unit: **still surveying** (about half of its households surveyed).

Units are taken in the order of their statistical codes (Bàn Thạch, Tam Kỳ decided; Hương Trà
posting; Quảng Phú surveying for the four wards). Step dates are spread over the review period
up to ``today`` (never after it), so the function works for any day from 15 September to the end
of the year. It also records a few applications of the regular review: one decided today, one
recent and **one past its 15-day deadline**.

Deterministic for a given ``today`` and register (seeded by household codes), in one
transaction, and idempotent: when the year's campaigns exist it changes nothing. It refuses (and
changes nothing) when the next year's lists were already recorded otherwise, when no standard
covers the next year, or before 15 September."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from campaigns import rules, selectors, services, territory
from campaigns.models import Application, Campaign
from households.models import Assessment, Household, PovertyClass
from households.selectors import in_class_on
from households.services import suggestions_for
from reports.datasets import SYSTEM
from tamky_poverty.models import AdministrativeUnit

SEED = 2026
EARLIEST = (9, 15)
NEW_INDICATOR_ODDS = {"waste_treatment": 0.2, "internet_access": 0.3, "digital_services": 0.45}
SIGNERS = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Quang Minh", "Phạm Đức Thắng", "Võ Thị Thu"]


@dataclass
class CampaignDemo:
    year: int | None
    created: bool
    stages: dict[str, str] = field(default_factory=dict)
    applications: int = 0
    overdue: int = 0
    reason: str = ""


def review_year(today: dt.date) -> int | None:
    return today.year if today >= dt.date(today.year, *EARLIEST) else None


class _Timeline:
    """Dates spread over the review period from its start to ``today`` (or its end)."""

    def __init__(self, campaign: Campaign, today: dt.date):
        self.start = campaign.start_date
        self.last = min(today, campaign.end_date)
        self.span = (self.last - self.start).days

    def at(self, fraction: float) -> dt.date:
        return self.start + dt.timedelta(days=round(fraction * self.span))


def _survey(actor, entry, day: dt.date, today: dt.date, campaign: Campaign,
            income_change: tuple[float, float] = (0.95, 1.45)) -> None:
    """Indicators of the campaign's standard from what the household's last decision recorded
    (shared indicators), member data (derivable ones) and a seeded draw for the new ones; the
    income from the last decision with a seeded change."""
    household = entry.household
    rng = random.Random(f"{SEED}-{household.code}")
    last = (Assessment.objects.filter(household=household, superseded_by__isnull=True,
                                      effective_date__lte=campaign.effective_date)
            .order_by("-effective_date", "-id").first())
    recorded = set(last.deprivations.filter(deprived=True).values_list("indicator__code", flat=True)) if last else set()
    suggestions = suggestions_for(household, campaign.effective_date)
    listed = last is not None and last.result_class in (PovertyClass.POOR, PovertyClass.NEAR_POOR)
    indicators = {}
    for ind in selectors.indicators_of(campaign.standard):
        if ind.code in suggestions:
            indicators[ind.code] = suggestions[ind.code].deprived
        elif ind.code in NEW_INDICATOR_ODDS:
            indicators[ind.code] = rng.random() < NEW_INDICATOR_ODDS[ind.code] * (1 if listed else 0.3)
        else:
            indicators[ind.code] = ind.code in recorded
    base = last.income_per_capita if last else rng.randrange(1_500_000, 3_500_000)
    income = round(base * rng.uniform(*income_change), -4)
    services.campaign_survey_record(actor=actor, entry=entry, survey_date=day, income_per_capita=int(income),
                                    indicators=indicators, proxy_score=None, today=today,
                                    notes="Dữ liệu minh hoạ (demo).")


def _survey_all(actor, campaign, today, timeline, share=1.0, start=0.05, end=0.35, income_change=(0.95, 1.45)):
    entries = list(campaign.entries.select_related("household").order_by("household__village", "household__code"))
    chosen = entries[:round(len(entries) * share)]
    for i, entry in enumerate(chosen):
        day = timeline.at(start + (end - start) * i / max(len(chosen) - 1, 1))
        _survey(actor, entry, day, today, campaign, income_change)
    return chosen


def _villages(campaign) -> list[str]:
    return sorted(set(campaign.entries.values_list("household__village", flat=True)))


def _meet(actor, campaign, today, day, rng, first_fails=False):
    for i, village in enumerate(_villages(campaign)):
        if first_fails and i == 0:
            services.meeting_record(actor=actor, campaign=campaign, village=village, held_on=day - dt.timedelta(days=1),
                                    attendees=rng.randrange(25, 60), agreement_percent="45.00",
                                    chaired_by="Trưởng thôn", today=today,
                                    minutes_text="Hội nghị chưa thống nhất (45 % đồng ý); họp lại sau khi rà soát thêm.")
        services.meeting_record(actor=actor, campaign=campaign, village=village, held_on=day,
                                attendees=rng.randrange(25, 60), agreement_percent=f"{rng.uniform(62, 96):.2f}",
                                chaired_by="Trưởng thôn", today=today,
                                minutes_text=f"Hội nghị bình xét {rules.village_label(village)}: thống nhất danh sách.")


def _applications(actor, units, today) -> int:
    """One decided today, one recent, one overdue (received 25 days ago)."""
    family = {u.pk: territory.family_ids(u, today) for u in units}
    homes = Household.objects.filter(is_deleted=False)
    made = 0
    plan = [(units[-1], 25, Application.Kind.TO_LEAVE, False),   # overdue
            (units[-1], 9, Application.Kind.TO_LEAVE, True),     # decided today
            (units[-2] if len(units) > 1 else units[-1], 4, Application.Kind.TO_LIST, False)]
    used = set()
    for unit, days_ago, kind, decide in plan:
        received = today - dt.timedelta(days=days_ago)
        wanted = [PovertyClass.POOR, PovertyClass.NEAR_POOR] if kind == Application.Kind.TO_LEAVE else [
            PovertyClass.NEAR_POOR]
        candidates = (in_class_on(homes.filter(unit_id__in=family[unit.pk]), received, wanted)
                      .exclude(pk__in=used).order_by("code"))
        household = candidates.first()
        if household is None:
            continue
        used.add(household.pk)
        app = services.application_create(actor=actor, household=household, kind=kind, received_on=received,
                                          applicant="Chủ hộ (demo)", today=today,
                                          content="Hộ đã có việc làm ổn định, đề nghị công nhận thoát nghèo."
                                          if kind == Application.Kind.TO_LEAVE else
                                          "Chủ hộ bị tai nạn lao động, đề nghị xét duyệt hộ nghèo.")
        if decide:
            services.application_decide(actor=actor, application=app, survey_date=today, decision_date=today,
                                        income_per_capita=3_200_000, decision_number="45/QĐ-UBND",
                                        indicators={c: s.deprived for c, s in suggestions_for(household, today).items()},
                                        today=today, notes="Rà soát thường xuyên theo đơn (demo).")
        made += 1
    return made


def _take(actor, campaign: Campaign, stage: str, number: int, today: dt.date,
          income_change: tuple[float, float] = (0.95, 1.45)) -> None:
    """Take one unit's campaign to ``stage`` ("decided", "posting" or "surveying"), with step
    dates spread over the review period up to ``today``."""
    rng = random.Random(f"{SEED}-{campaign.review_year}-{campaign.unit.code}")
    t = _Timeline(campaign, today)
    services.campaign_collect(actor=actor, campaign=campaign, day=t.at(0.02))
    if stage == "surveying":
        services.campaign_collect(actor=actor, campaign=campaign, day=today)  # the applicants too
        _survey_all(actor, campaign, today, t, share=0.5, start=0.2, end=0.9, income_change=income_change)
    elif stage == "posting":
        _survey_all(actor, campaign, today, t, start=0.1, end=0.5, income_change=income_change)
        _meet(actor, campaign, today, t.at(0.6), rng)
        services.posting_record(actor=actor, campaign=campaign, start_date=t.at(0.85),
                                end_date=min(today + dt.timedelta(days=5), campaign.end_date),
                                place=f"Trụ sở UBND {campaign.unit} và nhà văn hoá các khối phố", today=today)
        entry = campaign.entries.select_related("household").order_by("household__code").first()
        services.complaint_record(actor=actor, campaign=campaign, entry=entry, received_on=min(t.at(0.9), today),
                                  complainant="Người dân khối phố (demo)", today=today,
                                  content=f"Đề nghị xem lại thu nhập của hộ {entry.household.code}.")
    else:
        _survey_all(actor, campaign, today, t, start=0.05, end=0.35, income_change=income_change)
        _meet(actor, campaign, today, t.at(0.45), rng, first_fails=number == 1)
        services.posting_record(actor=actor, campaign=campaign, start_date=t.at(0.5), end_date=t.at(0.6),
                                place=f"Trụ sở UBND {campaign.unit} và nhà văn hoá các khối phố", today=today)
        complaint = services.complaint_record(actor=actor, campaign=campaign, received_on=t.at(0.52),
                                              complainant="Người dân (demo)", today=today,
                                              content="Đề nghị công khai tiêu chí rà soát.")
        services.complaint_resolve(actor=actor, complaint=complaint, resolved_on=t.at(0.56), today=today,
                                   resolution="Đã giải thích các chỉ số của chuẩn nghèo tại khối phố.")
        services.campaign_decide(actor=actor, campaign=campaign, number=f"{100 + number}/QĐ-UBND",
                                 decision_date=t.at(0.7), signer=SIGNERS[number % len(SIGNERS)], today=today)


def _units_with_households(start: dt.date) -> list[AdministrativeUnit]:
    return [u for u in AdministrativeUnit.objects.valid_on(start).order_by("code")
            if Household.objects.filter(is_deleted=False, unit_id__in=territory.family_ids(u, start)).exists()]


@transaction.atomic
def build_decided_review(year: int, today: dt.date, actor) -> CampaignDemo:
    """A past annual review, every unit decided by ``today`` (the lists of 1 January of the next
    year): the demo's 2025 review giving the 2026 lists. Incomes change less than in the review
    in progress (a year of ordinary change). Idempotent: nothing when the year's campaigns exist."""
    if Campaign.objects.filter(review_year=year).exists():
        return CampaignDemo(year=year, created=False, reason="Đã có các đợt rà soát của năm.")
    start, _end, _effective = rules.default_schedule(year)
    units = _units_with_households(start)
    result = CampaignDemo(year=year, created=True)
    for number, campaign in enumerate(services.campaigns_open(actor=actor, review_year=year, units=units), start=1):
        _take(actor, campaign, "decided", number, today, income_change=(0.97, 1.12))
        result.stages[campaign.unit.name] = "decided"
    return result


@transaction.atomic
def build_campaigns(today: dt.date, actor) -> CampaignDemo:
    year = review_year(today)
    if year is None:
        return CampaignDemo(year=None, created=False, reason="Chưa đến kỳ rà soát định kỳ (từ 15/9).")
    if Campaign.objects.filter(review_year=year).exists():
        return CampaignDemo(year=year, created=False, reason="Đã có các đợt rà soát của năm.")
    start, _end, effective = rules.default_schedule(year)
    if Assessment.objects.filter(effective_date=effective).exists():
        return CampaignDemo(year=year, created=False, reason="Danh sách năm sau đã được ghi nhận.")
    units = _units_with_households(start)
    if not units:
        return CampaignDemo(year=year, created=False, reason="Không có đơn vị nào có hộ.")
    result = CampaignDemo(year=year, created=True)
    result.applications = _applications(actor, units, today)
    campaigns = services.campaigns_open(actor=actor, review_year=year, units=units)  # standard_on(effective)
    stages = ["decided"] * max(len(units) - 2, 0) + ["posting", "surveying"][-min(len(units), 2):]
    for number, (campaign, stage) in enumerate(zip(campaigns, stages, strict=True), start=1):
        _take(actor, campaign, stage, number, today)
        result.stages[campaign.unit.name] = stage
    result.overdue = selectors.overdue_count(actor=SYSTEM, day=today)
    return result
