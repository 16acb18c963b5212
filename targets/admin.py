from django.contrib import admin

from tamky_poverty.admin_base import ReadOnlyAdmin, ReadOnlyInline, ReferenceImportExport
from targets.models import Plan, SupportQuota, UnitTarget
from targets.resources import SupportQuotaResource, UnitTargetResource

# Shown here, changed on the plan pages (targets.services, history attributed to the editor).


class UnitTargetInline(ReadOnlyInline, admin.TabularInline):
    model = UnitTarget


class SupportQuotaInline(ReadOnlyInline, admin.TabularInline):
    model = SupportQuota


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("year", "title", "document_number", "document_date", "issuer")
    inlines = [UnitTargetInline, SupportQuotaInline]


@admin.register(UnitTarget)
class UnitTargetAdmin(ReferenceImportExport, ReadOnlyAdmin):
    """Read only here; imported through targets.services (its resource) with a preview."""

    resource_classes = [UnitTargetResource]
    list_display = ("plan", "unit", "poor_exit_target", "near_poor_exit_target")
    list_filter = ("plan",)


@admin.register(SupportQuota)
class SupportQuotaAdmin(ReferenceImportExport, ReadOnlyAdmin):
    """Read only here; imported through targets.services (its resource) with a preview."""

    resource_classes = [SupportQuotaResource]
    list_display = ("plan", "kind", "household_class", "households", "items")
    list_filter = ("plan", "kind")
