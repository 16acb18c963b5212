"""The review pages as officers use them: a ward officer takes Quảng Phú's campaign through its
steps with the test client, TNMT opens campaigns and follows the board, documents come out in
three formats with their own dates and numbers, minutes are served only within scope, and
applications show their deadline."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns import services
from campaigns.models import Application, Campaign, VillageMeeting
from households.models import Assessment
from tamky_poverty.models import AccessRecord
from tests.campaigns.conftest import LIST_2027, TODAY, client_for, listed, meet_all, open_campaign, post, survey_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The pages read today at the edge: pin it to a day of the 2026 review."""
    monkeypatch.setattr("campaigns.views._today", lambda: TODAY)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def register(wards, qp_officer, tk_officer):
    listed(wards.quang_phu, "QP-01", qp_officer, village="Khối phố 1")
    listed(wards.quang_phu, "QP-02", qp_officer, village="Khối phố 1", income=1_900_000, deprived=("employment",))
    listed(wards.quang_phu, "QP-03", qp_officer, village="Khối phố 2", with_child=True)
    listed(wards.tam_ky, "TK-01", tk_officer)


def text(response) -> str:
    return response.content.decode()


def error_messages(response) -> str:
    return " ".join(re.findall(r'class="alert[^"]*"[^>]*>(.*?)<', text(response), re.S))


def test_tnmt_opens_the_years_campaigns_and_a_ward_officer_cannot(ref, wards, tnmt_client, qp_client):
    assert qp_client.post(reverse("campaigns:open"), {"review_year": 2026}).status_code == 403
    response = tnmt_client.post(reverse("campaigns:open"), {"review_year": 2026}, follow=True)
    assert "Đã mở 4 đợt rà soát năm 2026" in text(response)
    assert Campaign.objects.filter(review_year=2026).count() == 4
    board = tnmt_client.get(reverse("campaigns:index") + "?year=2026")
    assert board.status_code == 200
    for name in ("Tam Kỳ", "Bàn Thạch", "Quảng Phú", "Hương Trà"):
        assert f'data-unit="{name}"' in text(board)


def test_tnmt_edits_the_schedule_with_clear_errors(ref, wards, tnmt, tnmt_client, qp_client):
    c = open_campaign(tnmt, wards.quang_phu)
    url = reverse("campaigns:schedule", args=[c.pk])
    assert qp_client.get(url).status_code == 403
    bad = tnmt_client.post(url, {"start_date": "2026-09-01", "end_date": "2027-01-05"})
    assert bad.status_code == 400 and "trước ngày danh sách có hiệu lực" in text(bad)
    ok = tnmt_client.post(url, {"start_date": "2026-09-01", "end_date": "2026-12-20"})
    assert ok.status_code == 302
    c.refresh_from_db()
    assert c.end_date == dt.date(2026, 12, 20)


