"""Clean text at the door and numbers with one set of bounds (issue 15), through the forms, a
service called directly, the admin (tests/core/test_personal_data.py) and the import
(tests/households/test_hostile_uploads.py); and the import refusing a deleted household
(issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse

from households.io.importer import import_file
from households.models import Household
from households.services import MemberInput, household_save_with_members, household_soft_delete
from support.models import SupportAction
from tamky_poverty.text import clean_text, validate_line, validate_multiline
from tests.households.io_helpers import TODAY, head_row, workbook_bytes
from tests.households.test_views import household_post, member_data
from tests.support.conftest import reviewed_household

pytestmark = pytest.mark.django_db


# --- the normaliser --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, line, multiline", [
    ("  Nguye\u0302\u0303n   Văn\tAn  ", "Nguyễn Văn An", "Nguyễn   Văn\tAn"),
    ("\u200bAP-01\ufeff", "AP-01", "AP-01"),
    ("dòng 1\r\ndòng 2  \rdòng 3", "dòng 1 dòng 2 dòng 3", "dòng 1\ndòng 2\ndòng 3"),
    ("\u200b\u200c\u2060", "", ""),
])
def test_clean_text_normalises(raw, line, multiline):
    assert clean_text(raw) == line
    assert clean_text(raw, multiline=True) == multiline


@pytest.mark.parametrize("raw", ["a\x00b", "a\x0bb", "a\x1fb", "a\x7fb", "a\x85b", "Tr\u202eần", "a\u2066b\u2069",
                                 "a\u200fb"])
def test_clean_text_refuses_control_and_bidirectional_characters(raw):
    for multiline in (False, True):
        with pytest.raises(ValidationError, match=r"U\+[0-9A-F]{4}"):
            clean_text(raw, multiline=multiline)


def test_every_text_field_of_the_project_has_the_validator():
    missing = []
    for label in ("tamky_poverty", "households", "support", "targets", "reports"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.TextField):
                    wanted = validate_multiline
                elif isinstance(field, models.CharField):
                    wanted = validate_line
                else:
                    continue
                if wanted not in field.validators:
                    missing.append(f"{model._meta.label}.{field.name}")
    assert not missing, missing


# --- forms ---------------------------------------------------------------------------------------------

def test_a_household_code_of_only_a_zero_width_space_is_refused(ward_client):
    response = ward_client.post(reverse("households:create"),
                                household_post(members=[member_data(0)], code="\u200b"))
    assert response.status_code == 400
    assert "errorlist" in response.content.decode() or "invalid-feedback" in response.content.decode()
    assert response.context["form"].errors["code"]
    assert not Household.objects.exists()


def test_a_name_with_a_right_to_left_override_is_refused(ward_client):
    response = ward_client.post(reverse("households:create"), household_post(
        members=[member_data(0, full_name="Nguyễn \u202eVăn An")], code="AP-RTL"))
    assert response.status_code == 400
    assert "U+202E" in response.content.decode()
    assert not Household.objects.exists()


def test_zero_width_characters_are_removed_not_stored(ward_client):
    response = ward_client.post(reverse("households:create"), household_post(
        members=[member_data(0, full_name="Nguyễn\u200b Văn\ufeff An")], code="AP-\u200bZW", address="12\u200b Lê Lợi"))
    assert response.status_code == 302, response.context["form"].errors
    household = Household.objects.get()
    assert (household.code, household.address) == ("AP-ZW", "12 Lê Lợi")
    assert household.members.get().full_name == "Nguyễn Văn An"


def test_support_notes_keep_line_breaks_and_refuse_a_vertical_tab(ref, ward_client, admin_user):
    household = reviewed_household(ref.an_phu, admin_user)
    data = {"household": household.pk, "kind": "health_insurance", "lead_agency": ref.agencies["ttyt"].pk,
            "funding_source": "other", "quantity": 1, "amount": 0, "plan_year": 2025,
            "description": "Cấp thẻ", "notes": "Dòng 1\r\n\tDòng 2"}
    response = ward_client.post(reverse("support:create"), data)
    assert response.status_code == 302
    assert SupportAction.objects.get().notes == "Dòng 1\n\tDòng 2"
    refused = ward_client.post(reverse("support:create"), {**data, "notes": "một\x0bhai"})
    assert refused.status_code == 200 and "U+000B" in refused.content.decode()
    assert SupportAction.objects.count() == 1


def test_a_service_called_directly_refuses_what_no_form_cleaned(ref, ward_officer):
    member = {"full_name": "Lê Văn Tab", "relation": "head", "sex": "male", "date_of_birth": dt.date(1980, 1, 1)}
    for fields, bad in (({"unit": ref.an_phu, "code": "AP-1", "address": "a\x0bb"}, member),
                        ({"unit": ref.an_phu, "code": "AP-1"}, {**member, "full_name": "Lê\u202eVăn"})):
        with pytest.raises(ValidationError):
            household_save_with_members(actor=ward_officer, household=None, fields=fields,
                                        members=[MemberInput(fields=bad)])
    assert not Household.objects.exists()


# --- numbers: the same bounds on SQLite and PostgreSQL -----------------------------------------------

def test_a_quantity_postgresql_cannot_hold_is_refused_on_every_database(ref, ward_client, admin_user):
    household = reviewed_household(ref.an_phu, admin_user)
    data = {"household": household.pk, "kind": "livelihood", "lead_agency": ref.agencies["ttyt"].pk,
            "funding_source": "other", "quantity": "99999999999", "amount": 0, "plan_year": 2025}
    response = ward_client.post(reverse("support:create"), data)
    assert response.status_code in (200, 400)
    assert "2147483647" in response.content.decode()
    assert not SupportAction.objects.exists()


def test_an_income_postgresql_cannot_hold_is_refused_on_every_database(ref, ward_client, admin_user):
    household = reviewed_household(ref.an_phu, admin_user)
    response = ward_client.post(reverse("households:review", args=[household.pk]), {
        "kind": "regular", "year": 2025, "income_per_capita": "99.999.999.999", "decision_number": "QĐ-9",
        "decision_date": "2025-02-01"})
    assert response.status_code == 400
    assert "2147483647" in response.content.decode()
    assert household.assessments.count() == 1


# --- the import refuses a deleted household (issue 13) -------------------------------------------------

def test_importing_a_row_for_a_deleted_household_is_refused_with_row_and_column(ref, ward_client, ward_officer,
                                                                                  admin_user, tmp_path, capsys):
    from tests.factories import household_with_head

    household = household_with_head(ref.an_phu, code="AP-001")
    household_soft_delete(actor=ward_officer, household=household, reason="Chuyển đi nơi khác")
    data = workbook_bytes([head_row()])
    report = import_file(data, today=TODAY, actor=ward_officer, dry_run=False)
    assert [(p.row, p.column) for p in report.problems] == [(2, "Mã hộ")]
    assert "đã bị xoá khỏi sổ (Chuyển đi nơi khác)" in report.problems[0].message
    page = ward_client.post(reverse("household_io:import"), {"file": __import__("io").BytesIO(data)},
                            format="multipart")
    assert "đã bị xoá khỏi sổ" in page.content.decode()
    path = tmp_path / "deleted.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_households", str(path))
    assert "Dòng 2, cột “Mã hộ”: Hộ “AP-001” đã bị xoá khỏi sổ" in capsys.readouterr().err
    household.refresh_from_db()
    assert household.is_deleted and household.members.count() == 1 and household.version == 2
