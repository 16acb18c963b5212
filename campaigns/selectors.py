"""Every user-facing read of the reviews, scoped by ``tamky_poverty.scoping.reviews`` (TNMT and
administrators all units, a ward officer its own unit and those it succeeded, agency officers
nothing; outside the scope → 404). Each read that depends on time takes the date it is about.

- The impact of a standard (``impact``): per unit and per household, what the standard makes of
  the register from what is known (``campaigns.rules.outlook``).
- Campaigns: the board per unit, one campaign's facts and steps, its households.
- Applications of the regular review: open, overdue."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from campaigns import rules, territory
from campaigns.models import (
    Application,
    Campaign,
    CampaignHousehold,
    Complaint,
    Survey,
    SurveyIndicator,
    VillageMeeting,
)
from households import derivation
from households import territory as household_territory
from households.models import Assessment, Deprivation, Household, Indicator, Member, PovertyClass, PovertyStandard
from households.selectors import class_on, decision_in_force
from reports.datasets import SYSTEM
from tamky_poverty import scoping
from tamky_poverty.models import AdministrativeUnit

POOR, NEAR_POOR = PovertyClass.POOR, PovertyClass.NEAR_POOR
LISTS = (POOR, NEAR_POOR)
CHUNK = 1000


def _sees_all(actor) -> bool:
    return actor is SYSTEM or scoping.scope_for(actor).sees_all


def require_reviews(actor) -> None:
    """Agency officers (and anyone without a unit or the whole city) see nothing of the reviews."""
    if actor is not SYSTEM and not scoping.takes_part_in_reviews(actor):
        raise Http404


def _scoped(actor, qs: QuerySet, unit_field: str = "unit") -> QuerySet:
    return qs if actor is SYSTEM else scoping.reviews(actor, qs, unit_field)


def units_for(*, actor, day: dt.date) -> list[AdministrativeUnit]:
    """Units valid on ``day`` whose reviews the actor may read (an officer: the ward their unit
    is, or became, on that day)."""
    require_reviews(actor)
    mapped = territory.units_on(day)
    ids = mapped.keys() if _sees_all(actor) else scoping.scope_for(actor).unit_ids
    units = {mapped[pk].pk: mapped[pk] for pk in ids if pk in mapped and mapped[pk].is_valid_on(day)}
    return sorted(units.values(), key=lambda u: (u.kind != AdministrativeUnit.Kind.WARD, u.name))


def unit_for(*, actor, unit_id, day: dt.date) -> AdministrativeUnit | None:
    """The unit asked for, valid on ``day`` and within scope (else 404); None for none asked."""
    if unit_id in (None, ""):
        return None
    units = {u.pk: u for u in units_for(actor=actor, day=day)}
    try:
        return units[int(unit_id)]
    except (KeyError, TypeError, ValueError):
        raise Http404 from None


def standards() -> list[PovertyStandard]:
    return list(PovertyStandard.objects.order_by("year_from"))


def indicators_of(standard: PovertyStandard) -> list[Indicator]:
    return list(Indicator.objects.filter(standard=standard).order_by("number"))


# --- the impact of a standard -----------------------------------------------------------------

@dataclass
class HouseholdImpact:
    household_id: int
    code: str
    village: str
    head_name: str
    unit: AdministrativeUnit
    class_before: str
    outlook: rules.Outlook
    priority: int

    def status(self, cls: str) -> str:
        return self.outlook.status(cls)

    @property
    def class_before_label(self) -> str:
        return str(PovertyClass(self.class_before).label)

    def change(self, cls: str) -> str:
        return rules.list_change(self.class_before == cls, self.outlook.status(cls))


@dataclass
class ListImpact:
    before: int = 0
    certain: int = 0
    possible: int = 0
    not_: int = 0
    changes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(rules.CHANGE_LABELS, 0))

    def add(self, before: bool, status: str) -> None:
        self.before += before
        if status == rules.CERTAIN:
            self.certain += 1
        elif status == rules.POSSIBLE:
            self.possible += 1
        else:
            self.not_ += 1
        self.changes[rules.list_change(before, status)] += 1


@dataclass
class UnitImpact:
    unit: AdministrativeUnit | None  # None: the total
    register: int = 0
    lists: dict[str, ListImpact] = field(default_factory=lambda: {c: ListImpact() for c in LISTS})
    priorities: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})

    def add(self, h: HouseholdImpact) -> None:
        self.register += 1
        for cls in LISTS:
            self.lists[cls].add(h.class_before == cls, h.outlook.status(cls))
        self.priorities[h.priority] += 1


@dataclass
class Impact:
    standard: PovertyStandard
    day: dt.date
    units: list[UnitImpact]
    total: UnitImpact
    households: list[HouseholdImpact]
    unit: AdministrativeUnit | None = None


def _recorded(rows) -> dict[int, dict[str, rules.RecordedIndicator]]:
    out: dict[int, dict[str, rules.RecordedIndicator]] = defaultdict(dict)
    for owner, code, deprived, suggested, reason in rows:
        out[owner][code] = rules.RecordedIndicator(deprived, overridden=suggested is not None and suggested != deprived
                                                   and bool(reason))
    return out


def household_outlooks(households: QuerySet, standard: PovertyStandard, day: dt.date) -> Iterator[HouseholdImpact]:
    """What ``standard`` makes of each household of ``households`` on ``day``, from what is known
    then, in chunks (a fixed number of queries per thousand households):

    1. a decision in force on ``day`` made under ``standard``: its class is the result;
    2. else the latest survey for a list of ``standard`` effective on ``day``: every indicator and
       the income are known, so the class is certain (a survey, not yet decided);
    3. else the decision in force on ``day`` under another standard: its income and indicators,
       with the indicators member data can give re-derived with ages on ``day``; the new
       standard's other indicators are unknown;
    4. no decision at all: the income is unknown, every class is possible.

    The class before is the one in force the day before ``day``; the area kind is that of the
    household's unit valid on ``day``."""
    indicators = indicators_of(standard)
    codes = [i.code for i in indicators]
    names = {i.code: i.short_name or i.name for i in indicators}
    derivable = {i.code for i in indicators if i.derivable}
    units = territory.units_on(day)
    before = day - dt.timedelta(days=1)
    heads = Member.objects.filter(household=OuterRef("pk"), relation=Member.Relation.HEAD).order_by()
    base = (
        households.order_by()
        .annotate(in_force=Subquery(decision_in_force(day).values("id")[:1]),
                  class_before=Coalesce(class_on(before), Value(PovertyClass.NONE)),
                  head_name=Subquery(heads.values("full_name")[:1]))
        .values_list("pk", "code", "village", "unit_id", "floor_area_m2", "in_force", "class_before", "head_name")
    )
    rows = list(base)
    areas = household_territory.AreaResolver([r[0] for r in rows])
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        ids = [r[0] for r in chunk]
        decision_ids = [r[5] for r in chunk if r[5]]
        decisions = {a["id"]: a for a in Assessment.objects.filter(id__in=decision_ids).values(
            "id", "standard_id", "income_per_capita", "result_class", "explanation", "effective_date",
            "decision_number")}
        recorded = _recorded(Deprivation.objects.filter(assessment_id__in=decision_ids).values_list(
            "assessment_id", "indicator__code", "deprived", "suggested", "override_reason"))
        surveys: dict[int, dict] = {}
        for s in (Survey.objects.filter(household_id__in=ids, standard=standard, effective_date=day)
                  .order_by("survey_date", "id").values("id", "household_id", "income_per_capita", "survey_date")):
            surveys[s["household_id"]] = s
        survey_rows = _recorded(SurveyIndicator.objects.filter(survey_id__in=[s["id"] for s in surveys.values()])
                                .values_list("survey_id", "indicator__code", "deprived", "suggested",
                                             "override_reason"))
        members: dict[int, list[derivation.MemberFacts]] = defaultdict(list)
        needs_members = [r[0] for r in chunk if r[0] not in surveys and r[5]
                         and decisions[r[5]]["standard_id"] != standard.pk]
        if derivable and needs_members:
            for m in Member.objects.filter(household_id__in=needs_members).order_by().values(
                    "household_id", "date_of_birth", "has_health_insurance", "schooling", "highest_diploma",
                    "has_disability", "social_allowance"):
                hid = m.pop("household_id")
                members[hid].append(derivation.MemberFacts(**m))
        for pk, code, village, unit_id, floor_area, in_force, class_before, head_name in chunk:
            unit = units[unit_id]
            area_kind = areas.area_of(pk, unit, day).kind
            decision = decisions.get(in_force) if in_force else None
            if decision and decision["standard_id"] == standard.pk:
                o = rules.decided_outlook(
                    decision["result_class"], decision["explanation"],
                    _("Quyết định số %(decision_number)s có hiệu lực %(effective_date)s") % {"decision_number": decision['decision_number'], "effective_date": f"{decision['effective_date']:%d/%m/%Y}"})
            elif pk in surveys:
                s = surveys[pk]
                known = rules.known_indicators(codes, survey_rows.get(s["id"], {}), {})
                o = rules.outlook(standard, area_kind, s["income_per_capita"], known.deprived, known.unknown,
                                  names, source=_("Theo phiếu khảo sát ngày %(survey_date)s (chưa có quyết định)") % {"survey_date": f"{s['survey_date']:%d/%m/%Y}"})
            elif decision:
                suggestions = {}
                if pk in members:
                    suggestions = {c: s.deprived for c, s in
                                   derivation.suggest(members[pk], floor_area, day).items() if c in derivable}
                known = rules.known_indicators(codes, recorded.get(in_force, {}), suggestions)
                o = rules.outlook(standard, area_kind, decision["income_per_capita"], known.deprived, known.unknown,
                                  names, source=_("Từ quyết định số %(decision_number)s (hiệu lực %(effective_date)s) và dữ liệu thành viên") % {"decision_number": decision['decision_number'], "effective_date": f"{decision['effective_date']:%d/%m/%Y}"})
            else:
                o = rules.outlook(standard, area_kind, None, (), codes, names)
            yield HouseholdImpact(
                household_id=pk, code=code, village=village, head_name=head_name or "", unit=unit,
                class_before=class_before, outlook=o, priority=rules.survey_priority(class_before, o))


