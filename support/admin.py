from django.contrib import admin

from support.models import SupportAction, SupportActionEvent
from tamky_poverty.admin_base import ReadOnlyAdmin, ReadOnlyInline


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
