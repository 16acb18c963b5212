from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from support.models import SupportAction, SupportActionEvent


class SupportActionEventInline(admin.TabularInline):
    model = SupportActionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "at", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupportAction)
class SupportActionAdmin(SimpleHistoryAdmin):
    list_display = ("household", "kind", "household_class", "lead_agency", "plan_year", "status")
    list_filter = ("plan_year", "kind", "status", "household_class", "lead_agency")
    list_select_related = ("household", "household__unit", "lead_agency")
    autocomplete_fields = ("coordinating_agencies",)
    raw_id_fields = ("household", "member")
    inlines = [SupportActionEventInline]
