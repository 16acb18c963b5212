from django.contrib import admin

from support.models import Agency, SupportAction, SupportActionEvent
from tamky_poverty.admin_base import ProjectAdmin, ReadOnlyAdmin, ReadOnlyInline


@admin.register(Agency)
class AgencyAdmin(ProjectAdmin):
    list_display = ("name", "short_name", "kind", "unit")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "code")


class SupportActionEventInline(ReadOnlyInline, admin.TabularInline):
    model = SupportActionEvent
    readonly_fields = ("from_status", "to_status", "actor", "at", "note")


@admin.register(SupportAction)
class SupportActionAdmin(ReadOnlyAdmin):
    """Shown here, changed on its pages (support.services: allowed transitions, events)."""

    list_display = ("household", "kind", "household_class", "lead_agency", "plan_year", "status")
    list_filter = ("plan_year", "kind", "status", "household_class", "lead_agency")
    list_select_related = ("household", "household__unit", "lead_agency")
    autocomplete_fields = ("coordinating_agencies",)
    raw_id_fields = ("household", "member")
    inlines = [SupportActionEventInline]
