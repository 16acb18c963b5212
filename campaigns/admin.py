"""The reviews in the admin: read-only lists with their history. Every step is written through
``campaigns.services`` (the pages), which keep the procedure's order and record decisions
through the classification rule; the admin offers no path around them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from campaigns.models import (
    Application,
    Campaign,
    CampaignDecision,
    CampaignHousehold,
    Complaint,
    Posting,
    Survey,
    SurveyIndicator,
    VillageMeeting,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("unit", "review_year", "start_date", "end_date", "effective_date", "standard")
    list_filter = ("review_year", "unit")
    list_select_related = ("unit", "standard")


@admin.register(CampaignHousehold)
class CampaignHouseholdAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "household", "listed", "simulation_flag", "applied", "officer_flag",
                    "certificate_number")
    list_filter = ("campaign__review_year", "listed", "simulation_flag", "applied", "officer_flag")
    list_select_related = ("campaign", "campaign__unit", "household", "household__unit")
    search_fields = ("household__code",)


class SurveyIndicatorInline(admin.TabularInline):
    model = SurveyIndicator
    extra = 0
    can_delete = False
    readonly_fields = ("indicator", "deprived", "suggested", "suggestion_reason", "override_reason")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("household", "survey_date", "standard", "effective_date", "income_per_capita", "proposed_class")
    list_filter = ("standard", "proposed_class")
    list_select_related = ("household", "household__unit", "standard")
    search_fields = ("household__code",)
    inlines = [SurveyIndicatorInline]


@admin.register(VillageMeeting)
class VillageMeetingAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "village", "held_on", "attendees", "agreement_percent")
    list_select_related = ("campaign", "campaign__unit")
    # The minutes file is downloaded from the campaign page, which checks the reader's scope.
    exclude = ("minutes_file",)


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "start_date", "end_date", "place")
    list_select_related = ("campaign", "campaign__unit")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "complainant", "received_on", "resolved_on")
    list_select_related = ("campaign", "campaign__unit")


@admin.register(CampaignDecision)
class CampaignDecisionAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "number", "decision_date", "effective_date", "signer")
    list_select_related = ("campaign", "campaign__unit")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("household", "kind", "received_on", "status", "closed_on")
    list_filter = ("status", "kind")
    list_select_related = ("household", "household__unit")
    search_fields = ("household__code",)
