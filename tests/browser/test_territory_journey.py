"""The register across the July 2025 reorganisation, in Debian's chromium (issue 14, "Done when"):
a Quảng Phú officer reviews a household registered in the former Xã Tam Thanh and submits the
ward's monthly report; TNMT approves it; the dashboard and the reports move by exactly one.

The data is built in the test: the reference data (the four wards and the recorded
reorganisation), two households of the 2025 lists registered in An Phú and Tam Thanh before
1 July 2025 and passed to Quảng Phú by the reorganisation service, and Tam Kỳ's December report
already approved."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from citydata.reference_data import load_reference
from households import territory
from households.models import Household
from households.services import assessment_record
from reports import datasets
from reports import services as report_services
from reports.models import MonthlyReport
from tamky_poverty.models import Role
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.factories import household_with_head

pytestmark = pytest.mark.browser

LIST_2025 = dt.date(2025, 1, 1)
REVIEWED_ON = dt.date(2025, 12, 10)


@pytest.fixture
def quang_phu(ref, make_user, tnmt):
    units = ref.units
    ward = units["Quảng Phú"]
    officer = make_user("canbo.quangphu", Role.WARD_OFFICER, unit=ward, full_name="Cán bộ Quảng Phú")
    tam_ky_officer = make_user("canbo.tamky", Role.WARD_OFFICER, unit=units["Tam Kỳ"])
    # The 2025 lists, recorded while the households were in their former units.
    homes = {}
    for unit, code, income, deprived in (
            (units["Tam Thanh"], "20359-0007", 1_300_000, ("telecom",)),
            (units["An Phú"], "20356-0003", 1_000_000, ("employment", "telecom", "information_means"))):
        household = household_with_head(unit, code=code, village="Khối phố 2")
        assessment_record(actor=tnmt, household=household, kind="annual", year=2025, income_per_capita=income,
                          indicators={c: True for c in deprived}, decision_number="320/QĐ-UBND",
                          decision_date=dt.date(2024, 12, 20), effective_date=LIST_2025, today=LIST_2025,
                          suggestions={})
        homes[unit.name] = household
    # The reorganisation (already recorded by the reference data) passes them to Quảng Phú.
    load_reference(today=dt.date(2026, 11, 27))
    for household in homes.values():
        household.refresh_from_db()
        assert household.unit == ward
    assert territory.unit_on(homes["Tam Thanh"], dt.date(2025, 6, 30)) == units["Tam Thanh"]
    # Another ward's December report is approved already.
    report = report_services.monthly_report_prepare(actor=tam_ky_officer, unit=units["Tam Kỳ"], year=2025, month=12)
    report_services.monthly_report_submit(actor=tam_ky_officer, report=report)
    report_services.monthly_report_approve(actor=tnmt, report=report)
    return {"ward": ward, "officer": officer, "former_tam_thanh": homes["Tam Thanh"]}


def dashboard_of_december(page):
    """The dashboard for the period 12/2025, chosen in the menu bar's period picker."""
    page.goto("/")
    page.locator("#period-select-nav").select_option(label="Tháng 12/2025")
    expect(page.get_by_test_id("dashboard-period")).to_contain_text("12/2025")


def submit_december_report(page):
    dashboard_of_december(page)
    own = page.get_by_test_id("own-report").get_by_role("link")
    expect(own).to_contain_text("Lập báo cáo tháng 12/2025")
    own.click()
    page.get_by_label("Khó khăn, vướng mắc").fill("Hộ ở địa bàn xã Tam Thanh cũ mất việc làm.")
    page.get_by_label("Đề xuất, kiến nghị").fill("Đề nghị hỗ trợ giới thiệu việc làm.")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu báo cáo tháng 12/2025")
    page.get_by_role("button", name="Gửi Phòng TNMT").click()
    page.get_by_role("dialog").get_by_role("button", name="Gửi và chốt số liệu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi báo cáo")


def _stat(page, test_id: str) -> str:
    return page.get_by_test_id(test_id).inner_text().strip()


def _monthly_lines(unit=None) -> dict[str, list]:
    ds = datasets.build(datasets.SYSTEM, "MONTHLY", datasets.Params(2025, 12, unit))
    return {r.cells[1]: r.cells[2:4] for r in ds.rows}


