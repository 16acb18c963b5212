"""A chairman's decision, once recorded, is frozen like the review decisions it made
(``tamky_poverty/integrity.py``): no field may change and it cannot be deleted, by any path that
goes through the ORM (pages, services, the admin). A restore (``raw=True``) is allowed."""

from __future__ import annotations

from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext_lazy as _

from tamky_poverty.integrity import FrozenRecordError, _changed_fields


def guard_decision_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        return
    changed = _changed_fields(instance, set())
    if changed:
        raise FrozenRecordError(
            _("Quyết định công nhận danh sách đã ghi nhận không thể sửa (trường: %(f)s).") % {"f": ", ".join(changed)},
            code="campaign_decision_frozen",
        )


def guard_decision_delete(sender, instance, **kwargs):
    raise FrozenRecordError(_("Quyết định công nhận danh sách đã ghi nhận không thể xoá."),
                            code="campaign_decision_frozen")


def connect(CampaignDecision) -> None:
    pre_save.connect(guard_decision_save, sender=CampaignDecision, dispatch_uid="frozen_campaign_decision_save")
    pre_delete.connect(guard_decision_delete, sender=CampaignDecision, dispatch_uid="frozen_campaign_decision_delete")
