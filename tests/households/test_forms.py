"""Forms that catch mistakes (issue 18 items 5 and 6), through the pages that show them: the
household form (schooling of children, plausibility warnings, one member block, member errors
named), the review form (errors naming their indicator, dates and money as shown), the
"Chưa rà soát" badge, the rows-per-page selector, and every field's aria-describedby pointing at
a rendered id."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from households import derivation, plausibility
from households.models import Assessment, Household, Member
from tamky_poverty.widgets import MoneyField, format_money, parse_money
from tests.factories import HouseholdFactory, MemberFactory, household_with_head
from tests.households.test_views import household_post, member_data, review_post
from tests.support.conftest import reviewed_household

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def born_years_ago(years: int, days: int = 30) -> str:
    """A birth date ``years`` whole years before today (as the form shows it: dd/mm/yyyy)."""
    day = TODAY.replace(year=TODAY.year - years) - dt.timedelta(days=days)
    return day.strftime("%d/%m/%Y")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[tuple[str, str]] = []  # (element id or name, referenced id)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for ref in (attrs.get("aria-describedby") or "").split():
            self.described.append((attrs.get("id") or attrs.get("name") or tag, ref))


def missing_described_ids(html: str) -> list[tuple[str, str]]:
    """The aria-describedby references of a page whose id is not on the page (outside the
    <template> of a new member, whose ids carry __prefix__)."""
    html = re.sub(r"<template\b.*?</template>", "", html, flags=re.S)
    parser = _Ids()
    parser.feed(html)
    return [(element, ref) for element, ref in parser.described if ref not in parser.ids]


def member_blocks(html: str) -> int:
    html = re.sub(r"<template\b.*?</template>", "", html, flags=re.S)
    return html.count("data-member-form")


# --- schooling of children ------------------------------------------------------------------

def test_new_member_has_no_preselected_schooling(ward_client):
    html = ward_client.get(reverse("households:create")).content.decode()
    select = re.search(r'<select name="members-0-schooling".*?</select>', html, re.S).group(0)
    assert re.search(r'<option value="" selected>', select)
    assert "Bắt buộc với trẻ từ 3 đến 15 tuổi." in html


@pytest.mark.parametrize("schooling", ["", "na"])
def test_schooling_is_required_for_a_child_of_school_age(ward_client, schooling):
    child = member_data(1, full_name="Trần Minh Khôi", date_of_birth=born_years_ago(10), schooling=schooling,
                        citizen_id="")
    response = ward_client.post(reverse("households:create"), household_post(members=[member_data(0), child]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Trẻ 10 tuổi (từ 3 đến 15 tuổi): chọn “Đang đi học” hoặc “Không đi học”." in html
    # The error summary names the member and links to the field.
    assert ('<a href="#id_members-1-schooling">Thành viên 2 (Trần Minh Khôi) – Tình trạng đi học</a>'
            in html)
    assert not Household.objects.exists()


def test_schooling_left_empty_is_not_applicable_outside_school_age(ward_client):
    members = [member_data(0, schooling=""), member_data(1, date_of_birth=born_years_ago(2), schooling="",
                                                         citizen_id="")]
    response = ward_client.post(reverse("households:create"), household_post(members=members))
    assert response.status_code == 302
    assert set(Member.objects.values_list("schooling", flat=True)) == {"na"}


def test_a_child_without_recorded_schooling_is_not_suggested_deprived(ward_client, ref):
    """A child recorded before the rule (schooling "na") no longer makes a false suggestion; the
    review page says the schooling is not recorded."""
    household = household_with_head(ref.an_phu, code="AP-SCH")
    MemberFactory(household=household, relation="child", citizen_id=None, schooling="na",
                  date_of_birth=TODAY.replace(year=TODAY.year - 9))
    html = ward_client.get(reverse("households:review", args=[household.pk])).content.decode()
    suggestion = re.search(r'data-testid="suggestion-child_schooling">(.*?)</div>', html, re.S).group(1)
    assert "Gợi ý: không thiếu hụt" in suggestion
    assert "1 trẻ 3 đến dưới 16 tuổi chưa ghi tình trạng đi học" in suggestion
    assert 'name="ind_child_schooling"' in html
    assert not re.search(r'name="ind_child_schooling"[^>]*checked', html)


def test_derivation_counts_only_a_recorded_dropout():
    day = dt.date(2025, 6, 1)
    adult = derivation.MemberFacts(dt.date(1980, 1, 1), schooling="na")
    unknown = derivation.MemberFacts(dt.date(2015, 1, 1), schooling="na")
    dropout = derivation.MemberFacts(dt.date(2014, 1, 1), schooling="not_attending")
    assert not derivation.suggest([adult, unknown], None, day)["child_schooling"].deprived
    both = derivation.suggest([adult, unknown, dropout], None, day)["child_schooling"]
    assert both.deprived and both.reason == "1 trẻ 3 đến dưới 16 tuổi không đi học; 1 trẻ chưa ghi tình trạng đi học"


# --- plausibility: age and relation ---------------------------------------------------------

def spouse_of_14():
    return member_data(1, full_name="Lê Thị Hoa", relation="spouse", sex="female",
                       date_of_birth=born_years_ago(14), schooling="attending", citizen_id="049314000001")


def test_a_14_year_old_spouse_of_a_head_born_1975_must_be_confirmed(ward_client):
    url = reverse("households:create")
    head = member_data(0, full_name="Trần Văn Bình", date_of_birth="12/04/1975")
    response = ward_client.post(url, household_post(members=[head, spouse_of_14()]))
    assert response.status_code == 400
    html = response.content.decode()
    assert ("Lê Thị Hoa được ghi là vợ/chồng chủ hộ nhưng mới 14 tuổi (tuổi kết hôn: nam từ 20, nữ từ 18)."
            in html)
    assert 'data-testid="member-warnings"' in html and "Tôi đã kiểm tra, dữ liệu đúng" in html
    assert "Có 1 điểm bất thường về tuổi và quan hệ với chủ hộ." in html
    assert not Household.objects.exists()
    key = re.search(r'name="members-confirm_warnings" value="([0-9a-f]+)"', html).group(1)

    # A confirmation of other warnings (the data changed since) is not a confirmation.
    response = ward_client.post(url, household_post(members=[head, spouse_of_14()],
                                                    **{"members-confirm_warnings": "0" * 16}))
    assert response.status_code == 400 and not Household.objects.exists()

    response = ward_client.post(url, household_post(members=[head, spouse_of_14()],
                                                    **{"members-confirm_warnings": key}))
    assert response.status_code == 302
    assert Household.objects.get().members.count() == 2


def test_plausible_members_need_no_confirmation(ward_client):
    spouse = member_data(1, relation="spouse", sex="female", date_of_birth="30/09/1981", schooling="na",
                         highest_diploma="lower_secondary", employment="unstable")
    response = ward_client.post(reverse("households:create"), household_post(members=[member_data(0), spouse]))
    assert response.status_code == 302


def test_plausibility_rules():
    day = dt.date(2026, 6, 1)

    def facts(name, relation, born, sex="male"):
        return plausibility.MemberFacts(name, relation, sex, born)

    head = facts("Chủ hộ", "head", dt.date(1975, 4, 12))
    found = plausibility.implausibilities([
        head,
        facts("Vợ", "spouse", dt.date(2012, 1, 1), "female"),            # 14
        facts("Con lớn", "child", dt.date(1980, 1, 1)),                   # 5 years younger than the head
        facts("Con", "child", dt.date(2005, 1, 1)),                       # fine
        facts("Cháu", "grandchild", dt.date(1995, 1, 1)),                 # 20 years younger
        facts("Mẹ", "parent", dt.date(1970, 1, 1), "female"),             # 5 years older
        facts("Cụ", "other", dt.date(1910, 1, 1)),                        # 116
    ], day)
    assert [w.index for w in found] == [1, 2, 4, 5, 6]
    assert "mới 14 tuổi" in found[0].message
    assert "Con lớn (sinh năm 1980) được ghi là con của chủ hộ Chủ hộ (sinh năm 1975)" in found[1].message
    # A husband of 19 is under the marriage age for men (20); a wife of 19 is not.
    assert plausibility.implausibilities([facts("Chủ hộ", "head", dt.date(2000, 1, 1), "female"),
                                          facts("Chồng", "spouse", dt.date(2007, 1, 1))], day)
    assert not plausibility.implausibilities([head, facts("Vợ", "spouse", dt.date(2007, 1, 1), "female")], day)
    # An orphan of 15 heading the household is worth a look; one of 16 is not.
    assert plausibility.implausibilities([facts("Em", "head", dt.date(2011, 1, 1))], day)
    assert not plausibility.implausibilities([facts("Em", "head", dt.date(2010, 1, 1))], day)


# --- one member block, named member errors ------------------------------------------------------

def test_new_household_shows_one_member_block_and_an_empty_submit_adds_none(ward_client):
    url = reverse("households:create")
    html = ward_client.get(url).content.decode()
    assert member_blocks(html) == 1
    assert 'name="members-TOTAL_FORMS" value="1"' in html
    response = ward_client.post(url, household_post(members=[{}], code=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert member_blocks(html) == 1
    assert 'name="members-TOTAL_FORMS" value="1"' in html


def test_edit_shows_one_block_per_member(ward_client, ref):
    household = household_with_head(ref.an_phu, code="AP-EDIT")
    MemberFactory(household=household, relation="spouse", sex="female", citizen_id=None,
                  date_of_birth=dt.date(1982, 1, 1))
    html = ward_client.get(reverse("households:edit", args=[household.pk])).content.decode()
    assert member_blocks(html) == 2
    # dates are shown as dd/mm/yyyy in a text input
    assert re.search(r'<input type="text" name="members-\d-date_of_birth" value="17/05/1980"', html)


def test_member_errors_in_the_summary_name_the_member(ward_client):
    members = [member_data(0, full_name="Trần Văn Bình"), member_data(1, full_name="Lê Thị Hoa", citizen_id="123")]
    html = ward_client.post(reverse("households:create"), household_post(members=members)).content.decode()
    assert ('<a href="#id_members-1-citizen_id">Thành viên 2 (Lê Thị Hoa) – Số định danh cá nhân</a>: '
            "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số." in html)


# --- review: errors name their indicator; dates and money as shown --------------------------

def test_review_error_summary_names_the_indicator(ward_client, ref):
    household = HouseholdFactory(unit=ref.an_phu, code="AP-REV", floor_area_m2=60)
    MemberFactory(household=household, has_health_insurance=True, highest_diploma="upper_secondary")
    response = ward_client.post(reverse("households:review", args=[household.pk]),
                                review_post(ind_floor_area="on"))
    assert response.status_code == 400
    html = response.content.decode()
    floor = ref.indicators["floor_area"]
    summary = re.search(r'data-testid="error-summary".*?</div>', html, re.S).group(0)
    assert (f'<a href="#id_reason_floor_area">Chỉ số {floor.number}. {floor.name} – lý do khác với gợi ý</a>'
            in summary)
    # the reason field's error is rendered under the id its input names
    assert 'aria-describedby="id_reason_floor_area_error"' in html
    assert 'id="id_reason_floor_area_error"' in html
    assert not missing_described_ids(html)


def test_review_takes_dates_and_money_as_shown(ward_client, ref):
    household = HouseholdFactory(unit=ref.an_phu, code="AP-DATE", floor_area_m2=60)
    MemberFactory(household=household, has_health_insurance=True, highest_diploma="upper_secondary")
    url = reverse("households:review", args=[household.pk])
    html = ward_client.get(url).content.decode()
    assert re.search(r'<input type="text" name="decision_date"[^>]*placeholder="dd/mm/yyyy"', html)
    assert re.search(r'<input type="text" name="income_per_capita"[^>]*inputmode="numeric"', html)
    response = ward_client.post(url, review_post(income_per_capita="1.500.000", decision_date="10/01/2025",
                                                 effective_date="10/01/2025"))
    assert response.status_code == 302
    review = Assessment.objects.get()
    assert review.income_per_capita == 1_500_000 and review.decision_date == dt.date(2025, 1, 10)
    # a wrong date says which format is expected
    html = ward_client.post(url, review_post(decision_date="31/02/2025")).content.decode()
    assert "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2025." in html


def test_money_and_dates_read_as_they_are_shown():
    assert format_money(1500000) == "1.500.000" and format_money(0) == "0"
    assert parse_money("1.500.000 đ") == "1500000" and parse_money("1 500 000") == "1500000"
    field = MoneyField()
    assert field.clean("1.500.000") == 1_500_000 == field.clean(field.widget.format_value(1_500_000))
    assert field.widget.format_value(20_000_000) == "20.000.000"


def test_support_form_shows_money_with_dots_and_takes_it_back(ward_client, ref, admin_user):
    household = reviewed_household(ref.an_phu, admin_user, code="AP-SUP")
    url = reverse("support:create")
    data = {
        "household": household.pk, "kind": "health_insurance",
        "indicator": ref.indicators["health_insurance"].pk, "description": "Cấp thẻ BHYT", "quantity": 1,
        "lead_agency": ref.agencies["ttyt"].pk, "funding_source": "national_target",
        "amount": "1.500.000", "plan_year": 2025, "planned_date": "01/04/2025",
    }
    assert ward_client.post(url, data).status_code == 302
    from support.models import SupportAction

    action = SupportAction.objects.get()
    assert action.amount == 1_500_000
    html = ward_client.get(reverse("support:edit", args=[action.pk])).content.decode()
    assert re.search(r'name="amount" value="1.500.000"', html)
    assert re.search(r'name="planned_date" value="01/04/2025"', html)


# --- never reviewed: "Chưa rà soát" ---------------------------------------------------------

def test_a_household_never_reviewed_is_chua_ra_soat_with_a_call_to_review(ward_client, ref):
    household = household_with_head(ref.an_phu, code="AP-NEW", head_name="Phạm Văn Mới")
    html = ward_client.get(reverse("households:list")).content.decode()
    row = re.search(r"Phạm Văn Mới.*?</tr>", html, re.S).group(0)
    assert "Chưa rà soát" in row and "Không thuộc diện" not in row
    html = ward_client.get(reverse("households:detail", args=[household.pk])).content.decode()
    current = re.search(r'aria-labelledby="h-class">.*?</section>', html, re.S).group(0)
    assert 'data-testid="unreviewed"' in current and "Không thuộc diện" not in current
    assert f'href="{reverse("households:review", args=[household.pk])}" data-testid="review-now"' in html


def test_a_reviewed_household_of_no_class_is_khong_thuoc_dien(ward_client, ref):
    household = HouseholdFactory(unit=ref.an_phu, code="AP-RICH", floor_area_m2=60)
    MemberFactory(household=household, has_health_insurance=True, highest_diploma="upper_secondary")
    ward_client.post(reverse("households:review", args=[household.pk]),
                     review_post(income_per_capita="9.000.000"))
    html = ward_client.get(reverse("households:detail", args=[household.pk])).content.decode()
    current = re.search(r'aria-labelledby="h-class">.*?</section>', html, re.S).group(0)
    assert "Không thuộc diện" in current and 'data-testid="unreviewed"' not in current
    assert 'data-testid="review-now"' not in html


# --- rows per page --------------------------------------------------------------------------

def selected_per_page(html: str) -> str:
    select = re.search(r'<select name="per_page".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="(\d+)" selected>', select).group(1)


def test_rows_per_page_selector_shows_the_number_used(ward_client, ref):
    for i in range(12):
        household_with_head(ref.an_phu, code=f"AP-P{i:02d}")
    url = reverse("households:list")
    response = ward_client.get(url)
    assert selected_per_page(response.content.decode()) == "25"
    assert len(response.context["page"].object_list) == 12
    response = ward_client.get(url, {"per_page": "10"})
    assert selected_per_page(response.content.decode()) == "10"
    assert len(response.context["page"].object_list) == 10
    # a forged value falls back to 25 and keeps the other filters
    response = ward_client.get(url, {"per_page": "7", "q": "AP-P03"})
    assert selected_per_page(response.content.decode()) == "25"
    assert [h.code for h in response.context["page"].object_list] == ["AP-P03"]


# --- aria-describedby points at rendered ids ------------------------------------------------

def test_every_aria_describedby_points_at_a_rendered_id(ward_client, tnmt_client, ref):
    household = household_with_head(ref.an_phu, code="AP-ARIA")
    pages = [
        ward_client.get(reverse("households:create")),
        ward_client.post(reverse("households:create"), household_post(members=[{}], code="")),
        ward_client.post(reverse("households:create"), household_post(
            members=[member_data(0, date_of_birth="12/04/1975"), spouse_of_14()])),
        ward_client.get(reverse("households:edit", args=[household.pk])),
        ward_client.get(reverse("households:review", args=[household.pk])),
        ward_client.post(reverse("households:review", args=[household.pk]),
                         review_post(income_per_capita="abc", decision_date="x")),
        ward_client.get(reverse("households:list"), {"registered_exit_year": "abc"}),
        ward_client.post(reverse("password_change"), {"old_password": "x"}),
        tnmt_client.post(reverse("territory:area_rule_create"), {}),
    ]
    checked = 0
    for response in pages:
        html = response.content.decode()
        assert response.status_code in (200, 400), response.status_code
        assert not missing_described_ids(html), (response.wsgi_request.path, missing_described_ids(html))
        checked += html.count("aria-describedby=")
    assert checked > 20  # the pages do carry help texts and errors


def test_report_deadlines_are_shown_and_typed_as_dd_mm_yyyy(tnmt_client):
    from reports.models import ReportDeadline

    url = reverse("reports:monthly_deadlines")
    html = tnmt_client.get(url, {"year": 2025}).content.decode()
    assert re.search(r'type="text" name="due_date" value="05/03/2025" placeholder="dd/mm/yyyy"', html)
    response = tnmt_client.post(url, {"year": 2025, "month": 2, "due_date": "10/03/2025"})
    assert response.status_code == 302
    assert ReportDeadline.due_for(2025, 2) == dt.date(2025, 3, 10)
