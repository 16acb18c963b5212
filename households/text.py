"""Text helpers for search: Vietnamese without diacritics, case-folded ("Nguyễn Đức" → "nguyen duc")."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", text.casefold()).strip()


def nfc(text: str | None) -> str:
    """Trimmed, NFC-normalised text (imports and forms store composed Unicode)."""
    if text is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


# The search text's layout: members' names first, then the household's own fields, each field
# between separators, with a space at both ends (" nguyen van an | tran thi dao # ap-0100 |
# khoi pho 3 | 12 le loi "). A phrase of whole words (" nguyen van ") cannot span two fields, and
# it is a member's name when it occurs before NAMES_END (names come first).
FIELD_SEPARATOR = " | "
NAMES_END = " # "
_SEPARATOR_CHARS = str.maketrans({"|": " ", "#": " "})


def search_fold(text: str | None) -> str:
    """``fold`` without the search text's separator characters."""
    return fold((text or "").translate(_SEPARATOR_CHARS))


def search_text_of(names, fields) -> str:
    """The search text of a household: ``names`` (its members') and ``fields`` (code, village,
    address), folded, in the layout above. Empty parts are left out."""
    names = [n for n in (search_fold(x) for x in names) if n]
    fields = [f for f in (search_fold(x) for x in fields) if f]
    return f" {FIELD_SEPARATOR.join(names)}{NAMES_END}{FIELD_SEPARATOR.join(fields)} ".replace("  ", " ")
