from django.shortcuts import render
from django.utils import timezone, translation

from dashboard.selectors import dashboard_data
from tamky_poverty import figures_cache, scoping
from tamky_poverty.periods import reporting_period


def dashboard(request):
    """The landing page: where the plan stands, scoped to the user (``dashboard.selectors``), for
    the reporting period chosen once (``tamky_poverty.periods``; by default the last complete
    month). The figures are cached per scope (what the user sees and may do: role, unit and
    agency are read through it), language, period and day, and recomputed after any write that
    changes the register (``tamky_poverty.figures_cache``)."""
    user = request.user
    today = timezone.localdate()
    period = reporting_period(request)
    key = (scoping.scope_for(user), translation.get_language(), period, today)
    data = figures_cache.cached("dashboard", key, lambda: dashboard_data(actor=user, period=period, today=today))
    return render(request, "dashboard.html", data)
