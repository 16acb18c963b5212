"""Safe reading of an uploaded household list. Only values are read (``data_only=True``: a
formula contributes the value Excel last computed, never runs); every failure becomes a
``FileProblem`` with a Vietnamese message."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import tablib
from django.conf import settings

from households.io.columns import DATA_SHEET, heading_key

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


class FileProblem(Exception):
    """The file as a whole cannot be read (not a row/column problem)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    headings: list[str]
    rows: list[tuple[int, tuple]]  # (Excel row number, values)


def read_bytes(source) -> bytes:
    """``source``: bytes, a path (str/Path) or a binary file-like object."""
    limit = settings.IMPORT_MAX_BYTES
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise FileProblem(f"Không tìm thấy tệp “{path}”.")
        if path.stat().st_size > limit:
            raise FileProblem(too_big_message(path.stat().st_size))
        data = path.read_bytes()
    else:
        data = source.read(limit + 1)
    if len(data) > limit:
        raise FileProblem(too_big_message(len(data)))
    return data


def too_big_message(size: int) -> str:
    return (
        f"Tệp quá lớn ({size / 1024 / 1024:.1f} MB). Dung lượng tối đa là "
        f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:.0f} MB; hãy chia danh sách thành nhiều tệp."
    )


def open_workbook(data: bytes):
    """Checks what the bytes are, then opens them with calamine (a Rust reader, ~10× faster than
    openpyxl on large lists). Cached values only: formulas are never evaluated."""
    from python_calamine import CalamineWorkbook

    if not data:
        raise FileProblem("Tệp rỗng (0 byte).")
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in data:
            raise FileProblem("Bảng tính được đặt mật khẩu. Hãy bỏ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc) rồi tải lên lại.")
        raise FileProblem("Tệp là định dạng Excel cũ (.xls). Hãy mở bằng Excel và lưu lại dưới dạng .xlsx.")
    if not data.startswith(b"PK"):
        raise FileProblem("Tệp không phải là bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ trang này.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileProblem("Tệp Excel bị hỏng, không đọc được. Hãy mở tệp bằng Excel, lưu lại rồi tải lên lại.")
    if "xl/workbook.xml" not in names:
        raise FileProblem("Tệp không phải là bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ trang này.")
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises its own errors on damaged parts
        raise FileProblem("Tệp Excel bị hỏng, không đọc được. Hãy mở tệp bằng Excel, lưu lại rồi tải lên lại.")


def _clean_cell(value):
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def read_sheet(source) -> Sheet:
    """The data sheet (“Danh sách” if present, otherwise the first sheet): the heading row
    (the first non-empty row) and every non-blank row after it."""
    data = read_bytes(source)
    workbook = open_workbook(data)
    names = workbook.sheet_names
    wanted = next((n for n in names if heading_key(n) == heading_key(DATA_SHEET)), names[0] if names else None)
    if wanted is None:
        raise FileProblem("Tệp không có trang tính nào.")
    try:
        # skip_empty_area=False keeps leading blank rows, so list index + 1 is the Excel row.
        raw_rows = workbook.get_sheet_by_name(wanted).to_python(skip_empty_area=False)
    except Exception:
        raise FileProblem("Tệp Excel bị hỏng, không đọc được. Hãy mở tệp bằng Excel, lưu lại rồi tải lên lại.")
    headings = None
    rows: list[tuple[int, tuple]] = []
    for number, raw in enumerate(raw_rows, start=1):
        values = tuple(_clean_cell(v) for v in raw)
        if not any(v is not None for v in values):
            continue
        if headings is None:
            headings = [("" if v is None else str(v)) for v in values]
            continue
        rows.append((number, values))
    if headings is None:
        raise FileProblem(f"Trang tính “{wanted}” trống: không có dòng tiêu đề và không có dữ liệu.")
    if not rows:
        raise FileProblem(f"Trang tính “{wanted}” chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    return Sheet(headings=headings, rows=rows)


def to_dataset(sheet: Sheet) -> tablib.Dataset:
    """The sheet as a tablib ``Dataset`` (what django-import-export resources consume)."""
    width = len(sheet.headings)
    dataset = tablib.Dataset(headers=[h or f"Cột {i + 1}" for i, h in enumerate(sheet.headings)])
    for _number, values in sheet.rows:
        values = tuple(values[:width]) + (None,) * (width - len(values))
        dataset.append(values)
    return dataset
