"""Every write of the review procedure. Keyword-only, one transaction each, ``full_clean()``
before saving, audit history attributed to ``actor``. Each takes ``today`` (the day the record
is made, from the caller's edge) where a rule depends on it; the procedure's order and
conditions are ``campaigns.rules``.

Decisions are recorded only through ``households.services.assessment_record`` (the
classification rule, the movement, the household's history). ``campaign_decide`` records every
household of a campaign in one transaction: all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from campaigns import rules, selectors, territory
from campaigns.models import (
    Application,
    Campaign,
    CampaignDecision,
    CampaignHousehold,
    Complaint,
    Posting,
    Survey,
    SurveyIndicator,
    VillageMeeting,
)
from households import classification, derivation
from households import territory as household_territory
from households.models import Assessment, Household, Indicator, PovertyClass, PovertyStandard
from households.selectors import class_on, in_class_on
from households.services import IndicatorInput, assessment_record, suggestions_for
from households.standards import standard_on
from tamky_poverty.models import AdministrativeUnit

POOR, NEAR_POOR = PovertyClass.POOR, PovertyClass.NEAR_POOR
EARLIEST = dt.date(2000, 1, 1)

# Minutes of a village meeting: scans or PDFs, checked by their first bytes as well as the name.
MINUTES_TYPES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
MINUTES_MAX_BYTES = 10 * 1024 * 1024


def _attribute(obj, actor, reason: str = ""):
    obj._history_user = actor if getattr(actor, "pk", None) else None
    if reason:
        obj._change_reason = reason


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _save(obj, actor, reason: str = ""):
    obj.full_clean()
    _attribute(obj, actor, reason)
    obj.save()
    return obj


def _date_checks(field: str, day: dt.date, campaign: Campaign | None, today: dt.date, what: str) -> None:
    if day < EARLIEST:
        raise ValidationError({field: _("%(w)s không hợp lệ.") % {"w": what}})
    if day > today:
        raise ValidationError({field: _("%(w)s không được ở tương lai.") % {"w": what}})
    if campaign is not None and not rules.within(day, campaign.start_date, campaign.end_date):
        raise ValidationError({field: _("%(w)s phải trong thời gian rà soát (%(s)s – %(e)s).") % {
            "w": what, "s": f"{campaign.start_date:%d/%m/%Y}", "e": f"{campaign.end_date:%d/%m/%Y}"}})


def _locked_campaign(campaign: Campaign) -> Campaign:
    """The campaign row locked for this transaction; refused once decided."""
    campaign = Campaign.objects.select_for_update().select_related("unit", "standard").get(pk=campaign.pk)
    if CampaignDecision.objects.filter(campaign=campaign).exists():
        raise ValidationError(_("Đợt rà soát đã có quyết định công nhận danh sách; không thể thay đổi."))
    return campaign


# --- campaigns and their schedule -----------------------------------------------------------

def _check_schedule(campaign: Campaign, start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError({"end_date": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    if start.year != campaign.review_year or end >= campaign.effective_date:
        raise ValidationError({"start_date": _(
            "Lịch rà soát phải nằm trong năm %(y)s, trước ngày danh sách có hiệu lực (%(d)s).") % {
            "y": campaign.review_year, "d": f"{campaign.effective_date:%d/%m/%Y}"}})


@transaction.atomic
def campaign_open(*, actor, unit: AdministrativeUnit, review_year: int, start_date: dt.date | None = None,
                  end_date: dt.date | None = None) -> Campaign:
    """Open the annual review of ``unit`` in ``review_year``: schedule 1 September – 14 December
    unless given, the list effective 1 January of the next year, under the standard in force
    then (``households.standards.standard_on``)."""
    default_start, default_end, effective = rules.default_schedule(review_year)
    start, end = start_date or default_start, end_date or default_end
    if not unit.is_valid_on(start):
        raise ValidationError({"unit": _("%(u)s không tồn tại vào ngày %(d)s.") % {"u": unit, "d": f"{start:%d/%m/%Y}"}})
    if Campaign.objects.filter(unit=unit, review_year=review_year).exists():
        raise ValidationError({"unit": _("%(u)s đã có đợt rà soát năm %(y)s.") % {"u": unit, "y": review_year}})
    campaign = Campaign(unit=unit, review_year=review_year, effective_date=effective, start_date=start, end_date=end,
                        standard=standard_on(effective), opened_by=_user(actor))
    _check_schedule(campaign, start, end)
    return _save(campaign, actor)


@transaction.atomic
def campaigns_open(*, actor, review_year: int, units=None, start_date: dt.date | None = None,
                   end_date: dt.date | None = None) -> list[Campaign]:
    """Open the year's review for ``units`` (default: every unit valid on the start) that has
    none yet; the ones already open are left as they are."""
    default_start, _e, _eff = rules.default_schedule(review_year)
    start = start_date or default_start
    if units is None:
        units = AdministrativeUnit.objects.valid_on(start).order_by("kind", "name")
    existing = set(Campaign.objects.filter(review_year=review_year).values_list("unit_id", flat=True))
    return [campaign_open(actor=actor, unit=u, review_year=review_year, start_date=start_date, end_date=end_date)
            for u in units if u.pk not in existing]


@transaction.atomic
def campaign_schedule_update(*, actor, campaign: Campaign, start_date: dt.date, end_date: dt.date) -> Campaign:
    """Change the schedule (TNMT). Steps already recorded must stay inside it."""
    campaign = _locked_campaign(campaign)
    _check_schedule(campaign, start_date, end_date)
    dates = [d for d in (
        *Survey.objects.filter(pk__in=campaign.entries.values("survey_id")).values_list("survey_date", flat=True),
        *campaign.meetings.values_list("held_on", flat=True),
        *(Posting.objects.filter(campaign=campaign).values_list("start_date", "end_date").first() or ()),
    ) if d is not None]
    outside = sorted(d for d in dates if not rules.within(d, start_date, end_date))
    if outside:
        raise ValidationError({"start_date": _(
            "Đã có bước ghi nhận ngày %(d)s, nằm ngoài lịch mới.") % {"d": f"{outside[0]:%d/%m/%Y}"}})
    campaign.start_date, campaign.end_date = start_date, end_date
    return _save(campaign, actor, _("Sửa lịch rà soát"))


# --- the households to review ---------------------------------------------------------------

@dataclass(frozen=True)
class Collected:
    added: int
    updated: int
    total: int


def _not_posted(campaign: Campaign) -> None:
    if Posting.objects.filter(campaign=campaign).exists():
        raise ValidationError(_("Danh sách đã niêm yết công khai; không thể bổ sung hộ."))


@transaction.atomic
def campaign_collect(*, actor, campaign: Campaign, day: dt.date) -> Collected:
    """Draw up (or bring up to date) the households to review on ``day``: every household
    listed then (poor or near-poor), every household the simulation of the campaign's standard
    flags (its result is uncertain or moves it into, out of or between the lists), and every
    household that applied (an open application, or one received since the review started).
    Households already in the list keep their place; officers add others with ``campaign_flag``."""
    campaign = _locked_campaign(campaign)
    _not_posted(campaign)
    family = territory.family_ids(campaign.unit, campaign.start_date)
    homes = Household.objects.filter(is_deleted=False, unit_id__in=family)
    listed = dict(in_class_on(homes, day, [POOR, NEAR_POOR]).values_list("pk", "class_on_day"))
    flagged = {h.household_id: h.outlook.label for h in
               selectors.household_outlooks(homes, campaign.standard, campaign.effective_date) if h.priority <= 2}
    applied = set(Application.objects.filter(household__in=homes, received_on__lte=day).filter(
        status=Application.Status.OPEN).values_list("household_id", flat=True)) | set(
        Application.objects.filter(household__in=homes, received_on__gte=campaign.start_date,
                                   received_on__lte=day).values_list("household_id", flat=True))
    entries = {e.household_id: e for e in campaign.entries.all()}
    added = updated = 0
    for hid in sorted(set(listed) | set(flagged) | applied):
        entry = entries.get(hid)
        new = entry is None
        if new:
            entry = CampaignHousehold(campaign=campaign, household_id=hid, added_by=_user(actor))
        before = (entry.listed, entry.simulation_flag, entry.applied)
        if hid in listed:
            entry.listed, entry.class_when_listed = True, listed[hid]
        if hid in flagged:
            entry.simulation_flag, entry.simulation_note = True, flagged[hid][:255]
        if hid in applied:
            entry.applied = True
        if new or before != (entry.listed, entry.simulation_flag, entry.applied):
            _save(entry, actor, _("Lập danh sách hộ rà soát"))
            added += new
            updated += not new
    return Collected(added=added, updated=updated, total=campaign.entries.count())


@transaction.atomic
def campaign_flag(*, actor, campaign: Campaign, household: Household, note: str) -> CampaignHousehold:
    """An officer adds a household to the review, with the reason."""
    campaign = _locked_campaign(campaign)
    _not_posted(campaign)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Nêu lý do đề xuất rà soát hộ này.")})
    if household.is_deleted or household.unit_id not in territory.family_ids(campaign.unit, campaign.start_date):
        raise ValidationError({"code": _("Hộ không thuộc %(u)s.") % {"u": campaign.unit}})
    entry = campaign.entries.filter(household=household).first() or CampaignHousehold(
        campaign=campaign, household=household, added_by=_user(actor))
    entry.officer_flag, entry.officer_note = True, note[:255]
    return _save(entry, actor, _("Cán bộ đề xuất rà soát"))


@transaction.atomic
def campaign_entry_remove(*, actor, entry: CampaignHousehold, reason: str) -> None:
    """Take a household off the list to review, with the reason (it stays in the history). Only
    one added by an officer or by the simulation: a listed household must be reviewed and an
    applicant must get a decision; and only before its village approved it and before posting."""
    campaign = _locked_campaign(entry.campaign)
    _not_posted(campaign)
    entry = CampaignHousehold.objects.select_for_update().get(pk=entry.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Nêu lý do đưa hộ ra khỏi danh sách rà soát.")})
    if entry.listed or entry.applied:
        raise ValidationError(_("Hộ đang trong danh sách hộ nghèo, cận nghèo hoặc có đơn đề nghị: phải được rà soát."))
    if entry.approved_meeting_id or entry.meetings.exists():
        raise ValidationError(_("Hộ đã được đưa ra hội nghị thôn; không thể bỏ khỏi danh sách."))
    _attribute(entry, actor, reason[:100])
    entry.delete()


# --- surveys --------------------------------------------------------------------------------

def _survey_create(*, actor, household: Household, standard: PovertyStandard, effective_date: dt.date,
                   survey_date: dt.date, income_per_capita: int, indicators: Mapping[str, IndicatorInput | bool],
                   proxy_score: int | None, notes: str) -> Survey:
    """A survey for the list effective on ``effective_date``: the indicators of ``standard``
    (codes left out are not deprived), the member-data suggestions with ages on that date (a
    contradicted suggestion needs a reason), and the class the rule proposes for the area kind of
    the household's unit on that date."""
    all_indicators = list(Indicator.objects.filter(standard=standard).order_by("number"))
    known = {i.code for i in all_indicators}
    unknown = set(indicators) - known
    if unknown:
        raise ValidationError(_("Chỉ số không thuộc chuẩn %(s)s: %(c)s") % {"s": standard.name,
                                                                            "c": ", ".join(sorted(unknown))})
    if income_per_capita is None or income_per_capita < 0:
        raise ValidationError({"income_per_capita": _("Thu nhập bình quân phải là số không âm.")})
    with translation.override(settings.LANGUAGE_CODE):  # reasons are recorded: Vietnamese
        suggestions = suggestions_for(household, effective_date)
    rows, errors = [], {}
    for ind in all_indicators:
        raw = indicators.get(ind.code, False)
        value = raw if isinstance(raw, IndicatorInput) else IndicatorInput(bool(raw))
        suggestion = suggestions.get(ind.code)
        reason = (value.override_reason or "").strip()
        contradicts = suggestion is not None and suggestion.deprived != value.deprived
        if contradicts and not reason:
            errors[f"reason_{ind.code}"] = _("Chỉ số “%(n)s” khác với gợi ý từ dữ liệu thành viên (%(r)s): cần nêu lý do.") % {
                "n": ind.name, "r": suggestion.reason}
        rows.append(SurveyIndicator(
            indicator=ind, deprived=value.deprived, suggested=suggestion.deprived if suggestion else None,
            suggestion_reason=(suggestion.reason if suggestion else "")[:255],
            override_reason=reason[:255] if contradicts else ""))
    if errors:
        raise ValidationError(errors)
    with translation.override(settings.LANGUAGE_CODE):  # the explanation is recorded: Vietnamese
        area = household_territory.area_for(household, effective_date)
        area_kind = area.kind
        result = classification.classify(standard, area_kind, income_per_capita,
                                         [r.indicator.name for r in rows if r.deprived], area_basis=area.basis)
    survey = Survey(household=household, standard=standard, effective_date=effective_date, area_kind=area_kind,
                    survey_date=survey_date, income_per_capita=income_per_capita, proxy_score=proxy_score,
                    proposed_class=result.result, deprivation_count=result.deprivation_count,
                    explanation=result.explanation, notes=(notes or "").strip(), surveyed_by=_user(actor))
    _save(survey, actor)
    for row in rows:
        row.survey = survey
    SurveyIndicator.objects.bulk_create(rows)
    return survey


