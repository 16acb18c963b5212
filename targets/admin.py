from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from targets.models import Plan, SupportQuota, UnitTarget


class UnitTargetInline(admin.TabularInline):
    model = UnitTarget
    extra = 0


class SupportQuotaInline(admin.TabularInline):
    model = SupportQuota
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("year", "title", "document_number", "document_date", "issuer")
    inlines = [UnitTargetInline, SupportQuotaInline]


@admin.register(UnitTarget)
class UnitTargetAdmin(SimpleHistoryAdmin):
    list_display = ("plan", "unit", "poor_exit_target", "near_poor_exit_target")
    list_filter = ("plan",)


@admin.register(SupportQuota)
class SupportQuotaAdmin(SimpleHistoryAdmin):
    list_display = ("plan", "kind", "household_class", "households", "items")
    list_filter = ("plan", "kind")