def _sort_key(h: HouseholdImpact):
    return (h.unit.kind != AdministrativeUnit.Kind.WARD, h.unit.name, h.village, h.code)


def impact(*, actor, standard: PovertyStandard, day: dt.date, unit: AdministrativeUnit | None = None) -> Impact:
    """What ``standard`` applied on ``day`` makes of the register the actor may read, per unit
    valid on ``day`` (and for ``unit`` only, when given). For every unit and each list, the
    certain + possible + not counts add up to the unit's register."""
    require_reviews(actor)
    qs = _scoped(actor, Household.objects.filter(is_deleted=False))
    if unit is not None:
        qs = qs.filter(unit_id__in=territory.family_ids(unit, day))
    households = sorted(household_outlooks(qs, standard, day), key=_sort_key)
    per_unit: dict[int, UnitImpact] = {u.pk: UnitImpact(u) for u in
                                       ([unit] if unit is not None else units_for(actor=actor, day=day))}
    total = UnitImpact(None)
    for h in households:
        per_unit.setdefault(h.unit.pk, UnitImpact(h.unit)).add(h)
        total.add(h)
    rows = sorted(per_unit.values(), key=lambda r: (r.unit.kind != AdministrativeUnit.Kind.WARD, r.unit.name))
    return Impact(standard=standard, day=day, units=rows, total=total, households=households, unit=unit)


