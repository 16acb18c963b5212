"""The annual review in a real browser (Debian's chromium): a Quảng Phú ward officer takes a
household through survey, village meeting (first below 50 %, which blocks the decision with a
clear message, then again), public posting and the chairman's decision. The household's class on
01/01/2027 is the NĐ 351/2025 result — under NĐ 07/2021 its 2.5 M đ would be "average living" —
and the 2027 year-movement report counts it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from campaigns import services
from households.models import Assessment, Household
from households.selectors import class_on
from households.services import assessment_record
from reports import datasets
from tamky_poverty.models import Role
from tests.browser.conftest import confirm, login
from tests.conftest import PASSWORD
from tests.factories import household_with_head

pytestmark = pytest.mark.browser

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def setting(ref, make_user, monkeypatch):
    monkeypatch.setattr("campaigns.views._today", lambda: TODAY)  # the live server runs in this process
    quang_phu = ref.units["Quảng Phú"]
    officer = make_user("canbo.quangphu", Role.WARD_OFFICER, unit=quang_phu, full_name="Cán bộ Quảng Phú")
    tnmt = make_user("tnmt", Role.TNMT_REVIEWER)
    household = household_with_head(quang_phu, code="QP-2026-07", village="Khối phố 4", head_name="Phan Thị Lài")
    # The 2026 list: 2.5 M đ per person in a ward — above NĐ 07's urban threshold (2.0 M): average.
    assessment_record(actor=officer, household=household, kind="annual", year=2026, income_per_capita=2_500_000,
                      indicators={"employment": True}, decision_number="90/QĐ-UBND",
                      decision_date=dt.date(2025, 12, 20), effective_date=dt.date(2026, 1, 1))
    campaign = services.campaign_open(actor=tnmt, unit=quang_phu, review_year=2026)
    return {"unit": quang_phu, "household": household, "campaign": campaign}


def field(page, label: str):
    return page.get_by_label(re.compile(r"^\s*" + re.escape(label) + r"(\s*\*)?\s*$"))


def test_ward_officer_takes_a_household_through_the_review(page, ref, setting):
    household, unit = setting["household"], setting["unit"]
    login(page, "canbo.quangphu", PASSWORD)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Rà soát danh sách").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rà soát hộ nghèo, hộ cận nghèo năm 2026")
    page.get_by_test_id("campaign-board").get_by_role("link", name="Phường Quảng Phú").click()
    expect(page.get_by_test_id("missing-survey")).to_contain_text("Chưa có hộ nào trong danh sách rà soát")

    # 1. the households to review: the simulation of NĐ 351/2025 flags this one
    page.get_by_role("button", name="Lập / cập nhật danh sách hộ rà soát").click()
    expect(page.locator(".alert-success")).to_contain_text("Danh sách rà soát: 1 hộ")
    row = page.locator("tr[data-household='QP-2026-07']")
    expect(row).to_contain_text("mô phỏng")

    # 2. the survey: the indicators of NĐ 351/2025 (14), the income
    page.get_by_test_id("survey-link-QP-2026-07").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phiếu khảo sát hộ QP-2026-07")
    expect(page.locator("[data-indicator]")).to_have_count(14)
    field(page, "Ngày khảo sát").fill("2026-09-15")
    field(page, "Thu nhập bình quân (đ/người/tháng)").fill("2.500.000")
    for code in ("employment", "internet_access", "digital_services"):
        page.locator(f"[data-indicator={code}] input[type=checkbox]").check()
    page.get_by_role("button", name="Ghi phiếu khảo sát").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi phiếu khảo sát hộ QP-2026-07: Hộ nghèo.")

    # 3. the village meeting: 45 % is not enough, and the decision says why
    page.get_by_role("link", name="Ghi hội nghị thôn").click()
    field(page, "Thôn/khối phố").select_option("Khối phố 4")
    field(page, "Ngày họp").fill("2026-10-01")
    field(page, "Số người dự họp").fill("38")
    field(page, "Tỷ lệ đồng ý (%)").fill("45")
    field(page, "Nội dung biên bản").fill("Nhiều ý kiến đề nghị xác minh thêm thu nhập.")
    page.get_by_role("button", name="Ghi hội nghị").click()
    expect(page.locator(".alert-warning")).to_contain_text("chỉ 45,00 % đồng ý")
    expect(page.get_by_test_id("missing-meeting")).to_contain_text(
        "Khối phố 4: hội nghị ngày 01/10/2026 chỉ có 45,00 % đồng ý (cần ít nhất 50,00 %), phải họp lại")
    page.get_by_role("link", name="Ghi quyết định công nhận").click()
    expect(page.get_by_test_id("blockers")).to_contain_text("45,00 % đồng ý (cần ít nhất 50,00 %)")
    field(page, "Số quyết định").fill("125/QĐ-UBND")
    field(page, "Ngày quyết định").fill("2026-10-20")
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    confirm(page, "Sau khi ghi không thể sửa")
    expect(page.get_by_test_id("error-summary")).to_contain_text("45,00 % đồng ý")
    assert not Assessment.objects.filter(household=household, effective_date=dt.date(2027, 1, 1)).exists()

    page.goto(f"/ra-soat/{setting['campaign'].pk}/hop-thon/?village=Khối phố 4")
    field(page, "Ngày họp").fill("2026-10-02")
    field(page, "Số người dự họp").fill("41")
    field(page, "Tỷ lệ đồng ý (%)").fill("80,5")
    field(page, "Nội dung biên bản").fill("Hội nghị thống nhất đưa hộ vào danh sách hộ nghèo.")
    page.get_by_role("button", name="Ghi hội nghị").click()
    expect(page.locator(".alert-success")).to_contain_text("80,50 % đồng ý, danh sách được thông qua")

    # 4. public posting
    page.get_by_role("link", name="Ghi niêm yết").click()
    field(page, "Niêm yết từ ngày").fill("2026-10-05")
    field(page, "Đến ngày").fill("2026-10-12")
    page.get_by_role("button", name="Ghi niêm yết").click()
    expect(page.get_by_test_id("posting")).to_contain_text("Niêm yết từ 05/10/2026 đến 12/10/2026")

    # 5. the chairman's decision
    page.get_by_role("link", name="Ghi quyết định công nhận").click()
    expect(page.get_by_test_id("blockers")).to_have_count(0)
    field(page, "Số quyết định").fill("125/QĐ-UBND")
    field(page, "Ngày quyết định").fill("2026-10-20")
    field(page, "Người ký (Chủ tịch UBND)").fill("Nguyễn Văn Chủ")
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    confirm(page, "Sau khi ghi không thể sửa")
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi nhận Quyết định số 125/QĐ-UBND: 1 hộ")
    expect(page.get_by_test_id("decision-QP-2026-07")).to_contain_text("Hộ nghèo")
    page.get_by_role("link", name="GCN 001/GCN-2027").click()
    expect(page.locator(".report-preview")).to_contain_text("Số: 001/GCN-2027")
    expect(page.locator(".report-preview")).to_contain_text("Quảng Phú, ngày 20 tháng 10 năm 2026")

    # the household's class on 01/01/2027 is the NĐ 351/2025 result
    decision = Assessment.objects.get(household=household, effective_date=dt.date(2027, 1, 1))
    assert decision.standard == ref.nd351 and decision.result_class == "poor"
    assert "2.800.000" in decision.explanation
    assert Household.objects.filter(pk=household.pk).annotate(c=class_on(dt.date(2027, 1, 1))).values_list(
        "c", flat=True).get() == "poor"
    assert Household.objects.filter(pk=household.pk).annotate(c=class_on(dt.date(2026, 12, 31))).values_list(
        "c", flat=True).get() == "average"

    # and the 2027 year-movement report counts it: poor at the start (01/01/2027) and at the end
    ds = datasets.movements(datasets.SYSTEM, datasets.Params(year=2027, unit=unit))
    unit_row = next(r for r in ds.rows if r.cells[1] == str(unit))
    column = {c.key: i for i, c in enumerate(ds.columns)}
    start, end = column["poor_start"], column["poor_end"]
    assert unit_row.cells[start] == 1 and unit_row.cells[end] == 1  # poor: start, end
    page.goto(f"/bao-cao/MOVEMENT/?year=2027&unit={unit.pk}")
    cells = page.locator("table.report-table tbody tr", has_text="Phường Quảng Phú").first.locator("td")
    expect(cells.nth(start)).to_have_text("1")
    expect(cells.nth(end)).to_have_text("1")
