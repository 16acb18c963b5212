from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the dashboard's figures are made of: a saved or deleted row of any of these makes the
# cached figures stale (tamky_poverty/figures_cache.py). Users, access records, documents and job
# rows are not figures.
FIGURE_MODELS = [
    "tamky_poverty.AdministrativeUnit", "tamky_poverty.UnitYearFigures", "tamky_poverty.Agency",
    "households.PovertyStandard", "households.Indicator", "households.Household", "households.Member",
    "households.Assessment", "households.Deprivation",
    "support.QuotaGroup", "support.SupportKind", "support.SupportAction", "support.SupportActionEvent",
    "targets.Plan", "targets.UnitTarget", "targets.SupportQuota",
    "reports.MonthlyReport", "reports.MonthlyReportEvent",
]


class DashboardConfig(AppConfig):
    """The landing page: reads every feature app, so it sits above them all."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = _("Tổng quan")

    def ready(self):
        from django.apps import apps

        from tamky_poverty import figures_cache

        figures_cache.connect(*(apps.get_model(label) for label in FIGURE_MODELS))
