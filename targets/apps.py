from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from tamky_poverty.signals import units_reorganised


class TargetsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'targets'
    verbose_name = _("Kế hoạch, chỉ tiêu")

    def ready(self):
        from targets import territory  # models are ready only now

        units_reorganised.connect(territory.move_future_targets, dispatch_uid="targets_move_on_reorganisation")
