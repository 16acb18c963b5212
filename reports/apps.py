from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from tamky_poverty import integrity


class ReportsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'reports'
    verbose_name = _("Báo cáo")

    def ready(self):
        # Approved monthly reports never change (tamky_poverty/integrity.py).
        integrity.connect_report_guards(self.get_model("MonthlyReport"), self.get_model("MonthlyReportEvent"))
        # The kinds of background job this app runs (long documents, the bundle of appendices).
        from reports.jobs import register_kinds

        register_kinds()
