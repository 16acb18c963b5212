from django.contrib import admin

from support.models import QuotaGroup, SupportAction, SupportActionEvent, SupportKind
from support.resources import QuotaGroupResource, SupportKindResource
from tamky_poverty.admin_base import ProjectAdmin, ReadOnlyAdmin, ReadOnlyInline, ReferenceImportExport


class SupportActionEventInline(ReadOnlyInline, admin.TabularInline):
    model = SupportActionEvent
    readonly_fields = ("from_status", "to_status", "actor", "at", "note")


@admin.register(SupportAction)
class SupportActionAdmin(ReadOnlyAdmin):
    """Shown here, changed on its pages (support.services: allowed transitions, events)."""

    list_display = ("household", "kind", "household_class", "lead_agency", "plan_year", "status")
    list_filter = ("plan_year", "kind", "status", "household_class", "lead_agency")
    list_select_related = ("household", "household__unit", "kind", "lead_agency")
    autocomplete_fields = ("coordinating_agencies",)
    raw_id_fields = ("household", "member")
    inlines = [SupportActionEventInline]


@admin.register(QuotaGroup)
class QuotaGroupAdmin(ReferenceImportExport, ProjectAdmin):
    """The quota lines of the support catalogue (Phụ lục 01 section II, the monthly report)."""

    resource_classes = [QuotaGroupResource]
    list_display = ("code", "name", "position", "counts_children")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()  # the code is the key actions and quotas point at


@admin.register(SupportKind)
class SupportKindAdmin(ReferenceImportExport, ProjectAdmin):
    """The support catalogue: a new kind is a new row here (or in fixtures/reference.json)."""

    resource_classes = [SupportKindResource]
    list_display = ("code", "name", "position", "quota_group", "lead_agency", "sponsorship")
    list_filter = ("quota_group", "sponsorship")
    list_select_related = ("quota_group",)
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()  # the code is the key actions point at
