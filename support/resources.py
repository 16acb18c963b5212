"""django-import-export resources of the support catalogue, for the admin's import and export
(with its preview): quota lines and support kinds. A row is validated as the admin form validates
it (``full_clean``: the clean-text validators, the shape of the agency and indicator lists); the
lists travel as JSON text in their cell."""

from __future__ import annotations

from support.models import QuotaGroup, SupportKind
from tamky_poverty.resources import ReferenceResource


class QuotaGroupResource(ReferenceResource):
    class Meta:
        model = QuotaGroup
        fields = ("code", "name", "position", "counts_children")
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class SupportKindResource(ReferenceResource):
    class Meta:
        model = SupportKind
        fields = ("code", "name", "position", "quota_group", "lead_agency", "coordinating_agencies",
                  "indicators", "sponsorship")
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
