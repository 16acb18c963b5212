from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from tamky_poverty.forms import CleanTextMixin
from tamky_poverty.models import AccessRecord, User


class UserChangeForm(CleanTextMixin, BaseUserAdmin.form):
    pass


class UserCreationForm(CleanTextMixin, BaseUserAdmin.add_form):
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "get_full_name", "role", "unit", "agency", "is_active", "last_login")
    list_filter = ("role", "is_active", "unit")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Vai trò và phạm vi"), {"fields": ("role", "unit", "agency")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Vai trò và phạm vi"), {"fields": ("role", "unit", "agency")}),)
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
