from tamky_poverty import periods, scoping


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scoping.scope_for(user)
    return {
        "scope": scope,
        "can_edit_plan": scope.can_edit_plan,
        "can_review_reports": scope.can_review_reports,
        "can_write_register": scope.can_write_register,
        "reporting_period": periods.reporting_period(request),
    }
