"""Vietnamese number formatting for templates: ``{{ amount|vnd }}`` → "1.500.000 đ",
``{{ count|num }}`` → "34.020"."""

from django import template

from households.classification import format_vnd

register = template.Library()


def _grouped(value) -> str:
    return f"{int(value):,}".replace(",", ".")


@register.filter
def vnd(value):
    if value is None or value == "":
        return ""
    try:
        return format_vnd(int(value))
    except (TypeError, ValueError):
        return value


@register.filter
def num(value):
    if value is None or value == "":
        return ""
    try:
        return _grouped(value)
    except (TypeError, ValueError):
        return value