@transaction.atomic
def campaign_survey_record(*, actor, entry: CampaignHousehold, survey_date: dt.date, income_per_capita: int,
                           indicators: Mapping[str, IndicatorInput | bool], today: dt.date,
                           proxy_score: int | None = None, notes: str = "") -> Survey:
    """Survey one household of a campaign (a new survey replaces the previous one, which stays
    in the history). Once a village meeting has approved the household, or the lists are
    posted, a new survey is a re-check (phúc tra) and needs an open complaint about the
    household."""
    campaign = _locked_campaign(entry.campaign)
    entry = CampaignHousehold.objects.select_for_update().select_related("household", "household__unit").get(pk=entry.pk)
    _date_checks("survey_date", survey_date, campaign, today, _("Ngày khảo sát"))
    posted = Posting.objects.filter(campaign=campaign).exists()
    if (entry.approved_meeting_id or posted) and not entry.complaints.filter(resolved_on__isnull=True).exists():
        raise ValidationError(_(
            "Hộ đã được hội nghị thôn bình xét%(p)s: chỉ khảo sát lại (phúc tra) khi có khiếu nại chưa giải quyết "
            "về hộ này.") % {"p": _(" và danh sách đã niêm yết") if posted else ""})
    if entry.household.is_deleted:
        raise ValidationError(_("Hộ đã bị xoá khỏi sổ."))
    survey = _survey_create(actor=actor, household=entry.household, standard=campaign.standard,
                            effective_date=campaign.effective_date, survey_date=survey_date,
                            income_per_capita=income_per_capita, indicators=indicators,
                            proxy_score=proxy_score, notes=notes)
    entry.survey = survey
    _save(entry, actor, _("Khảo sát hộ ngày %(d)s") % {"d": f"{survey_date:%d/%m/%Y}"})
    return survey


