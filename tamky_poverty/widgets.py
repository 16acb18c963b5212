"""The one place that says how dates and sums of money are typed in every form of the project
(issue 18): a date is shown and typed as dd/mm/yyyy, a sum of money as 1.500.000 (dots between
thousands, whole đồng). Each field parses what its widget shows, plus the other spellings people
type (2025-03-10 from a spreadsheet, 1500000, "1 500 000 đ").

Plain text inputs, not ``<input type="date">`` or ``type="number"``: the browser's own date and
number inputs show and take another format depending on the machine's language (mm/dd/yyyy, a
comma for thousands), which is how the forms came to disagree.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMAT = "%d/%m/%Y"
# What a date field accepts: dd/mm/yyyy first (what it shows), then the spellings people paste.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_PLACEHOLDER = "dd/mm/yyyy"


class DateInput(forms.DateInput):
    """A text input showing dd/mm/yyyy."""

    input_type = "text"

    def __init__(self, attrs=None):
        base = {"placeholder": DATE_PLACEHOLDER, "autocomplete": "off", "maxlength": 10,
                "class": "form-control", "data-date-input": ""}
        super().__init__(attrs={**base, **(attrs or {})}, format=DATE_FORMAT)


class DateField(forms.DateField):
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd)."""

    widget = DateInput
    default_error_messages = {"invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2025.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)


def use_date_input(field: forms.Field) -> None:
    """Give a model form's date field (or any DateField) the project's widget and formats."""
    if isinstance(field, forms.DateField):
        field.widget = DateInput(attrs={k: v for k, v in field.widget.attrs.items() if k != "class"})
        field.input_formats = DATE_INPUT_FORMATS
        field.error_messages["invalid"] = DateField.default_error_messages["invalid"]


def format_money(value) -> str:
    """1500000 → "1.500.000" (whole đồng; a non-number is returned as it came)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    sign = "-" if number < 0 else ""
    return sign + f"{abs(number):,}".replace(",", ".")


class MoneyInput(forms.TextInput):
    """A text input showing whole đồng with dots between thousands (1.500.000)."""

    def __init__(self, attrs=None):
        base = {"inputmode": "numeric", "autocomplete": "off", "class": "form-control",
                "data-money-input": ""}
        super().__init__(attrs={**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, str):
            return value  # what the user typed, shown back as typed when the form has errors
        return format_money(value) if value is not None else None


_MONEY_NOISE = re.compile(r"[\s.,\u00a0\u202fđĐ]|vnd|VND|VNĐ|vnđ")


def parse_money(value):
    """"1.500.000", "1 500 000 đ", "1,500,000" or "1500000" → "1500000" (for IntegerField)."""
    if isinstance(value, str):
        return _MONEY_NOISE.sub("", value.strip())
    return value


class MoneyField(forms.IntegerField):
    """Whole đồng, shown as 1.500.000; accepts "1.500.000", "1 500 000 đ" or "1500000"."""

    widget = MoneyInput
    default_error_messages = {
        "invalid": _("Nhập số tiền bằng chữ số, ví dụ 1.500.000."),
        "min_value": _("Số tiền không được âm."),
        "max_value": _("Số tiền quá lớn (tối đa %(limit_value)s đ)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(parse_money(value))

    def widget_attrs(self, widget):
        return {}  # no min/max/step: the widget is text, the limits are checked on the server


def use_money_input(form: forms.BaseForm, *names: str, max_value: int | None = None) -> None:
    """Replace a model form's number fields of đồng by MoneyField (same label, help, required)."""
    for name in names:
        old = form.fields[name]
        limit = max_value
        if limit is None:
            limit = getattr(old, "max_value", None)
        form.fields[name] = MoneyField(
            label=old.label, required=old.required, help_text=old.help_text,
            initial=old.initial, max_value=limit,
            min_value=0 if getattr(old, "min_value", None) is None else old.min_value,
        )
