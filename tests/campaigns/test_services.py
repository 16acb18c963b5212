"""Each step of the annual review through its service: opening and scheduling, the households to
review, surveys, village meetings, posting and complaints, and the chairman's decision recorded
for every household in one transaction (all or nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import services
from campaigns.models import Application, Campaign, CampaignDecision, CampaignHousehold, Survey
from households.models import Assessment, Household, PovertyClass
from households.selectors import class_on
from households.services import IndicatorInput
from tamky_poverty.integrity import FrozenRecordError
from tests.campaigns.conftest import (
    LIST_2027,
    TODAY,
    decide,
    listed,
    meet_all,
    open_campaign,
    post,
    survey_all,
)
from tests.factories import household_with_head

pytestmark = pytest.mark.django_db


def messages_of(exc) -> str:
    return " ".join(exc.value.messages)


def class_on_day(household, day):
    return Household.objects.filter(pk=household.pk).annotate(c=class_on(day)).values_list("c", flat=True).get()


# --- opening and schedule ------------------------------------------------------------------------

def test_open_uses_the_default_schedule_and_the_standard_of_the_lists_date(ref, wards, tnmt):
    c = open_campaign(tnmt, wards.quang_phu)
    assert (c.start_date, c.end_date, c.effective_date) == (dt.date(2026, 9, 1), dt.date(2026, 12, 14), LIST_2027)
    assert c.standard == ref.nd351 and c.list_year == 2027
    c25 = services.campaign_open(actor=tnmt, unit=wards.tam_ky, review_year=2025, start_date=dt.date(2025, 9, 1))
    assert c25.standard == ref.nd07 and c25.effective_date == dt.date(2026, 1, 1)


def test_open_refuses_a_dissolved_unit_a_second_campaign_and_a_schedule_past_the_list(ref, wards, tnmt):
    with pytest.raises(ValidationError, match="không tồn tại"):
        open_campaign(tnmt, ref.an_phu)
    open_campaign(tnmt, wards.quang_phu)
    with pytest.raises(ValidationError, match="đã có đợt rà soát năm 2026"):
        open_campaign(tnmt, wards.quang_phu)
    with pytest.raises(ValidationError, match="trước ngày danh sách có hiệu lực"):
        open_campaign(tnmt, wards.tam_ky, end_date=dt.date(2027, 1, 5))


def test_campaigns_open_opens_the_units_valid_on_the_start_once(ref, wards, tnmt):
    opened = services.campaigns_open(actor=tnmt, review_year=2026)
    assert sorted(c.unit.name for c in opened) == ["Bàn Thạch", "Hương Trà", "Quảng Phú", "Tam Kỳ"]
    assert services.campaigns_open(actor=tnmt, review_year=2026) == []


def test_schedule_change_keeps_recorded_steps_inside(ref, wards, tnmt, qp_officer):
    c = open_campaign(tnmt, wards.quang_phu)
    listed(wards.quang_phu, "QP-1", qp_officer)
    services.campaign_collect(actor=qp_officer, campaign=c, day=dt.date(2026, 9, 2))
    survey_all(qp_officer, c, {}, day=dt.date(2026, 9, 20))
    with pytest.raises(ValidationError, match="20/09/2026, nằm ngoài lịch mới"):
        services.campaign_schedule_update(actor=tnmt, campaign=c, start_date=dt.date(2026, 10, 1),
                                          end_date=dt.date(2026, 12, 14))
    services.campaign_schedule_update(actor=tnmt, campaign=c, start_date=dt.date(2026, 9, 1),
                                      end_date=dt.date(2026, 12, 20))
    c.refresh_from_db()
    assert c.end_date == dt.date(2026, 12, 20)
    assert c.history.first().history_user == tnmt


# --- the households to review ----------------------------------------------------------------------

def test_collect_lists_the_listed_the_flagged_and_the_applicants(ref, wards, tnmt, qp_officer):
    listed(wards.quang_phu, "QP-POOR", qp_officer)
    # Average living under NĐ 07 (2.5 M đ urban), below the NĐ 351 urban threshold: it enters a
    # list, poor or near-poor depending on the three indicators NĐ 07 did not have.
    listed(wards.quang_phu, "QP-AVG", qp_officer, income=2_500_000, deprived=())
    well_off = listed(wards.quang_phu, "QP-RICH", qp_officer, income=3_500_000, deprived=())
    # A household of a unit Quảng Phú replaced, never reviewed: the simulation cannot tell.
    household_with_head(ref.units["Tam Thanh"], code="TT-NEW")
    applicant = listed(wards.quang_phu, "QP-APPLY", qp_officer, income=3_200_000, deprived=())
    services.application_create(actor=qp_officer, household=applicant, kind=Application.Kind.TO_LIST,
                                 received_on=dt.date(2026, 9, 5), applicant="Chủ hộ", today=TODAY)
    other_ward = listed(wards.tam_ky, "TK-POOR", qp_officer)
    c = open_campaign(tnmt, wards.quang_phu)
    result = services.campaign_collect(actor=qp_officer, campaign=c, day=dt.date(2026, 9, 10))
    entries = {e.household.code: e for e in c.entries.select_related("household")}
    assert set(entries) == {"QP-POOR", "QP-AVG", "TT-NEW", "QP-APPLY"}
    assert result.added == 4 and result.total == 4
    assert entries["QP-POOR"].listed and entries["QP-POOR"].class_when_listed == PovertyClass.POOR
    assert entries["QP-AVG"].simulation_flag and not entries["QP-AVG"].listed
    assert entries["QP-AVG"].simulation_note == "Có thể: hộ nghèo hoặc hộ cận nghèo"
    assert entries["TT-NEW"].simulation_flag
    assert entries["QP-APPLY"].applied and not entries["QP-APPLY"].simulation_flag
    assert well_off.pk not in {e.household_id for e in entries.values()}
    assert other_ward.pk not in {e.household_id for e in entries.values()}
    again = services.campaign_collect(actor=qp_officer, campaign=c, day=dt.date(2026, 9, 11))
    assert (again.added, again.updated, again.total) == (0, 0, 4)


def test_officer_flags_a_household_with_a_reason_only_in_the_campaigns_unit(ref, wards, tnmt, qp_officer):
    c = open_campaign(tnmt, wards.quang_phu)
    mine = household_with_head(wards.quang_phu, code="QP-X")
    theirs = household_with_head(wards.tam_ky, code="TK-X")
    with pytest.raises(ValidationError, match="Nêu lý do"):
        services.campaign_flag(actor=qp_officer, campaign=c, household=mine, note="  ")
    with pytest.raises(ValidationError, match="không thuộc Phường Quảng Phú"):
        services.campaign_flag(actor=qp_officer, campaign=c, household=theirs, note="Mất việc")
    entry = services.campaign_flag(actor=qp_officer, campaign=c, household=mine, note="Chủ hộ mất việc")
    assert entry.officer_flag and entry.officer_note == "Chủ hộ mất việc"


def test_an_officer_or_simulation_entry_can_be_taken_off_with_a_reason_before_the_meeting(ref, wards, tnmt,
                                                                                          qp_officer):
    listed(wards.quang_phu, "QP-L", qp_officer)
    extra = household_with_head(wards.quang_phu, code="QP-X")
    c = open_campaign(tnmt, wards.quang_phu)
    services.campaign_collect(actor=qp_officer, campaign=c, day=dt.date(2026, 9, 2))
    flagged = c.entries.get(household=extra)  # never reviewed: flagged by the simulation
    with pytest.raises(ValidationError, match="lý do"):
        services.campaign_entry_remove(actor=qp_officer, entry=flagged, reason="")
    with pytest.raises(ValidationError, match="phải được rà soát"):
        services.campaign_entry_remove(actor=qp_officer, entry=c.entries.get(household__code="QP-L"), reason="x")
    services.campaign_entry_remove(actor=qp_officer, entry=flagged, reason="Hộ đã chuyển đi nơi khác")
    assert not c.entries.filter(household=extra).exists()
    gone = CampaignHousehold.history.filter(household_id=extra.pk, history_type="-").get()
    assert gone.history_user == qp_officer and gone.history_change_reason == "Hộ đã chuyển đi nơi khác"
    again = services.campaign_flag(actor=qp_officer, campaign=c, household=extra, note="Có thông tin mới")
    survey_all(qp_officer, c, {})
    meet_all(qp_officer, c)
    with pytest.raises(ValidationError, match="hội nghị thôn"):
        services.campaign_entry_remove(actor=qp_officer, entry=CampaignHousehold.objects.get(pk=again.pk), reason="x")


# --- surveys -----------------------------------------------------------------------------------

@pytest.fixture
def campaign(ref, wards, tnmt, qp_officer):
    listed(wards.quang_phu, "QP-1", qp_officer, village="Khối phố 1")
    listed(wards.quang_phu, "QP-2", qp_officer, village="Khối phố 1", income=1_800_000, deprived=("employment",))
    listed(wards.quang_phu, "QP-3", qp_officer, village="Khối phố 2")
    c = open_campaign(tnmt, wards.quang_phu)
    services.campaign_collect(actor=qp_officer, campaign=c, day=dt.date(2026, 9, 2))
    return c


def entry_of(campaign, code):
    return campaign.entries.select_related("household").get(household__code=code)


def test_survey_records_the_new_standards_indicators_and_proposes_the_class(ref, campaign, qp_officer):
    entry = entry_of(campaign, "QP-2")
    survey = services.campaign_survey_record(
        actor=qp_officer, entry=entry, survey_date=dt.date(2026, 9, 20), income_per_capita=2_600_000,
        indicators={"employment": True, "internet_access": True, "digital_services": True}, proxy_score=180,
        today=TODAY)
    assert survey.standard == ref.nd351 and survey.effective_date == LIST_2027
    assert survey.indicators.count() == 14
    assert survey.area_kind == "urban" and survey.proposed_class == PovertyClass.POOR
    assert "2.600.000 đ" in survey.explanation and "2.800.000 đ" in survey.explanation
    entry.refresh_from_db()
    assert entry.survey == survey


def test_survey_area_kind_is_the_wards_on_the_lists_date(ref, wards, tnmt, qp_officer):
    """A household still registered under the dissolved commune Tam Thanh (rural) is classified by
    Quảng Phú's urban threshold for the 2027 list: 2.5 M đ is under it."""
    h = household_with_head(ref.units["Tam Thanh"], code="TT-1")
    c = open_campaign(tnmt, wards.quang_phu)
    entry = services.campaign_flag(actor=qp_officer, campaign=c, household=h, note="Hộ mới tách")
    survey = services.campaign_survey_record(actor=qp_officer, entry=entry, survey_date=dt.date(2026, 9, 20),
                                             income_per_capita=2_500_000, indicators={}, today=TODAY)
    assert survey.area_kind == "urban" and survey.proposed_class == PovertyClass.NEAR_POOR