# --- village meetings -----------------------------------------------------------------------

def check_minutes_file(upload) -> None:
    """Type (by name and by content) and size of an uploaded minutes file."""
    name = getattr(upload, "name", "") or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in MINUTES_TYPES:
        raise ValidationError({"minutes_file": _("Biên bản phải là tệp PDF, JPG hoặc PNG.")})
    size = getattr(upload, "size", None) or 0
    limit = getattr(settings, "CAMPAIGN_MINUTES_MAX_BYTES", MINUTES_MAX_BYTES)
    if size <= 0:
        raise ValidationError({"minutes_file": _("Tệp biên bản rỗng.")})
    if size > limit:
        raise ValidationError({"minutes_file": _("Tệp biên bản quá lớn (tối đa %(n)s MB).") % {
            "n": f"{limit / 1024 / 1024:g}"}})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in MINUTES_TYPES[suffix]):
        raise ValidationError({"minutes_file": _("Nội dung tệp không phải %(t)s như tên tệp.") % {
            "t": suffix[1:].upper()}})


@transaction.atomic
def meeting_record(*, actor, campaign: Campaign, village: str, held_on: dt.date, attendees: int,
                   agreement_percent, today: dt.date, chaired_by: str = "", minutes_text: str = "",
                   minutes_file=None) -> VillageMeeting:
    """Record the meeting of one village on all its households of the campaign. Every one of
    them must have been surveyed before the meeting. With at least 50 % agreement the meeting
    approves them; below, none is approved and the village must meet again."""
    campaign = _locked_campaign(campaign)
    if Posting.objects.filter(campaign=campaign).exists():
        raise ValidationError(_("Danh sách đã niêm yết công khai; không ghi thêm hội nghị thôn."))
    _date_checks("held_on", held_on, campaign, today, _("Ngày họp"))
    village = (village or "").strip()
    entries = list(campaign.entries.filter(household__village=village).select_related("survey", "household"))
    if not entries:
        raise ValidationError({"village": _("Không có hộ nào của %(v)s trong đợt rà soát.") % {
            "v": rules.village_label(village)}})
    unsurveyed = [e.household.code for e in entries if e.survey_id is None]
    if unsurveyed:
        raise ValidationError(_("Chưa thể họp: còn %(n)d hộ của %(v)s chưa khảo sát (%(c)s).") % {
            "n": len(unsurveyed), "v": rules.village_label(village), "c": ", ".join(unsurveyed[:10])})
    last_survey = max(e.survey.survey_date for e in entries)
    if held_on < last_survey:
        raise ValidationError({"held_on": _("Hội nghị phải họp sau khi khảo sát xong (khảo sát cuối ngày %(d)s).") % {
            "d": f"{last_survey:%d/%m/%Y}"}})
    previous = campaign.meetings.filter(village=village).order_by("-held_on", "-id").first()
    if previous and held_on < previous.held_on:
        raise ValidationError({"held_on": _("Đã có hội nghị ngày %(d)s; hội nghị mới phải họp sau.") % {
            "d": f"{previous.held_on:%d/%m/%Y}"}})
    try:
        percent = Decimal(str(agreement_percent)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"agreement_percent": _("Tỷ lệ đồng ý phải là số từ 0 đến 100.")})
    if not Decimal(0) <= percent <= Decimal(100):
        raise ValidationError({"agreement_percent": _("Tỷ lệ đồng ý phải là số từ 0 đến 100.")})
    minutes_text = (minutes_text or "").strip()
    if not minutes_text and not minutes_file:
        raise ValidationError({"minutes_text": _("Ghi nội dung biên bản hoặc tải lên tệp biên bản.")})
    meeting = VillageMeeting(campaign=campaign, village=village, held_on=held_on, attendees=attendees,
                             agreement_percent=percent, chaired_by=(chaired_by or "").strip(),
                             minutes_text=minutes_text, recorded_by=_user(actor))
    if minutes_file:
        check_minutes_file(minutes_file)
        meeting.minutes_name = PurePath(minutes_file.name).name[:150]
    meeting.full_clean(exclude=["minutes_file"] if minutes_file else None)
    if minutes_file:
        meeting.minutes_file.save(minutes_file.name, minutes_file, save=False)
    _attribute(meeting, actor)
    meeting.save()
    meeting.households.set(entries)
    approved = meeting if rules.meeting_passes(percent) else None
    for entry in entries:
        if entry.approved_meeting_id != (approved.pk if approved else None):
            entry.approved_meeting = approved
            _save(entry, actor, _("Hội nghị thôn ngày %(d)s") % {"d": f"{held_on:%d/%m/%Y}"})
    return meeting


