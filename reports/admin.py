from django.contrib import admin

from reports.models import DocumentSettings, IssuedDocument, MonthlyReport, MonthlyReportEvent
from tamky_poverty.admin_base import ProjectHistoryAdmin, ReadOnlyAdmin, ReadOnlyInline


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(ProjectHistoryAdmin):
    list_display = ("level", "unit", "valid_from", "valid_to", "issuer", "place", "symbol", "signer_name")
    list_filter = ("level",)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    """The register of issued numbers: read only (numbers are given by reports.documents)."""

    list_display = ("issuer", "year", "number", "symbol", "code", "title", "issue_date", "issued_by")
    list_filter = ("year", "code")
    search_fields = ("issuer", "title")


class MonthlyReportEventInline(ReadOnlyInline, admin.TabularInline):
    model = MonthlyReportEvent
    readonly_fields = ("from_status", "to_status", "actor", "at", "comment")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    """Read-only here: the workflow (prepare, submit, return, approve) runs through its pages,
    and an approved report is locked on every path."""

    list_display = ("unit", "year", "month", "status", "submitted_at", "reviewed_at")
    list_filter = ("year", "month", "status", "unit")
    inlines = [MonthlyReportEventInline]
