from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import DocumentSettings, IssuedDocument, MonthlyReport, MonthlyReportEvent


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("level", "unit", "valid_from", "valid_to", "issuer", "place", "symbol", "signer_name")
    list_filter = ("level",)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """The register of issued numbers: read only (numbers are given by reports.documents)."""

    list_display = ("issuer", "year", "number", "symbol", "code", "title", "issue_date", "issued_by")
    list_filter = ("year", "code")
    search_fields = ("issuer", "title")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MonthlyReportEventInline(admin.TabularInline):
    model = MonthlyReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "at", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(SimpleHistoryAdmin):
    """Read-only here: the workflow (prepare, submit, return, approve) runs through its pages,
    and an approved report is locked on every path."""

    list_display = ("unit", "year", "month", "status", "submitted_at", "reviewed_at")
    list_filter = ("year", "month", "status", "unit")
    inlines = [MonthlyReportEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