# --- posting and complaints ------------------------------------------------------------------

@transaction.atomic
def posting_record(*, actor, campaign: Campaign, start_date: dt.date, end_date: dt.date, place: str,
                   today: dt.date, notes: str = "") -> Posting:
    """Post the proposed lists publicly (or correct the posting period). Every village must have
    approved its households first, and the posting starts after the last meeting."""
    campaign = _locked_campaign(campaign)
    facts = selectors.campaign_facts(campaign)
    missing = [m for v in facts.villages for m in rules.village_missing(v)]
    if not facts.households or missing:
        raise ValidationError(_("Chưa thể niêm yết: %(m)s.") % {
            "m": "; ".join(missing) if missing else _("chưa có hộ nào trong danh sách")})
    _date_checks("start_date", start_date, campaign, today, _("Ngày bắt đầu niêm yết"))
    if end_date < start_date:
        raise ValidationError({"end_date": _("Ngày kết thúc niêm yết phải từ ngày bắt đầu trở đi.")})
    if not rules.within(end_date, campaign.start_date, campaign.end_date):
        raise ValidationError({"end_date": _("Ngày kết thúc niêm yết phải trong thời gian rà soát (đến %(e)s).") % {
            "e": f"{campaign.end_date:%d/%m/%Y}"}})
    last_meeting = max(v.last_meeting_on for v in facts.villages)
    if start_date < last_meeting:
        raise ValidationError({"start_date": _("Niêm yết phải sau hội nghị thôn cuối cùng (ngày %(d)s).") % {
            "d": f"{last_meeting:%d/%m/%Y}"}})
    first_complaint = campaign.complaints.order_by("received_on").values_list("received_on", flat=True).first()
    if first_complaint and not rules.within(first_complaint, start_date, end_date):
        raise ValidationError({"start_date": _("Đã có khiếu nại nhận ngày %(d)s, ngoài thời gian niêm yết mới.") % {
            "d": f"{first_complaint:%d/%m/%Y}"}})
    place = (place or "").strip()
    if not place:
        raise ValidationError({"place": _("Ghi địa điểm niêm yết.")})
    posting = Posting.objects.filter(campaign=campaign).first() or Posting(campaign=campaign, recorded_by=_user(actor))
    posting.start_date, posting.end_date, posting.place, posting.notes = start_date, end_date, place, (notes or "").strip()
    return _save(posting, actor)