def test_survey_contradicting_member_data_needs_a_reason(ref, campaign, qp_officer):
    entry = entry_of(campaign, "QP-1")
    with pytest.raises(ValidationError) as exc:
        services.campaign_survey_record(actor=qp_officer, entry=entry, survey_date=dt.date(2026, 9, 20),
                                        income_per_capita=1_000_000, indicators={"health_insurance": True},
                                        today=TODAY)
    assert "cần nêu lý do" in messages_of(exc)
    survey = services.campaign_survey_record(
        actor=qp_officer, entry=entry, survey_date=dt.date(2026, 9, 20), income_per_capita=1_000_000,
        indicators={"health_insurance": IndicatorInput(True, "Thẻ BHYT hết hạn từ tháng 8")}, today=TODAY)
    row = survey.indicators.get(indicator__code="health_insurance")
    assert row.deprived and row.suggested is False and row.override_reason == "Thẻ BHYT hết hạn từ tháng 8"


@pytest.mark.parametrize("day, message", [
    (dt.date(2026, 8, 31), "trong thời gian rà soát"),
    (dt.date(2026, 11, 28), "không được ở tương lai"),
])
def test_survey_date_inside_the_schedule_and_not_in_the_future(campaign, qp_officer, day, message):
    with pytest.raises(ValidationError, match=message):
        services.campaign_survey_record(actor=qp_officer, entry=entry_of(campaign, "QP-1"), survey_date=day,
                                        income_per_capita=1, indicators={}, today=TODAY)