def test_ward_officer_takes_the_campaign_through_every_step(ref, wards, tnmt, qp_officer, qp_client, register,
                                                            other_ward_client, agency_client, tk_client):
    c = open_campaign(tnmt, wards.quang_phu)
    detail = reverse("campaigns:detail", args=[c.pk])
    page = qp_client.get(detail)
    assert page.status_code == 200 and "Chưa có hộ nào trong danh sách rà soát" in text(page)
    assert tk_client.get(detail).status_code == 404  # another ward's officer
    assert agency_client.get(detail).status_code == 404

    response = qp_client.post(reverse("campaigns:collect", args=[c.pk]), follow=True)
    assert "Danh sách rà soát: 3 hộ" in text(response)

    # survey: the 14 indicators of NĐ 351/2025 with the member-data suggestions
    entry = c.entries.get(household__code="QP-01")
    url = reverse("campaigns:survey", args=[c.pk, entry.pk])
    form = qp_client.get(url)
    assert text(form).count('data-indicator="') == 14
    assert 'data-testid="suggestion-health_insurance"' in text(form)
    bad = qp_client.post(url, {"survey_date": "2026-09-15", "income_per_capita": "abc"})
    assert bad.status_code == 400 and "Nhập số tiền bằng chữ số" in text(bad)
    contradict = qp_client.post(url, {"survey_date": "2026-09-15", "income_per_capita": "1.000.000",
                                      "ind_health_insurance": "on"})
    assert contradict.status_code == 400 and "cần nêu lý do" in text(contradict)
    ok = qp_client.post(url, {"survey_date": "2026-09-15", "income_per_capita": "2.700.000",
                              "ind_employment": "on", "ind_internet_access": "on", "ind_digital_services": "on"},
                        follow=True)
    assert "Đã ghi phiếu khảo sát hộ QP-01: Hộ nghèo." in text(ok)
    survey_all(qp_officer, Campaign.objects.get(pk=c.pk), {"QP-01": (2_700_000, ["employment", "internet_access",
                                                                                  "digital_services"])})

    # a meeting below 50 %: recorded, but nothing approved, and the decision says why
    meeting_url = reverse("campaigns:meeting", args=[c.pk])
    low = qp_client.post(meeting_url, {"village": "Khối phố 1", "held_on": "2026-10-01", "attendees": "40",
                                       "agreement_percent": "45", "minutes_text": "Không đủ đồng thuận"}, follow=True)
    assert "chỉ 45,00 % đồng ý" in text(low)
    qp_client.post(meeting_url, {"village": "Khối phố 2", "held_on": "2026-10-01", "attendees": "30",
                                 "agreement_percent": "90", "minutes_text": "Đồng ý"})
    page = qp_client.get(detail)
    assert ("Khối phố 1: hội nghị ngày 01/10/2026 chỉ có 45,00 % đồng ý (cần ít nhất 50,00 %), phải họp lại"
            in text(page))
    decide_url = reverse("campaigns:decide", args=[c.pk])
    refused = qp_client.post(decide_url, {"number": "125/QĐ-UBND", "decision_date": "2026-10-20"})
    assert refused.status_code == 400
    assert "45,00 % đồng ý (cần ít nhất 50,00 %)" in text(refused)
    assert not Assessment.objects.filter(effective_date=LIST_2027).exists()

    # the village meets again, with scanned minutes
    upload = SimpleUploadedFile("Biên bản KP1.pdf", b"%PDF-1.4 scanned minutes", content_type="application/pdf")
    again = qp_client.post(meeting_url, {"village": "Khối phố 1", "held_on": "2026-10-03", "attendees": "42",
                                         "agreement_percent": "76,5", "minutes_file": upload}, follow=True)
    assert "76,50 % đồng ý, danh sách được thông qua" in text(again)
    m = VillageMeeting.objects.get(village="Khối phố 1", held_on=dt.date(2026, 10, 3))
    download = qp_client.get(reverse("campaigns:minutes", args=[m.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 scanned minutes"
    assert download["Content-Disposition"] == "attachment; filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20KP1.pdf"
    for outsider in (tk_client, agency_client):
        assert outsider.get(reverse("campaigns:minutes", args=[m.pk])).status_code == 404

    # posting, a complaint, its resolution
    posting = qp_client.post(reverse("campaigns:posting", args=[c.pk]), {
        "start_date": "2026-10-05", "end_date": "2026-10-12", "place": "Trụ sở UBND phường"}, follow=True)
    assert "Đã ghi niêm yết công khai" in text(posting)
    qp_client.post(reverse("campaigns:complaint", args=[c.pk]), {
        "received_on": "2026-10-06", "complainant": "Ông Lê Văn C", "content": "Đề nghị xem lại hộ QP-02",
        "entry": str(c.entries.get(household__code="QP-02").pk)})
    page = qp_client.get(detail)
    assert "Còn 1 khiếu nại chưa giải quyết" in text(page)
    complaint = c.complaints.get()
    qp_client.post(reverse("campaigns:complaint_resolve", args=[complaint.pk]),
                   {"resolved_on": "2026-10-08", "resolution": "Đã phúc tra, giữ nguyên"})
    complaint.refresh_from_db()
    assert complaint.resolution == "Đã phúc tra, giữ nguyên"

    # the decision: every household, through the rule, effective 01/01/2027
    decided = qp_client.post(decide_url, {"number": "125/QĐ-UBND", "decision_date": "2026-10-20",
                                          "signer": "Nguyễn Văn Chủ"}, follow=True)
    assert "Đã ghi nhận Quyết định số 125/QĐ-UBND: 3 hộ" in text(decided)
    assert Assessment.objects.filter(effective_date=LIST_2027, standard=ref.nd351).count() == 3
    page = qp_client.get(detail)
    assert 'data-stage="decided"' in text(page) and "GCN 001/GCN-2027" in text(page)
    assert 'data-testid="survey-link-' not in text(page)  # nothing more to survey


def test_officer_adds_then_takes_off_a_household_on_the_page(ref, wards, tnmt, qp_officer, qp_client, register):
    c = open_campaign(tnmt, wards.quang_phu)
    extra = listed(wards.quang_phu, "QP-09", qp_officer, income=4_000_000, deprived=())
    detail = reverse("campaigns:detail", args=[c.pk])
    missing = qp_client.post(reverse("campaigns:flag", args=[c.pk]), {"code": "KHONG-CO", "note": "x"}, follow=True)
    assert "Không tìm thấy hộ có mã “KHONG-CO” ở Phường Quảng Phú" in text(missing)
    added = qp_client.post(reverse("campaigns:flag", args=[c.pk]), {"code": "QP-09", "note": "Chủ hộ ốm nặng"},
                           follow=True)
    assert "Đã thêm hộ QP-09 vào danh sách rà soát." in text(added) and "cán bộ đề xuất" in text(added)
    entry = c.entries.get(household=extra)
    assert f'action="{reverse("campaigns:entry_remove", args=[c.pk, entry.pk])}"' in text(qp_client.get(detail))
    refused = qp_client.post(reverse("campaigns:entry_remove", args=[c.pk, entry.pk]), {"reason": ""}, follow=True)
    assert "Nêu lý do" in text(refused) and c.entries.filter(pk=entry.pk).exists()
    removed = qp_client.post(reverse("campaigns:entry_remove", args=[c.pk, entry.pk]), {"reason": "Nhập nhầm"},
                             follow=True)
    assert "Đã đưa hộ QP-09 ra khỏi danh sách rà soát." in text(removed)
    assert not c.entries.filter(pk=entry.pk).exists()


@pytest.fixture
def decided(ref, wards, tnmt, qp_officer, register):
    c = open_campaign(tnmt, wards.quang_phu)
    services.campaign_collect(actor=qp_officer, campaign=c, day=dt.date(2026, 9, 2))
    survey_all(qp_officer, c, {"QP-02": (3_100_000, [])})
    meet_all(qp_officer, c)
    post(qp_officer, c)
    services.campaign_decide(actor=qp_officer, campaign=c, number="125/QĐ-UBND", decision_date=dt.date(2026, 10, 20),
                             signer="Nguyễn Văn Chủ", today=TODAY)
    return Campaign.objects.get(pk=c.pk)


def test_documents_in_three_formats_with_their_own_date_and_number(decided, qp_client, qp_officer):
    c = decided
    annex = reverse("campaigns:document", args=[c.pk, "phu-luc"])
    page = qp_client.get(annex)
    html = text(page)
    assert page.status_code == 200
    assert "UBND PHƯỜNG QUẢNG PHÚ" in html and "UBND THÀNH PHỐ ĐÀ NẴNG" in html
    assert "Quảng Phú, ngày 20 tháng 10 năm 2026" in html
    assert "Kèm theo Quyết định số 125/QĐ-UBND ngày 20/10/2026" in html
    assert "I. Hộ nghèo: 2 hộ" in html and "Hộ thoát nghèo, thoát cận nghèo: 1 hộ" in html
    assert "CHỦ TỊCH" in html and "Nguyễn Văn Chủ" in html
    xlsx = qp_client.get(annex + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    cells = " ".join(str(v) for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
                     for v in row if v is not None)
    assert "125/QĐ-UBND" in cells and "Quảng Phú, ngày 20 tháng 10 năm 2026" in cells and "001/GCN-2027" in cells
    pdf = qp_client.get(annex + "?format=pdf")
    assert pdf.content.startswith(b"%PDF")
    standalone = qp_client.get(annex + "?format=html&standalone=1")
    assert standalone["Content-Disposition"].startswith("attachment") and "125/QĐ-UBND" in text(standalone)

    entry = c.entries.get(household__code="QP-01")
    cert = qp_client.get(reverse("campaigns:certificate", args=[c.pk, entry.pk]))
    assert "GIẤY CHỨNG NHẬN HỘ NGHÈO" in text(cert).upper() and "Số: 001/GCN-2027" in text(cert)
    assert "Từ ngày 01/01/2027 đến ngày 31/12/2027" in text(cert)
    assert entry.household.members.get(relation="head").citizen_id in text(cert)  # the ward's own officer
    assert qp_client.get(reverse("campaigns:certificate", args=[c.pk, entry.pk]) + "?format=pdf").content[:4] == b"%PDF"
    assert AccessRecord.objects.filter(user=qp_officer, action="report", object_repr__startswith="GCN").exists()
    left = c.entries.get(household__code="QP-02")
    assert qp_client.get(reverse("campaigns:certificate", args=[c.pk, left.pk])).status_code == 404  # no certificate

    meeting_list = qp_client.get(reverse("campaigns:document", args=[c.pk, "hop-thon"]) + "?village=Khối phố 1")
    assert "Quảng Phú, ngày 01 tháng 10 năm 2026" in text(meeting_list)  # the meeting's own date
    assert "Dự kiến hộ nghèo: 1 hộ" in text(meeting_list)
    chosen = qp_client.get(reverse("campaigns:document", args=[c.pk, "hop-thon"]) + "?village=Khối phố 1&date=2026-09-30")
    assert "Quảng Phú, ngày 30 tháng 09 năm 2026" in text(chosen)
    posted = qp_client.get(reverse("campaigns:document", args=[c.pk, "niem-yet"]))
    assert "Quảng Phú, ngày 05 tháng 10 năm 2026" in text(posted)
    assert "Niêm yết từ ngày 05/10/2026 đến ngày 12/10/2026" in text(posted)
    assert qp_client.get(reverse("campaigns:document", args=[c.pk, "bogus"])).status_code == 404


def test_a_draft_meeting_list_has_no_date_rather_than_today(ref, wards, tnmt, qp_officer, qp_client, register):
    c = open_campaign(tnmt, wards.quang_phu)
    services.campaign_collect(actor=qp_officer, campaign=c, day=dt.date(2026, 9, 2))
    response = qp_client.get(reverse("campaigns:document", args=[c.pk, "hop-thon"]) + "?village=Khối phố 2")
    html = text(response)
    assert "Danh sách dự thảo, chưa có ngày họp." in html
    assert "Quảng Phú, ngày … tháng … năm …" in html  # a blank date line, as on a printed form
    today = timezone.localdate()
    assert f"ngày {today:%d} tháng {today:%m} năm {today:%Y}" not in html
    assert "Chưa khảo sát (chưa đủ điều kiện bình xét): 1 hộ" in html
    assert qp_client.get(reverse("campaigns:document", args=[c.pk, "niem-yet"])).status_code == 404  # not posted


def test_tnmt_board_and_dashboard_block_show_each_units_step(decided, wards, tnmt, tnmt_client, qp_officer, ref):
    services.campaign_open(actor=tnmt, unit=wards.tam_ky, review_year=2026)
    board = text(tnmt_client.get(reverse("campaigns:index") + "?year=2026"))
    assert re.search(r'data-unit="Quảng Phú".*?data-stage="decided".*?125/QĐ-UBND', board, re.S)
    assert re.search(r'data-unit="Tam Kỳ".*?data-stage="surveying"', board, re.S)
    assert re.search(r'data-unit="Bàn Thạch".*?Chưa mở đợt rà soát', board, re.S)
    dashboard = text(tnmt_client.get(reverse("dashboard")))
    assert 'data-testid="campaign-block"' in dashboard and "Rà soát hộ nghèo, cận nghèo năm 2026" in dashboard
    assert re.search(r'data-unit="Quảng Phú".*?Đã có quyết định', dashboard, re.S)


def test_agency_officers_see_nothing_of_the_reviews(ref, agency_client):
    assert 'data-testid="campaign-block"' not in text(agency_client.get(reverse("dashboard")))
    assert "/ra-soat/" not in text(agency_client.get(reverse("dashboard")))
    assert agency_client.get(reverse("campaigns:index")).status_code == 404


def test_applications_show_the_deadline_and_the_overdue_ones(ref, wards, qp_officer, qp_client, register):
    create = qp_client.post(reverse("campaigns:application_create"), {
        "code": "QP-01", "kind": "to_leave", "received_on": "2026-11-01", "applicant": "Trần Văn A"}, follow=True)
    assert "hạn quyết định: 16/11/2026" in text(create)
    qp_client.post(reverse("campaigns:application_create"), {
        "code": "QP-02", "kind": "to_leave", "received_on": "2026-11-20", "applicant": "Lê Thị B"})
    assert qp_client.post(reverse("campaigns:application_create"), {
        "code": "TK-01", "kind": "to_leave", "received_on": "2026-11-20", "applicant": "X"}).status_code == 400
    listing = text(qp_client.get(reverse("campaigns:applications")))
    assert re.search(r'data-household="QP-01" class="table-danger" data-overdue="1".*?quá hạn 11 ngày', listing, re.S)
    assert re.search(r'data-household="QP-02">.*?còn 8 ngày', listing, re.S)
    overdue = text(qp_client.get(reverse("campaigns:applications") + "?status=overdue"))
    assert 'data-household="QP-01"' in overdue and 'data-household="QP-02"' not in overdue
    app = Application.objects.get(household__code="QP-01")
    page = qp_client.get(reverse("campaigns:application_decide", args=[app.pk]))
    assert "Quá hạn" in text(page) and text(page).count('data-indicator="') == 12  # NĐ 07/2021 in 2026
    decided = qp_client.post(reverse("campaigns:application_decide", args=[app.pk]), {
        "survey_date": "2026-11-25", "income_per_capita": "2.600.000", "decision_number": "40/QĐ-UBND",
        "decision_date": "2026-11-26", "ind_telecom": "on"}, follow=True)
    assert "Đã ghi quyết định cho hộ QP-01: Hộ có mức sống trung bình." in text(decided)
    app.refresh_from_db()
    assert app.status == "decided" and app.close_note == "Quyết định sau hạn 16/11/2026"
    assert app.assessment.movement == "left_poor" and app.assessment.kind == "regular"


def test_dashboard_counts_overdue_applications_for_the_ward(ref, wards, qp_officer, qp_client, register):
    h = wards.quang_phu.households.get(code="QP-01")
    services.application_create(actor=qp_officer, household=h, kind="to_leave", received_on=dt.date(2026, 10, 1),
                                applicant="A", today=TODAY)
    from dashboard.selectors import campaign_block

    block = campaign_block(actor=qp_officer, today=TODAY)
    assert block["overdue"] == 1 and block["rows"] == []
    html = text(client_for(qp_officer).get(reverse("dashboard")))
    assert "1 đơn quá hạn 15 ngày" in html


@pytest.mark.parametrize("name", ["detail", "index", "applications", "decide", "annex"])
def test_pages_cost_a_fixed_number_of_queries(decided, wards, tnmt, tnmt_client, tk_officer, name,
                                              django_assert_max_num_queries):
    growing = services.campaign_open(actor=tnmt, unit=wards.tam_ky, review_year=2026)
    services.campaign_collect(actor=tnmt, campaign=growing, day=dt.date(2026, 9, 2))
    survey_all(tk_officer, growing, {})
    url = {"detail": reverse("campaigns:detail", args=[growing.pk]), "index": reverse("campaigns:index"),
           "applications": reverse("campaigns:applications") + "?status=all",
           "decide": reverse("campaigns:decide", args=[growing.pk]),
           "annex": reverse("campaigns:document", args=[decided.pk, "phu-luc"])}[name]
    tnmt_client.get(url)
    with django_assert_max_num_queries(25) as first:
        assert tnmt_client.get(url).status_code == 200
    for i in range(6):  # more households, villages, surveys, meetings, applications: the same queries
        h = listed(wards.tam_ky, f"TK-X{i}", tk_officer, village=f"Khối phố {i + 3}")
        services.application_create(actor=tk_officer, household=h, kind="to_leave", received_on=dt.date(2026, 11, 1),
                                    applicant="A", today=TODAY)
    services.campaign_collect(actor=tnmt, campaign=growing, day=dt.date(2026, 9, 3))
    survey_all(tk_officer, growing, {})
    meet_all(tk_officer, growing)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert tnmt_client.get(url).status_code == 200
