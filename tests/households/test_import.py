"""Household list import: the template, the preview, every bad case with its exact row/column
message, all-or-nothing writes, idempotence, scope, the audit history, the command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from bench.baseline import baseline_import
from households.io import columns as C
from households.io.importer import import_file
from households.models import Assessment, Household, Member
from tamky_poverty.models import AccessRecord
from tests.factories import household_with_head

from .io_helpers import TODAY, child_row, head_row, valid_rows, workbook_bytes

pytestmark = pytest.mark.django_db


def state():
    return (
        Household.objects.count(), Member.objects.count(), Assessment.objects.count(),
        Household.history.count(), Member.history.count(),
        list(Household.objects.order_by("id").values_list("code", "village", "version", "search_text")),
        list(Member.objects.order_by("id").values_list("full_name", "citizen_id", "relation")),
    )


def problems(report):
    return [(p.row, p.column, p.message) for p in report.problems]


# --- the template ----------------------------------------------------------------------------

def test_template_download_has_contract_headings_dropdowns_instructions_and_example(ward_client):
    response = ward_client.get(reverse("household_io:template"))
    assert response.status_code == 200
    assert "mau-danh-sach-ho.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [C.DATA_SHEET, C.INSTRUCTIONS_SHEET, C.EXAMPLE_SHEET, C.LISTS_SHEET]
    ws = wb[C.DATA_SHEET]
    assert [c.value for c in ws[1]] == C.HEADINGS
    validated = {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation if dv.type == "list"}
    sex_col = ws.cell(row=1, column=C.HEADINGS.index("Giới tính") + 1).column_letter
    relation_col = ws.cell(row=1, column=C.HEADINGS.index("Quan hệ với chủ hộ") + 1).column_letter
    assert f"{sex_col}2" in validated and f"{relation_col}2" in validated
    assert len(validated) == len([c for c in C.COLUMNS if c.kind in ("choice", "yesno")])
    guide = "\n".join(str(c.value) for row in wb[C.INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value)
    assert "MỖI DÒNG LÀ MỘT THÀNH VIÊN" in guide and "Quan hệ với chủ hộ" in guide
    assert wb[C.LISTS_SHEET].sheet_state == "hidden"
    example = list(wb[C.EXAMPLE_SHEET].iter_rows(min_row=2, values_only=True))
    assert example[0][C.HEADINGS.index("Quan hệ với chủ hộ")] == "Chủ hộ"


def test_template_filled_with_its_example_imports(ward_officer):
    from households.io.template import build_template

    wb = load_workbook(io.BytesIO(build_template()))
    for row in wb[C.EXAMPLE_SHEET].iter_rows(min_row=2, values_only=True):
        wb[C.DATA_SHEET].append(row)
    out = io.BytesIO()
    wb.save(out)
    report = import_file(out.getvalue(), today=TODAY, actor=ward_officer, dry_run=False)
    assert report.ok and report.applied, problems(report)
    household = Household.objects.get(code="AP-001")
    assert household.current_class == "poor"  # 1.8 M đ urban, 3 deprivations
    assert household.members.count() == 2


# --- valid file, preview, confirm, history, idempotence -----------------------------------------

def test_valid_file_preview_writes_nothing_then_confirm_applies_everything(ward_client, ward_officer):
    before = state()
    response = ward_client.post(reverse("household_io:import"),
                                {"file": io.BytesIO(workbook_bytes(valid_rows()))}, format="multipart")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and (report.households_created, report.members_created) == (2, 3)
    assert "Xác nhận nhập vào sổ" in response.content.decode()
    assert state() == before  # preview: nothing written
    token = ward_client.session["household_import"]["token"]
    assert token not in response.content.decode()  # the file stays server-side, not in a hidden field

    response = ward_client.post(reverse("household_io:import_confirm"))
    assert response.status_code == 302
    assert "household_import" not in ward_client.session
    assert Household.objects.count() == 2 and Member.objects.count() == 3
    h = Household.objects.get(code="AP-001")
    assert h.unit == ward_officer.unit and h.social_policy is True and h.group == "no_labour"
    assert h.search_text == " nguyen van an | nguyen thi binh # ap-001 | khoi pho 3 | 12 le loi "  # never an ID
    head = h.members.get(relation="head")
    assert head.citizen_id == "049058001234" and head.social_allowance is True
    # audit history, bulk paths included, attributed to the officer
    assert h.history.count() == 1 and h.history.first().history_user == ward_officer
    assert Member.history.filter(history_user=ward_officer, history_type="+").count() == 3
    assert AccessRecord.objects.filter(user=ward_officer, action="import").count() == 1
    # confirming again: nothing pending
    response = ward_client.post(reverse("household_io:import_confirm"), follow=True)
    assert "Không còn tệp chờ nhập" in response.content.decode()


def test_same_file_twice_changes_nothing(ward_officer):
    data = workbook_bytes(valid_rows())
    first = import_file(data, today=TODAY, actor=ward_officer, dry_run=False)
    assert first.applied
    before = state()
    second = import_file(data, today=TODAY, actor=ward_officer, dry_run=False)
    assert second.ok and not second.has_changes
    assert (second.households_unchanged, second.members_unchanged) == (2, 3)
    assert state() == before


def test_changed_file_updates_matched_rows_by_citizen_id_and_by_name_and_birth_date(ward_officer):
    import_file(workbook_bytes(valid_rows()), today=TODAY, actor=ward_officer, dry_run=False)
    rows = valid_rows()
    rows[0]["village"] = "Khối phố 9"
    rows[1]["schooling"] = "Không đi học"  # the child has no ID: matched by name + birth date
    report = import_file(workbook_bytes(rows), today=TODAY, actor=ward_officer, dry_run=False)
    assert report.applied
    assert (report.households_updated, report.members_updated, report.members_created) == (1, 1, 0)
    h = Household.objects.get(code="AP-001")
    assert h.village == "Khối phố 9" and h.version == 2 and "khoi pho 9" in h.search_text
    assert h.members.get(full_name="Nguyễn Thị Bình").schooling == "not_attending"
    assert h.history.count() == 2


def test_assessment_columns_record_a_review_once(ward_officer):
    rows = valid_rows()
    rows[0].update({"income": "1.800.000", "deprived": "1, 4, 11", "decision_number": "12/QĐ-UBND",
                    "decision_date": "20/12/2024", "current_class": "Hộ nghèo"})
    data = workbook_bytes(rows)
    report = import_file(data, today=TODAY, actor=ward_officer, dry_run=False)
    assert report.applied and report.assessments_created == 1
    h = Household.objects.get(code="AP-001")
    assert h.current_class == "poor" and h.current_assessment.income_per_capita == 1_800_000
    assert sorted(h.current_assessment.deprivations.filter(deprived=True).values_list("indicator__number", flat=True)) == [1, 4, 11]
    again = import_file(data, today=TODAY, actor=ward_officer, dry_run=False)
    assert again.ok and again.assessments_created == 0 and Assessment.objects.count() == 1


def test_the_list_effective_date_decides_the_standard(tnmt):
    """A list effective 01/01/2027 is classified by NĐ 351/2025 (urban threshold 2.8 M đ), in the
    area of the household's ward on that date; the file's year may be left out."""
    rows = [head_row(unit_code="20356", unit_name="Quảng Phú", code="QP-001", income="2.500.000",
                     deprived="1, 2, 4", decision_number="30/QĐ-UBND", decision_date="25/11/2026",
                     effective_date="01/01/2027", current_class="Hộ nghèo")]
    report = import_file(workbook_bytes(rows), today=TODAY, actor=tnmt, dry_run=False)
    assert report.applied, report.problems
    decision = Household.objects.get(code="QP-001").current_assessment
    assert (decision.standard.code, decision.year, decision.area_kind) == ("ND351-2025", 2027, "urban")
    assert decision.effective_date == dt.date(2027, 1, 1) and decision.result_class == "poor"


# --- every bad case: exact row/column message, nothing written ----------------------------------

FUTURE = dt.date.today() + dt.timedelta(days=30)

BAD_CASES = {
    "unknown unit code": ([head_row(unit_code="99999", unit_name=None)], (2, "Mã đơn vị", "Không có phường/xã mã “99999”.")),
    "unknown unit name": ([head_row(unit_code=None, unit_name="Hòa Bình")], (2, "Phường/xã", "Không có phường/xã tên “Hòa Bình”.")),
    "invalid citizen ID": ([head_row(citizen_id="12345")], (2, "Số định danh cá nhân", "Số định danh cá nhân “12345” không hợp lệ: phải gồm đúng 12 chữ số.")),
    "birth date in the future": ([head_row(date_of_birth=FUTURE)], (2, "Ngày sinh", f"Ngày sinh {FUTURE:%d/%m/%Y} ở tương lai.")),
    "birth date unparseable": ([head_row(date_of_birth="31/02/1990")], (2, "Ngày sinh", "Ngày “31/02/1990” không hợp lệ; ghi theo dạng dd/mm/yyyy, ví dụ 05/02/1980.")),
    "negative income": ([head_row(income=-5, decision_number="1/QĐ", decision_date="01/12/2024")], (2, "Thu nhập bình quân (đ/người/tháng)", "Thu nhập “-5” không được âm.")),
    "non-numeric income": ([head_row(income="khoảng hai triệu", decision_number="1/QĐ", decision_date="01/12/2024")], (2, "Thu nhập bình quân (đ/người/tháng)", "Thu nhập “khoảng hai triệu” không phải là số (ghi số đồng, ví dụ 1500000).")),
    "unknown coded value": ([head_row(sex="Không rõ")], (2, "Giới tính", "Giá trị “Không rõ” không có trong danh mục. Chọn một trong: “Nam”, “Nữ”.")),
    "household with no head": ([child_row(), child_row(full_name="Nguyễn Văn Cường", date_of_birth=dt.date(2016, 1, 1))], (2, "Quan hệ với chủ hộ", "Hộ “AP-001” không có chủ hộ: cần đúng một dòng “Chủ hộ”.")),
    "household with two heads": ([head_row(), head_row(full_name="Lê Văn Hai", citizen_id="049058009999")], (3, "Quan hệ với chủ hộ", "Hộ “AP-001” có hai chủ hộ (dòng 2 và dòng 3).")),
    "duplicate citizen ID within the file": ([head_row(), child_row(citizen_id="049058001234")], (3, "Số định danh cá nhân", "Số định danh “049058001234” trùng với dòng 2 trong tệp.")),
    "empty required cell": ([head_row(full_name="  ")], (2, "Họ và tên", "Ô bắt buộc để trống.")),
    "review year not the effective date's": ([head_row(income=1_000_000, decision_number="1/QĐ", decision_date="25/11/2026",
                                                       effective_date="01/01/2027", assessment_year=2026)],
                                             (2, "Năm rà soát", "Năm rà soát 2026 không khớp với ngày có hiệu lực 01/01/2027: danh sách có hiệu lực năm nào thì rà soát cho năm đó, theo chuẩn nghèo của năm đó.")),
    "effective date before the decision": ([head_row(income=1_000_000, decision_number="1/QĐ", decision_date="20/12/2024",
                                                     effective_date="01/12/2024")],
                                           (2, "Ngày có hiệu lực", "Ngày có hiệu lực không được trước ngày quyết định.")),
    "conflicting household values": ([head_row(), child_row(village="Khối phố 7")], (3, "Thôn/khối phố", "Khác với dòng 2 của cùng hộ “AP-001” (“Khối phố 7” ≠ “Khối phố 3”).")),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_row_is_reported_with_row_column_message_and_nothing_written(case, ward_officer):
    rows, expected = BAD_CASES[case]
    rows = rows + [head_row(code="AP-OK", full_name="Phạm Văn Đúng", citizen_id="049080000001")]  # a valid household too
    before = state()
    report = import_file(workbook_bytes(rows), today=TODAY, actor=ward_officer, dry_run=False)
    assert expected in problems(report), problems(report)
    assert not report.applied
    assert state() == before


def test_missing_required_column(ward_officer):
    keys = [c.key for c in C.COLUMNS if c.key != "code"]
    report = import_file(workbook_bytes([head_row()], keys=keys), today=TODAY, actor=ward_officer, dry_run=False)
    assert problems(report) == [(1, "Mã hộ", "Thiếu cột bắt buộc “Mã hộ”.")]
    assert Household.objects.count() == 0


def test_duplicate_citizen_id_against_the_register(ward_officer, ref):
    other = household_with_head(ref.an_phu, code="CU-1")
    cid = other.members.get().citizen_id
    before = state()
    report = import_file(workbook_bytes([head_row(citizen_id=cid)]), today=TODAY, actor=ward_officer, dry_run=False)
    # the household is named: it is in the officer's own unit (issue 15: named only then)
    assert problems(report) == [(2, "Số định danh cá nhân", f"Số định danh “{cid}”: Số định danh này đã được ghi "
                                                           "cho một thành viên của hộ CU-1 (An Phú).")]
    assert state() == before


def test_scope_an_phu_officer_file_with_a_tam_thang_row_is_refused_whole(ward_client, ward_officer):
    rows = valid_rows() + [head_row(unit_code="20362", unit_name="Tam Thăng", code="TT-1", citizen_id="049090000001")]
    response = ward_client.post(reverse("household_io:import"),
                                {"file": io.BytesIO(workbook_bytes(rows))}, format="multipart")
    report = response.context["report"]
    assert "toàn bộ tệp bị từ chối" in report.file_message
    assert problems(report) == [(5, "Mã đơn vị", "Dòng thuộc Xã Tam Thăng, ngoài phạm vi quản lý của bạn.")]
    assert "household_import" not in ward_client.session
    assert Household.objects.count() == 0
    # and the same through the function with dry_run=False
    assert not import_file(workbook_bytes(rows), today=TODAY, actor=ward_officer, dry_run=False).applied
    assert Household.objects.count() == 0


def test_tnmt_imports_several_units_and_agency_officer_may_not(tnmt, tnmt_client, agency_client):
    rows = valid_rows() + [head_row(unit_code="20362", unit_name="Tam Thăng", code="TT-1", citizen_id="049090000001")]
    report = import_file(workbook_bytes(rows), today=TODAY, actor=tnmt, dry_run=False)
    assert report.applied and Household.objects.filter(unit__name="Tam Thăng").count() == 1
    assert agency_client.get(reverse("household_io:import")).status_code == 403
    assert agency_client.post(reverse("household_io:import_confirm")).status_code == 403
    assert tnmt_client.get(reverse("household_io:import")).status_code == 200


# --- bad files ---------------------------------------------------------------------------------

def _encrypted_lookalike() -> bytes:
    # An OLE compound file holding an "EncryptionInfo" stream: what Excel writes for a password.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64


def _empty_workbook() -> bytes:
    out = io.BytesIO()
    wb = Workbook()
    wb.active.title = C.DATA_SHEET
    wb.save(out)
    return out.getvalue()


BAD_FILES = {
    "not an xlsx": (b"Ho ten;Ngay sinh\nNguyen Van A;01/01/1980\n", "Tệp không phải là bảng tính Excel (.xlsx)"),
    "corrupt workbook": (b"PK\x03\x04" + b"\x00garbage" * 50, "Tệp Excel bị hỏng"),
    "zip that is not a workbook": (None, "Tệp không phải là bảng tính Excel (.xlsx)"),
    "password-protected": (_encrypted_lookalike(), "Bảng tính được đặt mật khẩu"),
    "empty sheet": (_empty_workbook(), "Trang tính “Danh sách” trống"),
    "headings only": (workbook_bytes([]), "chỉ có dòng tiêu đề, không có dòng dữ liệu nào"),
}


def _zip_not_workbook():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_gets_a_clear_message_no_500_nothing_written(case, ward_client):
    data, message = BAD_FILES[case]
    data = data if data is not None else _zip_not_workbook()
    response = ward_client.post(reverse("household_io:import"),
                                {"file": io.BytesIO(data)}, format="multipart")
    assert response.status_code == 200
    assert message in response.context["report"].file_message
    assert message in response.content.decode()
    assert Household.objects.count() == 0


def test_file_over_the_size_limit(ward_client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    data = workbook_bytes(valid_rows())
    response = ward_client.post(reverse("household_io:import"), {"file": io.BytesIO(data)}, format="multipart")
    assert response.status_code == 200
    assert "Tệp quá lớn" in response.context["report"].file_message
    assert Household.objects.count() == 0


def test_tolerates_spaces_nfd_numbers_as_text_serial_and_text_dates_and_formulas(ward_officer):
    import unicodedata

    rows = [
        head_row(full_name="  " + unicodedata.normalize("NFD", "Nguyễn Văn An") + "  ", code=" AP-001 ",
                 unit_name=unicodedata.normalize("NFD", "An Phú"), unit_code=20356,
                 date_of_birth=21277,  # Excel serial of 02/04/1958
                 citizen_id=49058001234,  # a number cell: the leading zero was lost
                 registered_exit_year="2025", floor_area_m2="30,5", relation=" chủ hộ ",
                 village="=CONCATENATE(\"Khối \",\"phố\")"),
        child_row(date_of_birth="15/09/2014", full_name=unicodedata.normalize("NFD", "Nguyễn Thị Bình")),
    ]
    report = import_file(workbook_bytes(rows), today=TODAY, actor=ward_officer, dry_run=False)
    assert report.applied, problems(report)
    h = Household.objects.get()
    assert h.code == "AP-001" and h.registered_exit_year == 2025 and str(h.floor_area_m2) == "30.5"
    assert h.village == ""  # a formula contributes only its cached value (none here), never its text
    head = h.members.get(relation="head")
    assert head.full_name == unicodedata.normalize("NFC", "Nguyễn Văn An")
    assert head.date_of_birth == dt.date(1958, 4, 2) and head.citizen_id == "049058001234"
    assert h.members.get(relation="child").date_of_birth == dt.date(2014, 9, 15)


# --- the command and the baseline ------------------------------------------------------------

def test_command_dry_run_apply_and_errors(tmp_path, admin_user, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook_bytes(valid_rows()))
    call_command("import_households", str(good), "--dry-run")
    assert Household.objects.count() == 0
    with pytest.raises(CommandError, match="ứng với nhiều đơn vị"):
        call_command("import_households", str(good), "--unit", "20356")  # An Phú, then Quảng Phú
    call_command("import_households", str(good), "--unit", "An Phú")
    assert Household.objects.count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook_bytes([head_row(code="AP-9", citizen_id="12345")]))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_households", str(bad))
    assert excinfo.value.returncode == 1
    assert "Dòng 2, cột “Số định danh cá nhân”: Số định danh cá nhân “12345” không hợp lệ" in capsys.readouterr().err
    assert Household.objects.count() == 2


def test_command_unit_option_refuses_rows_of_other_units(tmp_path, admin_user, capsys):
    path = tmp_path / "f.xlsx"
    path.write_bytes(workbook_bytes(valid_rows()))
    with pytest.raises(CommandError):
        call_command("import_households", str(path), "--unit", "Tam Thăng")
    assert "không phải đơn vị đang nhập" in capsys.readouterr().err
    assert Household.objects.count() == 0


def test_baseline_row_by_row_resource_imports_the_same_file(admin_user):
    result = baseline_import(workbook_bytes(valid_rows()), actor=admin_user)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Household.objects.count() == 2 and Member.objects.count() == 3
