"""Vietnamese number formatting for templates: ``{{ amount|vnd }}`` → "1.500.000 đ",
``{{ count|num }}`` → "34.020"."""

from django import template

from tamky_poverty.formatting import format_vnd, thousands

register = template.Library()


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
        return thousands(value)
    except (TypeError, ValueError):
        return value
