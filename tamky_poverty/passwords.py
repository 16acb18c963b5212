"""Password rules beyond Django's: common and trivial passwords of Vietnamese users."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LIST = Path(__file__).resolve().parent / "data" / "common-passwords-vi.txt"
MIN_LETTERS = 4


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").casefold()


@cache
def common_passwords() -> frozenset[str]:
    lines = LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(_fold(line.strip()) for line in lines if line.strip() and not line.startswith("#"))


class VietnameseCommonPasswordValidator:
    """Refuses a password that is on the list (``tamky_poverty/data/common-passwords-vi.txt``:
    "matkhau123", "123456a@", "anhyeuem"…), that is one listed word with only digits and symbols
    around it ("Matkhau@2025", "Nguyen1990!"), or whose letters are fewer than four or just one
    or two characters repeated ("aaaa1111bbbb")."""

    def validate(self, password, user=None):
        folded = _fold(password or "")
        letters = re.sub(r"[^a-z]", "", folded)
        if folded in common_passwords() or letters in common_passwords() or len(letters) < MIN_LETTERS \
                or len(set(letters)) <= 2:
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self):
        return _("Mật khẩu này quá phổ biến hoặc dễ đoán (như “matkhau123”, “123456a@”, “anhyeuem”, họ tên "
                 "kèm năm sinh). Hãy dùng một cụm từ dài, có ít nhất 4 chữ cái, khó đoán.")

    def get_help_text(self):
        return _("Mật khẩu không được là mật khẩu phổ biến, một từ thông dụng kèm vài chữ số, hay có ít hơn 4 chữ cái.")
