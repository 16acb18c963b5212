from django.contrib import admin

from reports.models import DocumentSettings, MonthlyReport, MonthlyReportEvent
from tamky_poverty.admin_base import ProjectHistoryAdmin, ReadOnlyAdmin, ReadOnlyInline


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(ProjectHistoryAdmin):
    list_display = ("issuer", "place", "signer_title", "signer_name")


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