def test_survey_refuses_an_indicator_of_another_standard(campaign, qp_officer):
    with pytest.raises(ValidationError, match="information_means"):
        services.campaign_survey_record(actor=qp_officer, entry=entry_of(campaign, "QP-1"),
                                        survey_date=dt.date(2026, 9, 20), income_per_capita=1,
                                        indicators={"information_means": True}, today=TODAY)


# --- meetings ------------------------------------------------------------------------------------

def test_a_village_meets_only_when_all_its_households_are_surveyed(campaign, qp_officer):
    services.campaign_survey_record(actor=qp_officer, entry=entry_of(campaign, "QP-1"),
                                    survey_date=dt.date(2026, 9, 20), income_per_capita=1, indicators={}, today=TODAY)
    with pytest.raises(ValidationError, match="còn 1 hộ của Khối phố 1 chưa khảo sát"):
        services.meeting_record(actor=qp_officer, campaign=campaign, village="Khối phố 1",
                                held_on=dt.date(2026, 10, 1), attendees=30, agreement_percent=90,
                                minutes_text="Biên bản", today=TODAY)
    services.campaign_survey_record(actor=qp_officer, entry=entry_of(campaign, "QP-3"),
                                    survey_date=dt.date(2026, 9, 21), income_per_capita=1, indicators={}, today=TODAY)
    with pytest.raises(ValidationError, match="sau khi khảo sát xong"):
        services.meeting_record(actor=qp_officer, campaign=campaign, village="Khối phố 2",
                                held_on=dt.date(2026, 9, 20), attendees=30, agreement_percent=90,
                                minutes_text="Biên bản", today=TODAY)
    with pytest.raises(ValidationError, match="biên bản"):
        services.meeting_record(actor=qp_officer, campaign=campaign, village="Khối phố 2",
                                held_on=dt.date(2026, 10, 1), attendees=30, agreement_percent=90, today=TODAY)
    m = services.meeting_record(actor=qp_officer, campaign=campaign, village="Khối phố 2",
                                held_on=dt.date(2026, 10, 1), attendees=30, agreement_percent=90,
                                minutes_text="Biên bản", today=TODAY)
    assert list(m.households.all()) == [entry_of(campaign, "QP-3")]
    assert entry_of(campaign, "QP-3").approved_meeting == m


