"""Every write to support actions. Keyword-only, one transaction, ``full_clean()`` before saving,
audit history attributed to ``actor`` and a ``SupportActionEvent`` for every status change.

Who may write: ward officers for households of their unit, TNMT and administrators for all (plan
and update); agency officers update the actions their agency leads (no planning). Anything
outside the actor's scope raises ``Http404``, as reads do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from households.models import Household
from support import selectors
from support.models import ActionStatus, SupportAction, SupportActionEvent, SupportKind
from tamky_poverty import scoping

S = ActionStatus
OPEN = (S.PLANNED, S.IN_PROGRESS)

# from → allowed targets
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PLANNED: (S.IN_PROGRESS, S.COMPLETED, S.CANCELLED),
    S.IN_PROGRESS: (S.COMPLETED, S.CANCELLED),
    S.COMPLETED: (S.IN_PROGRESS,),  # reopen a completion recorded by mistake (needs a reason)
    S.CANCELLED: (S.PLANNED, S.IN_PROGRESS),  # reopen (needs a reason)
}

EDITABLE_FIELDS = {
    "kind", "member", "indicator", "description", "quantity", "lead_agency", "funding_source", "amount",
    "plan_year", "planned_date", "sponsor", "monthly_amount", "sponsorship_start", "sponsorship_end", "notes",
}


def _check_can_plan(actor, household: Household) -> None:
    if not scoping.writable_households(actor, Household.objects.filter(pk=household.pk)).exists():
        raise Http404


def _check_can_update(actor, action: SupportAction) -> None:
    if not selectors.actions_for_user(actor=actor).filter(pk=action.pk).exists():
        raise Http404


def _warnings(action: SupportAction) -> list[str]:
    dupes = list(
        selectors.same_kind_same_year(
            household=action.household, kind=action.kind, plan_year=action.plan_year, exclude_pk=action.pk
        ).order_by("id")
    )
    if not dupes:
        return []
    return [
        _("Lưu ý: hộ %(code)s đã có %(n)s hoạt động “%(kind)s” trong năm %(year)s (mã %(ids)s). "
          "Kiểm tra để tránh hỗ trợ trùng.")
        % {"code": action.household.code, "n": len(dupes), "kind": action.kind,
           "year": action.plan_year, "ids": ", ".join(f"#{d.pk}" for d in dupes)}
    ]


def _validate_links(action: SupportAction) -> None:
    errors = {}
    if action.member_id and action.member.household_id != action.household_id:
        errors["member"] = _("Thành viên không thuộc hộ này.")
    sponsorship = action.kind.sponsorship
    if sponsorship and action.member_id is None and action.quantity < 1:
        errors["quantity"] = _("Nhận đỡ đầu: ghi số cháu được đỡ đầu hoặc chọn thành viên.")
    if not sponsorship and (action.sponsor or action.monthly_amount):
        errors["sponsor"] = _("Người đỡ đầu và mức hằng tháng chỉ dùng cho loại “Nhận đỡ đầu trẻ em”.")
    if errors:
        raise ValidationError(errors)


def _kind(value) -> SupportKind:
    """A kind of the catalogue, given as its row or its code."""
    if isinstance(value, SupportKind):
        return value
    kind = SupportKind.objects.filter(pk=value).first()
    if kind is None:
        raise ValidationError({"kind": _("Loại hỗ trợ không có trong danh mục.")})
    return kind


def _event(action, actor, from_status: str, to_status: str, note: str = "") -> SupportActionEvent:
    return SupportActionEvent.objects.create(
        action=action, actor=actor, from_status=from_status, to_status=to_status, note=note[:255]
    )


@transaction.atomic
def action_create(
    *,
    actor,
    household: Household,
    kind: SupportKind | str,
    lead_agency,
    plan_year: int,
    description: str = "",
    indicator=None,
    member=None,
    quantity: int = 1,
    coordinating_agencies: Iterable = (),
    funding_source: str = "",
    amount: int = 0,
    planned_date: dt.date | None = None,
    sponsor: str = "",
    monthly_amount: int | None = None,
    sponsorship_start: dt.date | None = None,
    sponsorship_end: dt.date | None = None,
    notes: str = "",
) -> SupportAction:
    """Plan a support action for a household. The class is the household's current class. The
    returned action carries ``warnings`` (e.g. same kind already planned this year): a warning,
    never a block."""
    _check_can_plan(actor, household)
    kind = _kind(kind)
    action = SupportAction(
        household=household, kind=kind, lead_agency=lead_agency, plan_year=plan_year,
        description=(description or "").strip() or str(kind),
        indicator=indicator, member=member, quantity=quantity,
        funding_source=funding_source or SupportAction._meta.get_field("funding_source").default,
        amount=amount or 0, planned_date=planned_date, sponsor=sponsor, monthly_amount=monthly_amount,
        sponsorship_start=sponsorship_start, sponsorship_end=sponsorship_end, notes=notes,
        household_class=household.current_class, status=S.PLANNED, created_by=actor,
    )
    action.full_clean()
    _validate_links(action)
    action._history_user = actor
    action.save()
    action.coordinating_agencies.set(list(coordinating_agencies))
    _event(action, actor, "", S.PLANNED, _("Lập kế hoạch hỗ trợ"))
    action.warnings = _warnings(action)
    return action


@transaction.atomic
def action_update(*, actor, action: SupportAction, coordinating_agencies: Iterable | None = None,
                  **fields) -> SupportAction:
    """Change an action's details (not its status: see ``action_transition``). Agency officers
    may not hand the action to another lead agency."""
    _check_can_update(actor, action)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(_("Không sửa được các trường: %(f)s") % {"f": ", ".join(sorted(unknown))})
    scope = scoping.scope_for(actor)
    if (
        not scope.sees_all and scope.agency_id is not None and "lead_agency" in fields
        and getattr(fields["lead_agency"], "pk", fields["lead_agency"]) != scope.agency_id
    ):
        raise ValidationError({"lead_agency": _("Cơ quan chỉ cập nhật hoạt động do mình chủ trì, không chuyển cho cơ quan khác.")})
    if "kind" in fields:
        fields["kind"] = _kind(fields["kind"])
    for name, value in fields.items():
        setattr(action, name, value)
    action.full_clean()
    _validate_links(action)
    if action.status == S.COMPLETED and action.planned_date and action.completed_date < action.planned_date:
        raise ValidationError({"planned_date": _("Ngày dự kiến không được sau ngày hoàn thành.")})
    action._history_user = actor
    action.save()
    if coordinating_agencies is not None:
        action.coordinating_agencies.set(list(coordinating_agencies))
    action.warnings = _warnings(action)
    return action


@transaction.atomic
def action_transition(*, actor, action: SupportAction, to_status: str, date: dt.date | None = None,
                      reason: str = "") -> SupportAction:
    """Move an action along planned → in progress → completed, cancel an open one (with a
    reason) or reopen a cancelled / completed one (with a reason). Writes an event."""
    _check_can_update(actor, action)
    action = SupportAction.objects.select_for_update().get(pk=action.pk)
    reason = (reason or "").strip()
    current = action.status
    if to_status not in S.values:
        raise ValidationError({"to_status": _("Trạng thái không hợp lệ.")})
    if to_status == current:
        raise ValidationError({"to_status": _("Hoạt động đã ở trạng thái “%(s)s”.") % {"s": S(current).label}})
    if to_status not in TRANSITIONS[current]:
        if current == S.CANCELLED and to_status == S.COMPLETED:
            msg = _("Không thể hoàn thành một hoạt động đã huỷ: mở lại (có lý do) trước.")
        else:
            msg = _("Không chuyển được từ “%(a)s” sang “%(b)s”.") % {"a": S(current).label, "b": S(to_status).label}
        raise ValidationError({"to_status": msg})

    note = reason
    if to_status == S.COMPLETED:
        if date is None:
            raise ValidationError({"date": _("Cần ghi ngày hoàn thành.")})
        if action.planned_date and date < action.planned_date:
            raise ValidationError({"date": _("Ngày hoàn thành (%(d)s) không được trước ngày dự kiến (%(p)s).")
                                   % {"d": date_format(date, "d/m/Y"), "p": date_format(action.planned_date, "d/m/Y")}})
        if date > timezone.localdate():
            raise ValidationError({"date": _("Ngày hoàn thành không được ở tương lai.")})
        action.completed_date = date
        note = reason or _("Hoàn thành ngày %(d)s") % {"d": date_format(date, "d/m/Y")}
    elif to_status == S.CANCELLED:
        if not reason:
            raise ValidationError({"reason": _("Huỷ hoạt động phải nêu lý do.")})
        action.cancel_reason = reason[:255]
    else:
        if current in (S.CANCELLED, S.COMPLETED) and not reason:
            raise ValidationError({"reason": _("Mở lại hoạt động phải nêu lý do.")})
        action.cancel_reason = ""
        action.completed_date = None
    action.status = to_status
    action.full_clean()
    action._history_user = actor
    action._change_reason = note[:100] if note else None
    action.save()
    _event(action, actor, current, to_status, note)
    return action


def can_plan(actor) -> bool:
    return scoping.scope_for(actor).can_write_register


def require_can_plan(actor) -> None:
    if not can_plan(actor):
        raise PermissionDenied
