"""Safe reading of an uploaded household list. Only values are read (a formula contributes the
value Excel last computed, never runs); every failure becomes a ``FileProblem`` with a
Vietnamese message.

``read_sheet`` is the one entry point. It checks the size and the kind of file here, and leaves
everything that decompresses or parses to a child process with memory and time limits
(``households.io.sheet_worker``): a hostile workbook fails there with a message, and the web
worker that received it goes on serving."""

from __future__ import annotations

import io
import json
import logging
import os
import pickle
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.io.columns import DATA_SHEET, heading_key

logger = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


class FileProblem(Exception):
    """The file as a whole cannot be read (not a row/column problem)."""

    def __init__(self, message: str, *, reader_peak_kb: int | None = None):
        message = str(message)  # a message marked lazily is text from here on (reports are stored)
        super().__init__(message)
        self.message = message
        self.reader_peak_kb = reader_peak_kb


@dataclass
class Sheet:
    headings: list[str]
    rows: list[tuple[int, tuple]]  # (Excel row number, values)
    reader_peak_kb: int | None = None  # the reading child's peak memory


def read_bytes(source) -> bytes:
    """``source``: bytes, a path (str/Path) or a binary file-like object."""
    limit = settings.IMPORT_MAX_BYTES
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise FileProblem(_("Không tìm thấy tệp “%(path)s”.") % {"path": path})
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
        _("Tệp quá lớn (%(x)s MB). Dung lượng tối đa là %(x2)s MB; hãy chia danh sách thành nhiều tệp.") % {"x": f"{size / 1024 / 1024:.1f}", "x2": f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:.0f}"}
    )


CORRUPT = gettext_lazy("Tệp Excel bị hỏng, không đọc được. Hãy mở tệp bằng Excel, lưu lại rồi tải lên lại.")
NOT_XLSX = gettext_lazy("Tệp không phải là bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ trang này.")


def check_kind(data: bytes) -> None:
    """What the bytes are, from their first bytes only (no decompression, no parsing)."""
    if not data:
        raise FileProblem(_("Tệp rỗng (0 byte)."))
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in data:
            raise FileProblem(_("Bảng tính được đặt mật khẩu. Hãy bỏ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc) rồi tải lên lại."))
        raise FileProblem(_("Tệp là định dạng Excel cũ (.xls). Hãy mở bằng Excel và lưu lại dưới dạng .xlsx."))
    if not data.startswith(b"PK"):
        raise FileProblem(NOT_XLSX)


def limits() -> dict:
    """The bounds of a readable upload (settings ``IMPORT_*``; docs/user-guide.md, "Importing")."""
    return {
        "max_bytes": settings.IMPORT_MAX_BYTES,
        "max_entries": settings.IMPORT_MAX_ARCHIVE_ENTRIES,
        "max_uncompressed": settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
        "max_rows": settings.IMPORT_MAX_ROWS,
        "max_columns": settings.IMPORT_MAX_COLUMNS,
        "max_cells": settings.IMPORT_MAX_CELLS,
        "memory_bytes": settings.IMPORT_READ_MEMORY_MB * 1024 * 1024,
        "cpu_seconds": settings.IMPORT_READ_SECONDS,
        "data_sheet_key": heading_key(DATA_SHEET),
    }


class _ResultUnpickler(pickle.Unpickler):
    """Only what the worker writes: builtins (tuples, lists, dicts, str, numbers) and datetime
    values. Anything else in the stream is refused, whatever happened in the child."""

    ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta"),
               ("datetime", "timezone")}

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def _n(number) -> str:
    return f"{number:,}".replace(",", ".")


def _refusal(problem: dict) -> FileProblem:
    refusal = _refusal_message(problem)
    refusal.reader_peak_kb = problem.get("peak_kb")
    return refusal


