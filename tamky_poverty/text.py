"""Clean text at the door: the one normaliser for forms, the import and the admin, and the model
validator behind it for every other path.

What every stored text obeys:

- Unicode NFC (composed Vietnamese diacritics);
- no control characters — except tab and line breaks in multi-line fields (``TextField``,
  ``<textarea>``); in a one-line field they are white space, collapsed to one space;
- no bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C): a name with
  a right-to-left override displays as something it is not;
- no zero-width characters (U+200B–U+200D, U+2060, U+FEFF, soft hyphen U+00AD): invisible, they make
  two equal-looking codes differ (a household code made only of U+200B looks empty).

``clean_text`` (forms through ``tamky_poverty.forms.CleanTextMixin``, the import's cell parser,
admin forms) removes zero-width characters, trims and collapses white space, and refuses the
rest with a Vietnamese message naming the character. ``install_validators`` (from the app's
``ready()``) puts ``validate_line`` / ``validate_multiline`` on every text field of the project's
models, so ``full_clean()`` — which every service runs — refuses what did not come through a
form, e.g. a value typed into a service call or a script.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = "\t\n\r"
_DROP_ZERO_WIDTH = {ord(c): None for c in ZERO_WIDTH}
_SPACES = re.compile(r"\s+")
_TRAILING_SPACES = re.compile(r"[ \t]+\n")

PROJECT_APPS = ("tamky_poverty", "households", "support", "targets", "reports")


def _forbidden(ch: str, *, multiline: bool, zero_width: bool) -> bool:
    if ch in BIDI_CONTROLS or (zero_width and ch in ZERO_WIDTH):
        return True
    category = unicodedata.category(ch)
    if category == "Cs":  # a lone surrogate: not text, and PostgreSQL cannot store it
        return True
    if category == "Cc":
        return not (multiline and ch in LINE_BREAKS)
    return False


def first_forbidden(text: str, *, multiline: bool = False, zero_width: bool = True) -> str | None:
    """The first character ``text`` may not contain (see the module docstring), or None."""
    for ch in text:
        if ord(ch) < 0x20 or ord(ch) >= 0x7F:  # plain ASCII text is checked without a lookup
            if _forbidden(ch, multiline=multiline, zero_width=zero_width):
                return ch
    return None


def describe(ch: str) -> str:
    """'U+000B' and, when Unicode has one, the character's name."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def refusal_message(ch: str) -> str:
    if ch in BIDI_CONTROLS:
        kind = _("ký tự điều khiển hướng viết")
    elif ch in ZERO_WIDTH:
        kind = _("ký tự vô hình")
    else:
        kind = _("ký tự điều khiển")
    return _("Văn bản có %(kind)s %(char)s, không được phép. Hãy gõ lại nội dung (không dán từ nơi khác).") % {
        "kind": kind, "char": describe(ch)}


def clean_text(value, *, multiline: bool = False) -> str:
    """The stored form of a text a person typed or a file carried (see the module docstring).
    Raises ``ValidationError`` with a Vietnamese message for a character that is refused."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    if not text.isascii():
        text = text.translate(_DROP_ZERO_WIDTH)
    # Tab and line breaks are white space in a one-line field (collapsed below), kept in a
    # multi-line one; every other control character is refused, never silently changed.
    bad = first_forbidden(text, multiline=True, zero_width=False)
    if bad is not None:
        raise ValidationError(refusal_message(bad), code="forbidden_character")
    if not multiline:
        return _SPACES.sub(" ", text).strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _TRAILING_SPACES.sub("\n", text).strip()


def validate_line(value) -> None:
    """Model validator of one-line text fields (``CharField``)."""
    if isinstance(value, str):
        bad = first_forbidden(value, multiline=False)
        if bad is not None:
            raise ValidationError(refusal_message(bad), code="forbidden_character")


def validate_multiline(value) -> None:
    """Model validator of multi-line text fields (``TextField``): tab and line breaks allowed."""
    if isinstance(value, str):
        bad = first_forbidden(value, multiline=True)
        if bad is not None:
            raise ValidationError(refusal_message(bad), code="forbidden_character")


def install_validators(app_configs) -> None:
    """Add ``validate_line`` / ``validate_multiline`` to every ``CharField`` / ``TextField`` of the
    project's models (``full_clean()`` runs them). Set as the field's ``default_validators``,
    which migrations do not record, so no migration changes."""
    from django.db import models

    for config in app_configs:
        if config.label not in PROJECT_APPS:
            continue
        for model in config.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.TextField):
                    extra = validate_multiline
                elif isinstance(field, models.CharField):
                    extra = validate_line
                else:
                    continue
                if extra not in field.default_validators:
                    field.default_validators = [*type(field).default_validators, extra]
                    field.__dict__.pop("validators", None)  # recomputed with the new list


# --- Spreadsheet cells (CSV/XLSX injection) ------------------------------------------------------

FORMULA_CHARS = "=+-@\uff1d\uff0b\uff0d\uff20"  # and their full-width forms
# A formula can start a cell (after spaces or a quote a spreadsheet may trim), or start a piece of
# one that a spreadsheet splits off: "a;=1+1" is two cells, "a" and "=1+1", when a CSV is opened
# with ";" (or tab, "|") as separator.
_FORMULA_TRIGGER = re.compile(r"(?:^|[,;\t|\r\n])[\s\"']*[" + re.escape(FORMULA_CHARS) + "]")


def needs_formula_guard(text: str) -> bool:
    return text[:1] in ("\t", "\r") or bool(_FORMULA_TRIGGER.search(text))


def spreadsheet_safe(value):
    """A value safe to write in an exported spreadsheet cell (XLSX or CSV): text a spreadsheet
    could run as a formula — at its start or after a separator — gets a leading apostrophe, so it
    is shown, never run. Numbers, dates and None pass unchanged."""
    if isinstance(value, str) and needs_formula_guard(value):
        return "'" + value
    return value


def spreadsheet_unescape(text: str) -> str:
    """The import's inverse of ``spreadsheet_safe`` (an exported list imports back unchanged)."""
    if text[:1] == "'" and needs_formula_guard(text[1:]):
        return text[1:]
    return text
