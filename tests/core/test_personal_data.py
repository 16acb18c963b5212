"""Personal data (issue 15): the policy of ``tamky_poverty.personal_data`` through the paths users
take — search, household and edit pages, the admin, exports (tests/households/test_export.py),
messages about citizen IDs, ``Cache-Control: no-store`` — and the admin's read-only register
pages (issue 13): an admin edit never bypasses the services, nothing is deleted there."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from households.models import Household, Member
from support.models import SupportAction
from support.services import action_create
from tamky_poverty.models import AccessRecord
from tests.factories import MemberFactory, household_with_head
from tests.households.test_views import household_post, member_data

pytestmark = pytest.mark.django_db

SUPPORTED_ID = "049080001234"  # head of AP-SUP, supported by the agency officer's agency
FOREIGN_ID = "049190005678"  # head of TT-X, in Tam Thăng: outside the ward officer's and the agency's scope


@pytest.fixture
def homes(ref, admin_user):
    supported = household_with_head(ref.an_phu, code="AP-SUP", head_name="Nguyễn Văn An")
    Member.objects.filter(household=supported).update(citizen_id=SUPPORTED_ID)
    action_create(actor=admin_user, household=supported, kind="health_insurance", lead_agency=ref.agencies["ttyt"],
                  plan_year=2025, description="Cấp thẻ BHYT")
    foreign = household_with_head(ref.tam_thang, code="TT-X", head_name="Lê Thị Xa")
    Member.objects.filter(household=foreign).update(citizen_id=FOREIGN_ID)
    return supported, foreign


def codes(client, q) -> set[str]:
    html = client.get(reverse("households:list"), {"q": q}).content.decode()
    return set(re.findall(r"<td>((?:AP|TT)-[A-Z]+)</td>", html))


# --- search ---------------------------------------------------------------------------------------

def test_agency_officer_searching_a_full_citizen_id_gets_nothing(agency_client, agency_officer, homes):
    assert codes(agency_client, "") == {"AP-SUP"}  # the household it supports, ID masked
    assert codes(agency_client, FOREIGN_ID) == set()  # outside its scope
    assert codes(agency_client, SUPPORTED_ID) == set()  # in its scope, but it may not see the ID
    searches = AccessRecord.objects.filter(user=agency_officer, action="search_citizen_id")
    assert [r.detail["citizen_ids"] for r in searches.order_by("id")] == [[FOREIGN_ID], [SUPPORTED_ID]]


def test_digits_of_a_masked_id_never_narrow_a_search(agency_client, ward_client, homes):
    """The attack of the issue: "0" + one more digit at a time, to watch which search still finds
    the household. No part of an ID matches anything, for anyone."""
    for prefix in [SUPPORTED_ID[:n] for n in range(2, 12)] + [SUPPORTED_ID[-4:], SUPPORTED_ID[3:9]]:
        assert codes(agency_client, prefix) == set(), prefix
        assert codes(ward_client, prefix) == set(), prefix


def test_full_id_search_finds_only_what_the_user_may_see_in_full(ward_client, tnmt_client, homes):
    assert codes(ward_client, SUPPORTED_ID) == {"AP-SUP"}
    assert codes(ward_client, FOREIGN_ID) == set()  # another unit's household
    assert codes(tnmt_client, FOREIGN_ID) == {"TT-X"}
    assert codes(tnmt_client, f"{FOREIGN_ID} xa") == {"TT-X"}  # with a name word too
    assert codes(tnmt_client, f"{FOREIGN_ID} nguyen") == set()


# --- access records of unmasked views -----------------------------------------------------------------

def test_household_page_and_edit_page_record_each_unmasked_view(ward_client, ward_officer, homes):
    supported = homes[0]
    assert SUPPORTED_ID in ward_client.get(reverse("households:detail", args=[supported.pk])).content.decode()
    assert SUPPORTED_ID in ward_client.get(reverse("households:edit", args=[supported.pk])).content.decode()
    pages = list(AccessRecord.objects.filter(user=ward_officer, action="view_citizen_id").order_by("id")
                 .values_list("detail__page", "detail__household_id"))
    assert pages == [("detail", supported.pk), ("edit", supported.pk)]


def test_masked_views_write_no_view_record(agency_client, agency_officer, homes):
    html = agency_client.get(reverse("households:detail", args=[homes[0].pk])).content.decode()
    assert SUPPORTED_ID not in html and "0**********4" in html
    assert not AccessRecord.objects.filter(user=agency_officer, action="view_citizen_id").exists()


def test_admin_pages_showing_members_record_the_view(admin_client_, admin_user, homes):
    supported = homes[0]
    member = supported.members.get()
    pages = [
        reverse("admin:households_member_change", args=[member.pk]),
        reverse("admin:households_household_change", args=[supported.pk]),
        reverse("admin:households_member_history", args=[member.pk]),
    ]
    for url in pages:
        response = admin_client_.get(url)
        assert response.status_code == 200, url
    assert SUPPORTED_ID in admin_client_.get(pages[0]).content.decode()
    records = AccessRecord.objects.filter(user=admin_user, action="view_citizen_id")
    assert records.count() == 4
    assert {r.detail["page"] for r in records} == {"admin", "admin_history"}
    assert {r.detail["household_id"] for r in records} == {supported.pk}
    # the member list shows the birth year only; a search by full ID is exact and recorded
    listing = admin_client_.get(reverse("admin:households_member_changelist"), {"q": FOREIGN_ID}).content.decode()
    assert "Lê Thị Xa" in listing and "Nguyễn Văn An" not in listing and "17/05/1980" not in listing
    assert AccessRecord.objects.get(user=admin_user, action="search_citizen_id").detail["citizen_ids"] == [FOREIGN_ID]


# --- neutral messages --------------------------------------------------------------------------------

def test_a_citizen_id_recorded_in_another_unit_is_not_confirmed(ward_client, homes):
    response = ward_client.post(reverse("households:create"),
                                household_post(members=[member_data(0, citizen_id=FOREIGN_ID)], code="AP-NEW"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Không ghi được số định danh này" in html
    assert "TT-X" not in html and "Tam Thăng" not in html and "đã được ghi" not in html
    assert not Household.objects.filter(code="AP-NEW").exists()


def test_the_import_does_not_confirm_it_either(ward_officer, homes):
    from households.io.importer import import_file
    from tests.households.io_helpers import TODAY, head_row, workbook_bytes

    report = import_file(workbook_bytes([head_row(code="AP-NEW", citizen_id=FOREIGN_ID)]), today=TODAY,
                         actor=ward_officer)
    messages = [p.message for p in report.problems]
    assert len(messages) == 1 and "Không ghi được số định danh này" in messages[0]
    assert "TT-X" not in messages[0] and "Tam Thăng" not in messages[0]


# --- Cache-Control: no-store ---------------------------------------------------------------------------

def test_every_page_and_download_is_marked_no_store(homes, ward_client, tnmt_client, admin_client_):
    from tests.core.test_matrix import all_patterns

    supported = homes[0]
    urls = [
        (ward_client, reverse("households:list")),
        (ward_client, reverse("households:detail", args=[supported.pk])),
        (ward_client, reverse("households:edit", args=[supported.pk])),
        (ward_client, reverse("household_io:export") + "?format=csv"),
        (ward_client, reverse("household_io:template")),
        (tnmt_client, reverse("reports:report", args=["PL02"]) + "?year=2025&format=xlsx"),
        (tnmt_client, reverse("reports:report", args=["PL02"]) + "?year=2025&format=pdf"),
        (tnmt_client, reverse("support:list")),
        (admin_client_, reverse("admin:households_member_change", args=[supported.members.get().pk])),
        (Client(), reverse("login")),
    ]
    urls += [(tnmt_client, "/" + route) for route, name, _p in all_patterns()
             if "<" not in route and not name.startswith("admin:") and name not in ("logout",)]
    for client, url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        assert "no-store" in response.get("Cache-Control", ""), (url, response.get("Cache-Control"))
        assert "private" in response["Cache-Control"], url


def test_static_files_stay_cacheable(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- the admin: register records are read-only there; nothing is deleted -----------------------

def test_admin_cannot_edit_or_delete_a_household_around_the_services(admin_client_, homes):
    household = homes[0]
    url = reverse("admin:households_household_change", args=[household.pk])
    page = admin_client_.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # shown, not editable
    response = admin_client_.post(url, {"code": "HACKED", "unit": household.unit_id, "version": 99})
    assert response.status_code == 403
    delete = admin_client_.post(reverse("admin:households_household_delete", args=[household.pk]), {"post": "yes"})
    assert delete.status_code == 403
    changelist = admin_client_.get(reverse("admin:households_household_changelist")).content.decode()
    assert "delete_selected" not in changelist
    bulk = admin_client_.post(reverse("admin:households_household_changelist"),
                              {"action": "delete_selected", "_selected_action": [household.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    version = household.history.order_by("history_id").first().history_id
    revert = admin_client_.post(reverse("admin:households_household_simple_history", args=[household.pk, version]),
                                {"code": "REVERTED", "unit": household.unit_id})
    assert revert.status_code == 403
    household.refresh_from_db()
    assert (household.code, household.version, household.is_deleted) == ("AP-SUP", 1, False)
    assert Household.objects.count() == 2


@pytest.mark.parametrize("model", ["households_member", "households_assessment", "support_supportaction",
                                   "targets_plan", "targets_unittarget", "targets_supportquota",
                                   "reports_monthlyreport"])
def test_other_register_records_are_read_only_in_the_admin(admin_client_, admin_user, homes, ref, model):
    from django.apps import apps

    from households.services import assessment_record
    from reports.models import MonthlyReport

    assessment_record(actor=admin_user, household=homes[0], kind="annual", year=2025, income_per_capita=1_000_000,
                      indicators={"employment": True}, decision_number="QĐ-1", decision_date=dt.date(2025, 1, 2),
                      suggestions={})
    MonthlyReport.objects.create(unit=ref.an_phu, year=2025, month=5, status="draft")
    app_label, model_name = model.split("_", 1)
    model_class = apps.get_model(app_label, model_name)
    obj = model_class.objects.first()
    url = reverse(f"admin:{model}_change", args=[obj.pk])
    page = admin_client_.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client_.post(url, {}).status_code == 403
    assert admin_client_.post(reverse(f"admin:{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert admin_client_.get(reverse(f"admin:{model}_add")).status_code == 403
    assert model_class.objects.filter(pk=obj.pk).exists()


def test_no_project_record_can_be_deleted_in_the_admin(admin_client_):
    from django.contrib import admin

    request = admin_client_.get(reverse("admin:index")).wsgi_request
    deletable = [model._meta.label for model, model_admin in admin.site._registry.items()
                 if model._meta.app_label in ("tamky_poverty", "households", "support", "targets", "reports")
                 and model_admin.has_delete_permission(request)]
    assert deletable == []


def test_reference_data_stays_editable_in_the_admin_with_clean_text(admin_client_, ref):
    agency = ref.agencies["ttyt"]
    url = reverse("admin:tamky_poverty_agency_change", args=[agency.pk])
    fields = {"name": agency.name, "short_name": "\u200bTTYT\u200b", "kind": agency.kind, "code": agency.code,
              "duties": agency.duties, "unit": ""}
    response = admin_client_.post(url, fields)
    assert response.status_code == 302, response.content.decode()[-3000:]
    agency.refresh_from_db()
    assert agency.short_name == "TTYT"  # the zero-width spaces are gone
    refused = admin_client_.post(url, {**fields, "short_name": "TT\u202eYT"})
    assert refused.status_code == 200 and "U+202E" in refused.content.decode()
    agency.refresh_from_db()
    assert agency.short_name == "TTYT"


def test_support_action_changed_in_the_admin_is_impossible_but_its_page_works(tnmt_client, homes):
    action = SupportAction.objects.get()
    response = tnmt_client.post(reverse("support:transition", args=[action.pk]), {"to_status": "in_progress"})
    assert response.status_code in (200, 302)
    action.refresh_from_db()
    assert action.status == "in_progress" and action.events.count() >= 1


def test_member_admin_list_has_no_full_birth_dates(admin_client_, ref):
    household = household_with_head(ref.an_phu, code="AP-B")
    MemberFactory(household=household, full_name="Con Út", relation="child", date_of_birth=dt.date(2015, 3, 4),
                  citizen_id=None)
    html = admin_client_.get(reverse("admin:households_member_changelist")).content.decode()
    assert "Con Út" in html and "2015" in html and "04/03/2015" not in html and "4 tháng 3" not in html