IMPACT_FILTERS = ("poor", "near_poor")


def impact_households(result: Impact, *, unit_id=None, cls: str | None = None, status: str | None = None,
                      change: str | None = None, priority: int | None = None) -> list[HouseholdImpact]:
    """The households behind one number of the impact (the drill-down), survey priority first."""
    out = []
    for h in result.households:
        if unit_id is not None and h.unit.pk != unit_id:
            continue
        if cls in LISTS and status and h.status(cls) != status:
            continue
        if cls in LISTS and change and h.change(cls) != change:
            continue
        if priority is not None and h.priority != priority:
            continue
        out.append(h)
    return sorted(out, key=lambda h: (h.priority, *_sort_key(h)))


# --- campaigns ------------------------------------------------------------------------------

def campaigns_for(*, actor) -> QuerySet:
    require_reviews(actor)
    return _scoped(actor, Campaign.objects.all()).select_related("unit", "standard")


def campaign_get(*, actor, pk) -> Campaign:
    return scoping.get_or_404(campaigns_for(actor=actor), pk=pk)


def campaign_for_change(*, actor, pk) -> Campaign:
    """A campaign whose steps the actor may record (its ward officer, TNMT, administrators)."""
    campaign = campaign_get(actor=actor, pk=pk)
    if actor is not SYSTEM and not scoping.scope_for(actor).can_write_register:
        raise Http404
    return campaign


