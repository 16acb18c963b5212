"""``{% period_picker %}``: the one place where the reporting period is chosen
(``tamky_poverty.periods``)."""

from django import template
from django.urls import reverse
from django.utils import timezone

from tamky_poverty.periods import PARAM, recent_periods, reporting_period

register = template.Library()


@register.inclusion_tag("_period_picker.html", takes_context=True)
def period_picker(context, compact=False):
    request = context.get("request")
    if request is None:  # a page rendered without its request (the server error page): no picker
        return {"choices": []}
    chosen = reporting_period(request)
    # The choice reloads the page it was made on; a page answering a POST goes to the dashboard.
    action = request.path if request.method == "GET" else reverse("dashboard")
    return {"chosen": chosen, "choices": recent_periods(timezone.localdate(), chosen=chosen), "param": PARAM,
            "action": action, "compact": compact}
