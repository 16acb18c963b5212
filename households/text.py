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
