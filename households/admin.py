from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from households.models import (
    Assessment,
    Deprivation,
    Household,
    Indicator,
    Member,
    PovertyStandard,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(PovertyStandard)
class PovertyStandardAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "year_from", "year_to", "rural_income_threshold", "urban_income_threshold")
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("standard", "number", "code", "dimension", "name", "derivable")
    list_filter = ("standard", "dimension")


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ("full_name", "relation", "sex", "date_of_birth")
    readonly_fields = fields
    can_delete = False


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ("code", "unit", "village", "current_class", "group", "is_deleted")
    list_filter = ("current_class", "group", "unit", "is_deleted")
    search_fields = ("code", "search_text")
    list_select_related = ("unit",)
    inlines = [MemberInline]
    readonly_fields = ("current_class", "current_standard", "current_assessment", "version")


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "household", "relation", "sex", "date_of_birth")
    search_fields = ("full_name", "household__code")
    list_select_related = ("household", "household__unit")


class DeprivationInline(admin.TabularInline):
    model = Deprivation
    extra = 0
    can_delete = False
    readonly_fields = ("indicator", "deprived", "suggested", "override_reason")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    """Recorded decisions are read-only: they are superseded by a new review, never edited."""

    list_display = ("household", "year", "kind", "result_class", "movement", "decision_number", "decision_date")
    list_filter = ("year", "kind", "result_class", "movement")
    list_select_related = ("household", "household__unit")
    inlines = [DeprivationInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
