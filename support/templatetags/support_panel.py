"""The support panel of the household page. The household page belongs to the households app,
which must not import the support app (DESIGN.md: imports point down), so the page asks for
the panel through this tag and the support app answers it."""

from django import template

from support import selectors

register = template.Library()


@register.inclusion_tag("support/_household_panel.html", takes_context=True)
def household_support_panel(context, household):
    return {"support_panel": selectors.household_panel(actor=context["request"].user, household=household)}
