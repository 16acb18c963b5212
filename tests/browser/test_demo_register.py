"""The demo register in the browser for the An Phú officer (issue 3, acceptance): "With the demo
data, the list, filters and a review work in the browser for the An Phú officer."

The demo data is built in the test with ``seed_demo`` (it loads the reference data itself) on the
live server's transactional database; the ``page`` fixture checks every page for CSP violations
and leaves a screenshot when the test fails (tests/browser/conftest.py)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from households import classification, standards
from households.models import Household, Member, PovertyClass
from households.text import fold
from tests.browser.conftest import confirm, login
from tests.conftest import DEMO_TODAY

pytestmark = pytest.mark.browser

# An Phú's officer, moved to its successor ward by the July 2025 reorganisation (README, demo accounts).
OFFICER, OFFICER_PASSWORD = "canbo.anphu", "DemoAnPhu@2025"
UNIT = "Quảng Phú"


def shown_count(page) -> int:
    """The list's "N hộ" line as a number (Vietnamese thousands separator '.')."""
    text = page.get_by_test_id("result-count").inner_text()
    match = re.search(r"([\d.]+)\s*hộ", text)
    assert match, f"no household count in {text!r}"
    return int(match.group(1).replace(".", ""))


def table_rows(page):
    return page.locator("table.household-table tbody tr")


def expect_unit_column_only(page, unit: str):
    rows = table_rows(page)
    assert rows.count() > 0
    units = set(rows.locator("td:nth-child(4)").all_inner_texts())
    assert units == {unit}, f"households of other units listed: {units}"


def test_an_phu_officer_lists_filters_searches_and_reviews_the_demo_register(page, transactional_db):
    call_command("seed_demo", "--today", DEMO_TODAY.isoformat())
    an_phu = Household.objects.filter(unit__name=UNIT)
    total = an_phu.count()
    near_poor = an_phu.filter(current_class=PovertyClass.NEAR_POOR).count()
    assert 0 < near_poor < total
    assert Household.objects.exclude(unit__name=UNIT).exists()  # scoping is really tested

    # A near-poor An Phú household whose head's name no other An Phú head has.
    heads = Member.objects.filter(household__in=an_phu, relation=Member.Relation.HEAD)
    names = Counter(fold(m.full_name) for m in heads)
    head = next(m for m in heads.filter(household__current_class=PovertyClass.NEAR_POOR).order_by("household__code")
                if names[fold(m.full_name)] == 1 and fold(m.full_name) != m.full_name.casefold())
    household = head.household
    typed = fold(head.full_name)

    # Log in through the login page and open the list from the menu.
    login(page, OFFICER, OFFICER_PASSWORD)
    page.get_by_role("link", name="Hộ gia đình", exact=True).first.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("households:list")) + r"$"))
    expect(page.get_by_role("heading", name="Hộ gia đình", level=1)).to_be_visible()

    # Only An Phú's households: the count and the unit column.
    assert shown_count(page) == total
    expect_unit_column_only(page, UNIT)

    # Filter by class: fewer rows, all near-poor, still An Phú only.
    filters = page.get_by_role("search", name="Lọc và tìm hộ")
    filters.get_by_label("Phân loại").select_option("near_poor")
    filters.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"current_class=near_poor"))
    assert shown_count(page) == near_poor
    classes = set(table_rows(page).locator("td .badge").all_inner_texts())
    assert classes == {"Hộ cận nghèo"}, classes
    expect_unit_column_only(page, UNIT)

    # Search a member's name typed without diacritics.
    filters.get_by_label("Tìm kiếm").fill(typed)
    filters.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    match = table_rows(page).filter(has_text=household.code)
    expect(match).to_have_count(1)
    expect(match.get_by_role("link")).to_have_text(head.full_name)
    assert 1 <= shown_count(page) < near_poor  # other members may share the head's words

    # Open the household and record a review.
    match.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Hộ {household.code} · {household.unit}")
    expect(page.locator("#h-class + p .badge")).to_have_text("Hộ cận nghèo")
    page.get_by_role("link", name="Rà soát", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("households:review", args=[household.pk])) + r"$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Rà soát hộ {household.code}")

    # An income just above the poverty line (but within the average-living band) makes the
    # household "average-living" whatever indicators are ticked; the suggested ticks are kept.
    today = timezone.localdate()
    standard = standards.standard_for_year(today.year)
    threshold, average_upper = classification.thresholds(standard, household.unit.area_kind)
    assert average_upper is not None and average_upper > threshold
    income = threshold + 100_000
    page.get_by_label("Loại rà soát").select_option("regular")
    page.get_by_label("Năm rà soát").fill(str(today.year))
    page.get_by_label("Thu nhập bình quân (đ/người/tháng)").fill(str(income))
    page.get_by_label("Số quyết định").fill("123/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill(today.isoformat())
    page.get_by_label("Ngày có hiệu lực").fill(today.isoformat())
    expect(page.locator("#class-preview")).to_contain_text("Hộ có mức sống trung bình")
    page.get_by_role("button", name="Ghi kết quả rà soát").click()
    confirm(page, "123/QĐ-UBND", "Hộ có mức sống trung bình")

    # Back on the detail page: the new class and why.
    expect(page).to_have_url(re.compile(re.escape(reverse("households:detail", args=[household.pk])) + r"$"))
    expect(page.locator(".alert-success")).to_contain_text("Hộ có mức sống trung bình")
    expect(page.locator("#h-class + p .badge")).to_have_text("Hộ có mức sống trung bình")
    explanation = page.get_by_test_id("explanation")
    expect(explanation).to_contain_text(classification.format_vnd(income))
    expect(explanation).to_contain_text("trên chuẩn")
    expect(explanation).to_contain_text(classification.format_vnd(threshold))
    expect(explanation).to_contain_text(classification.format_vnd(average_upper))
    expect(explanation).to_contain_text("hộ có mức sống trung bình", ignore_case=True)
    expect(page.locator("main")).to_contain_text(f"Quyết định số 123/QĐ-UBND ngày {today:%d/%m/%Y}")

    household.refresh_from_db()
    assert household.current_class == PovertyClass.AVERAGE
    assert household.current_assessment.decision_number == "123/QĐ-UBND"
    assert an_phu.filter(current_class=PovertyClass.NEAR_POOR).count() == near_poor - 1
