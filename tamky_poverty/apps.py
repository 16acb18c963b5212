from django.apps import AppConfig


class TamkyPovertyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tamky_poverty"
    verbose_name = "Hệ thống"

    def ready(self):
        from django.apps import apps

        from tamky_poverty import integrity, text

        integrity.connect()
        text.install_validators(apps.get_app_configs())
