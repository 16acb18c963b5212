from django.apps import AppConfig


class TargetsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'targets'
    verbose_name = "Kế hoạch, chỉ tiêu"