def _refusal_message(problem: dict) -> FileProblem:
    code = problem.get("problem")
    lim = limits()
    if code == "too_many_entries":
        return FileProblem(_("Tệp có quá nhiều thành phần (%(get)s; tối đa %(max_entries)s): không phải một danh sách hộ bình thường. Hãy chép danh sách sang tệp mẫu rồi tải lên.") % {"get": problem.get('entries'), "max_entries": lim['max_entries']})
    if code == "too_big_uncompressed":
        return FileProblem(_("Nội dung tệp sau khi giải nén vượt quá %(x)s MB. Hãy chia danh sách thành nhiều tệp nhỏ hơn.") % {"x": lim['max_uncompressed'] // (1024 * 1024)})
    if code == "too_large":
        return FileProblem(
            _("Trang tính “%(get)s” có ô đến dòng %(n)s, cột %(n2)s — vượt giới hạn %(n3)s dòng, %(n4)s cột, %(n5)s ô. Hãy xoá các dòng, cột thừa ở cuối trang tính (kể cả ô chỉ có định dạng) hoặc chia danh sách thành nhiều tệp.") % {"get": problem.get('sheet'), "n": _n(problem.get('rows')), "n2": _n(problem.get('columns')), "n3": _n(lim['max_rows']), "n4": _n(lim['max_columns']), "n5": _n(lim['max_cells'])}
        )
    if code == "memory":
        return FileProblem(TOO_MUCH_MEMORY)
    if code == "no_sheet":
        return FileProblem(_("Tệp không có trang tính nào."))
    if code == "not_xlsx":
        return FileProblem(NOT_XLSX)
    return FileProblem(CORRUPT)


def run_reader(data: bytes) -> tuple[str, list[tuple[int, tuple]], int | None]:
    """Read the workbook in a child process with memory and time limits
    (``households.io.sheet_worker``): the data sheet's name and its non-blank rows. A file the
    child refuses, cannot read within its limits, or dies on raises ``FileProblem``; this process
    only ever receives plain values. Also returns the child's peak memory (KiB)."""
    lim = limits()
    command = [sys.executable, "-E", "-s", "-m", "households.io.sheet_worker", json.dumps(lim)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}
    try:
        done = subprocess.run(command, input=data, capture_output=True, cwd=settings.BASE_DIR, env=env,
                              timeout=lim["cpu_seconds"] + 10, check=False)
    except subprocess.TimeoutExpired:
        raise FileProblem(TOO_SLOW) from None
    if done.returncode != 0:
        if done.returncode == -signal.SIGXCPU or done.returncode == -signal.SIGKILL:
            raise FileProblem(TOO_SLOW)
        if done.returncode == -signal.SIGABRT or b"MemoryError" in done.stderr:
            raise FileProblem(TOO_MUCH_MEMORY)
        logger.warning("household file reader failed (%s): %s", done.returncode, done.stderr[-2000:])
        raise FileProblem(CORRUPT)
    stream = io.BytesIO(done.stdout)
    try:
        head = _ResultUnpickler(stream).load()
        if "problem" in head:
            raise _refusal(head)
        rows = []
        while True:
            item = _ResultUnpickler(stream).load()
            if isinstance(item, dict):
                break
            rows.extend(item)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError):
        raise FileProblem(CORRUPT) from None
    return head["sheet"], rows, head.get("peak_kb")


TOO_MUCH_MEMORY = (gettext_lazy("Tệp cần quá nhiều bộ nhớ để đọc (nhiều khả năng là tệp bất thường hoặc đã hỏng). Hãy chép danh sách sang tệp mẫu rồi tải lên lại."))
TOO_SLOW = (gettext_lazy("Đọc tệp quá lâu nên đã dừng (nhiều khả năng là tệp bất thường). Hãy chia danh sách thành nhiều tệp nhỏ hơn hoặc chép sang tệp mẫu."))


def read_sheet(source) -> Sheet:
    """The data sheet (“Danh sách” if present, otherwise the first sheet): the heading row
    (the first non-empty row) and every non-blank row after it.

    The one bounded reading of an uploaded household list — the upload page, the
    ``import_households`` command and (later) a background task all call it: size and kind are
    checked here, everything else in a limited child process (``run_reader``)."""
    data = read_bytes(source)
    check_kind(data)
    wanted, raw_rows, peak = run_reader(data)
    del data
    headings = None
    rows: list[tuple[int, tuple]] = []
    for number, values in raw_rows:
        if headings is None:
            headings = [("" if v is None else str(v)) for v in values]
            continue
        rows.append((number, values))
    if headings is None:
        raise FileProblem(_("Trang tính “%(wanted)s” trống: không có dòng tiêu đề và không có dữ liệu.") % {"wanted": wanted})
    if not rows:
        raise FileProblem(_("Trang tính “%(wanted)s” chỉ có dòng tiêu đề, không có dòng dữ liệu nào.") % {"wanted": wanted})
    return Sheet(headings=headings, rows=rows, reader_peak_kb=peak)


def to_dataset(sheet: Sheet) -> tablib.Dataset:
    """The sheet as a tablib ``Dataset`` (what django-import-export resources consume)."""
    width = len(sheet.headings)
    dataset = tablib.Dataset(headers=[h or _("Cột %(x)s") % {"x": i + 1} for i, h in enumerate(sheet.headings)])
    for _number, values in sheet.rows:
        values = tuple(values[:width]) + (None,) * (width - len(values))
        dataset.append(values)
    return dataset
