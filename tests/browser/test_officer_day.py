"""The ward officer's whole day on a 390-px phone, and the reviewer's irreversible steps at desktop
size (issue 18 items 1, 2 and 4), in Debian's chromium against the live server.

Phone: log in, choose the reporting period once, find a household (filters folded, chips), review
it with the confirmation dialog (cancel once, then confirm), plan a support action (plan year from
the period) and advance it from its card, prepare and submit the monthly report with confirmation;
no page wider than the screen, no console error, no CSP violation (the fixture checks those).
Desktop: approval asks once with its summary and cannot be sent twice (busy button); soft delete
asks with its summary; without JavaScript the same steps go through a confirmation page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from households.models import Assessment, Household
from reports import services as report_services
from reports.models import MonthlyReport, MonthlyReportEvent
from support.models import ActionStatus, SupportAction
from tests.browser.conftest import confirm, login
from tests.conftest import PASSWORD
from tests.factories import household_with_head

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}


def fits_the_screen(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def label(page, text: str):
    return page.get_by_label(re.compile(r"^\s*" + re.escape(text) + r"(\s*\*)?\s*$"))


def open_menu_link(page, name: str):
    page.get_by_role("button", name="Mở menu").click()
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name=name, exact=True).click()


def test_ward_officer_day_on_a_390px_phone(new_page, ref, ward_officer):
    home = household_with_head(ref.an_phu, code="AP-DAY-1", head_name="Nguyễn Thị Hồng")
    household_with_head(ref.an_phu, code="AP-DAY-2", head_name="Trần Văn Nam")
    page = new_page(PHONE_390)
    login(page, "canbo.anphu", PASSWORD)

    # The reporting period, chosen once on the dashboard (the default is the last complete month).
    page.locator("main").get_by_label("Kỳ báo cáo").select_option("2025-12")
    expect(page.get_by_test_id("dashboard-period")).to_contain_text("tháng báo cáo 12/2025")
    fits_the_screen(page)

    # Find the household: the search box first, the other filters folded behind a button.
    open_menu_link(page, "Hộ gia đình")
    expect(page.get_by_label("Phường/xã", exact=True)).to_be_hidden()
    page.get_by_label("Tìm kiếm").fill("nguyen thi hong")
    page.get_by_label("Tìm kiếm").press("Enter")
    cards = page.get_by_test_id("household-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Nguyễn Thị Hồng")
    expect(page.locator("table.household-table")).to_be_hidden()
    fits_the_screen(page)
    page.get_by_test_id("filters-toggle").click()
    page.get_by_label("Nhóm hộ", exact=True).select_option("other")
    page.get_by_role("button", name="Lọc", exact=True).click()
    expect(page.get_by_test_id("filters-toggle")).to_have_text("Bộ lọc (1)")
    chips = page.get_by_test_id("filter-chips")
    expect(chips).to_contain_text("Nhóm hộ: Khác")
    expect(page.get_by_label("Nhóm hộ", exact=True)).to_be_hidden()  # folded again, the chip says what is on
    chips.get_by_role("link", name="Bỏ lọc Nhóm hộ").click()
    expect(page.get_by_test_id("filter-chips")).to_have_count(0)
    expect(cards).to_have_count(1)

    # Review it: the dialog says what will be recorded; going back records nothing.
    cards.first.get_by_role("link", name="Rà soát lần đầu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rà soát hộ AP-DAY-1")
    label(page, "Loại rà soát").select_option("regular")
    label(page, "Năm rà soát").fill("2025")
    label(page, "Thu nhập bình quân (đ/người/tháng)").fill("1200000")
    label(page, "Số quyết định").fill("31/QĐ-UBND")
    label(page, "Ngày quyết định").fill("2025-12-10")
    for code in ("employment", "telecom", "information_means"):
        page.locator(f"[data-indicator={code}] input[type=checkbox]").check()
    expect(page.get_by_test_id("class-preview")).to_contain_text("Hộ nghèo")
    save = page.get_by_role("button", name="Ghi kết quả rà soát")
    save.click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("không thể xoá hay sửa")
    dialog.get_by_role("button", name="Quay lại").click()
    expect(dialog).to_be_hidden()
    assert not Assessment.objects.filter(household=home).exists()
    save.click()
    confirm(page, "Ghi kết quả rà soát này?", "31/QĐ-UBND", "10/12/2025", "1.200.000", "Hộ nghèo")
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi kết quả rà soát")
    assert Assessment.objects.filter(household=home).count() == 1
    years = page.get_by_test_id("timeline-year")
    expect(years).to_have_count(1)
    expect(years.first).to_contain_text("Năm 2025 · 1 quyết định")
    expect(years.first.locator("summary")).to_be_visible()
    fits_the_screen(page)

    # A support action: the plan year comes from the period; advanced from its card.
    page.get_by_role("link", name="Lập kế hoạch hỗ trợ").first.click()
    expect(label(page, "Năm kế hoạch")).to_have_value("2025")
    label(page, "Loại hỗ trợ").select_option("livelihood")
    label(page, "Cơ quan chủ trì").select_option(str(ref.agencies["ttyt"].pk))
    label(page, "Nội dung hỗ trợ").fill("Hỗ trợ 01 con bò giống")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lập kế hoạch hỗ trợ")
    open_menu_link(page, "Hỗ trợ")
    card = page.get_by_test_id("action-card").filter(has_text="AP-DAY-1")
    expect(card).to_contain_text("Kế hoạch")
    fits_the_screen(page)
    card.get_by_role("link", name="Bắt đầu thực hiện").click()
    expect(label(page, "Chuyển sang")).to_have_value("in_progress")
    page.get_by_role("button", name="Cập nhật trạng thái").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert SupportAction.objects.get(household=home).status == ActionStatus.IN_PROGRESS

    # The monthly report of the period: prepared, then submitted with confirmation.
    page.goto("/")
    own = page.get_by_test_id("own-report").get_by_role("link")
    expect(own).to_contain_text("Lập báo cáo tháng 12/2025")
    own.click()
    page.get_by_label("Khó khăn, vướng mắc").fill("Một số hộ chưa có vốn đối ứng.")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu báo cáo tháng 12/2025")
    fits_the_screen(page)
    page.get_by_role("button", name="Gửi Phòng TNMT").click()
    confirm(page, "Số liệu sẽ được chốt", "Tháng 12/2025", "Phường An Phú")
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi báo cáo")
    assert MonthlyReport.objects.get(unit=ref.an_phu, year=2025, month=12).status == MonthlyReport.Status.SUBMITTED
    open_menu_link(page, "Báo cáo tháng")
    report_card = page.get_by_test_id("report-card").filter(has_text="Báo cáo tháng 12/2025")
    expect(report_card).to_contain_text("Đã gửi")
    fits_the_screen(page)
    assert not page.problems.console_errors, page.problems.console_errors


def test_reviewer_approves_once_with_a_summary_and_the_button_cannot_be_pressed_twice(page, ref, tnmt,
                                                                                       ward_officer):
    report = report_services.monthly_report_prepare(actor=ward_officer, unit=ref.an_phu, year=2025, month=12,
                                                    difficulties="", proposals="")
    report_services.monthly_report_submit(actor=ward_officer, report=report)
    login(page, "tnmt", PASSWORD)
    page.goto(f"/bao-cao/thang/{report.pk}/")
    approve = page.locator("button[value=approve]")  # (its name changes while busy)
    expect(approve).to_have_accessible_name("Duyệt")
    approve.click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("Báo cáo được cấp số văn bản")
    dialog.get_by_role("button", name="Quay lại").click()
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.SUBMITTED

    # The approval's request is answered "204 No Content" by the browser itself, so the page stays
    # as the officer sees it while a slow request runs: busy, and a second press sends nothing.
    sent = []

    def no_content(route):
        sent.append(route.request.post_data or "")
        route.fulfill(status=204)

    page.route(re.compile(r".*/duyet/$"), no_content)
    approve.click()
    expect(dialog).to_contain_text("Duyệt báo cáo này?")
    expect(dialog).to_contain_text("Tháng 12/2025")
    dialog.locator("[data-confirm-accept]").click(no_wait_after=True)
    expect(approve).to_be_disabled()
    expect(approve).to_contain_text("Đang duyệt…")
    expect(page.locator("button[value=return]")).to_be_disabled()
    page.evaluate("document.querySelector('form[aria-busy=true]').requestSubmit()")  # a second press
    page.wait_for_timeout(300)
    assert len(sent) == 1 and "decision=approve" in sent[0]  # the pressed button's value was sent
    page.unroute(re.compile(r".*/duyet/$"))

    page.reload()
    approve.click()
    confirm(page, "Duyệt báo cáo này?", "không thể sửa hay trả lại")
    expect(page.locator(".alert-success")).to_contain_text("Đã duyệt báo cáo")
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.APPROVED
    assert MonthlyReportEvent.objects.filter(report=report, to_status="approved").count() == 1
    assert not page.problems.console_errors, page.problems.console_errors


def test_soft_delete_asks_with_its_summary(page, ref, ward_officer):
    home = household_with_head(ref.an_phu, code="AP-DEL-1")
    login(page, "canbo.anphu", PASSWORD)
    page.goto(f"/ho/{home.pk}/xoa/")
    page.get_by_label("Lý do").fill("Cả hộ chuyển đi Đà Nẵng")
    page.get_by_role("button", name="Xoá hộ").click()
    confirm(page, "Xoá hộ AP-DEL-1 khỏi danh sách?", "lịch sử thay đổi vẫn được giữ nguyên")
    expect(page.locator(".alert-success")).to_contain_text("Đã xoá hộ AP-DEL-1")
    assert Household.objects.get(pk=home.pk).is_deleted


def test_without_javascript_the_steps_confirm_on_a_page(browser, live_server, ref, ward_officer):
    home = household_with_head(ref.an_phu, code="AP-NOJS")
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url, locale="vi-VN")
    try:
        page = context.new_page()
        login(page, "canbo.anphu", PASSWORD)
        page.goto(f"/ho/{home.pk}/xoa/")
        page.get_by_label("Lý do").fill("Nhập trùng")
        page.get_by_role("button", name="Xoá hộ").click()
        step = page.get_by_test_id("confirm-step")
        expect(step).to_contain_text("Xoá hộ AP-NOJS khỏi danh sách?")
        expect(step).to_contain_text("Nhập trùng")
        assert not Household.objects.get(pk=home.pk).is_deleted
        step.get_by_role("button", name="Xoá hộ").click()
        expect(page.locator(".alert-success")).to_contain_text("Đã xoá hộ AP-NOJS")
        assert Household.objects.get(pk=home.pk).is_deleted
    finally:
        context.close()
