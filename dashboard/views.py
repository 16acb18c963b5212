from django.shortcuts import render

from dashboard.selectors import dashboard_data


def dashboard(request):
    """The landing page: where the plan stands, scoped to the user (``dashboard.selectors``)."""
    return render(request, "dashboard.html", dashboard_data(actor=request.user))
