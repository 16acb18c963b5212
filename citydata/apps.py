from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitydataConfig(AppConfig):
    """Loaders of the city's data: the reference data (units, standards, agencies, plans —
    ``load_reference``, run on every deployment) and the synthetic demo city (``seed_demo``).
    They write into every feature app, so they sit above them all."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "citydata"
    verbose_name = _("Dữ liệu tham chiếu và minh hoạ")
