from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from tamky_poverty.models import AccessRecord, AdministrativeUnit, Agency, UnitYearFigures, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "unit", "agency", "is_active", "last_login")
    list_filter = ("role", "is_active", "unit")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Vai trò và phạm vi"), {"fields": ("role", "unit", "agency")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Vai trò và phạm vi"), {"fields": ("role", "unit", "agency")}),)
    actions = ["deactivate"]

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
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent_name", "valid_from", "valid_to", "successor")
    list_filter = ("kind", "parent_name")
    search_fields = ("code", "name")


@admin.register(UnitYearFigures)
class UnitYearFiguresAdmin(admin.ModelAdmin):
    list_display = ("unit", "year", "total_households")
    list_filter = ("year",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "unit")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "code")
