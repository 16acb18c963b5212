from django.shortcuts import render
from django.utils import timezone, translation

from dashboard.selectors import dashboard_data
from tamky_poverty import figures_cache, scoping


def dashboard(request):
    """The landing page: where the plan stands, scoped to the user (``dashboard.selectors``).
    The figures are cached per scope (what the user sees and may do: role, unit and agency are
    read through it), language and day (the period follows from the day)
    and recomputed after any write that changes the register (``tamky_poverty.figures_cache``)."""
    user = request.user
    today = timezone.localdate()
    key = (scoping.scope_for(user), translation.get_language(), today)
    data = figures_cache.cached("dashboard", key, lambda: dashboard_data(actor=user, today=today))
    return render(request, "dashboard.html", data)
