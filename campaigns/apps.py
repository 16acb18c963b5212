from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from campaigns import guards


class CampaignsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "campaigns"
    verbose_name = _("Rà soát hộ nghèo, hộ cận nghèo")

    def ready(self):
        # A recorded chairman's decision never changes, like the review decisions it made.
        guards.connect(self.get_model("CampaignDecision"))
        from campaigns.jobs import register_kinds

        register_kinds()