@transaction.atomic
def complaint_record(*, actor, campaign: Campaign, received_on: dt.date, complainant: str, content: str,
                     today: dt.date, entry: CampaignHousehold | None = None) -> Complaint:
    """A complaint received during the posting period (about one household, or the lists)."""
    campaign = _locked_campaign(campaign)
    posting = Posting.objects.filter(campaign=campaign).first()
    if posting is None:
        raise ValidationError(_("Chưa niêm yết công khai danh sách: chưa có gì để khiếu nại."))
    _date_checks("received_on", received_on, None, today, _("Ngày nhận khiếu nại"))
    if not rules.within(received_on, posting.start_date, posting.end_date):
        raise ValidationError({"received_on": _("Khiếu nại phải nhận trong thời gian niêm yết (%(s)s – %(e)s).") % {
            "s": f"{posting.start_date:%d/%m/%Y}", "e": f"{posting.end_date:%d/%m/%Y}"}})
    if entry is not None and entry.campaign_id != campaign.pk:
        raise ValidationError({"entry": _("Hộ không thuộc đợt rà soát này.")})
    complaint = Complaint(campaign=campaign, entry=entry, received_on=received_on,
                          complainant=(complainant or "").strip(), content=(content or "").strip(),
                          recorded_by=_user(actor))
    return _save(complaint, actor)