def review_years(*, actor) -> list[int]:
    return sorted(set(campaigns_for(actor=actor).values_list("review_year", flat=True)), reverse=True)


def _village_facts(campaign_ids: Iterable[int]) -> dict[int, list[rules.VillageFacts]]:
    counts = (CampaignHousehold.objects.filter(campaign_id__in=campaign_ids).order_by()
              .values_list("campaign_id", "household__village")
              .annotate(n=Count("id"), surveyed=Count("survey"), approved=Count("approved_meeting")))
    last: dict[tuple[int, str], VillageMeeting] = {}
    for m in VillageMeeting.objects.filter(campaign_id__in=campaign_ids).order_by("held_on", "id"):
        last[(m.campaign_id, m.village)] = m
    out: dict[int, list[rules.VillageFacts]] = defaultdict(list)
    for cid, village, n, surveyed, approved in counts:
        m = last.get((cid, village))
        out[cid].append(rules.VillageFacts(village=village, households=n, surveyed=surveyed, approved=approved,
                                           last_meeting_on=m.held_on if m else None,
                                           last_meeting_percent=m.agreement_percent if m else None))
    for villages in out.values():
        villages.sort(key=lambda v: v.village)
    return out


def posting_of(campaign):
    try:
        return campaign.posting
    except Campaign.posting.RelatedObjectDoesNotExist:
        return None


def decision_of(campaign):
    try:
        return campaign.decision
    except Campaign.decision.RelatedObjectDoesNotExist:
        return None


def campaign_facts(campaign: Campaign) -> rules.CampaignFacts:
    villages = _village_facts([campaign.pk]).get(campaign.pk, [])
    posting, decision = posting_of(campaign), decision_of(campaign)
    households = sum(v.households for v in villages)
    return rules.CampaignFacts(
        start=campaign.start_date, end=campaign.end_date, households=households,
        surveyed=sum(v.surveyed for v in villages), villages=tuple(villages),
        posting_start=posting.start_date if posting else None, posting_end=posting.end_date if posting else None,
        complaints_open=campaign.complaints.filter(resolved_on__isnull=True).count(),
        decided_on=decision.decision_date if decision else None,
    )


@dataclass
class BoardRow:
    unit: AdministrativeUnit
    campaign: Campaign | None = None
    households: int = 0
    surveyed: int = 0
    approved: int = 0
    villages: int = 0
    villages_approved: int = 0
    complaints_open: int = 0
    stage: str = ""

    @property
    def stage_label(self) -> str:
        return rules.STAGE_LABELS.get(self.stage, _("Chưa mở đợt rà soát"))

    @property
    def posting(self):
        return posting_of(self.campaign) if self.campaign else None

    @property
    def decision(self):
        return decision_of(self.campaign) if self.campaign else None


def _annotated(qs: QuerySet) -> QuerySet:
    return qs.select_related("unit", "posting", "decision").annotate(
        n_entries=Count("entries", distinct=True),
        n_surveyed=Count("entries", filter=Q(entries__survey__isnull=False), distinct=True),
        n_approved=Count("entries", filter=Q(entries__approved_meeting__isnull=False), distinct=True),
        n_villages=Count("entries__household__village", distinct=True),
        n_villages_pending=Count("entries__household__village", filter=Q(entries__approved_meeting__isnull=True),
                                 distinct=True),
        n_complaints_open=Count("complaints", filter=Q(complaints__resolved_on__isnull=True), distinct=True),
    )


