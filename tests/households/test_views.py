"""The household pages through the Django test client: list, search, filters, create/edit with
members, review, detail, delete, scope and optimistic locking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import Assessment, Household, Member
from tamky_poverty.models import AccessRecord
from tests.factories import HouseholdFactory, MemberFactory, SupportActionFactory, household_with_head

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------------

def member_data(i: int, **overrides) -> dict:
    data = {
        "full_name": f"Nguyễn Văn Thành viên {i}", "relation": "head" if i == 0 else "child",
        "sex": "male", "date_of_birth": "1980-05-17" if i == 0 else "2010-03-02",
        "citizen_id": f"0491000000{i:02d}", "ethnicity": "Kinh", "has_health_insurance": "on",
        "schooling": "na" if i == 0 else "attending", "highest_diploma": "upper_secondary" if i == 0 else "primary",
        "employment": "stable" if i == 0 else "not_in_labour_force", "nutrition": "na",
    }
    data.update(overrides)
    return data


def household_post(unit=None, members=(), *, initial=0, version=None, **overrides) -> dict:
    data = {
        "code": "AP-0001", "village": "Khối phố 3", "address": "12 Nguyễn Du", "group": "other",
        "registered_exit_year": "", "floor_area_m2": "40",
        "members-TOTAL_FORMS": str(len(members)), "members-INITIAL_FORMS": str(initial),
        "members-MIN_NUM_FORMS": "1", "members-MAX_NUM_FORMS": "1000",
    }
    if unit is not None:
        data["unit"] = str(unit.pk)
    if version is not None:
        data["version"] = str(version)
    for i, m in enumerate(members):
        for key, value in m.items():
            if value is None:
                continue
            data[f"members-{i}-{key}"] = value
    data.update(overrides)
    return data


def edit_post(household: Household, **overrides) -> dict:
    members = list(household.members.order_by("date_of_birth", "id"))
    rows = []
    for m in members:
        row = {
            "id": str(m.pk), "household": str(household.pk), "full_name": m.full_name, "relation": m.relation,
            "sex": m.sex, "date_of_birth": m.date_of_birth.isoformat(), "citizen_id": m.citizen_id or "",
            "ethnicity": m.ethnicity, "schooling": m.schooling, "highest_diploma": m.highest_diploma,
            "employment": m.employment, "nutrition": m.nutrition,
        }
        if m.has_health_insurance:
            row["has_health_insurance"] = "on"
        rows.append(row)
    data = household_post(members=rows, initial=len(rows), version=household.version,
                          code=household.code, village=household.village, address=household.address,
                          floor_area_m2=str(household.floor_area_m2 or ""))
    data.update(overrides)
    return data


def review_post(**overrides) -> dict:
    data = {
        "kind": "annual", "year": "2025", "income_per_capita": "1.200.000",
        "decision_number": "123/QĐ-UBND", "decision_date": "2025-01-10", "effective_date": "2025-01-10",
    }
    data.update(overrides)
    return data


@pytest.fixture
def an_phu_home(ref, ward_officer):
    household = HouseholdFactory(unit=ref.an_phu, code="AP-0100", floor_area_m2=60)
    MemberFactory(household=household, full_name="Nguyễn Văn An", citizen_id="049080001234",
                  has_health_insurance=True, highest_diploma="upper_secondary")
    MemberFactory(household=household, full_name="Trần Thị Đào", relation="spouse", citizen_id=None,
                  date_of_birth=dt.date(1982, 1, 1), highest_diploma="upper_secondary")
    household.refresh_from_db()
    return household


@pytest.fixture
def tam_thang_home(ref):
    return household_with_head(ref.tam_thang, code="TT-0001", head_name="Lê Văn Bình")


# --- list, search, filters -------------------------------------------------------------------

def test_list_shows_own_unit_with_masked_ids(ward_client, an_phu_home, tam_thang_home):
    page = ward_client.get(reverse("households:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nguyễn Văn An" in html and "AP-0100" in html
    assert "TT-0001" not in html and "Lê Văn Bình" not in html
    assert "049080001234" not in html
    assert "0**********4" in html


@pytest.mark.parametrize("q", ["nguyen van an", "NGUYEN VAN", "nguyễn an", "van an", "ap-0100", "049080001234"])
def test_search_ignores_diacritics_and_case(ward_client, an_phu_home, ref, q):
    other = household_with_head(ref.an_phu, code="AP-0200", head_name="Phạm Thị Hoa")
    html = ward_client.get(reverse("households:list"), {"q": q}).content.decode()
    assert "AP-0100" in html
    assert other.code not in html


def test_search_d_matches_dj_and_member_names(ward_client, an_phu_home):
    html = ward_client.get(reverse("households:list"), {"q": "tran thi dao"}).content.decode()
    assert "AP-0100" in html
    html = ward_client.get(reverse("households:list"), {"q": "Đào"}).content.decode()
    assert "AP-0100" in html
    assert "AP-0100" not in ward_client.get(reverse("households:list"), {"q": "nguyen van binh"}).content.decode()


def test_filters(tnmt_client, ref, tnmt):
    a = household_with_head(ref.an_phu, code="F-1", village="Khối phố 1", group="no_labour", registered_exit_year=2025)
    b = household_with_head(ref.tam_thang, code="F-2", village="Thôn 2", group="other")
    services.assessment_record(
        actor=tnmt, household=a, kind="annual", year=2025, income_per_capita=1_000_000,
        indicators={"employment": True, "nutrition": True, "telecom": True},
        decision_number="1/QĐ", decision_date=dt.date(2025, 1, 5),
    )
    url = reverse("households:list")

    def codes(**params):
        html = tnmt_client.get(url, params).content.decode()
        return {c for c in ("F-1", "F-2") if f">{c}<" in html}

    assert codes() == {"F-1", "F-2"}
    assert codes(unit=ref.tam_thang.pk) == {"F-2"}
    assert codes(village="khối phố 1") == {"F-1"}
    assert codes(current_class="poor") == {"F-1"}
    assert codes(current_class="none") == {"F-2"}
    assert codes(group="no_labour") == {"F-1"}
    assert codes(indicator="telecom") == {"F-1"}
    assert codes(indicator="water") == set()
    assert codes(registered_exit_year=2025) == {"F-1"}
    assert b.pk  # both exist


def test_list_excludes_soft_deleted(ward_client, ward_officer, an_phu_home):
    services.household_soft_delete(actor=ward_officer, household=an_phu_home, reason="Chuyển đi nơi khác")
    assert "AP-0100" not in ward_client.get(reverse("households:list")).content.decode()
    assert ward_client.get(reverse("households:detail", args=[an_phu_home.pk])).status_code == 404


@pytest.mark.parametrize("per_page", [10, 100])
def test_list_query_count_is_fixed(ward_client, ref, django_assert_max_num_queries, per_page):
    for i in range(120):
        household_with_head(ref.an_phu, code=f"Q-{i:03d}")
    with django_assert_max_num_queries(13):  # session, user, scope, choices, count, ids, rows, matched names
        response = ward_client.get(reverse("households:list"), {"per_page": per_page, "q": "q"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == per_page


def test_bad_filter_values_do_not_fail(ward_client, an_phu_home):
    response = ward_client.get(reverse("households:list"), {"unit": "abc", "registered_exit_year": "x", "page": "99"})
    assert response.status_code == 200


# --- scope -----------------------------------------------------------------------------------

def test_other_units_household_is_404_everywhere(ward_client, ward_officer, tam_thang_home):
    pk = tam_thang_home.pk
    for name in ("detail", "edit", "review", "delete"):
        assert ward_client.get(reverse(f"households:{name}", args=[pk])).status_code == 404, name
    assert ward_client.post(reverse("households:edit", args=[pk]), edit_post(tam_thang_home)).status_code == 404
    assert ward_client.post(reverse("households:review", args=[pk]), review_post()).status_code == 404
    assert ward_client.post(reverse("households:review_preview", args=[pk]), review_post()).status_code == 404
    assert ward_client.post(reverse("households:delete", args=[pk]), {"reason": "x"}).status_code == 404
    html = ward_client.get(reverse("households:list"), {"unit": tam_thang_home.unit_id}).content.decode()
    assert "TT-0001" not in html
    tam_thang_home.refresh_from_db()
    assert not tam_thang_home.is_deleted and not tam_thang_home.assessments.exists()


def test_agency_officer_sees_only_households_its_agency_leads(agency_client, ref, an_phu_home, tam_thang_home):
    SupportActionFactory(household=tam_thang_home, kind="health_insurance", description="Cấp thẻ BHYT",
                         lead_agency="ttyt")
    SupportActionFactory(household=an_phu_home, kind="livelihood", description="Bò giống", lead_agency="tnmt")
    html = agency_client.get(reverse("households:list")).content.decode()
    assert "TT-0001" in html and "AP-0100" not in html
    assert agency_client.get(reverse("households:detail", args=[tam_thang_home.pk])).status_code == 200
    assert agency_client.get(reverse("households:detail", args=[an_phu_home.pk])).status_code == 404
    # Reading is not writing: an agency officer changes no register entry.
    assert agency_client.get(reverse("households:edit", args=[tam_thang_home.pk])).status_code == 404
    assert agency_client.get(reverse("households:create")).status_code == 404


def test_tnmt_sees_all(tnmt_client, an_phu_home, tam_thang_home):
    html = tnmt_client.get(reverse("households:list")).content.decode()
    assert "TT-0001" in html and "AP-0100" in html


# --- create ----------------------------------------------------------------------------------

def test_ward_officer_creates_household_with_members(ward_client, ward_officer, ref):
    data = household_post(ref.tam_thang, [member_data(0), member_data(1)])
    response = ward_client.post(reverse("households:create"), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    household = Household.objects.get(code="AP-0001")
    assert household.unit == ref.an_phu  # the unit field is fixed to the officer's unit
    assert household.members.count() == 2
    assert household.members.get(relation="head").full_name == "Nguyễn Văn Thành viên 0"
    assert "nguyen van thanh vien 1" in household.search_text
    assert household.history.first().history_user == ward_officer
    assert Member.history.filter(household_id=household.pk, history_type="+").count() == 2
    assert response["Location"] == reverse("households:detail", args=[household.pk])


def test_tnmt_chooses_the_unit(tnmt_client, ref):
    response = tnmt_client.post(reverse("households:create"), household_post(ref.tam_thang, [member_data(0)]))
    assert response.status_code == 302
    assert Household.objects.get(code="AP-0001").unit == ref.tam_thang


def test_create_form_renders(ward_client):
    page = ward_client.get(reverse("households:create"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "members-TOTAL_FORMS" in html and "__prefix__" in html
    assert "<script>" not in html and "style=" not in html and "onclick" not in html


@pytest.mark.parametrize("members,field,message", [
    ([member_data(0, citizen_id="12345")], "citizen_id", "12 chữ số"),
    ([member_data(0, citizen_id="04910000000a")], "citizen_id", "12 chữ số"),
    ([member_data(0, date_of_birth=(timezone.localdate() + dt.timedelta(days=1)).isoformat())],
     "date_of_birth", "tương lai"),
    ([member_data(0), member_data(1, relation="head")], None, "đúng một chủ hộ"),
    ([member_data(0, relation="spouse"), member_data(1)], None, "đúng một chủ hộ"),
    ([member_data(0), member_data(1, citizen_id="049100000000")], "citizen_id", "trùng"),
])
def test_create_refuses_bad_members(ward_client, members, field, message):
    response = ward_client.post(reverse("households:create"), household_post(members=members))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'data-testid="error-summary"' in html
    assert not Household.objects.exists() and not Member.objects.exists()


def test_create_refuses_no_member(ward_client):
    data = household_post(members=[{}])
    response = ward_client.post(reverse("households:create"), data)
    assert response.status_code == 400
    assert not Household.objects.exists()


def test_create_refuses_citizen_id_already_registered(ward_client, an_phu_home):
    response = ward_client.post(reverse("households:create"),
                                household_post(members=[member_data(0, citizen_id="049080001234")]))
    assert response.status_code == 400
    assert "đã được ghi cho một thành viên của hộ AP-0100 (An Phú)" in response.content.decode()
    assert Household.objects.count() == 1


def test_create_refuses_duplicate_code_in_unit_but_allows_it_elsewhere(ward_client, tnmt_client, ref, an_phu_home):
    response = ward_client.post(reverse("households:create"), household_post(members=[member_data(0)], code="AP-0100"))
    assert response.status_code == 400
    assert "đã có ở" in response.content.decode()
    assert Household.objects.filter(code="AP-0100").count() == 1
    response = tnmt_client.post(reverse("households:create"),
                                household_post(ref.tam_thang, [member_data(0)], code="AP-0100"))
    assert response.status_code == 302
    assert Household.objects.filter(code="AP-0100").count() == 2


def test_create_refuses_negative_floor_area(ward_client):
    response = ward_client.post(reverse("households:create"),
                                household_post(members=[member_data(0)], floor_area_m2="-1"))
    assert response.status_code == 400
    assert "không được âm" in response.content.decode()
    assert not Household.objects.exists()


# --- edit and optimistic locking ---------------------------------------------------------------

def test_edit_changes_household_and_members(ward_client, ward_officer, an_phu_home):
    data = edit_post(an_phu_home, village="Khối phố 9")
    data["members-1-full_name"] = "Trần Thị Đào Mới"
    response = ward_client.post(reverse("households:edit", args=[an_phu_home.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    an_phu_home.refresh_from_db()
    assert an_phu_home.village == "Khối phố 9"
    assert an_phu_home.version == 2
    assert an_phu_home.members.filter(full_name="Trần Thị Đào Mới").exists()
    assert "dao moi" in an_phu_home.search_text
    detail = ward_client.get(reverse("households:detail", args=[an_phu_home.pk])).content.decode()
    assert "Khối phố 1 → Khối phố 9" in detail
    assert "Trần Thị Đào → Trần Thị Đào Mới" in detail


def test_edit_can_move_the_head_role(ward_client, an_phu_home):
    data = edit_post(an_phu_home)
    data["members-0-relation"] = "spouse"
    data["members-1-relation"] = "head"
    response = ward_client.post(reverse("households:edit", args=[an_phu_home.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert an_phu_home.members.get(relation="head").full_name == "Trần Thị Đào"


def test_edit_deletes_a_member_but_not_the_last(ward_client, an_phu_home):
    data = edit_post(an_phu_home)
    data["members-1-DELETE"] = "on"
    assert ward_client.post(reverse("households:edit", args=[an_phu_home.pk]), data).status_code == 302
    assert an_phu_home.members.count() == 1
    an_phu_home.refresh_from_db()
    data = edit_post(an_phu_home)
    data["members-0-DELETE"] = "on"
    response = ward_client.post(reverse("households:edit", args=[an_phu_home.pk]), data)
    assert response.status_code == 400
    assert "ít nhất một thành viên" in response.content.decode()
    assert an_phu_home.members.count() == 1


def test_stale_edit_is_refused_and_nothing_overwritten(ward_client, ward_officer, an_phu_home):
    form_data = edit_post(an_phu_home, village="Khối phố của tôi")  # opened at version 1
    form_data["members-0-full_name"] = "Tên ghi đè"
    services.household_update(actor=ward_officer, household=Household.objects.get(pk=an_phu_home.pk),
                              expected_version=1, village="Khối phố của người khác")
    response = ward_client.post(reverse("households:edit", args=[an_phu_home.pk]), form_data)
    assert response.status_code == 409
    assert str(services.StaleObjectError.message) in response.content.decode()
    an_phu_home.refresh_from_db()
    assert an_phu_home.village == "Khối phố của người khác"
    assert an_phu_home.version == 2
    assert not an_phu_home.members.filter(full_name="Tên ghi đè").exists()


def test_edit_without_version_is_refused(ward_client, an_phu_home):
    data = edit_post(an_phu_home, village="X")
    del data["version"]
    assert ward_client.post(reverse("households:edit", args=[an_phu_home.pk]), data).status_code == 400
    an_phu_home.refresh_from_db()
    assert an_phu_home.village == "Khối phố 1"


def test_ward_officer_cannot_move_household_to_another_unit(ward_client, ref, an_phu_home):
    data = edit_post(an_phu_home, unit=str(ref.tam_thang.pk))
    assert ward_client.post(reverse("households:edit", args=[an_phu_home.pk]), data).status_code == 302
    an_phu_home.refresh_from_db()
    assert an_phu_home.unit == ref.an_phu


# --- review ----------------------------------------------------------------------------------

def test_review_form_prefills_suggestions_with_reasons(ward_client, ref, an_phu_home):
    Member.objects.filter(household=an_phu_home, relation="spouse").update(has_health_insurance=False)
    page = ward_client.get(reverse("households:review", args=[an_phu_home.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert len(form.indicators) == 12
    assert form["ind_health_insurance"].value() is True
    assert form["ind_floor_area"].value() is False
    html = page.content.decode()
    assert "không có BHYT" in html
    assert f'hx-post="{reverse("households:review_preview", args=[an_phu_home.pk])}"' in html
    assert "<script>" not in html and "style=" not in html


def test_review_moves_the_class_and_records_the_movement(ward_client, ward_officer, ref, an_phu_home):
    url = reverse("households:review", args=[an_phu_home.pk])
    data = review_post(ind_employment="on", ind_telecom="on", ind_information_means="on")
    response = ward_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    an_phu_home.refresh_from_db()
    assert an_phu_home.current_class == "poor"
    first = an_phu_home.current_assessment
    assert first.movement == "new_poor" and first.recorded_by == ward_officer
    assert first.unit == ref.an_phu and first.standard == ref.nd07

    data = review_post(income_per_capita="2.500.000", decision_number="200/QĐ-UBND",
                       decision_date="2025-12-20", effective_date="2026-01-01", year="2026")
    assert ward_client.post(url, data).status_code == 302
    an_phu_home.refresh_from_db()
    assert an_phu_home.current_class == "average"
    assert an_phu_home.current_assessment.movement == "left_poor"
    assert an_phu_home.current_assessment.previous_class == "poor"

    detail = ward_client.get(reverse("households:detail", args=[an_phu_home.pk])).content.decode()
    assert "Thoát nghèo" in detail and "Hộ nghèo phát sinh" in detail
    assert "123/QĐ-UBND" in detail and "200/QĐ-UBND" in detail
    assert "Sử dụng dịch vụ viễn thông" in detail


def test_review_contradicting_a_suggestion_needs_a_reason(ward_client, an_phu_home):
    url = reverse("households:review", args=[an_phu_home.pk])
    response = ward_client.post(url, review_post(ind_floor_area="on"))  # data suggests not deprived
    assert response.status_code == 400
    assert "cần nêu lý do" in response.content.decode()
    assert not Assessment.objects.exists()
    response = ward_client.post(url, review_post(ind_floor_area="on", reason_floor_area="Nhà đang xuống cấp, đo lại"))
    assert response.status_code == 302
    row = Assessment.objects.get().deprivations.get(indicator__code="floor_area")
    assert row.deprived and row.suggested is False and row.override_reason == "Nhà đang xuống cấp, đo lại"


@pytest.mark.parametrize("field,value,message", [
    ("income_per_capita", "-1", "không được âm"),
    ("income_per_capita", "abc", "Nhập số tiền"),
    ("year", "2031", "không khớp với ngày có hiệu lực"),
    ("decision_number", "", "bắt buộc"),
    ("effective_date", "2025-01-01", "không được trước ngày quyết định"),
])
def test_review_refuses_bad_input(ward_client, an_phu_home, field, value, message):
    response = ward_client.post(reverse("households:review", args=[an_phu_home.pk]), review_post(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


def test_review_preview_classifies_without_saving(ward_client, an_phu_home):
    url = reverse("households:review_preview", args=[an_phu_home.pk])
    html = ward_client.post(url, review_post(income_per_capita="2.000.000", ind_employment="on",
                                             ind_telecom="on", ind_water="on")).content.decode()
    assert "Hộ nghèo" in html and "2.000.000 đ" in html
    html = ward_client.post(url, review_post(income_per_capita="2.000.001")).content.decode()
    assert "mức sống trung bình" in html
    html = ward_client.post(url, review_post(income_per_capita="")).content.decode()
    assert "Nhập thu nhập" in html
    assert not Assessment.objects.exists()
    assert ward_client.get(url).status_code == 405


def test_review_2027_uses_the_new_standard(ward_client, ref, an_phu_home):
    page = ward_client.get(reverse("households:review", args=[an_phu_home.pk]))
    assert page.status_code == 200
    response = ward_client.post(reverse("households:review_preview", args=[an_phu_home.pk]),
                                review_post(year="2027", income_per_capita="2.800.000"))
    assert "2.800.000 đ" in response.content.decode()


# --- detail ----------------------------------------------------------------------------------

def test_detail_shows_full_ids_to_the_ward_officer_and_records_it(ward_client, ward_officer, an_phu_home):
    html = ward_client.get(reverse("households:detail", args=[an_phu_home.pk])).content.decode()
    assert "049080001234" in html
    record = AccessRecord.objects.get(user=ward_officer)
    assert record.action == "view_citizen_id" and record.detail["household_id"] == an_phu_home.pk
    assert "Hỗ trợ đã nhận" in html  # the support panel
    assert "Lịch sử thay đổi" in html


def test_detail_masks_ids_for_agency_officer(agency_client, agency_officer, ref, an_phu_home):
    SupportActionFactory(household=an_phu_home, kind="health_insurance", description="Cấp thẻ BHYT", lead_agency="ttyt")
    html = agency_client.get(reverse("households:detail", args=[an_phu_home.pk])).content.decode()
    assert "049080001234" not in html and "0**********4" in html
    assert "17/05/1980" not in html
    assert not AccessRecord.objects.filter(user=agency_officer).exists()
    assert reverse("households:edit", args=[an_phu_home.pk]) not in html


def test_detail_history_names_who_changed_what(ward_client, ward_officer, an_phu_home):
    services.household_update(actor=ward_officer, household=an_phu_home, expected_version=1, address="99 Lê Lợi")
    html = ward_client.get(reverse("households:detail", args=[an_phu_home.pk])).content.decode()
    assert "99 Lê Lợi" in html
    assert "Cán bộ An Phú" in html


# --- delete ----------------------------------------------------------------------------------

def test_soft_delete_needs_a_reason(ward_client, an_phu_home):
    url = reverse("households:delete", args=[an_phu_home.pk])
    response = ward_client.post(url, {"reason": "  "})
    assert response.status_code == 400
    an_phu_home.refresh_from_db()
    assert not an_phu_home.is_deleted
    assert ward_client.post(url, {"reason": "Cả hộ chuyển đi Đà Nẵng"}).status_code == 302
    an_phu_home.refresh_from_db()
    assert an_phu_home.is_deleted and an_phu_home.deleted_reason == "Cả hộ chuyển đi Đà Nẵng"


def test_agency_cannot_delete(agency_client, an_phu_home):
    assert agency_client.post(reverse("households:delete", args=[an_phu_home.pk]), {"reason": "x"}).status_code == 404


def test_forged_member_count_is_capped(ward_client):
    data = household_post(members=[member_data(i, relation="head" if i == 0 else "child") for i in range(31)])
    response = ward_client.post(reverse("households:create"), data)
    assert response.status_code == 400
    assert not Household.objects.exists()
    huge = household_post(members=[member_data(0)], **{"members-TOTAL_FORMS": "5000"})
    response = ward_client.post(reverse("households:create"), huge)
    assert response.status_code == 400
    assert len(response.content) < 1_000_000
