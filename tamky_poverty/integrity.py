"""Records that must never change once made (issue 7, "Integrity").

- An **approved monthly report** is frozen: no field may change and it cannot be deleted.
- A **recorded assessment** (a review decision) is frozen except ``superseded_by``, which a later
  decision sets; it cannot be deleted. Its deprivation rows are frozen with it. Its
  ``previous_class`` and ``movement`` are *derived* from the household's chain of decisions
  (``households/movements.py``): they change only inside ``deriving()``, which
  ``households.services`` enters when a back-dated or correcting decision re-derives the chain.

The guards are ``pre_save`` / ``pre_delete`` signal receivers, so they hold for every path that
goes through the ORM: pages, services, the admin, imports, ``QuerySet.delete()`` (which sends
``pre_delete`` per row). A restore of a backup (``loaddata``, ``raw=True``) is allowed.
``QuerySet.update()`` sends no signal: services never use it on these models.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db.models import JSONField
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext_lazy as _


class FrozenRecordError(ValidationError):
    """Raised when code tries to change or delete an approved/recorded record."""


ASSESSMENT_MUTABLE_FIELDS = {"superseded_by"}
ASSESSMENT_DERIVED_FIELDS = {"previous_class", "movement"}
_deriving: ContextVar[bool] = ContextVar("deriving_movements", default=False)


@contextmanager
def deriving():
    """Within this block the derived fields of assessments may be rewritten (and only those)."""
    token = _deriving.set(True)
    try:
        yield
    finally:
        _deriving.reset(token)
MONTHLY_REPORT_MUTABLE_FIELDS = {"updated_at"}


def _changed_fields(instance, mutable: set[str]) -> list[str]:
    model = type(instance)
    fields = [f for f in model._meta.concrete_fields if f.name not in mutable and not f.primary_key]
    stored = model._base_manager.filter(pk=instance.pk).values(*[f.attname for f in fields]).first()
    if stored is None:
        return []
    changed = []
    for f in fields:
        new, old = getattr(instance, f.attname), stored[f.attname]
        if isinstance(f, JSONField):  # compare as stored (tuples become lists, …)
            new = json.loads(json.dumps(new, cls=f.encoder))
            old = json.loads(json.dumps(old, cls=f.encoder))
        else:
            new, old = f.get_prep_value(new), f.get_prep_value(old)
        if new != old:
            changed.append(f.name)
    return changed


def guard_assessment_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        return
    mutable = ASSESSMENT_MUTABLE_FIELDS | (ASSESSMENT_DERIVED_FIELDS if _deriving.get() else set())
    changed = _changed_fields(instance, mutable)
    if changed:
        raise FrozenRecordError(
            _("Quyết định rà soát đã ghi nhận không thể sửa (trường: %(f)s). Hãy ghi nhận một lần rà "
              "soát mới để thay thế.") % {"f": ", ".join(changed)},
            code="assessment_frozen",
        )


def guard_assessment_delete(sender, instance, **kwargs):
    raise FrozenRecordError(
        _("Quyết định rà soát đã ghi nhận không thể xoá; chỉ có thể được thay thế bằng quyết định mới."),
        code="assessment_frozen",
    )


def guard_deprivation_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        return
    if _changed_fields(instance, set()):
        raise FrozenRecordError(
            _("Chỉ số thiếu hụt của lần rà soát đã ghi nhận không thể sửa."), code="assessment_frozen"
        )


def guard_deprivation_delete(sender, instance, **kwargs):
    raise FrozenRecordError(
        _("Chỉ số thiếu hụt của lần rà soát đã ghi nhận không thể xoá."), code="assessment_frozen"
    )


def _stored_status(instance):
    return type(instance)._base_manager.filter(pk=instance.pk).values_list("status", flat=True).first()


def guard_monthly_report_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        return
    if _stored_status(instance) != "approved":
        return
    changed = _changed_fields(instance, MONTHLY_REPORT_MUTABLE_FIELDS)
    if changed:
        raise FrozenRecordError(
            _("Báo cáo tháng đã được duyệt, không thể thay đổi (trường: %(f)s).") % {"f": ", ".join(changed)},
            code="monthly_report_frozen",
        )


def guard_monthly_report_delete(sender, instance, **kwargs):
    if _stored_status(instance) == "approved":
        raise FrozenRecordError(
            _("Báo cáo tháng đã được duyệt, không thể xoá."), code="monthly_report_frozen"
        )


def guard_monthly_report_event_delete(sender, instance, **kwargs):
    if _stored_status(instance.report) == "approved":
        raise FrozenRecordError(
            _("Báo cáo tháng đã được duyệt, không thể xoá lịch sử xử lý."), code="monthly_report_frozen"
        )


def connect_assessment_guards(Assessment, Deprivation) -> None:
    """Called by the households app when it is ready (the base app imports no feature app)."""
    pre_save.connect(guard_assessment_save, sender=Assessment, dispatch_uid="frozen_assessment_save")
    pre_delete.connect(guard_assessment_delete, sender=Assessment, dispatch_uid="frozen_assessment_delete")
    pre_save.connect(guard_deprivation_save, sender=Deprivation, dispatch_uid="frozen_deprivation_save")
    pre_delete.connect(guard_deprivation_delete, sender=Deprivation, dispatch_uid="frozen_deprivation_delete")


def connect_report_guards(MonthlyReport, MonthlyReportEvent) -> None:
    """Called by the reports app when it is ready."""
    pre_save.connect(guard_monthly_report_save, sender=MonthlyReport, dispatch_uid="frozen_report_save")
    pre_delete.connect(guard_monthly_report_delete, sender=MonthlyReport, dispatch_uid="frozen_report_delete")
    pre_delete.connect(
        guard_monthly_report_event_delete, sender=MonthlyReportEvent, dispatch_uid="frozen_report_event_delete"
    )
