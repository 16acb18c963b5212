from django.contrib import admin

from tamky_poverty.admin_base import ReadOnlyAdmin, ReadOnlyInline
from targets.models import Plan, SupportQuota, UnitTarget

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
class UnitTargetAdmin(ReadOnlyAdmin):
    list_display = ("plan", "unit", "poor_exit_target", "near_poor_exit_target")
    list_filter = ("plan",)


@admin.register(SupportQuota)
class SupportQuotaAdmin(ReadOnlyAdmin):
    list_display = ("plan", "kind", "household_class", "households", "items")
    list_filter = ("plan", "kind")