def test_a_meeting_below_half_approves_nobody_and_blocks_posting_and_decision(campaign, qp_officer):
    survey_all(qp_officer, campaign, {})
    meet_all(qp_officer, campaign)
    failed = services.meeting_record(actor=qp_officer, campaign=campaign, village="Khối phố 1",
                                     held_on=dt.date(2026, 10, 3), attendees=25, agreement_percent="49.5",
                                     minutes_text="Không đạt", today=TODAY)
    assert not campaign.entries.filter(approved_meeting=failed).exists()
    assert entry_of(campaign, "QP-1").approved_meeting is None
    with pytest.raises(ValidationError) as exc:
        post(qp_officer, campaign)
    assert "Khối phố 1: hội nghị ngày 03/10/2026 chỉ có 49,50 % đồng ý (cần ít nhất 50,00 %), phải họp lại" \
        in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        decide(qp_officer, campaign)
    assert "49,50 % đồng ý" in messages_of(exc)
    assert not Assessment.objects.filter(effective_date=LIST_2027).exists()
    services.meeting_record(actor=qp_officer, campaign=campaign, village="Khối phố 1", held_on=dt.date(2026, 10, 4),
                            attendees=30, agreement_percent=70, minutes_text="Họp lại, đạt", today=TODAY)
    post(qp_officer, campaign)


