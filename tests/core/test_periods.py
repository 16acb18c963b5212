"""One reporting period (issue 18 item 2): the rule (the last complete month), and the period
chosen once carried by the dashboard, the report pages, the support form and the links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from reports import services as report_services
from tamky_poverty.periods import Period, last_complete_month, recent_periods
from tests.factories import household_with_head


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2026, 11, 30), Period(2026, 10)),  # the last day of a month: that month has not ended
    (dt.date(2026, 12, 1), Period(2026, 11)),
    (dt.date(2026, 1, 5), Period(2025, 12)),  # January: December of the year before, and its year
    (dt.date(2025, 3, 1), Period(2025, 2)),
])
def test_default_period_is_the_last_complete_month_and_its_year(today, expected):
    assert last_complete_month(today) == expected


def test_period_parsing_and_words():
    assert Period.parse("2025-12") == Period.parse("12/2025") == Period(2025, 12)
    for bad in ("", "2025-13", "2025-00", "1999-12", "12-2025", "x", None, "2025-1x"):
        assert Period.parse(bad) is None, bad
    assert Period(2025, 2).last_day == dt.date(2025, 2, 28) and Period(2024, 2).last_day == dt.date(2024, 2, 29)
    assert Period(2025, 1).previous() == Period(2024, 12)
    assert Period(2025, 3).query == "period=2025-03" and Period(2025, 3).label == "tháng 03/2025"


def test_the_picker_offers_recent_months_and_keeps_an_older_choice():
    choices = recent_periods(dt.date(2026, 1, 5), count=3, chosen=Period(2020, 6))
    assert choices == [Period(2025, 12), Period(2025, 11), Period(2025, 10), Period(2020, 6)]


@pytest.mark.django_db
@freeze_time("2026-01-05 09:00")
def test_by_default_every_page_uses_the_last_complete_month(ref, ward_client):
    dashboard = ward_client.get("/").content.decode()
    assert "tháng báo cáo 12/2025" in dashboard
    assert f'{reverse("reports:monthly_prepare")}?year=2025&amp;month=12' in dashboard
    assert "Lập báo cáo tháng 12/2025" in dashboard
    assert re.search(r'<option value="2025-12" selected>', dashboard)  # the picker shows it
    listing = ward_client.get(reverse("reports:monthly_list"))
    assert (listing.context["year"], listing.context["month"]) == (2025, 12)
    assert f'{reverse("reports:monthly_prepare")}?year=2025&amp;month=12' in listing.content.decode()
    prepare = ward_client.get(reverse("reports:monthly_prepare"))
    assert (prepare.context["year"], prepare.context["month"]) == (2025, 12)
    assert ward_client.get(reverse("reports:catalogue")).context["year"] == 2025


@pytest.mark.django_db
@freeze_time("2026-11-30 09:00")
def test_a_period_chosen_once_is_carried_everywhere(ref, ward_client, ward_officer, admin_user):
    # The default would be 10/2026; the officer chooses June 2025 once, on the dashboard.
    assert "tháng báo cáo 10/2026" in ward_client.get("/").content.decode()
    dashboard = ward_client.get("/", {"period": "2025-06"}).content.decode()
    assert "tháng báo cáo 06/2025" in dashboard and 'data-testid="no-plan"' not in dashboard
    # … and every page after it, without a parameter, uses it.
    assert "tháng báo cáo 06/2025" in ward_client.get("/").content.decode()
    listing = ward_client.get(reverse("reports:monthly_list"))
    assert (listing.context["year"], listing.context["month"]) == (2025, 6)
    prepare = ward_client.get(reverse("reports:monthly_prepare"))
    assert "Báo cáo tháng 06/2025" in prepare.content.decode()
    assert ward_client.get(reverse("reports:catalogue")).context["year"] == 2025
    monthly = ward_client.get(reverse("reports:report", args=["MONTHLY"]), {"unit": ref.an_phu.pk})
    assert monthly.status_code == 200
    assert "Tháng 06/2025 · Phường An Phú" in monthly.content.decode()
    household = household_with_head(ref.an_phu, code="AP-PERIOD")
    form = ward_client.get(reverse("support:create"), {"household": household.pk})
    assert form.context["form"]["plan_year"].value() == 2025
    # A page's own year and month still win on that page, without changing the period.
    assert ward_client.get(reverse("reports:monthly_list"), {"year": 2024}).context["year"] == 2024
    assert "tháng báo cáo 06/2025" in ward_client.get("/").content.decode()
    # A year without a plan says so in words.
    no_plan = ward_client.get("/", {"period": "2026-10"}).content.decode()
    assert "Chưa có kế hoạch giảm nghèo năm 2026" in no_plan
    # A nonsense period is ignored.
    assert ward_client.get("/", {"period": "2026-13"}).status_code == 200


@pytest.mark.django_db
def test_report_titles_are_words_not_codes(ref, tnmt_client, ward_officer):
    movement = tnmt_client.get(reverse("reports:report", args=["MOVEMENT"]), {"year": 2025}).content.decode()
    title = re.search(r'data-testid="report-title">([^<]*)<', movement)[1]
    assert title.startswith("Biến động hộ nghèo, hộ cận nghèo") and "MOVEMENT" not in title
    report = report_services.monthly_report_prepare(actor=ward_officer, unit=ref.an_phu, year=2025, month=12,
                                                    difficulties="", proposals="")
    monthly = tnmt_client.get(reverse("reports:report", args=["MONTHLY"]),
                              {"year": 2025, "month": 12, "unit": report.unit_id}).content.decode()
    title = re.search(r'data-testid="report-title">([^<]*)<', monthly)[1]
    assert title.startswith("Báo cáo tháng") and "MONTHLY" not in title
    assert re.search(r'data-testid="report-period">Tháng 12/2025 · Phường An Phú<', monthly)
    catalogue = tnmt_client.get(reverse("reports:catalogue"), {"year": 2025}).content.decode()
    assert not re.search(r"<td>\s*(MOVEMENT|MONTHLY|GROUPS)\s*</td>", catalogue)
    assert "Biến động hộ nghèo, hộ cận nghèo trong năm" in catalogue


@pytest.mark.django_db
def test_the_picker_reloads_its_page_or_after_a_post_the_dashboard(ref, ward_client, ward_officer):
    picker = 'class="d-flex align-items-center gap-1 period-picker"'
    listing = ward_client.get(reverse("reports:monthly_list")).content.decode()
    assert f'action="{reverse("reports:monthly_list")}" {picker}' in listing
    report = report_services.monthly_report_prepare(actor=ward_officer, unit=ref.an_phu, year=2025, month=12,
                                                    difficulties="", proposals="")
    step = ward_client.post(reverse("reports:monthly_submit", args=[report.pk]), {"confirm_step": "1"})
    assert f'action="{reverse("dashboard")}" {picker}' in step.content.decode()  # not a POST-only URL
