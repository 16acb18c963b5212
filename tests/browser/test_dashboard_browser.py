"""The dashboard in a real browser: every role lands on it, it fits a 360-px phone, the
language switch works, and no page breaks the Content Security Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_ward_officer_lands_on_dashboard(page, ward_officer):
    login(page, "canbo.anphu", PASSWORD)
    assert page.get_by_role("heading", name="Tổng quan", level=1).is_visible()
    assert page.get_by_test_id("current-user").inner_text().endswith("An Phú")
    assert page.get_by_role("heading", name="Việc cần bạn xử lý").is_visible()


def test_dashboard_fits_a_phone_and_keeps_its_figures(phone_page, ref, tnmt):
    page = phone_page
    login(page, "tnmt", PASSWORD)
    page.goto("/?period=2025-06")  # the plan year of the fixtures (the default period follows today)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for testid in ("progress-chart", "deprivation-chart", "deprivation-table", "report-status-table"):
        assert page.get_by_test_id(testid).is_visible(), testid
    # Wide tables scroll inside their own box instead of widening the page.
    assert page.evaluate(
        "[...document.querySelectorAll('main table')].every(t => t.closest('.table-responsive'))")
    # The menu is one tap away and keyboard reachable.
    toggler = page.get_by_role("button", name="Mở menu")
    toggler.focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("link", name="Tổng quan").first.is_visible()


def test_language_switch_to_english_and_back(page, ward_officer):
    login(page, "canbo.anphu", PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    with page.expect_navigation():
        page.get_by_test_id("language").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Needs your attention")).to_be_visible()
    expect(page.get_by_role("link", name="Households")).to_be_visible()
    with page.expect_navigation():
        page.get_by_test_id("language").select_option("vi")
    expect(page.get_by_role("heading", name="Tổng quan", level=1)).to_be_visible()


def test_skip_link_and_keyboard_reach_the_content(page, ward_officer):
    login(page, "canbo.anphu", PASSWORD)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
