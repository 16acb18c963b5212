from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from households.models import (
    Assessment,
    Deprivation,
    Household,
    Indicator,
    Member,
    PovertyStandard,
)
from tamky_poverty import personal_data
from tamky_poverty.admin_base import (
    CleanTextInline,
    PersonalDataAdmin,
    ProjectAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
)

# Households, members and decisions are shown here, changed only on their pages: the services
# there bump the version, keep the search text, check the rules and write the history
# (tamky_poverty/admin_base.py). Nothing is ever deleted from the admin.


class IndicatorInline(CleanTextInline, admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(PovertyStandard)
class PovertyStandardAdmin(ProjectAdmin):
    list_display = ("code", "name", "year_from", "year_to", "rural_income_threshold", "urban_income_threshold")
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(ProjectAdmin):
    list_display = ("standard", "number", "code", "dimension", "name", "derivable")
    list_filter = ("standard", "dimension")


class MemberInline(ReadOnlyInline, admin.TabularInline):
    model = Member
    fields = ("full_name", "relation", "sex", "date_of_birth", "citizen_id")
    readonly_fields = fields


class CitizenIdSearch:
    """Search by a full citizen ID (exact) in the admin list, recorded like the list page's."""

    def get_search_results(self, request, queryset, search_term):
        looked_up = [w for w in search_term.split() if personal_data.is_full_citizen_id(w)]
        if looked_up:
            personal_data.record_search(request.user, looked_up, f"admin {self.model._meta.model_name}")
        return super().get_search_results(request, queryset, search_term)


@admin.register(Household)
class HouseholdAdmin(CitizenIdSearch, PersonalDataAdmin, ReadOnlyAdmin):
    list_display = ("code", "unit", "village", "current_class", "group", "is_deleted")
    list_filter = ("current_class", "group", "unit", "is_deleted")
    search_fields = ("code", "search_text", "=members__citizen_id")
    list_select_related = ("unit",)
    inlines = [MemberInline]

    def personal_data_household(self, obj):
        return obj


@admin.register(Member)
class MemberAdmin(CitizenIdSearch, PersonalDataAdmin, ReadOnlyAdmin):
    list_display = ("full_name", "household", "relation", "sex", "birth_year")
    search_fields = ("full_name", "household__code", "=citizen_id")
    list_select_related = ("household", "household__unit")

    @admin.display(description=_("năm sinh"), ordering="date_of_birth")
    def birth_year(self, obj):
        """Lists show the birth year only; the member's page shows the date (and is recorded)."""
        return personal_data.mask_date(obj.date_of_birth)

    def personal_data_household(self, obj):
        return obj.household


class DeprivationInline(ReadOnlyInline, admin.TabularInline):
    model = Deprivation
    readonly_fields = ("indicator", "deprived", "suggested", "override_reason")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    """Recorded decisions are read-only: they are superseded by a new review, never edited."""

    list_display = ("household", "year", "kind", "result_class", "movement", "decision_number", "decision_date")
    list_filter = ("year", "kind", "result_class", "movement")
    list_select_related = ("household", "household__unit")
    inlines = [DeprivationInline]
