from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TamkyPovertyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tamky_poverty"
    verbose_name = _("Hệ thống")

    def ready(self):
        from django.apps import apps

        from tamky_poverty import text

        # Every project text field refuses control and bidirectional characters (text.py).
        text.install_validators(apps.get_app_configs())
