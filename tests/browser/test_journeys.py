"""End-to-end journeys of each role in Debian's chromium against the live server (issue 8).

Data is built in the tests (reference data + one user per role from tests/conftest.py), so each
journey starts from a known register. Every page visited is checked for CSP violations by the
``page`` fixture (tests/browser/conftest.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from households.services import assessment_record
from reports.models import MonthlyReport
from support.models import ActionStatus, SupportAction
from tests.browser.conftest import DESKTOP, PHONE, confirm, login
from tests.conftest import PASSWORD
from tests.factories import household_with_head

pytestmark = pytest.mark.browser

MEMBERS = [
    # name, relation, sex, born, citizen id, employment, schooling, diploma
    ("Trần Văn Bình", "head", "male", "1978-04-12", "049078001234", "unstable", "na", "lower_secondary"),
    ("Lê Thị Hoa", "spouse", "female", "1981-09-30", "049181005678", "unstable", "na", "lower_secondary"),
    ("Trần Minh Khôi", "child", "male", "2014-02-03", "", "not_in_labour_force", "attending", "primary"),
]


def field(page, label: str):
    """A form field by its label, whether or not the label carries the required-field star."""
    return page.get_by_label(re.compile(r"^\s*" + re.escape(label) + r"(\s*\*)?\s*$"))


def add_household(page, code: str):
    page.goto("/ho/")
    page.get_by_role("link", name="Thêm hộ", exact=True).click()
    expect(page.get_by_role("heading", name="Thêm hộ gia đình")).to_be_visible()
    page.get_by_label("Mã hộ").fill(code)
    page.get_by_label("Thôn/khối phố").fill("Khối phố 3")
    page.get_by_label("Địa chỉ").fill("12 Huỳnh Thúc Kháng")
    add_member = page.get_by_role("button", name="Thêm thành viên")
    for index, (name, relation, sex, born, cid, employment, schooling, diploma) in enumerate(MEMBERS):
        if index > 0:
            add_member.click()
        prefix = f"members-{index}-"
        page.locator(f"[name={prefix}full_name]").fill(name)
        page.locator(f"[name={prefix}relation]").select_option(relation)
        page.locator(f"[name={prefix}sex]").select_option(sex)
        page.locator(f"[name={prefix}date_of_birth]").fill(born)
        if cid:
            page.locator(f"[name={prefix}citizen_id]").fill(cid)
        page.locator(f"[name={prefix}employment]").select_option(employment)
        page.locator(f"[name={prefix}schooling]").select_option(schooling)
        page.locator(f"[name={prefix}highest_diploma]").select_option(diploma)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Hộ {code}")
    expect(page.locator(".alert-success")).to_contain_text(f"Đã lưu hộ {code}")
    for name, *_ in MEMBERS:
        expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()


def record_review(page):
    page.get_by_role("link", name="Rà soát", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rà soát hộ")
    page.get_by_label("Loại rà soát").select_option("regular")
    page.get_by_label("Năm rà soát").fill("2025")
    page.get_by_label("Thu nhập bình quân (đ/người/tháng)").fill("1200000")
    page.get_by_label("Số quyết định").fill("15/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill("2025-03-10")
    for code in ("employment", "telecom", "information_means"):
        page.locator(f"[data-indicator={code}] input[type=checkbox]").check()
    page.get_by_role("button", name="Ghi kết quả rà soát").click()
    confirm(page, "Ghi kết quả rà soát này?", "15/QĐ-UBND", "Hộ nghèo")


def plan_support(page, agency_pk: int):
    page.get_by_role("link", name="Lập kế hoạch hỗ trợ").click()
    expect(page.get_by_role("heading", name="Lập kế hoạch hỗ trợ")).to_be_visible()
    field(page, "Loại hỗ trợ").select_option("livelihood")
    field(page, "Cơ quan chủ trì").select_option(str(agency_pk))
    field(page, "Nội dung hỗ trợ").fill("Hỗ trợ 01 con bò giống")
    field(page, "Năm kế hoạch").fill("2025")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert-success")).to_be_visible()


def prepare_and_submit_report(page):
    page.goto("/?period=2025-06")  # the reporting period, chosen once (June 2025: An Phú's last month before the reorganisation)
    own = page.get_by_test_id("own-report").get_by_role("link")
    expect(own).to_contain_text("Lập báo cáo tháng 06/2025")
    own.click()
    page.get_by_label("Khó khăn, vướng mắc").fill("Một số hộ chưa có nguồn vốn đối ứng.")
    page.get_by_label("Đề xuất, kiến nghị").fill("Đề nghị hỗ trợ thêm bò giống.")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu báo cáo tháng 06/2025")
    page.get_by_role("button", name="Gửi Phòng TNMT").click()
    confirm(page, "Số liệu sẽ được chốt", "Tháng 06/2025")
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi báo cáo")


def officer_journey(page, ref, code: str):
    login(page, "canbo.anphu", PASSWORD)
    page.goto("/?period=2025-06")  # the reporting period, chosen once (June 2025: An Phú's last month before the reorganisation)
    expect(page.get_by_role("heading", name="Tổng quan", level=1)).to_be_visible()
    expect(page.get_by_test_id("report-status-table")).to_contain_text("An Phú")
    add_household(page, code)
    record_review(page)
    expect(page.locator(".alert-success")).to_be_visible()
    # The class and the reason the national standard gives.
    expect(page.locator("#h-class + p")).to_contain_text("Hộ nghèo")
    explanation = page.get_by_test_id("explanation")
    expect(explanation).to_contain_text("1.200.000")
    expect(explanation).to_contain_text("3")
    plan_support(page, ref.agencies["ttyt"].pk)
    prepare_and_submit_report(page)
    report = MonthlyReport.objects.get(unit=ref.an_phu, year=2025, month=6)
    assert report.status == MonthlyReport.Status.SUBMITTED
    page.goto("/")
    expect(page.get_by_test_id("report-status-table").locator("tr", has_text="An Phú")).to_contain_text("Đã gửi")
    expect(page.get_by_test_id("poor-now")).to_have_text("1")


def test_ward_officer_journey(page, ref, ward_officer):
    officer_journey(page, ref, "AP-2025-001")
    action = SupportAction.objects.get(household__code="AP-2025-001")
    assert (action.kind_id, action.lead_agency, action.status) == ("livelihood", ref.agencies["ttyt"], "planned")
    assert action.household.members.count() == 3


def test_ward_officer_journey_on_a_phone(phone_page, ref, ward_officer):
    page = phone_page
    officer_journey(page, ref, "AP-2025-002")
    # Nothing overflows the 360-px screen, and the menu opens from the toggler.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Mở menu").click()
    expect(page.get_by_role("link", name="Hộ gia đình", exact=True)).to_be_visible()


def _submitted_report(ref, ward_officer):
    """An An Phú household reviewed in 2025 and the unit's December report, submitted."""
    from reports import services

    household = household_with_head(ref.an_phu, code="AP-77")
    assessment_record(actor=ward_officer, household=household, kind="regular", year=2025,
                      income_per_capita=1_000_000, indicators={"employment": True, "telecom": True,
                                                               "information_means": True},
                      decision_number="7/QĐ", decision_date=dt.date(2025, 2, 1), suggestions={})
    report = services.monthly_report_prepare(actor=ward_officer, unit=ref.an_phu, year=2025, month=12,
                                             difficulties="", proposals="")
    services.monthly_report_submit(actor=ward_officer, report=report)
    return report


VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


def fits(page, viewport):
    """The page is no wider than the screen (a phone scrolls tables inside their own box)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@VIEWPORTS
def test_tnmt_reviewer_journey(new_page, ref, tnmt, ward_officer, viewport):
    report = _submitted_report(ref, ward_officer)
    page = new_page(viewport)
    login(page, "tnmt", PASSWORD)
    page.goto("/?period=2025-12")
    to_review = page.get_by_test_id("to-review")
    expect(to_review).to_contain_text("An Phú – 12/2025")
    to_review.get_by_role("link").first.click()
    page.get_by_label("Ý kiến (bắt buộc khi trả lại)").fill("Bổ sung khó khăn, vướng mắc của đơn vị.")
    page.get_by_role("button", name="Trả lại").click()
    confirm(page, "Trả lại báo cáo cho đơn vị?")
    expect(page.locator(".alert-success")).to_contain_text("Đã trả lại báo cáo")
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.RETURNED

    # The officer sees the returned report on the dashboard, completes it and sends it again.
    officer = new_page(viewport)
    login(officer, "canbo.anphu", PASSWORD)
    officer.goto("/?period=2025-12")
    expect(officer.get_by_test_id("returned")).to_contain_text("Bổ sung khó khăn")
    own = officer.get_by_test_id("own-report").get_by_role("link")
    expect(own).to_contain_text("Sửa và gửi lại báo cáo tháng 12/2025")
    own.click()
    expect(officer.locator("main")).to_contain_text("Bổ sung khó khăn")
    officer.get_by_role("button", name="Gửi Phòng TNMT").click()
    confirm(officer, "Số liệu sẽ được chốt")
    expect(officer.locator(".alert-success")).to_contain_text("Đã gửi báo cáo")

    page.goto("/")
    page.get_by_test_id("to-review").get_by_role("link").first.click()
    page.get_by_role("button", name="Duyệt").click()
    confirm(page, "Duyệt báo cáo này?", "không thể sửa hay trả lại")
    expect(page.locator(".alert-success")).to_contain_text("Đã duyệt báo cáo")
    fits(page, viewport)
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.APPROVED
    page.goto("/")
    expect(page.get_by_test_id("report-status-table").locator("tr", has_text="An Phú")).to_contain_text("Đã duyệt")

    # The city's monthly report as PDF and XLSX, and PL01 as PDF.
    page.goto("/bao-cao/thang/?year=2025&month=12")
    page.get_by_role("link", name="Báo cáo tổng hợp toàn thành phố").click()
    check_download(page, "PDF", b"%PDF")
    check_download(page, "Excel", b"PK")
    page.goto("/bao-cao/PL01/?year=2025")
    check_download(page, "PDF", b"%PDF")


def check_download(page, name: str, magic: bytes):
    with page.expect_download() as info:
        page.get_by_role("link", name=name).first.click()
    path = info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(4).startswith(magic), f"{name} download is not a {magic!r} file"


@VIEWPORTS
def test_agency_officer_sees_own_actions_and_completes_one(new_page, ref, agency_officer, ward_officer, viewport):
    household = household_with_head(ref.an_phu, code="AP-88")
    assessment_record(actor=ward_officer, household=household, kind="regular", year=2025,
                      income_per_capita=1_000_000, indicators={"health_insurance": True, "telecom": True,
                                                               "information_means": True},
                      decision_number="8/QĐ", decision_date=dt.date(2025, 2, 1), suggestions={})
    mine = SupportAction.objects.create(
        household=household, kind_id="health_insurance", household_class="poor", description="Cấp thẻ BHYT",
        lead_agency=ref.agencies["ttyt"], plan_year=2025, planned_date=dt.date(2025, 3, 1))
    other = SupportAction.objects.create(
        household=household, kind_id="education", household_class="poor", description="Miễn học phí",
        lead_agency=ref.agencies["gddt"], plan_year=2025)
    page = new_page(viewport)
    login(page, "canbo.ttyt", PASSWORD)
    expect(page.get_by_test_id("overdue")).to_contain_text("AP-88")
    page.goto("/ho-tro/")
    fits(page, viewport)
    if viewport == PHONE:  # cards with the kind, the status and the next step
        shown = page.get_by_test_id("action-card")
        expect(shown).to_have_count(1)
        expect(shown).to_contain_text("AP-88")
        expect(shown.get_by_role("link", name="Bắt đầu thực hiện")).to_be_visible()
    else:
        shown = page.locator("main table")
        expect(shown.locator("tr", has_text="AP-88")).to_have_count(1)
        expect(shown).to_contain_text("Cấp thẻ BHYT")
    expect(shown).not_to_contain_text("Hỗ trợ giáo dục")  # led by another agency
    response = page.goto(f"/ho-tro/{other.pk}/")
    assert response.status == 404
    page.goto(f"/ho-tro/{mine.pk}/")
    for status in ("in_progress", "completed"):
        field(page, "Chuyển sang").select_option(status)
        if status == "completed":
            page.get_by_label("Ngày hoàn thành").fill("15/06/2025")
        page.get_by_role("button", name="Cập nhật trạng thái").click()
        expect(page.locator(".alert-success")).to_be_visible()
    mine.refresh_from_db()
    assert mine.status == ActionStatus.COMPLETED


def test_other_units_household_is_not_found_and_pages_keep_the_csp(page, ref, ward_officer, tnmt):
    foreign = household_with_head(ref.tam_thang, code="TT-99")
    login(page, "canbo.anphu", PASSWORD)
    response = page.goto(f"/ho/{foreign.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    expect(page.locator("main")).not_to_contain_text("TT-99")
    for url in ["/", "/ho/", "/ho/them/", "/ho-tro/", "/ke-hoach/", "/bao-cao/thang/", "/bao-cao/"]:
        response = page.goto(url)
        assert response.status == 200, url
    # The CSP violations of every page visited are checked by the fixture on teardown.
