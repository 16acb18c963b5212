"""The downloadable XLSX template: the data sheet (“Danh sách”: one row per member, the
household's columns repeated on each member's row), the instructions (“Hướng dẫn”), a filled
example (“Ví dụ”) and the hidden lists behind the dropdowns (“Danh mục”)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from households.io import columns as C

TEMPLATE_ROWS = 5000
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
BOLD = Font(bold=True)

EXAMPLE_ROWS = [
    {"unit_code": "20356", "unit_name": "An Phú", "code": "AP-001", "village": "Khối phố 3",
     "address": "12 Lê Lợi", "group": "no_labour", "registered_exit_year": None, "ethnic_minority": False,
     "social_policy": False, "floor_area_m2": 30, "current_class": "poor", "income": 1800000,
     "assessment_year": 2025, "deprived": "1, 4, 11", "decision_number": "125/QĐ-UBND",
     "decision_date": dt.date(2024, 12, 20), "effective_date": dt.date(2025, 1, 1),
     "full_name": "Nguyễn Văn An", "sex": "male",
     "date_of_birth": dt.date(1958, 4, 2), "citizen_id": "049058001234", "relation": "head",
     "ethnicity": "Kinh", "has_health_insurance": False, "schooling": "na", "highest_diploma": "primary",
     "employment": "unstable", "has_disability": False, "social_allowance": True, "nutrition": "na"},
    {"unit_code": "20356", "unit_name": "An Phú", "code": "AP-001", "full_name": "Nguyễn Thị Bình", "sex": "female",
     "date_of_birth": dt.date(2014, 9, 15), "citizen_id": "", "relation": "child", "ethnicity": "Kinh",
     "has_health_insurance": True, "schooling": "attending", "highest_diploma": "primary",
     "employment": "not_in_labour_force", "has_disability": False, "social_allowance": False, "nutrition": "normal"},
]


def cell_value(column: C.Column, value):
    """A stored value as the file shows it (labels for coded columns)."""
    if value is None or value == "":
        return None
    if column.kind in ("choice", "yesno"):
        return dict(column.choices).get(value, value)
    return value


def write_header(ws, row: int = 1) -> None:
    for index, column in enumerate(C.COLUMNS, start=1):
        cell = ws.cell(row=row, column=index, value=column.heading)
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.row_dimensions[row].height = 45
    ws.freeze_panes = ws.cell(row=row + 1, column=C.COLUMNS.index(C.BY_KEY["full_name"]) + 1)


def format_columns(ws, first_row: int, last_row: int) -> None:
    for index, column in enumerate(C.COLUMNS, start=1):
        letter = get_column_letter(index)
        fmt = {"date": "DD/MM/YYYY", "citizen_id": "@", "code": "@", "indicators": "@"}.get(column.kind)
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
            for r in range(first_row, min(last_row, first_row + 200) + 1):
                ws.cell(row=r, column=index).number_format = fmt


def build_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = C.DATA_SHEET
    write_header(ws)
    format_columns(ws, 2, TEMPLATE_ROWS)

    lists = wb.create_sheet(C.LISTS_SHEET)
    coded = [c for c in C.COLUMNS if c.kind in ("choice", "yesno")]
    for list_index, column in enumerate(coded, start=1):
        letter = get_column_letter(list_index)
        lists.cell(row=1, column=list_index, value=column.heading).font = BOLD
        for r, label in enumerate(column.labels, start=2):
            lists.cell(row=r, column=list_index, value=label)
        lists.column_dimensions[letter].width = 30
        source = f"{quote_sheetname(C.LISTS_SHEET)}!${letter}$2:${letter}${len(column.labels) + 1}"
        validation = DataValidation(
            type="list", formula1=source, allow_blank=True, showErrorMessage=True,
            errorTitle="Giá trị không hợp lệ", error=f"Chọn một giá trị trong danh sách của cột “{column.heading}”.",
            promptTitle=column.heading[:32], prompt=(column.help or "Chọn trong danh sách.")[:255], showInputMessage=True,
        )
        target = get_column_letter(C.COLUMNS.index(column) + 1)
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        ws.add_data_validation(validation)
    for key, low, high in (("registered_exit_year", 2000, 2100), ("assessment_year", 2000, 2100)):
        target = get_column_letter(C.COLUMNS.index(C.BY_KEY[key]) + 1)
        validation = DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high),
                                    allow_blank=True, showErrorMessage=True, error=f"Ghi năm từ {low} đến {high}.")
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        ws.add_data_validation(validation)
    for key in ("income", "floor_area_m2"):
        target = get_column_letter(C.COLUMNS.index(C.BY_KEY[key]) + 1)
        validation = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                    showErrorMessage=True, error="Ghi một số không âm.")
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        ws.add_data_validation(validation)
    lists.sheet_state = "hidden"

    guide = wb.create_sheet(C.INSTRUCTIONS_SHEET, 1)
    lines = [
        "HƯỚNG DẪN NHẬP DANH SÁCH HỘ GIA ĐÌNH",
        "",
        "1. Ghi dữ liệu vào trang “Danh sách”: MỖI DÒNG LÀ MỘT THÀNH VIÊN. Các cột của hộ (từ “Mã đơn vị” đến “Ngày quyết định”) "
        "ghi lặp lại trên dòng của từng thành viên, hoặc chỉ ghi ở dòng đầu tiên của hộ (các dòng sau để trống thì lấy theo dòng đầu).",
        "2. Các thành viên cùng một hộ ghi cùng “Mã hộ” và cùng phường/xã. Mỗi hộ có đúng một dòng “Chủ hộ”.",
        "3. Cột tô cam là bắt buộc. Cột có danh sách thả xuống: chọn giá trị trong danh sách.",
        "4. Ngày ghi theo dạng dd/mm/yyyy (ví dụ 05/02/1980). Số định danh cá nhân gồm 12 chữ số (để ô dạng Văn bản để giữ số 0 đầu).",
        "5. Nhập lại cùng một tệp không tạo bản ghi trùng: hộ được nhận theo phường/xã + mã hộ; thành viên theo số định danh, "
        "hoặc theo họ tên + ngày sinh trong cùng hộ. Thành viên có trong sổ mà không có trong tệp được giữ nguyên.",
        "6. Nếu ghi “Thu nhập bình quân”, “Số quyết định”, “Ngày quyết định” (và “Chỉ số thiếu hụt”), hệ thống ghi một lần rà soát "
        "và tự phân loại hộ theo chuẩn nghèo của năm rà soát. Cột “Phân loại” chỉ để đối chiếu.",
        "7. Hệ thống kiểm tra toàn bộ tệp và hiển thị mọi lỗi (số dòng, tên cột, nội dung). Chỉ khi không còn lỗi và người nhập "
        "xác nhận thì dữ liệu mới được ghi, và được ghi toàn bộ một lần.",
        "8. Trang “Ví dụ” có một hộ mẫu; không nhập trang đó.",
        "",
        "CÁC CỘT",
    ]
    for r, text in enumerate(lines, start=1):
        cell = guide.cell(row=r, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.cell(row=1, column=1).font = Font(bold=True, size=13)
    start = len(lines) + 1
    for c, title in enumerate(("Cột", "Bắt buộc", "Giá trị / cách ghi"), start=1):
        guide.cell(row=start, column=c, value=title).font = BOLD
    for r, column in enumerate(C.COLUMNS, start=start + 1):
        guide.cell(row=r, column=1, value=column.heading)
        guide.cell(row=r, column=2, value="Có" if column.required else "")
        detail = column.help
        if column.kind in ("choice", "yesno") and column.key != "current_class":
            detail = (detail + " " if detail else "") + "Giá trị: " + "; ".join(column.labels) + "."
        guide.cell(row=r, column=3, value=detail).alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 36
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 110

    example = wb.create_sheet(C.EXAMPLE_SHEET, 2)
    write_header(example)
    for r, values in enumerate(EXAMPLE_ROWS, start=2):
        for index, column in enumerate(C.COLUMNS, start=1):
            cell = example.cell(row=r, column=index, value=cell_value(column, values.get(column.key)))
            if column.kind == "date" and cell.value is not None:
                cell.number_format = "DD/MM/YYYY"

    wb.active = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
