"""``{% period_picker %}``: the one place where the reporting period is chosen
(``tamky_poverty.periods``)."""

from django import template
from django.utils import timezone

from tamky_poverty.periods import PARAM, recent_periods, reporting_period

register = template.Library()


@register.inclusion_tag("_period_picker.html", takes_context=True)
def period_picker(context, compact=False):
    request = context["request"]
    chosen = reporting_period(request)
    return {"chosen": chosen, "choices": recent_periods(timezone.localdate(), chosen=chosen), "param": PARAM,
            "action": request.path, "compact": compact}