def test_a_former_tam_thanh_household_reviewed_and_reported_by_quang_phu(page, new_page, quang_phu):
    household = quang_phu["former_tam_thanh"]
    city_before, ward_before = _monthly_lines(), _monthly_lines(quang_phu["ward"])

    # TNMT's dashboard before: one poor, one near-poor household; one of the wards' reports approved.
    reviewer = new_page()
    login(reviewer, "tnmt", PASSWORD)
    dashboard_of_december(reviewer)
    expect(reviewer.get_by_test_id("poor-now")).to_have_text("1")
    expect(reviewer.get_by_test_id("near-poor-now")).to_have_text("1")
    approved, units_reporting = map(int, _stat(reviewer, "approved-total").split("/"))
    expect(reviewer.get_by_test_id("report-status-table").locator("tr", has_text="Quảng Phú")).to_contain_text(
        "Chưa lập")

    # The Quảng Phú officer finds the household of the former Tam Thanh in the ward's register.
    login(page, "canbo.quangphu", PASSWORD)
    page.goto("/ho/")
    page.locator("tr", has_text=household.code).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Hộ {household.code}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quảng Phú")

    # A regular review in December 2025: three deprivations, income under the urban threshold.
    page.get_by_role("link", name="Rà soát", exact=True).click()
    page.get_by_label("Loại rà soát").select_option("regular")
    page.get_by_label("Năm rà soát").fill("2025")
    page.get_by_label("Thu nhập bình quân (đ/người/tháng)").fill("1100000")
    page.get_by_label("Số quyết định").fill("95/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill(REVIEWED_ON.isoformat())
    for code in ("employment", "telecom", "information_means"):
        page.locator(f"[data-indicator={code}] input[type=checkbox]").check()
    expect(page.locator("#class-preview")).to_contain_text("Hộ nghèo")  # the preview has caught up
    page.get_by_role("button", name="Ghi kết quả rà soát").click()
    # the confirmation names the class and the area rule used: the ward's, on the decision's date
    confirm = page.get_by_role("dialog")
    expect(confirm).to_contain_text("Hộ nghèo")
    expect(confirm).to_contain_text("Áp dụng khu vực thành thị: Phường Quảng Phú ngày 10/12/2025")
    confirm.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#h-class + p")).to_contain_text("Hộ nghèo")
    expect(page.get_by_test_id("explanation")).to_contain_text("1.100.000")
    household.refresh_from_db()
    decision = household.current_assessment
    assert (decision.unit, decision.area_kind, decision.previous_class, decision.result_class) == (
        quang_phu["ward"], "urban", "near_poor", "poor")

    # … and submits the ward's December report.
    submit_december_report(page)
    report = MonthlyReport.objects.get(unit=quang_phu["ward"], year=2025, month=12)
    assert report.status == MonthlyReport.Status.SUBMITTED and report.submitted_by == quang_phu["officer"]

    # TNMT sees it, approves it; the dashboard moves by exactly one.
    dashboard_of_december(reviewer)
    expect(reviewer.get_by_test_id("poor-now")).to_have_text("2")
    expect(reviewer.get_by_test_id("near-poor-now")).to_have_text("0")
    to_review = reviewer.get_by_test_id("to-review")
    expect(to_review).to_contain_text("Quảng Phú – 12/2025")
    to_review.get_by_role("link", name="Quảng Phú – 12/2025").first.click()
    reviewer.get_by_role("button", name="Duyệt", exact=True).click()
    reviewer.get_by_role("dialog").get_by_role("button", name="Duyệt và khoá báo cáo").click()
    expect(reviewer.locator(".alert-success")).to_be_visible()
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.APPROVED and report.document is not None
    dashboard_of_december(reviewer)
    expect(reviewer.get_by_test_id("approved-total")).to_have_text(f"{approved + 1}/{units_reporting}")
    expect(reviewer.get_by_test_id("report-status-table").locator("tr", has_text="Quảng Phú")).to_contain_text(
        "Đã duyệt")

    # The ward's approved report shows the one household that moved, in the month and the year.
    line = "Số hộ cận nghèo chuyển sang hộ nghèo"
    reviewer.goto(f"/bao-cao/thang/{report.pk}/")
    row = reviewer.locator("tr", has_text=line).first
    expect(row.locator("td, th").nth(2)).to_have_text("1")
    moved = {k: v["month"] for k, v in report.snapshot["movements"].items() if v["month"]}
    assert moved == {"near_poor_to_poor": 1}
    # … and the ward's and the city's December reports differ from before by exactly that one.
    for before, after in ((ward_before, _monthly_lines(quang_phu["ward"])), (city_before, _monthly_lines())):
        changed = {label: (before[label], after[label]) for label in after if after[label] != before[label]}
        assert changed == {line: ([0, 0], [1, 1])}
    assert Household.objects.filter(current_class="poor").count() == 2
