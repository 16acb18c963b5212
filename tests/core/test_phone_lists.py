"""Phone-first pages (issue 18 item 4), through the pages: lists as cards (kind, status and the
next step) below the md breakpoint, filters folded behind a button with the active ones as chips
that remove them, household history folded by year. (The browser tests at 390 px check what a
phone shows: tests/browser/test_officer_day.py.)"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from households.models import Household
from households.services import assessment_record, household_update
from reports import services as report_services
from support.models import ActionStatus
from tests.factories import household_with_head
from tests.support.conftest import plan_action, reviewed_household

pytestmark = pytest.mark.django_db


def cards(html: str, testid: str) -> list[str]:
    return re.findall(r'<li class="card mb-2" data-testid="' + testid + r'">(.*?)</li>\s*(?=<li class="card|{%|</ul>)',
                      html, re.S)


def test_household_cards_show_class_group_and_the_next_step(ref, ward_client, admin_user):
    reviewed_household(ref.an_phu, admin_user, code="AP-R1", head_name="Nguyễn Văn Rà")
    fresh = household_with_head(ref.an_phu, code="AP-N1", head_name="Lê Thị Mới")
    html = ward_client.get(reverse("households:list")).content.decode()
    found = {re.search(r"(AP-\w+)", c)[1]: c for c in cards(html, "household-card")}
    assert set(found) == {"AP-R1", "AP-N1"}
    assert "Hộ nghèo" in found["AP-R1"] and "Xem hồ sơ hộ" in found["AP-R1"]
    assert reverse("households:review", args=[fresh.pk]) in found["AP-N1"] and "Rà soát lần đầu" in found["AP-N1"]
    # The cards are the phone's view, the table the wider screens'.
    assert 'class="list-unstyled d-md-none list-cards"' in html and 'table-responsive d-none d-md-block' in html


def test_household_filters_fold_and_active_ones_are_chips_that_remove_them(ref, tnmt_client,
                                                                           django_assert_max_num_queries):
    for i in range(3):
        household_with_head(ref.an_phu, code=f"AP-C{i}")
    url = reverse("households:list")
    with django_assert_max_num_queries(12):  # the chips cost no query (the unit comes from validation)
        response = tnmt_client.get(url, {"unit": ref.an_phu.pk, "group": "other", "q": "AP", "page": "1"})
    html = response.content.decode()
    assert 'data-bs-target="#household-filter-fields"' in html and 'id="household-filter-fields"' in html
    assert "Bộ lọc (2)" in html  # unit and group; the search box stays outside the fold
    chips = re.search(r'data-testid="filter-chips">(.*?)</ul>', html, re.S)[1]
    assert f"Phường/xã: {ref.an_phu}" in chips and f"Nhóm hộ: {Household.Group.OTHER.label}" in chips
    removes = dict(re.findall(r'<span class="badge rounded-pill filter-chip">([^:]+):.*?href="([^"]+)"', chips, re.S))
    without_unit = removes["Phường/xã"].replace("&amp;", "&")
    assert "unit=" not in without_unit and "group=other" in without_unit and "q=AP" in without_unit
    assert "page=" not in without_unit
    assert tnmt_client.get(without_unit).status_code == 200
    plain = tnmt_client.get(url).content.decode()
    assert 'data-testid="filter-chips"' not in plain and ">Bộ lọc</button>" in plain


@pytest.fixture
def actions(ref, admin_user):
    household = reviewed_household(ref.an_phu, admin_user, code="AP-S1")
    planned = plan_action(admin_user, household, ref=ref)
    running = plan_action(admin_user, household, ref=ref, kind="legal_aid", lead=ref.agencies["tuphap"])
    running.status = ActionStatus.IN_PROGRESS
    running.save()
    return planned, running


def test_support_cards_show_kind_status_and_the_next_step(ref, ward_client, actions):
    planned, running = actions
    html = ward_client.get(reverse("support:list")).content.decode()
    found = cards(html, "action-card")
    assert len(found) == 2
    by_pk = {c: c for c in found}
    planned_card = next(c for c in by_pk if f'{reverse("support:detail", args=[planned.pk])}"' in c)
    running_card = next(c for c in by_pk if f'{reverse("support:detail", args=[running.pk])}"' in c)
    assert str(planned.kind) in planned_card and planned.get_status_display() in planned_card
    assert f'{reverse("support:detail", args=[planned.pk])}?to=in_progress#status-change' in planned_card
    assert "Bắt đầu thực hiện" in planned_card
    assert running.get_status_display() in running_card and str(running.kind) in running_card and "?to=completed#status-change" in running_card
    # The card's step opens the detail with that status chosen.
    detail = ward_client.get(reverse("support:detail", args=[planned.pk]), {"to": "in_progress"})
    assert detail.context["transition_form"]["to_status"].value() == "in_progress"
    assert 'id="status-change"' in detail.content.decode()
    # A status that cannot follow is ignored.
    assert ward_client.get(reverse("support:detail", args=[planned.pk]),
                           {"to": "nonsense"}).context["transition_form"]["to_status"].value() is None


def test_support_filters_fold_with_chips(ref, tnmt_client, actions):
    html = tnmt_client.get(reverse("support:list"), {"status": "planned", "year": "2025"}).content.decode()
    assert 'id="action-filter-fields"' in html and "Bộ lọc (2)" in html
    chips = re.search(r'data-testid="filter-chips">(.*?)</ul>', html, re.S)[1]
    assert f"Trạng thái: {ActionStatus.PLANNED.label}" in chips and "Năm: 2025" in chips


def test_monthly_report_cards_show_status_and_the_next_step(ref, ward_officer, ward_client, tnmt_client):
    report = report_services.monthly_report_prepare(actor=ward_officer, unit=ref.an_phu, year=2025, month=3,
                                                    difficulties="", proposals="")
    officer = ward_client.get(reverse("reports:monthly_list"), {"year": 2025}).content.decode()
    card = cards(officer, "report-card")[0]
    assert "Báo cáo tháng 03/2025" in card and "Đang soạn" in card and "Xem và gửi" in card
    report_services.monthly_report_submit(actor=ward_officer, report=report)
    reviewer = tnmt_client.get(reverse("reports:monthly_list"), {"year": 2025}).content.decode()
    card = cards(reviewer, "report-card")[0]
    assert "Xem xét, duyệt" in card and reverse("reports:monthly_detail", args=[report.pk]) in card


def test_household_history_is_folded_by_year(ref, ward_client, ward_officer, admin_user):
    household = household_with_head(ref.an_phu, code="AP-H1")
    for year, number in ((2024, "1/QĐ"), (2025, "2/QĐ")):
        assessment_record(actor=admin_user, household=household, kind="regular", year=year,
                          income_per_capita=1_000_000, indicators={c: True for c in ("employment", "telecom",
                                                                                      "information_means")},
                          decision_number=number, decision_date=dt.date(year, 3, 1), suggestions={})
    household.refresh_from_db()
    household_update(actor=ward_officer, household=household, expected_version=household.version,
                     address="1 Phan Châu Trinh")
    html = ward_client.get(reverse("households:detail", args=[household.pk])).content.decode()
    years = re.findall(r'<details class="year-fold mb-2"( open)? data-testid="timeline-year">\s*<summary>([^<]+)',
                       html)
    assert [(bool(o), s.strip()) for o, s in years] == [(False, "Năm 2024 · 1 quyết định"),
                                                        (True, "Năm 2025 · 1 quyết định")]
    history = re.findall(r'<details class="year-fold mb-2"( open)? data-testid="history-year">', html)
    assert history and history[0] == " open" and all(not o for o in history[1:])
    assert "1 Phan Châu Trinh" in html
