"""The household and review forms catch mistakes in the browser (issue 18 item 6): one member
block, schooling required for a child, an implausible spouse confirmed once, "Chưa rà soát" with
its call to review, an error summary that names the indicator and takes the officer to the field,
dates typed dd/mm/yyyy and money 1.500.000 — each page checked with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from households.models import Assessment, Household
from tests.browser.conftest import PHONE, assert_accessible, login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _fill_member(page, index: int, name: str, relation: str, sex: str, born: str, schooling: str | None):
    prefix = f"members-{index}-"
    page.locator(f"[name={prefix}full_name]").fill(name)
    page.locator(f"[name={prefix}relation]").select_option(relation)
    page.locator(f"[name={prefix}sex]").select_option(sex)
    page.locator(f"[name={prefix}date_of_birth]").fill(born)
    if schooling is not None:
        page.locator(f"[name={prefix}schooling]").select_option(schooling)


def _send_review(page):
    """Press the review's button and confirm in the page's dialog (a decision cannot be undone)."""
    page.get_by_role("button", name="Ghi kết quả rà soát").click()
    page.locator("#confirm-dialog").get_by_role("button", name="Ghi quyết định").click()


def _journey(page, ref):
    login(page, "canbo.anphu", PASSWORD)
    page.goto("/ho/them/")
    expect(page.locator("[data-member-form]")).to_have_count(1)
    assert_accessible(page, where="new household")
    # An empty submit: errors, still one member block.
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.locator("[data-member-form]")).to_have_count(1)

    page.get_by_label("Mã hộ").fill("AP-FORM-1")
    page.get_by_label("Thôn/khối phố").fill("Khối phố 3")
    _fill_member(page, 0, "Trần Văn Bình", "head", "male", "12/04/1975", None)
    page.get_by_role("button", name="Thêm thành viên").click()
    spouse_born = dt.date.today().replace(year=dt.date.today().year - 14) - dt.timedelta(days=40)
    _fill_member(page, 1, "Lê Thị Hoa", "spouse", "female", spouse_born.strftime("%d/%m/%Y"), "attending")
    page.get_by_role("button", name="Thêm thành viên").click()
    child_born = dt.date.today().replace(year=dt.date.today().year - 8)
    _fill_member(page, 2, "Trần Minh Khôi", "child", "male", child_born.strftime("%d/%m/%Y"), None)
    expect(page.locator("[data-member-form]")).to_have_count(3)
    page.get_by_role("button", name="Lưu", exact=True).click()

    # The child's schooling is required; the summary names the member and links to the field.
    summary = page.get_by_test_id("error-summary")
    link = summary.get_by_role("link", name="Thành viên 3 (Trần Minh Khôi) – Tình trạng đi học")
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("[name=members-2-schooling]")).to_be_focused()
    assert_accessible(page, where="household form with errors")
    page.locator("[name=members-2-schooling]").select_option("attending")
    page.get_by_role("button", name="Lưu", exact=True).click()

    # The 14-year-old spouse is a warning to confirm, named in words.
    warnings = page.get_by_test_id("member-warnings")
    expect(warnings).to_contain_text("Lê Thị Hoa được ghi là vợ/chồng chủ hộ nhưng mới 14 tuổi")
    assert not Household.objects.filter(code="AP-FORM-1").exists()
    assert_accessible(page, where="household form with warnings")
    page.get_by_label("Tôi đã kiểm tra, dữ liệu đúng").check()
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu hộ AP-FORM-1")

    # Never reviewed: "Chưa rà soát" and the call to review.
    expect(page.get_by_test_id("unreviewed")).to_have_text("Chưa rà soát")
    assert_accessible(page, where="household page, not reviewed")
    page.get_by_test_id("review-now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rà soát hộ AP-FORM-1")

    page.get_by_label("Loại rà soát").select_option("regular")
    page.get_by_label("Năm rà soát").fill("2025")
    page.get_by_label("Thu nhập bình quân (đ/người/tháng)").fill("1.200.000")
    page.get_by_label("Số quyết định").fill("15/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill("10/03/2025")
    for code in ("employment", "telecom", "information_means"):
        page.locator(f"[data-indicator={code}] input[type=checkbox]").check()
    # Contradict the suggestion on health insurance without a reason.
    page.locator("[data-indicator=health_insurance] input[type=checkbox]").check()
    _send_review(page)
    health = ref.indicators["health_insurance"]
    link = page.get_by_test_id("error-summary").get_by_role(
        "link", name=f"Chỉ số {health.number}. {health.name} – lý do khác với gợi ý")
    expect(link).to_be_visible()
    assert_accessible(page, where="review form with errors")
    link.click()
    reason = page.locator("[name=reason_health_insurance]")
    expect(reason).to_be_focused()
    expect(page.locator("[name=income_per_capita]")).to_have_value("1.200.000")
    reason.fill("Thẻ BHYT hết hạn từ tháng 2, chưa gia hạn")
    _send_review(page)
    expect(page.locator(".alert-success")).to_be_visible()
    review = Assessment.objects.get(household__code="AP-FORM-1")
    assert review.income_per_capita == 1_200_000 and review.decision_date == dt.date(2025, 3, 10)
    expect(page.get_by_test_id("unreviewed")).to_have_count(0)


def test_household_and_review_forms_catch_mistakes(page, ref, ward_officer):
    _journey(page, ref)


def test_household_and_review_forms_on_a_phone(new_page, ref, ward_officer):
    _journey(new_page(PHONE), ref)
