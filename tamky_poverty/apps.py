from django.apps import AppConfig


class TamkyPovertyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tamky_poverty"
    verbose_name = "Hệ thống"
