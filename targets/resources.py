"""django-import-export resources of the plan's reference tables — Phụ lục 01 targets per unit
and the support quotas — for the admin's import (with its preview) and export. Rows are saved
through the services the plan pages use (``targets.services``: only TNMT and administrators, one
transaction, history under the importing user), so an import cannot do what the pages refuse."""

from __future__ import annotations

from import_export import fields, widgets

from tamky_poverty.resources import ReferenceResource, UnitWidget
from targets import services
from targets.models import Plan, SupportQuota, UnitTarget


class PlanYearWidget(widgets.ForeignKeyWidget):
    """The plan written as its year (2025)."""

    def __init__(self, **kwargs):
        super().__init__(Plan, field="year", **kwargs)


class UnitTargetResource(ReferenceResource):
    plan = fields.Field(attribute="plan", column_name="plan", widget=PlanYearWidget())
    unit = fields.Field(attribute="unit", column_name="unit", widget=UnitWidget())
    unit_name = fields.Field(column_name="unit_name", readonly=True, dehydrate_method="dehydrate_unit_name")

    class Meta:
        model = UnitTarget
        fields = ("plan", "unit", "unit_name", "poor_exit_target", "near_poor_exit_target")
        import_id_fields = ("plan", "unit")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def dehydrate_unit_name(self, obj):
        return str(obj.unit)

    def save_instance(self, instance, is_create, row, **kwargs):
        saved = services.unit_target_save(
            actor=kwargs.get("user"), plan=instance.plan, unit=instance.unit,
            poor_exit_target=instance.poor_exit_target, near_poor_exit_target=instance.near_poor_exit_target)
        instance.pk = saved.pk if saved is not None else None


class SupportQuotaResource(ReferenceResource):
    plan = fields.Field(attribute="plan", column_name="plan", widget=PlanYearWidget())

    class Meta:
        model = SupportQuota
        fields = ("plan", "kind", "household_class", "households", "items")
        import_id_fields = ("plan", "kind", "household_class")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def save_instance(self, instance, is_create, row, **kwargs):
        saved = services.quota_save(
            actor=kwargs.get("user"), plan=instance.plan, kind=instance.kind,
            household_class=instance.household_class, households=instance.households, items=instance.items)
        instance.pk = saved.pk if saved is not None else None