@transaction.atomic
def complaint_resolve(*, actor, complaint: Complaint, resolved_on: dt.date, resolution: str,
                      today: dt.date) -> Complaint:
    """Resolve a complaint with a note (the re-check's result, the answer given)."""
    _locked_campaign(complaint.campaign)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.resolved_on is not None:
        raise ValidationError(_("Khiếu nại đã được giải quyết ngày %(d)s.") % {"d": f"{complaint.resolved_on:%d/%m/%Y}"})
    _date_checks("resolved_on", resolved_on, None, today, _("Ngày giải quyết"))
    if resolved_on < complaint.received_on:
        raise ValidationError({"resolved_on": _("Ngày giải quyết không được trước ngày nhận khiếu nại.")})
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Ghi kết quả giải quyết khiếu nại.")})
    complaint.resolved_on, complaint.resolution, complaint.resolved_by = resolved_on, resolution, _user(actor)
    return _save(complaint, actor)


# --- decisions ------------------------------------------------------------------------------

def _suggestions_of(survey: Survey) -> dict[str, derivation.Suggestion]:
    return {r.indicator.code: derivation.Suggestion(r.suggested, r.suggestion_reason)
            for r in survey.indicators.select_related("indicator") if r.suggested is not None}


def _record(*, actor, survey: Survey, kind: str, decision_number: str, decision_date: dt.date,
            effective_date: dt.date, notes: str) -> Assessment:
    """One household's decision from its survey, through the one classification service; the
    result must be what the survey proposed (the lists the village approved and posted)."""
    rows = list(survey.indicators.select_related("indicator"))
    assessment = assessment_record(
        actor=actor, household=survey.household, kind=kind, year=effective_date.year,
        income_per_capita=survey.income_per_capita,
        indicators={r.indicator.code: IndicatorInput(r.deprived, r.override_reason) for r in rows},
        decision_number=decision_number, decision_date=decision_date, effective_date=effective_date,
        proxy_score=survey.proxy_score, notes=notes, suggestions=_suggestions_of(survey),
    )
    if assessment.result_class != survey.proposed_class:
        raise ValidationError(_(
            "Hộ %(c)s: kết quả phân loại (%(r)s) khác với kết quả khảo sát đã bình xét, niêm yết (%(p)s). "
            "Không ghi nhận quyết định; hãy kiểm tra đơn vị, khu vực của hộ.") % {
            "c": survey.household.code, "r": assessment.get_result_class_display(),
            "p": survey.get_proposed_class_display()})
    return assessment