def test_minutes_file_type_size_and_content_are_checked(campaign, qp_officer, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    survey_all(qp_officer, campaign, {})

    def meet(upload):
        return services.meeting_record(actor=qp_officer, campaign=campaign, village="Khối phố 2",
                                       held_on=dt.date(2026, 10, 1), attendees=10, agreement_percent=60,
                                       minutes_file=upload, today=TODAY)

    for bad, message in [
        (SimpleUploadedFile("bien-ban.exe", b"MZ\x90\x00"), "PDF, JPG hoặc PNG"),
        (SimpleUploadedFile("bien-ban.pdf", b"<html>not a pdf</html>"), "không phải PDF"),
        (SimpleUploadedFile("bien-ban.pdf", b""), "rỗng"),
    ]:
        with pytest.raises(ValidationError, match=message):
            meet(bad)
    settings.CAMPAIGN_MINUTES_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="quá lớn"):
        meet(SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 " + b"0" * 200))
    assert not list(tmp_path.rglob("*.*"))  # nothing stored for a refused file
    del settings.CAMPAIGN_MINUTES_MAX_BYTES
    m = meet(SimpleUploadedFile("Biên bản KP2.pdf", b"%PDF-1.4 minutes"))
    assert m.minutes_name == "Biên bản KP2.pdf"
    assert m.minutes_file.name.startswith("campaigns/minutes/") and m.minutes_file.name.endswith(".pdf")
    assert "Biên" not in m.minutes_file.name  # stored under a random name
    assert (tmp_path / m.minutes_file.name).read_bytes() == b"%PDF-1.4 minutes"


# --- posting and complaints -------------------------------------------------------------------------

def test_posting_waits_for_every_village_and_comes_after_the_meetings(campaign, qp_officer):
    survey_all(qp_officer, campaign, {})
    with pytest.raises(ValidationError, match="Khối phố 1: chưa họp bình xét"):
        post(qp_officer, campaign)
    meet_all(qp_officer, campaign, day=dt.date(2026, 10, 6))
    with pytest.raises(ValidationError, match="sau hội nghị thôn cuối cùng"):
        post(qp_officer, campaign, start=dt.date(2026, 10, 5))
    posting = post(qp_officer, campaign, start=dt.date(2026, 10, 6), end=dt.date(2026, 10, 13))
    assert posting.place.startswith("Nhà văn hoá")
    with pytest.raises(ValidationError, match="không ghi thêm hội nghị"):
        meet_all(qp_officer, campaign, day=dt.date(2026, 10, 7))


def test_complaints_during_the_posting_each_resolved_with_a_note(campaign, qp_officer):
    survey_all(qp_officer, campaign, {})
    meet_all(qp_officer, campaign)
    post(qp_officer, campaign)
    with pytest.raises(ValidationError, match="trong thời gian niêm yết"):
        services.complaint_record(actor=qp_officer, campaign=campaign, received_on=dt.date(2026, 10, 13),
                                  complainant="Ông A", content="…", today=TODAY)
    complaint = services.complaint_record(actor=qp_officer, campaign=campaign, entry=entry_of(campaign, "QP-2"),
                                          received_on=dt.date(2026, 10, 7), complainant="Bà B",
                                          content="Hộ QP-2 mới có việc làm ổn định", today=TODAY)
    with pytest.raises(ValidationError, match="Còn 1 khiếu nại chưa giải quyết"):
        decide(qp_officer, campaign)
    # the re-check (phúc tra): a new survey of the household the complaint is about
    services.campaign_survey_record(actor=qp_officer, entry=entry_of(campaign, "QP-2"),
                                    survey_date=dt.date(2026, 10, 9), income_per_capita=3_000_000,
                                    indicators={}, today=TODAY)
    with pytest.raises(ValidationError, match="chỉ khảo sát lại"):
        services.campaign_survey_record(actor=qp_officer, entry=entry_of(campaign, "QP-1"),
                                        survey_date=dt.date(2026, 10, 9), income_per_capita=3_000_000,
                                        indicators={}, today=TODAY)
    with pytest.raises(ValidationError, match="kết quả giải quyết"):
        services.complaint_resolve(actor=qp_officer, complaint=complaint, resolved_on=dt.date(2026, 10, 10),
                                   resolution=" ", today=TODAY)
    services.complaint_resolve(actor=qp_officer, complaint=complaint, resolved_on=dt.date(2026, 10, 10),
                               resolution="Phúc tra: thu nhập 3.000.000 đ, đưa ra khỏi danh sách", today=TODAY)
    decision = decide(qp_officer, campaign)
    qp2 = entry_of(campaign, "QP-2")
    assert qp2.assessment.result_class == PovertyClass.NONE and qp2.certificate_number == ""
    assert decision.number == "125/QĐ-UBND"


# --- the decision ------------------------------------------------------------------------------------

def ready(campaign, actor, plan=None):
    survey_all(actor, campaign, plan or {})
    meet_all(actor, campaign)
    post(actor, campaign)


def test_decision_records_every_household_through_the_rule_for_the_new_list(ref, campaign, qp_officer):
    app = services.application_create(actor=qp_officer, household=entry_of(campaign, "QP-2").household,
                                      kind=Application.Kind.TO_LEAVE, received_on=dt.date(2026, 9, 1),
                                      applicant="Chủ hộ", today=TODAY)
    ready(campaign, qp_officer, {"QP-1": (2_700_000, ["employment", "waste_treatment", "internet_access"]),
                                 "QP-2": (2_900_000, []),
                                 "QP-3": (2_000_000, ["employment"])})
    decide(qp_officer, campaign)
    entries = {e.household.code: e for e in campaign.entries.select_related("household", "assessment")}
    for code, cls in (("QP-1", PovertyClass.POOR), ("QP-2", PovertyClass.NONE), ("QP-3", PovertyClass.NEAR_POOR)):
        a = entries[code].assessment
        assert a.result_class == cls and a.standard == ref.nd351 and a.kind == "annual"
        assert (a.year, a.effective_date, a.decision_number) == (2027, LIST_2027, "125/QĐ-UBND")
        assert class_on_day(entries[code].household, LIST_2027) == cls
        # the 2026 list is untouched on 31/12/2026
        assert class_on_day(entries[code].household, dt.date(2026, 12, 31)) != "none"
    assert entries["QP-1"].assessment.movement == "unchanged"  # poor → poor
    assert entries["QP-2"].assessment.movement == "left_near_poor"
    assert [entries[c].certificate_number for c in ("QP-1", "QP-2", "QP-3")] == ["001/GCN-2027", "", "002/GCN-2027"]
    app.refresh_from_db()
    assert app.status == "decided" and app.assessment == entries["QP-2"].assessment


def test_the_whole_campaign_is_decided_in_one_transaction_or_not_at_all(campaign, qp_officer, monkeypatch):
    ready(campaign, qp_officer)
    real = services.assessment_record
    calls = []

    def fails_on_the_third(**kwargs):
        calls.append(kwargs["household"].code)
        if len(calls) == 3:
            raise ValidationError("Lỗi giả lập khi ghi hộ thứ ba")
        return real(**kwargs)

    monkeypatch.setattr(services, "assessment_record", fails_on_the_third)
    before = Assessment.objects.count()
    with pytest.raises(ValidationError, match="hộ thứ ba"):
        decide(qp_officer, campaign)
    assert len(calls) == 3
    assert Assessment.objects.count() == before  # the first two were rolled back too
    assert not CampaignDecision.objects.exists()
    assert not campaign.entries.filter(assessment__isnull=False).exists()
    assert not campaign.entries.exclude(certificate_number="").exists()
    monkeypatch.setattr(services, "assessment_record", real)
    decide(qp_officer, campaign)
    assert Assessment.objects.count() == before + 3


def test_a_result_that_differs_from_the_posted_survey_records_nothing(ref, wards, tnmt, qp_officer, monkeypatch):
    """If the rule gives another class than the survey the village approved (e.g. the area kind
    changed in between), the decision is refused for everyone."""
    listed(wards.quang_phu, "QP-A", qp_officer)
    listed(wards.quang_phu, "QP-B", qp_officer)
    c = open_campaign(tnmt, wards.quang_phu)
    services.campaign_collect(actor=qp_officer, campaign=c, day=dt.date(2026, 9, 2))
    ready(c, qp_officer)
    Survey.objects.filter(household__code="QP-B").update(proposed_class=PovertyClass.NEAR_POOR)
    with pytest.raises(ValidationError, match="Hộ QP-B: kết quả phân loại"):
        decide(qp_officer, c)
    assert not Assessment.objects.filter(effective_date=LIST_2027).exists()


def test_decision_needs_the_posting_over_and_a_date_inside_the_schedule(campaign, qp_officer):
    ready(campaign, qp_officer)
    with pytest.raises(ValidationError, match="sau khi kết thúc niêm yết"):
        decide(qp_officer, campaign, day=dt.date(2026, 10, 12))
    with pytest.raises(ValidationError, match="Nhập số quyết định"):
        decide(qp_officer, campaign, number=" ")
    with pytest.raises(ValidationError, match="không được ở tương lai"):
        decide(qp_officer, campaign, day=dt.date(2026, 11, 28))


def test_a_decided_campaign_is_frozen(campaign, qp_officer, tnmt):
    ready(campaign, qp_officer)
    decision = decide(qp_officer, campaign)
    with pytest.raises(ValidationError, match="đã có quyết định"):
        decide(qp_officer, campaign, number="126/QĐ-UBND")
    with pytest.raises(ValidationError, match="đã có quyết định"):
        services.campaign_survey_record(actor=qp_officer, entry=entry_of(campaign, "QP-1"),
                                        survey_date=dt.date(2026, 10, 25), income_per_capita=1, indicators={},
                                        today=TODAY)
    with pytest.raises(ValidationError, match="đã có quyết định"):
        services.campaign_schedule_update(actor=tnmt, campaign=campaign, start_date=dt.date(2026, 9, 1),
                                          end_date=dt.date(2026, 12, 10))
    decision.number = "999"
    with pytest.raises(FrozenRecordError):
        decision.save()
    with pytest.raises(FrozenRecordError):
        CampaignDecision.objects.get(pk=decision.pk).delete()


# --- applications (regular review) ---------------------------------------------------------------

def test_application_kinds_must_fit_the_households_class(ref, wards, qp_officer):
    poor = listed(wards.quang_phu, "QP-P", qp_officer)
    outside = listed(wards.quang_phu, "QP-O", qp_officer, income=5_000_000, deprived=())
    with pytest.raises(ValidationError, match="không thuộc danh sách"):
        services.application_create(actor=qp_officer, household=outside, kind=Application.Kind.TO_LEAVE,
                                    received_on=dt.date(2026, 10, 1), applicant="A", today=TODAY)
    with pytest.raises(ValidationError, match="đã là hộ nghèo"):
        services.application_create(actor=qp_officer, household=poor, kind=Application.Kind.TO_LIST,
                                    received_on=dt.date(2026, 10, 1), applicant="A", today=TODAY)
    with pytest.raises(ValidationError, match="không được ở tương lai"):
        services.application_create(actor=qp_officer, household=outside, kind=Application.Kind.TO_LIST,
                                    received_on=dt.date(2026, 11, 28), applicant="A", today=TODAY)
    services.application_create(actor=qp_officer, household=outside, kind=Application.Kind.TO_LIST,
                                received_on=dt.date(2026, 10, 1), applicant="A", today=TODAY)
    with pytest.raises(ValidationError, match="đơn cùng loại"):
        services.application_create(actor=qp_officer, household=outside, kind=Application.Kind.TO_LIST,
                                    received_on=dt.date(2026, 10, 2), applicant="A", today=TODAY)


def test_application_decided_through_the_rule_of_the_standard_in_force(ref, wards, qp_officer):
    h = listed(wards.quang_phu, "QP-L", qp_officer)
    app = services.application_create(actor=qp_officer, household=h, kind=Application.Kind.TO_LEAVE,
                                      received_on=dt.date(2026, 10, 1), applicant="Chủ hộ", today=TODAY)
    with pytest.raises(ValidationError, match="không được trước ngày nhận đơn"):
        services.application_decide(actor=qp_officer, application=app, survey_date=dt.date(2026, 9, 30),
                                    income_per_capita=2_400_000, indicators={}, decision_number="30/QĐ-UBND",
                                    decision_date=dt.date(2026, 10, 10), today=TODAY)
    a = services.application_decide(actor=qp_officer, application=app, survey_date=dt.date(2026, 10, 5),
                                    income_per_capita=2_400_000, indicators={"telecom": True},
                                    decision_number="30/QĐ-UBND", decision_date=dt.date(2026, 10, 10), today=TODAY)
    assert a.standard == ref.nd07 and a.kind == "regular" and a.effective_date == dt.date(2026, 10, 10)
    assert a.result_class == PovertyClass.AVERAGE and a.movement == "left_poor"
    app.refresh_from_db()
    assert app.status == "decided" and app.closed_on == dt.date(2026, 10, 10) and app.close_note == ""
    assert app.survey.indicators.count() == 12


def test_a_late_decision_is_marked_and_withdrawals_need_a_reason(ref, wards, qp_officer):
    h = listed(wards.quang_phu, "QP-L", qp_officer)
    app = services.application_create(actor=qp_officer, household=h, kind=Application.Kind.TO_LEAVE,
                                      received_on=dt.date(2026, 10, 1), applicant="Chủ hộ", today=TODAY)
    services.application_decide(actor=qp_officer, application=app, survey_date=dt.date(2026, 10, 20),
                                income_per_capita=1_000_000, indicators={"telecom": True, "employment": True,
                                                                         "water": True},
                                decision_number="31/QĐ-UBND", decision_date=dt.date(2026, 10, 20), today=TODAY)
    app.refresh_from_db()
    assert app.close_note == "Quyết định sau hạn 16/10/2026"
    other = services.application_create(actor=qp_officer, household=h, kind=Application.Kind.TO_LEAVE,
                                        received_on=dt.date(2026, 11, 1), applicant="Chủ hộ", today=TODAY)
    with pytest.raises(ValidationError, match="lý do rút đơn"):
        services.application_withdraw(actor=qp_officer, application=other, closed_on=dt.date(2026, 11, 2),
                                      reason="", today=TODAY)
    services.application_withdraw(actor=qp_officer, application=other, closed_on=dt.date(2026, 11, 2),
                                  reason="Hộ xin rút", today=TODAY)
    other.refresh_from_db()
    assert other.status == "withdrawn"


def test_campaign_rows_name_their_author_in_the_history(campaign, qp_officer):
    survey_all(qp_officer, campaign, {})
    entry = entry_of(campaign, "QP-1")
    assert entry.history.first().history_user == qp_officer
    assert Campaign.objects.get(pk=campaign.pk).history.first().history_user is not None
