"""What every admin page of the project shares (issues 13 and 15):

- ``ProjectAdmin``: text goes through the one normaliser (``CleanTextModelForm``) and nothing is
  ever hard-deleted from the admin (records keep the history that refers to them; a household is
  soft-deleted on its page, with a reason).
- ``ReadOnlyAdmin``: for records whose every change must go through a service (households,
  members, decisions, support actions, plan targets and quotas): the admin shows them, the pages
  change them — with the version bump, events, allowed transitions, search text and history
  that only the services keep. A "revert" POST to a history page is refused too.
- ``PersonalDataAdmin``: pages that show full citizen IDs or birth dates write an access record
  (``tamky_poverty.personal_data.record_admin_view``), as the household page does.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from tamky_poverty import personal_data, scoping
from tamky_poverty.forms import CleanTextModelForm


class CleanTextInline:
    form = CleanTextModelForm

    def has_delete_permission(self, request, obj=None):
        return False


class ProjectAdmin(admin.ModelAdmin):
    form = CleanTextModelForm

    def has_delete_permission(self, request, obj=None):
        return False


class ProjectHistoryAdmin(SimpleHistoryAdmin):
    form = CleanTextModelForm

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ProjectHistoryAdmin):
    """Shown, never changed here (see the module docstring)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":  # simple_history reverts on POST, whatever the change right
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline:
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PersonalDataAdmin:
    """Mixed into the admin of a model whose pages show personal data in full: each change page
    and each history page opened writes an access record. ``personal_data_household(obj)`` names
    the household concerned."""

    def personal_data_household(self, obj):
        raise NotImplementedError

    def _record(self, request, object_id, page):
        obj = self.get_object(request, object_id)
        if obj is not None:
            personal_data.record_admin_view(request.user, self.personal_data_household(obj), page=page,
                                            model=self.model._meta.model_name, object_id=obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._record(request, object_id, "admin")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._record(request, object_id, "admin_history")
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if response.status_code == 200:
            self._record(request, object_id, "admin_history")
        return response


class ReferenceImportExport(ImportExportMixin):
    """Import and export of a reference table with django-import-export (its resource in
    ``resource_classes``): the import shows a preview — the rows it would create, change or skip
    and every refused row with its message — before anything is written. Only who may edit the
    plan and its reference figures (``Scope.can_edit_plan``) imports or exports."""

    def has_import_permission(self, request):
        return scoping.scope_for(request.user).can_edit_plan

    def has_export_permission(self, request):
        return scoping.scope_for(request.user).can_edit_plan