def certificate_number(sequence: int, list_year: int) -> str:
    return f"{sequence:03d}/GCN-{list_year}"


def _decision_checks(campaign: Campaign, number: str, decision_date: dt.date, effective_date: dt.date,
                     today: dt.date) -> None:
    if not number:
        raise ValidationError({"number": _("Nhập số quyết định.")})
    facts = selectors.campaign_facts(campaign)
    blockers = rules.decision_blockers(facts, decision_date, effective_date, campaign.effective_date, today)
    if blockers:
        raise ValidationError(_("Chưa thể ghi nhận quyết định: %(m)s.") % {"m": "; ".join(blockers)})


def campaign_decide_check(*, campaign: Campaign, number: str, decision_date: dt.date, today: dt.date,
                          effective_date: dt.date | None = None) -> None:
    """The checks ``campaign_decide`` makes before writing, without writing: the page runs them
    before handing a long decision to a background job, so a missing step is shown on the form.
    ``campaign_decide`` makes them again (something may change meanwhile)."""
    if CampaignDecision.objects.filter(campaign=campaign).exists():
        raise ValidationError(_("Đợt rà soát đã có quyết định công nhận danh sách; không thể thay đổi."))
    _decision_checks(campaign, (number or "").strip(), decision_date, effective_date or campaign.effective_date, today)


class _NoProgress:
    def phase(self, name: str, total: int = 0, label: str = "") -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@transaction.atomic
def campaign_decide(*, actor, campaign: Campaign, number: str, decision_date: dt.date, today: dt.date,
                    effective_date: dt.date | None = None, signer: str = "", progress=None) -> CampaignDecision:
    """The chairman's decision recognising the lists: checks that every step is done (surveys,
    every village approved with ≥ 50 %, posting over, complaints resolved), then records every
    household's decision through ``assessment_record`` and numbers the certificates of the poor
    and near-poor households — in one transaction: if any household cannot be recorded, nothing
    is. A background job (``campaigns.jobs``) calls it for a long list, with ``progress``
    (``jobs.tasks.Progress``: told the households as they are recorded)."""
    progress = progress or _NoProgress()
    campaign = _locked_campaign(campaign)
    number = (number or "").strip()
    effective_date = effective_date or campaign.effective_date
    _decision_checks(campaign, number, decision_date, effective_date, today)
    decision = _save(CampaignDecision(campaign=campaign, number=number, decision_date=decision_date,
                                      effective_date=effective_date, signer=(signer or "").strip(),
                                      recorded_by=_user(actor)), actor)
    entries = list(campaign.entries.select_related("household", "survey", "survey__household")
                   .order_by("household__village", "household__code"))
    progress.phase(_("Ghi quyết định của từng hộ"), len(entries), _("hộ"))
    notes = _("Rà soát định kỳ năm %(y)s – %(u)s") % {"y": campaign.review_year, "u": campaign.unit}
    sequence = 0
    for entry in entries:
        assessment = _record(actor=actor, survey=entry.survey, kind=Assessment.Kind.ANNUAL, decision_number=number,
                             decision_date=decision_date, effective_date=effective_date, notes=notes)
        entry.assessment = assessment
        if assessment.result_class in (POOR, NEAR_POOR):
            sequence += 1
            entry.certificate_number = certificate_number(sequence, campaign.list_year)
        _save(entry, actor, _("Quyết định số %(n)s") % {"n": number})
        for application in Application.objects.filter(household_id=entry.household_id, status=Application.Status.OPEN):
            application.status, application.assessment, application.closed_on = (
                Application.Status.DECIDED, assessment, decision_date)
            application.close_note = _("Giải quyết trong đợt rà soát định kỳ năm %(y)s") % {"y": campaign.review_year}
            _save(application, actor)
        progress.advance(1)
    return decision


# --- applications (regular review) ------------------------------------------------------------