def _board_row(c: Campaign, day: dt.date) -> BoardRow:
    posting, decision = posting_of(c), decision_of(c)
    facts = rules.CampaignFacts(
        start=c.start_date, end=c.end_date, households=c.n_entries, surveyed=c.n_surveyed,
        villages=(rules.VillageFacts("", c.n_entries, c.n_surveyed, c.n_approved),),
        posting_start=posting.start_date if posting else None, posting_end=posting.end_date if posting else None,
        complaints_open=c.n_complaints_open, decided_on=decision.decision_date if decision else None)
    return BoardRow(unit=c.unit, campaign=c, households=c.n_entries, surveyed=c.n_surveyed, approved=c.n_approved,
                    villages=c.n_villages, villages_approved=c.n_villages - c.n_villages_pending,
                    complaints_open=c.n_complaints_open, stage=rules.campaign_stage(facts, day))


def campaign_board(*, actor, review_year: int, day: dt.date) -> list[BoardRow]:
    """Per unit valid at the start of the year's review: its campaign's progress on ``day`` —
    households to review, surveyed, approved by a village meeting (and villages), posting,
    open complaints, decision (a fixed number of queries)."""
    start, _end, _eff = rules.default_schedule(review_year)
    campaigns = {c.unit_id: c for c in _annotated(campaigns_for(actor=actor).filter(review_year=review_year))}
    rows = {}
    for unit in units_for(actor=actor, day=start):
        rows[unit.pk] = BoardRow(unit=unit)
    for unit_id, c in campaigns.items():
        rows[unit_id] = _board_row(c, day)
    return sorted(rows.values(), key=lambda r: (r.unit.kind != AdministrativeUnit.Kind.WARD, r.unit.name))


def dashboard_block(*, actor, day: dt.date) -> dict | None:
    """The compact campaign block of the dashboard: the latest review year with a campaign (this
    year or last) in one query; None for those who take no part in reviews."""
    if actor is not SYSTEM and not scoping.takes_part_in_reviews(actor):
        return None
    qs = _annotated(_scoped(actor, Campaign.objects.all()).filter(review_year__gte=day.year - 1))
    campaigns = list(qs.order_by("unit__kind", "unit__name"))
    if not campaigns:
        return {"year": None, "rows": []}
    year = max(c.review_year for c in campaigns)
    rows = [_board_row(c, day) for c in campaigns if c.review_year == year]
    return {"year": year, "rows": rows, "decided": sum(1 for r in rows if r.stage == "decided")}


def campaign_entries(*, campaign: Campaign) -> list[CampaignHousehold]:
    """The households of a campaign with their survey, meeting and decision (four queries)."""
    heads = Member.objects.filter(household=OuterRef("household_id"), relation=Member.Relation.HEAD).order_by()
    return list(
        campaign.entries.select_related("household", "survey", "approved_meeting", "assessment")
        .annotate(head_name=Subquery(heads.values("full_name")[:1]))
        .prefetch_related(Prefetch("complaints", queryset=Complaint.objects.filter(resolved_on__isnull=True),
                                   to_attr="open_complaints"))
        .order_by("household__village", "household__code")
    )


def document_entries(*, campaign: Campaign, village: str | None = None) -> list[CampaignHousehold]:
    """The households of a campaign (or of one village) as the documents list them: head, number
    of members, survey with its deprived indicators, decision (four queries)."""
    heads = Member.objects.filter(household=OuterRef("household_id"), relation=Member.Relation.HEAD).order_by()
    members = (Member.objects.filter(household=OuterRef("household_id")).order_by().values("household")
               .annotate(n=Count("pk")).values("n"))
    qs = campaign.entries.select_related("household", "survey", "assessment").annotate(
        head_name=Subquery(heads.values("full_name")[:1]), member_count=Subquery(members))
    if village is not None:
        qs = qs.filter(household__village=village)
    entries = list(qs.order_by("household__village", "household__code"))
    names: dict[int, list[str]] = defaultdict(list)
    for survey_id, short, name in (SurveyIndicator.objects.filter(
            survey_id__in=[e.survey_id for e in entries if e.survey_id], deprived=True)
            .order_by("indicator__number").values_list("survey_id", "indicator__short_name", "indicator__name")):
        names[survey_id].append(short or name)
    for e in entries:
        e.deprived_names = names.get(e.survey_id, [])
    return entries


