"""Cell parsers: each turns one cell (as openpyxl or a CSV reader gives it) into a Python value
or raises ``CellError`` with a Vietnamese message. Tolerant of what spreadsheets do to data:
spaces, decomposed diacritics, numbers stored as text, dates as serial numbers or text."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from households.io.columns import Column
from households.text import fold, nfc
from tamky_poverty.text import clean_text, first_forbidden, spreadsheet_unescape


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def show(value) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    while (bad := first_forbidden(text, multiline=True)) is not None:  # no NUL, override… in a message
        text = text.replace(bad, "\ufffd")
    return nfc(text)[:60]


def _finite(value) -> None:
    """A number cell holding NaN or an infinity (a crafted file: Excel cannot type them)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise CellError(_("Ô chứa giá trị số không hợp lệ (“%(value)s”): ghi một số bình thường.") % {"value": value})


def _number_text(value) -> str | None:
    """An int or integral float as digits (a code typed as a number: 12 → "12")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def parse_text(value) -> str:
    """A cell as stored text: ``tamky_poverty.text.clean_text`` (the normaliser of the forms), so a
    NUL, a control character or a right-to-left override is a cell error, never stored."""
    if value is None:
        return ""
    _finite(value)
    digits = _number_text(value)
    if digits is not None:
        return digits
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d/%m/%Y")
    try:
        # The export's formula escaping is undone first ("'=..." → "=...", "'a;=1" → "a;=1"), on
        # the text as the export wrote it, then the text is normalised like a form's.
        return clean_text(spreadsheet_unescape(str(value).strip()))
    except ValidationError as error:
        raise CellError(error.messages[0]) from None


def choice_index(column: Column) -> dict[str, object]:
    index = {}
    for value, label in column.choices:
        index[fold(label)] = value
        if isinstance(value, str):
            index[fold(value)] = value
    if column.kind == "yesno":
        for word in ("co", "c", "x", "1", "yes", "y", "true", "dung"):
            index[word] = True
        for word in ("khong", "k", "0", "no", "n", "false", "sai"):
            index[word] = False
    if column.key == "relation":
        index.update({"vo": "spouse", "chong": "spouse", "vo chong": "spouse",
                      "bo": "parent", "me": "parent", "cha": "parent", "anh": "sibling", "chi": "sibling",
                      "em": "sibling", "chau": "grandchild"})
    if column.key == "current_class":
        index.update({"ngheo": "poor", "can ngheo": "near_poor", "trung binh": "average",
                      "muc song trung binh": "average", "khong": "none"})
    return index


def parse_choice(value, column: Column, index: dict):
    if isinstance(value, bool) and column.kind == "yesno":
        return value
    text = parse_text(value)
    found = index.get(fold(text))
    if found is None:
        options = ", ".join(f"“{label}”" for label in column.labels)
        raise CellError(_("Giá trị “%(show)s” không có trong danh mục. Chọn một trong: %(options)s.") % {"show": show(value), "options": options})
    return found


def parse_int(value, *, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool):
        raise CellError(_("“%(show)s” không phải là số nguyên.") % {"show": show(value)})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = parse_text(value).replace(" ", "")
        if not re.fullmatch(r"-?\d{1,18}", text):
            raise CellError(_("“%(show)s” không phải là số nguyên.") % {"show": show(value)})
        number = int(text)
    if low is not None and high is not None and not low <= number <= high:
        raise CellError(_("“%(number)s” không hợp lệ: phải từ %(low)s đến %(high)s.") % {"number": number, "low": low, "high": high})
    return number


_MONEY_JUNK = re.compile(r"[\s.,]|đ$|đồng$|vnđ$|vnd$", re.IGNORECASE)


def parse_money(value) -> int:
    if isinstance(value, bool):
        raise CellError(_("Thu nhập “%(show)s” không phải là số.") % {"show": show(value)})
    _finite(value)
    if isinstance(value, (int, float)):
        number = round(value)
    else:
        text = parse_text(value).lower().replace("đồng", "").replace("vnđ", "").replace("vnd", "").replace("đ", "")
        text = re.sub(r"[\s.,]", "", text)
        if not re.fullmatch(r"-?\d{1,18}", text):
            raise CellError(_("Thu nhập “%(show)s” không phải là số (ghi số đồng, ví dụ 1500000).") % {"show": show(value)})
        number = int(text)
    if number < 0:
        raise CellError(_("Thu nhập “%(show)s” không được âm.") % {"show": show(value)})
    return number


def parse_decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("“%(show)s” không phải là số.") % {"show": show(value)})
    _finite(value)
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    else:
        text = parse_text(value).replace(" ", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(_("“%(show)s” không phải là số.") % {"show": show(value)})
        if not number.is_finite():
            raise CellError(_("“%(show)s” không phải là số.") % {"show": show(value)})
    if number < 0:
        raise CellError(_("“%(show)s” không được âm.") % {"show": show(value)})
    try:
        return number.quantize(Decimal("0.1"))
    except InvalidOperation:  # more digits than a decimal can hold (e.g. 1e40)
        raise CellError(_("“%(show)s” quá lớn.") % {"show": show(value)}) from None


_DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_TEXT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    bad = CellError(_("Ngày “%(show)s” không hợp lệ; ghi theo dạng dd/mm/yyyy, ví dụ 05/02/1980.") % {"show": show(value)})
    if isinstance(value, bool):
        raise bad
    if isinstance(value, (int, float)):
        serial = value
    else:
        text = parse_text(value).replace(" ", "")
        match = _DATE_TEXT.match(text)
        iso = _ISO_TEXT.match(text)
        try:
            if match:
                day, month, year = (int(g) for g in match.groups())
                return dt.date(year, month, day)
            if iso:
                year, month, day = (int(g) for g in iso.groups())
                return dt.date(year, month, day)
        except ValueError:
            raise bad
        if not re.fullmatch(r"\d+(\.\d+)?", text):
            raise bad
        serial = float(text)
    if not 1 <= serial < 2958466:  # Excel's range (1900-01-01 … 9999-12-31)
        raise bad
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_citizen_id(value) -> str:
    digits = _number_text(value)
    if digits is not None:
        # A number cell loses leading zeros (CCCD start with a province code 001–096).
        if len(digits) in (10, 11):
            digits = digits.zfill(12)
        text = digits
    else:
        text = re.sub(r"[\s.\-]", "", parse_text(value))
    if not re.fullmatch(r"\d{12}", text):
        raise CellError(_("Số định danh cá nhân “%(show)s” không hợp lệ: phải gồm đúng 12 chữ số.") % {"show": show(value)})
    return text


def parse_indicators(value) -> list:
    """“1, 4, 11” (numbers) or codes (“employment, telecom”) → a list of ints / codes."""
    digits = _number_text(value)
    if digits is not None:
        return [int(digits)]
    text = parse_text(value)
    tokens = [t for t in re.split(r"[,;\s]+", text) if t]
    out = []
    for token in tokens:
        out.append(int(token) if token.isdigit() else fold(token))
    return out