@transaction.atomic
def application_create(*, actor, household: Household, kind: str, received_on: dt.date, applicant: str,
                       today: dt.date, content: str = "") -> Application:
    """A household's application, dated the day it was received; the decision is due within
    15 days. To leave, the household must be poor or near-poor on that day; to be listed, it
    must not already be poor."""
    if household.is_deleted:
        raise ValidationError(_("Hộ đã bị xoá khỏi sổ."))
    _date_checks("received_on", received_on, None, today, _("Ngày nhận đơn"))
    current = (Household.objects.filter(pk=household.pk).annotate(c=class_on(received_on))
               .values_list("c", flat=True).first()) or PovertyClass.NONE
    if kind == Application.Kind.TO_LEAVE and current not in (POOR, NEAR_POOR):
        raise ValidationError({"kind": _("Hộ không thuộc danh sách hộ nghèo, cận nghèo vào ngày %(d)s.") % {
            "d": f"{received_on:%d/%m/%Y}"}})
    if kind == Application.Kind.TO_LIST and current == POOR:
        raise ValidationError({"kind": _("Hộ đã là hộ nghèo vào ngày %(d)s.") % {"d": f"{received_on:%d/%m/%Y}"}})
    if Application.objects.filter(household=household, kind=kind, status=Application.Status.OPEN).exists():
        raise ValidationError({"kind": _("Hộ đã có đơn cùng loại đang chờ quyết định.")})
    application = Application(household=household, kind=kind, received_on=received_on,
                              applicant=(applicant or "").strip(), content=(content or "").strip(),
                              received_by=_user(actor))
    return _save(application, actor)


@transaction.atomic
def application_decide(*, actor, application: Application, survey_date: dt.date, income_per_capita: int,
                       indicators: Mapping[str, IndicatorInput | bool], decision_number: str,
                       decision_date: dt.date, today: dt.date, effective_date: dt.date | None = None,
                       proxy_score: int | None = None, notes: str = "") -> Assessment:
    """Decide an application (rà soát thường xuyên): survey the household with the indicators of
    the standard in force on the effective date, and record the decision through the same rule."""
    application = Application.objects.select_for_update().select_related("household", "household__unit").get(
        pk=application.pk)
    if application.status != Application.Status.OPEN:
        raise ValidationError(_("Đơn đã được giải quyết."))
    decision_number = (decision_number or "").strip()
    if not decision_number:
        raise ValidationError({"decision_number": _("Nhập số quyết định.")})
    _date_checks("decision_date", decision_date, None, today, _("Ngày quyết định"))
    _date_checks("survey_date", survey_date, None, today, _("Ngày khảo sát"))
    if survey_date < application.received_on:
        raise ValidationError({"survey_date": _("Ngày khảo sát không được trước ngày nhận đơn.")})
    if decision_date < survey_date:
        raise ValidationError({"decision_date": _("Ngày quyết định không được trước ngày khảo sát.")})
    effective_date = effective_date or decision_date
    if effective_date < decision_date:
        raise ValidationError({"effective_date": _("Ngày có hiệu lực không được trước ngày quyết định.")})
    if (effective_date - decision_date).days > 366:
        raise ValidationError({"effective_date": _("Ngày có hiệu lực quá xa ngày quyết định.")})
    standard = standard_on(effective_date)
    survey = _survey_create(actor=actor, household=application.household, standard=standard,
                            effective_date=effective_date, survey_date=survey_date,
                            income_per_capita=income_per_capita, indicators=indicators, proxy_score=proxy_score,
                            notes=notes)
    assessment = _record(actor=actor, survey=survey, kind=Assessment.Kind.REGULAR, decision_number=decision_number,
                         decision_date=decision_date, effective_date=effective_date,
                         notes=(notes or "").strip() or str(application.get_kind_display()))
    application.status, application.survey, application.assessment = Application.Status.DECIDED, survey, assessment
    application.closed_on = decision_date
    if rules.application_overdue(application.received_on, decision_date):
        application.close_note = _("Quyết định sau hạn %(d)s") % {"d": f"{application.deadline:%d/%m/%Y}"}
    _save(application, actor)
    return assessment


@transaction.atomic
def application_withdraw(*, actor, application: Application, closed_on: dt.date, reason: str,
                         today: dt.date) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.OPEN:
        raise ValidationError(_("Đơn đã được giải quyết."))
    _date_checks("closed_on", closed_on, None, today, _("Ngày rút đơn"))
    if closed_on < application.received_on:
        raise ValidationError({"closed_on": _("Ngày rút đơn không được trước ngày nhận đơn.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Ghi lý do rút đơn.")})
    application.status, application.closed_on, application.close_note = (
        Application.Status.WITHDRAWN, closed_on, reason[:255])
    return _save(application, actor)

