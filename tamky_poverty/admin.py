from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tamky_poverty import services
from tamky_poverty.admin_base import ProjectAdmin, ProjectHistoryAdmin, ReferenceImportExport
from tamky_poverty.forms import CleanTextMixin, CleanTextModelForm
from tamky_poverty.models import (
    AccessRecord,
    AdministrativeUnit,
    Agency,
    AreaRule,
    Reorganisation,
    UnitYearFigures,
    User,
)
from tamky_poverty.resources import AgencyResource, UnitYearFiguresResource

admin.site.site_header = _("Quản trị hệ thống Giảm nghèo bền vững")
admin.site.site_title = _("Quản trị Giảm nghèo bền vững")
admin.site.index_title = _("Quản trị hệ thống")


class UserChangeForm(CleanTextMixin, BaseUserAdmin.form):
    pass


class UserCreationForm(CleanTextMixin, BaseUserAdmin.add_form):
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "full_name", "role", "unit", "agency", "is_active", "last_login")
    list_filter = ("role", "is_active", "unit")
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email")}),
        (_("Vai trò và phạm vi"), {"fields": ("role", "unit", "agency")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Mốc thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "usable_password", "password1", "password2")}),
        (_("Vai trò và phạm vi"), {"fields": ("role", "unit", "agency")}),
    )
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are locked, never deleted: their history stays attributable

    @admin.action(description=_("Khoá tài khoản đã chọn"))
    def deactivate(self, request, queryset):
        n = queryset.exclude(pk=request.user.pk).update(is_active=False)
        self.message_user(request, _("Đã khoá %(n)d tài khoản.") % {"n": n})


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "object_repr")
    list_filter = ("action",)
    readonly_fields = ("at", "user", "action", "object_repr", "detail")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ProjectAdmin):
    """A unit's end and successor are set by a reorganisation (an operation), not edited here."""

    list_display = ("code", "name", "kind", "parent_name", "valid_from", "valid_to", "successor")
    readonly_fields = ("valid_to", "successor")
    list_filter = ("kind", "parent_name")
    search_fields = ("code", "name")


@admin.register(UnitYearFigures)
class UnitYearFiguresAdmin(ReferenceImportExport, ProjectHistoryAdmin):
    resource_classes = [UnitYearFiguresResource]
    list_display = ("unit", "year", "total_households")
    list_filter = ("year",)


@admin.register(Agency)
class AgencyAdmin(ReferenceImportExport, ProjectAdmin):
    resource_classes = [AgencyResource]
    list_display = ("name", "short_name", "kind", "unit")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "code")


class ReorganisationForm(CleanTextModelForm):
    class Meta:
        model = Reorganisation
        fields = ("effective_date", "successor", "predecessors", "legal_basis")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:  # a dry run inside a rolled-back transaction shows every refusal on the form
            with transaction.atomic():
                services.reorganisation_apply(
                    actor=None, predecessors=data["predecessors"], successor=data["successor"],
                    effective_date=data["effective_date"], legal_basis=data.get("legal_basis", ""),
                    today=timezone.localdate(),
                )
                transaction.set_rollback(True)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return data


@admin.register(Reorganisation)
class ReorganisationAdmin(ProjectAdmin):
    """Adding one carries it out (``services.reorganisation_apply``); a recorded reorganisation
    is never edited or deleted."""

    form = ReorganisationForm
    list_display = ("effective_date", "successor", "legal_basis", "recorded_by", "recorded_at")
    filter_horizontal = ("predecessors",)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        result = services.reorganisation_apply(
            actor=request.user, predecessors=data["predecessors"], successor=data["successor"],
            effective_date=data["effective_date"], legal_basis=data.get("legal_basis", ""),
            today=timezone.localdate(),
        )
        obj.pk = result.reorganisation.pk  # the admin logs and redirects to the recorded row
        self.message_user(request, _("Đã chuyển: %(m)s.") % {
            "m": ", ".join(f"{k} {v}" for k, v in sorted(result.moved.items()))})

    def save_related(self, request, form, formsets, change):
        """The service set the predecessors."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AreaRule)
class AreaRuleAdmin(ProjectHistoryAdmin):
    list_display = ("unit", "area_kind", "valid_from", "valid_to", "legal_basis_number", "legal_basis_date")
    list_filter = ("area_kind",)

    def save_model(self, request, obj, form, change):
        services.area_rule_save(actor=request.user, rule=obj)