def entry_get(*, campaign: Campaign, pk) -> CampaignHousehold:
    return scoping.get_or_404(campaign.entries.select_related("household", "household__unit", "survey"), pk=pk)


def survey_indicators(*, survey: Survey | None) -> list[SurveyIndicator]:
    if survey is None:
        return []
    return list(survey.indicators.select_related("indicator").order_by("indicator__number"))


def meetings_of(*, campaign: Campaign) -> list[VillageMeeting]:
    return list(campaign.meetings.select_related("recorded_by").annotate(n_households=Count("households"))
                .order_by("village", "held_on", "id"))


def meeting_get(*, actor, pk) -> VillageMeeting:
    require_reviews(actor)
    qs = _scoped(actor, VillageMeeting.objects.select_related("campaign", "campaign__unit"), "campaign__unit")
    return scoping.get_or_404(qs, pk=pk)


def complaints_of(*, campaign: Campaign) -> list[Complaint]:
    return list(campaign.complaints.select_related("entry", "entry__household").order_by("received_on", "id"))


def complaint_get(*, actor, pk) -> Complaint:
    require_reviews(actor)
    qs = _scoped(actor, Complaint.objects.select_related("campaign", "campaign__unit"), "campaign__unit")
    return scoping.get_or_404(qs, pk=pk)


def household_in_campaign_unit(*, actor, campaign: Campaign, code: str) -> Household | None:
    """A household of the campaign's unit (or a unit it succeeded) by its code, within scope."""
    family = territory.family_ids(campaign.unit, campaign.start_date)
    qs = _scoped(actor, Household.objects.filter(is_deleted=False, unit_id__in=family))
    return qs.filter(code=(code or "").strip()).select_related("unit").first()


# --- applications (regular review) ------------------------------------------------------------

APPLICATION_FILTERS = ("open", "overdue", "decided", "withdrawn", "all")


def applications_for(*, actor, day: dt.date, status: str = "open") -> list[Application]:
    """Applications the actor may read, with their deadline; ``status`` "overdue" keeps the open
    ones past their 15-day deadline on ``day``."""
    require_reviews(actor)
    heads = Member.objects.filter(household=OuterRef("household_id"), relation=Member.Relation.HEAD).order_by()
    qs = (_scoped(actor, Application.objects.filter(household__is_deleted=False), "household__unit")
          .select_related("household", "household__unit", "assessment")
          .annotate(head_name=Subquery(heads.values("full_name")[:1])))
    if status in ("open", "overdue"):
        qs = qs.filter(status=Application.Status.OPEN)
    elif status in ("decided", "withdrawn"):
        qs = qs.filter(status=status)
    if status == "overdue":
        qs = qs.filter(received_on__lt=day - dt.timedelta(days=rules.APPLICATION_DEADLINE_DAYS))
    return list(qs.order_by("received_on", "id"))


def application_get(*, actor, pk) -> Application:
    require_reviews(actor)
    qs = _scoped(actor, Application.objects.filter(household__is_deleted=False), "household__unit")
    return scoping.get_or_404(qs.select_related("household", "household__unit", "assessment", "survey"), pk=pk)


def household_for_application(*, actor, code: str, unit_id=None) -> Household | None:
    qs = _scoped(actor, Household.objects.filter(is_deleted=False)).filter(code=(code or "").strip())
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    found = list(qs.select_related("unit")[:2])
    return found[0] if len(found) == 1 else None


def overdue_count(*, actor, day: dt.date) -> int:
    if actor is not SYSTEM and not scoping.takes_part_in_reviews(actor):
        return 0
    return (_scoped(actor, Application.objects.filter(household__is_deleted=False), "household__unit")
            .filter(status=Application.Status.OPEN,
                    received_on__lt=day - dt.timedelta(days=rules.APPLICATION_DEADLINE_DAYS)).count())
