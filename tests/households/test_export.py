"""Household list export: scope, filters, masking, formula escaping, the access record, a fixed
number of queries, and the export → import round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.io import columns as C
from households.io.importer import import_file
from households.models import Household, Member
from households.services import assessment_record
from tamky_poverty.models import AccessRecord
from tests.factories import MemberFactory, household_with_head
from tests.households.io_helpers import TODAY

pytestmark = pytest.mark.django_db

NAME = C.HEADINGS.index("Họ và tên")
CID = C.HEADINGS.index("Số định danh cá nhân")
BORN = C.HEADINGS.index("Ngày sinh")
CODE = C.HEADINGS.index("Mã hộ")


def xlsx_rows(response):
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb[C.DATA_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == C.HEADINGS
    return rows[1:], ws


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == C.HEADINGS
    return rows[1:]


@pytest.fixture
def register(ref, admin_user):
    a = household_with_head(ref.an_phu, code="AP-1", head_name="Nguyễn Văn An", village="Khối phố 1")
    MemberFactory(household=a, full_name="Nguyễn Thị Bé", relation="child", sex="female",
                  date_of_birth=dt.date(2015, 3, 4), citizen_id=None, schooling="attending")
    assessment_record(actor=admin_user, household=a, kind="annual", year=2025, income_per_capita=1_500_000,
                      indicators={"health_insurance": True, "telecom": True, "information_means": True},
                      decision_number="05/QĐ-UBND", decision_date=dt.date(2024, 12, 20),
                      effective_date=dt.date(2025, 1, 1), suggestions={})
    b = household_with_head(ref.an_phu, code="AP-2", head_name="Lê Thị Cúc")
    t = household_with_head(ref.tam_thang, code="TT-1", head_name="Trần Văn Thăng")
    return a, b, t


REASON = "Đối chiếu danh sách cấp thẻ BHYT với BHXH"


def full_export(client, fmt="xlsx", reason=REASON, **filters):
    return client.post(reverse("household_io:export_full"), {"format": fmt, "reason": reason, **filters})


def test_export_masks_personal_data_by_default_for_everyone(ward_client, ward_officer, tnmt_client, register):
    response = ward_client.get(reverse("household_io:export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows, _ = xlsx_rows(response)
    assert sorted({r[CODE] for r in rows}) == ["AP-1", "AP-2"]  # no Tam Thăng household
    a_head = next(r for r in rows if r[NAME] == "Nguyễn Văn An")
    cid = register[0].members.get(relation="head").citizen_id
    assert a_head[CID] == cid[0] + "*" * 10 + cid[-1]
    assert str(a_head[BORN]) == "1980"
    assert a_head[C.HEADINGS.index("Phân loại")] == "Hộ nghèo"
    assert a_head[C.HEADINGS.index("Chỉ số thiếu hụt")] == "4, 11, 12"
    record = AccessRecord.objects.get(user=ward_officer, action="export")
    assert record.detail["rows"] == 3 and record.detail["households"] == 2
    assert record.detail["personal_data_masked"] is True and "reason" not in record.detail
    body = tnmt_client.get(reverse("household_io:export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert cid not in body  # TNMT too: a full export is a separate, explicit choice


def test_full_export_needs_a_reason_and_is_recorded_with_it(ward_client, ward_officer, register):
    page = ward_client.get(reverse("household_io:export_full"), {"q": "nguyen"})
    assert page.status_code == 200 and 'name="q" value="nguyen"' in page.content.decode()
    refused = full_export(ward_client, reason="  ")
    assert refused.status_code == 400 and "invalid-feedback" in refused.content.decode()
    assert not AccessRecord.objects.filter(action="export").exists()

    response = full_export(ward_client)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows, _ = xlsx_rows(response)
    assert sorted({r[CODE] for r in rows}) == ["AP-1", "AP-2"]
    a_head = next(r for r in rows if r[NAME] == "Nguyễn Văn An")
    assert a_head[CID] == register[0].members.get(relation="head").citizen_id
    assert a_head[BORN] == dt.datetime(1980, 5, 17)
    record = AccessRecord.objects.get(user=ward_officer, action="export")
    assert record.detail["personal_data_masked"] is False and record.detail["reason"] == REASON
    assert record.detail["rows"] == 3


def test_full_export_keeps_the_list_filters(tnmt_client, tnmt, register, ref):
    rows = csv_rows(full_export(tnmt_client, fmt="csv", unit=ref.tam_thang.pk))
    assert [r[CODE] for r in rows] == ["TT-1"]
    assert rows[0][CID] == register[2].members.get().citizen_id
    assert AccessRecord.objects.get(user=tnmt, action="export").detail["filter"] == {"unit": str(ref.tam_thang.pk)}


def test_agency_officer_has_no_full_export(agency_client, register):
    assert agency_client.get(reverse("household_io:export_full")).status_code == 404
    assert full_export(agency_client).status_code == 404
    assert not AccessRecord.objects.filter(action="export").exists()


def test_export_applies_the_list_filters_and_records_them(tnmt_client, tnmt, register, ref):
    response = tnmt_client.get(reverse("household_io:export"),
                               {"format": "csv", "unit": ref.tam_thang.pk, "q": "tran van"})
    rows = csv_rows(response)
    assert [r[CODE] for r in rows] == ["TT-1"]
    record = AccessRecord.objects.get(user=tnmt, action="export")
    assert record.detail["filter"] == {"unit": str(ref.tam_thang.pk), "q": "tran van"}
    assert record.detail["rows"] == 1


@pytest.mark.parametrize("value", ["a;=1+1", "Tổ 3, +84 905", "x\t=cmd|' /C calc'!A0", "x|@SUM(1)", " =1+1",
                                   "\"=1+1", "＝1+1", "Lê;－5"])
def test_formula_after_a_separator_comes_out_inert(admin_client_, admin_user, ref, value):
    """LibreOffice and Excel split a CSV line at ; (or tab, |) when set to: "a;=1+1" would become a
    cell "=1+1". Every text with a formula start after a separator is escaped too, and the import
    takes the apostrophe off again."""
    household = household_with_head(ref.an_phu, code="AP-F", address=value)
    rows = csv_rows(admin_client_.get(reverse("household_io:export"), {"format": "csv"}))
    assert rows[0][C.HEADINGS.index("Địa chỉ")] == "'" + value
    response = full_export(admin_client_)
    assert xlsx_rows(response)[0][0][C.HEADINGS.index("Địa chỉ")] == "'" + value
    Household.objects.filter(pk=household.pk).update(address="khác")
    report = import_file(response.content, today=TODAY, actor=admin_user, dry_run=False)
    assert report.ok, [str(p) for p in report.problems]
    household.refresh_from_db()
    assert household.address == " ".join(value.split())  # the apostrophe is gone again


def test_formula_in_a_name_comes_out_inert(admin_client_, ref):
    household_with_head(ref.an_phu, code="AP-9", head_name='=HYPERLINK("http://evil.example","Bấm vào")',
                        address="+84 đường @Lê -Lợi")
    response = admin_client_.get(reverse("household_io:export"), {"format": "xlsx"})
    rows, ws = xlsx_rows(response)
    assert rows[0][NAME] == "'=HYPERLINK(\"http://evil.example\",\"Bấm vào\")"
    assert rows[0][C.HEADINGS.index("Địa chỉ")] == "'+84 đường @Lê -Lợi"
    assert ws.cell(row=2, column=NAME + 1).data_type == "s"  # text, not a formula
    raw = load_workbook(io.BytesIO(response.content), data_only=False)[C.DATA_SHEET]
    assert not any(c.data_type == "f" for row in raw.iter_rows() for c in row)
    rows = csv_rows(admin_client_.get(reverse("household_io:export"), {"format": "csv"}))
    assert rows[0][NAME].startswith("'=HYPERLINK") and rows[0][C.HEADINGS.index("Địa chỉ")].startswith("'+84")
    for cell in rows[0]:
        assert not cell or cell[0] not in "=+-@\t\r"


def test_agency_officer_gets_masked_personal_data(agency_client, agency_officer, ref, admin_user, register):
    from support import services as support_services

    support_services.action_create(actor=admin_user, household=register[0], kind="health_insurance",
                                   lead_agency=ref.agencies["ttyt"], plan_year=2025, description="Cấp thẻ BHYT")
    for fmt in ("xlsx", "csv"):
        response = agency_client.get(reverse("household_io:export"), {"format": fmt})
        rows = xlsx_rows(response)[0] if fmt == "xlsx" else csv_rows(response)
        assert {r[CODE] for r in rows} == {"AP-1"}  # only the household the agency supports
        head = next(r for r in rows if r[NAME] == "Nguyễn Văn An")
        cid = register[0].members.get(relation="head").citizen_id
        assert head[CID] == cid[0] + "*" * 10 + cid[-1]
        assert str(head[BORN]) == "1980"
    assert AccessRecord.objects.filter(user=agency_officer, action="export", detail__personal_data_masked=True).count() == 2


def test_export_runs_a_fixed_number_of_queries(admin_client_, ref, django_assert_max_num_queries):
    for n in range(30):
        household_with_head(ref.an_phu, code=f"Q-{n}")
    with django_assert_max_num_queries(12):
        response = admin_client_.get(reverse("household_io:export"), {"format": "xlsx"})
    assert len(xlsx_rows(response)[0]) == 30


def test_round_trip_export_then_import_changes_nothing(admin_client_, admin_user, register):
    response = full_export(admin_client_)
    report = import_file(response.content, today=TODAY, actor=admin_user, dry_run=False)
    assert report.ok, [str(p) for p in report.problems]
    assert not report.has_changes
    assert (report.households_unchanged, report.members_unchanged) == (3, 4)


def _snapshot():
    households = {
        (h.unit_id, h.code): tuple(getattr(h, f) for f in C.HOUSEHOLD_FIELDS) + (h.search_text,)
        for h in Household.objects.all()
    }
    members = sorted(
        (m.household.unit_id, m.household.code) + tuple(getattr(m, f) for f in C.MEMBER_FIELDS)
        for m in Member.objects.select_related("household")
    )
    return households, members


def test_round_trip_into_an_empty_register_reproduces_it(admin_client_, admin_user, ref):
    a = household_with_head(ref.an_phu, code="AP-1", head_name="Nguyễn Văn An", village="Khối phố 1",
                            ethnic_minority=True, registered_exit_year=2025)
    Household.objects.filter(pk=a.pk).update(floor_area_m2="24.5", group="no_labour")
    MemberFactory(household=a, full_name="Nguyễn Thị Bé", relation="child", sex="female",
                  date_of_birth=dt.date(2015, 3, 4), citizen_id=None, schooling="attending",
                  nutrition="stunted", has_health_insurance=False)
    MemberFactory(household=a, full_name="Nguyễn Văn Ông", relation="parent", citizen_id="001940000123",
                  date_of_birth=dt.date(1940, 1, 1), has_disability=True, social_allowance=True, ethnicity="Cơ Tu")
    household_with_head(ref.tam_thang, code="TT-1", head_name="Trần Văn Thăng", address="Thôn 2")
    before = _snapshot()
    response = full_export(admin_client_)
    Member.objects.all().delete()
    Household.objects.all().delete()
    report = import_file(response.content, today=TODAY, actor=admin_user, dry_run=False)
    assert report.applied, [str(p) for p in report.problems]
    assert (report.households_created, report.members_created) == (2, 4)
    assert _snapshot() == before


def test_list_page_has_export_and_import_buttons_keeping_the_filters(ward_client, register):
    html = ward_client.get(reverse("households:list"), {"q": "nguyen"}).content.decode()
    assert reverse("household_io:export") + "?format=xlsx&amp;q=nguyen" in html
    assert reverse("household_io:export_full") + "?q=nguyen" in html
    assert reverse("household_io:import") in html
