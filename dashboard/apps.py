from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The landing page: reads every feature app, so it sits above them all."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = "Tổng quan"
