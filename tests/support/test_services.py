import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from support import services
from support.models import ActionStatus, SupportAction, SupportActionEvent
from tests.support.conftest import plan_action

pytestmark = pytest.mark.django_db


def test_create_takes_class_from_household_and_writes_event(ref, ward_officer, poor_an_phu):
    action = plan_action(ward_officer, poor_an_phu, ref=ref, planned_date=dt.date(2025, 4, 1))
    assert action.household_class == "poor"
    assert action.status == ActionStatus.PLANNED
    assert action.description == "Cấp thẻ BHYT"
    assert action.warnings == []
    event = SupportActionEvent.objects.get(action=action)
    assert (event.from_status, event.to_status, event.actor) == ("", "planned", ward_officer)
    assert action.history.first().history_user == ward_officer


def test_ward_officer_cannot_plan_for_other_unit(ref, ward_officer, poor_tam_thang):
    with pytest.raises(Http404):
        plan_action(ward_officer, poor_tam_thang, ref=ref)
    assert not SupportAction.objects.exists()


def test_agency_officer_cannot_plan(ref, agency_officer, poor_an_phu):
    with pytest.raises(Http404):
        plan_action(agency_officer, poor_an_phu, ref=ref)


def test_duplicate_kind_same_year_is_a_warning_not_a_block(ref, ward_officer, poor_an_phu):
    first = plan_action(ward_officer, poor_an_phu, ref=ref)
    second = plan_action(ward_officer, poor_an_phu, ref=ref)
    assert second.pk and len(second.warnings) == 1
    assert f"#{first.pk}" in second.warnings[0]
    other_year = plan_action(ward_officer, poor_an_phu, ref=ref, plan_year=2026)
    assert other_year.warnings == []
    other_kind = plan_action(ward_officer, poor_an_phu, ref=ref, kind="legal_aid", lead=ref.agencies["tuphap"])
    assert other_kind.warnings == []


def test_cancelled_action_does_not_count_as_duplicate(ref, ward_officer, poor_an_phu):
    first = plan_action(ward_officer, poor_an_phu, ref=ref)
    services.action_transition(actor=ward_officer, action=first, to_status="cancelled", reason="Hộ đã có thẻ")
    assert plan_action(ward_officer, poor_an_phu, ref=ref).warnings == []


def test_status_path_and_events(ref, ward_officer, agency_officer, poor_an_phu):
    action = plan_action(ward_officer, poor_an_phu, ref=ref, planned_date=dt.date(2025, 3, 1))
    action = services.action_transition(actor=agency_officer, action=action, to_status="in_progress")
    action = services.action_transition(actor=agency_officer, action=action, to_status="completed",
                                        date=dt.date(2025, 3, 15))
    assert action.status == "completed" and action.completed_date == dt.date(2025, 3, 15)
    events = list(action.events.values_list("from_status", "to_status", "actor__username"))
    assert events == [("", "planned", "canbo.anphu"), ("planned", "in_progress", "canbo.ttyt"),
                      ("in_progress", "completed", "canbo.ttyt")]


def test_completion_needs_a_date_not_before_planned(ref, ward_officer, poor_an_phu):
    action = plan_action(ward_officer, poor_an_phu, ref=ref, planned_date=dt.date(2025, 5, 1))
    with pytest.raises(ValidationError) as exc:
        services.action_transition(actor=ward_officer, action=action, to_status="completed")
    assert "ngày hoàn thành" in str(exc.value).lower()
    with pytest.raises(ValidationError) as exc:
        services.action_transition(actor=ward_officer, action=action, to_status="completed", date=dt.date(2025, 4, 30))
    assert "không được trước ngày dự kiến" in str(exc.value)
    action.refresh_from_db()
    assert action.status == "planned" and action.completed_date is None
    assert action.events.count() == 1


def test_cancel_needs_reason_and_no_completion_from_cancelled(ref, ward_officer, poor_an_phu):
    action = plan_action(ward_officer, poor_an_phu, ref=ref)
    with pytest.raises(ValidationError):
        services.action_transition(actor=ward_officer, action=action, to_status="cancelled", reason="  ")
    action = services.action_transition(actor=ward_officer, action=action, to_status="cancelled", reason="Chuyển nơi ở")
    assert action.cancel_reason == "Chuyển nơi ở"
    with pytest.raises(ValidationError) as exc:
        services.action_transition(actor=ward_officer, action=action, to_status="completed", date=dt.date(2025, 6, 1))
    assert "đã huỷ" in str(exc.value)


def test_reopen_cancelled_needs_reason(ref, ward_officer, poor_an_phu):
    action = plan_action(ward_officer, poor_an_phu, ref=ref)
    action = services.action_transition(actor=ward_officer, action=action, to_status="cancelled", reason="Nhầm hộ")
    with pytest.raises(ValidationError) as exc:
        services.action_transition(actor=ward_officer, action=action, to_status="planned")
    assert "lý do" in str(exc.value)
    action = services.action_transition(actor=ward_officer, action=action, to_status="planned", reason="Xác minh lại, đúng hộ")
    assert action.status == "planned" and action.cancel_reason == ""
    assert action.events.last().note == "Xác minh lại, đúng hộ"


def test_agency_officer_updates_only_actions_it_leads(ref, ward_officer, agency_officer, poor_an_phu):
    led = plan_action(ward_officer, poor_an_phu, ref=ref)
    other = plan_action(ward_officer, poor_an_phu, ref=ref, kind="legal_aid", lead=ref.agencies["tuphap"])
    services.action_update(actor=agency_officer, action=led, amount=500_000)
    with pytest.raises(Http404):
        services.action_update(actor=agency_officer, action=other, amount=1)
    with pytest.raises(Http404):
        services.action_transition(actor=agency_officer, action=other, to_status="in_progress")
    with pytest.raises(ValidationError):
        services.action_update(actor=agency_officer, action=led, lead_agency=ref.agencies["tuphap"])


def test_member_must_belong_to_household(ref, ward_officer, poor_an_phu, admin_user):
    from tests.support.conftest import reviewed_household

    other = reviewed_household(ref.an_phu, admin_user)
    with pytest.raises(ValidationError):
        plan_action(ward_officer, poor_an_phu, ref=ref, kind="sponsorship", lead=ref.agencies["mttq"],
                    member=other.members.first())
