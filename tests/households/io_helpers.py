"""Builders of household list workbooks for the import/export tests (generated with openpyxl)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from households.io import columns as C

# The day the tests import on (the importer takes it from its caller): after Tam Kỳ's units were
# merged into the Đà Nẵng wards on 1 July 2025.
TODAY = dt.date(2026, 11, 30)


def head_row(**over):
    row = {
        "unit_code": "20356", "unit_name": "An Phú", "code": "AP-001", "village": "Khối phố 3",
        "address": "12 Lê Lợi", "group": "Không có khả năng lao động", "ethnic_minority": "Không",
        "social_policy": "Có", "floor_area_m2": 30, "full_name": "Nguyễn Văn An", "sex": "Nam",
        "date_of_birth": dt.date(1958, 4, 2), "citizen_id": "049058001234", "relation": "Chủ hộ",
        "ethnicity": "Kinh", "has_health_insurance": "Có", "schooling": "Không thuộc diện",
        "highest_diploma": "Tiểu học", "employment": "Có việc làm, không hợp đồng/không ổn định",
        "has_disability": "Không", "social_allowance": "Có", "nutrition": "Không thuộc diện",
    }
    row.update(over)
    return row


def child_row(**over):
    row = {
        "unit_code": "20356", "unit_name": "An Phú", "code": "AP-001", "full_name": "Nguyễn Thị Bình",
        "sex": "Nữ", "date_of_birth": dt.date(2014, 9, 15), "relation": "Con",
        "schooling": "Đang đi học", "nutrition": "Bình thường",
    }
    row.update(over)
    return row


def valid_rows():
    return [
        head_row(),
        child_row(),
        head_row(code="AP-002", full_name="Trần Thị Cúc", sex="Nữ", citizen_id="049170005678",
                 date_of_birth=dt.date(1970, 1, 5), group="Khác (có thể tác động)", social_policy="Không"),
    ]


def workbook_bytes(rows, *, keys=None, headings=None, sheet=C.DATA_SHEET) -> bytes:
    """A workbook with the contract's headings (or ``keys`` only, or raw ``headings``)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    keys = keys or [c.key for c in C.COLUMNS]
    ws.append(headings or [C.BY_KEY[k].heading for k in keys])
    for row in rows:
        ws.append([row.get(k) for k in keys])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
