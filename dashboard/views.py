from django.shortcuts import render
from django.utils import timezone, translation

from dashboard.selectors import dashboard_data
from tamky_poverty import figures_cache, scoping


def dashboard(request):
    """The landing page: where the plan stands, scoped to the user (``dashboard.selectors``).
    The figures are cached per scope, role, language and day (the period follows from the day)
    and recomputed after any write that changes the register (``tamky_poverty.figures_cache``)."""
    user = request.user
    today = timezone.localdate()
    key = (scoping.scope_for(user), user.role, user.unit_id, user.agency_id, translation.get_language(), today)
    data = figures_cache.cached("dashboard", key, lambda: dashboard_data(actor=user, today=today))
    return render(request, "dashboard.html", data)
