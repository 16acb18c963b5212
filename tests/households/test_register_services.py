"""The household page's service and selectors, without the web layer."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from households import selectors, services
from households.models import Household, Member
from households.services import MemberInput
from tests.factories import household_with_head

pytestmark = pytest.mark.django_db


def person(name, relation="head", citizen_id=None, born=dt.date(1980, 1, 1)):
    return {"full_name": name, "relation": relation, "sex": "female", "date_of_birth": born,
            "citizen_id": citizen_id}


def create(actor, unit, *members, code="S-1"):
    return services.household_save_with_members(
        actor=actor, household=None, fields={"unit": unit, "code": code, "village": "Thôn Đông"},
        members=[MemberInput(fields=m) for m in members],
    )


def test_create_writes_household_members_search_text_and_history(ward_officer, ref):
    h = create(ward_officer, ref.an_phu, person("Đặng Thị Ánh", citizen_id="049111111111"),
               person("Lê Minh", "child", born=dt.date(2012, 2, 2)))
    assert h.members.count() == 2
    assert h.search_text == " dang thi anh | le minh # s-1 | thon dong "  # names, never citizen IDs
    assert Household.history.get(id=h.pk).history_user == ward_officer
    assert {r.history_user for r in Member.history.filter(household_id=h.pk)} == {ward_officer}


@pytest.mark.parametrize("members,message", [
    ([], "ít nhất một"),
    ([person("A", "spouse")], "đúng một chủ hộ"),
    ([person("A"), person("B")], "đúng một chủ hộ"),
    ([person("A", citizen_id="049111111111"), person("B", "child", citizen_id="049111111111")], "cùng số định danh"),
])
def test_create_refuses_broken_member_lists(ward_officer, ref, members, message):
    with pytest.raises(ValidationError, match=message):
        create(ward_officer, ref.an_phu, *members)
    assert not Household.objects.exists()


def test_invalid_member_rolls_back_the_household(ward_officer, ref):
    with pytest.raises(ValidationError):
        create(ward_officer, ref.an_phu, person("A", citizen_id="123"))
    assert not Household.objects.exists() and not Member.objects.exists()


def test_stale_update_changes_nothing(ward_officer, ref):
    h = create(ward_officer, ref.an_phu, person("A"))
    head = h.members.get()
    services.household_update(actor=ward_officer, household=Household.objects.get(pk=h.pk),
                              expected_version=1, village="Mới")
    with pytest.raises(services.StaleObjectError):
        services.household_save_with_members(
            actor=ward_officer, household=Household.objects.get(pk=h.pk), expected_version=1,
            fields={"village": "Cũ"}, members=[MemberInput(pk=head.pk, fields=person("Đổi tên"))],
        )
    h.refresh_from_db()
    assert h.village == "Mới" and h.members.get().full_name == "A"


def test_member_of_another_household_cannot_be_edited_through_this_one(ward_officer, ref):
    h = create(ward_officer, ref.an_phu, person("A"))
    other = household_with_head(ref.an_phu, code="S-2")
    intruder = other.members.get()
    with pytest.raises(ValidationError, match="không thuộc hộ này"):
        services.household_save_with_members(
            actor=ward_officer, household=h, expected_version=h.version, fields={},
            members=[MemberInput(pk=intruder.pk, fields=person("X"))],
        )
    intruder.refresh_from_db()
    assert intruder.household == other


def test_selectors_scope_and_soft_delete(ward_officer, other_ward_officer, tnmt, ref):
    mine = household_with_head(ref.an_phu, code="M-1", head_name="Võ Thị Lan")
    theirs = household_with_head(ref.tam_thang, code="T-1")
    assert list(selectors.household_list(actor=ward_officer)) == [mine]
    assert set(selectors.household_list(actor=tnmt)) == {mine, theirs}
    assert selectors.household_list(actor=ward_officer, filters={"q": "vo lan"}).get().head_name == "Võ Thị Lan"
    assert selectors.household_list(actor=ward_officer).get().member_count == 1
    with pytest.raises(Http404):
        selectors.household_detail(actor=ward_officer, pk=theirs.pk)
    with pytest.raises(Http404):
        selectors.household_for_change(actor=other_ward_officer, pk=mine.pk)
    services.household_soft_delete(actor=ward_officer, household=mine, reason="Trùng hộ")
    assert not selectors.household_list(actor=ward_officer).exists()
    with pytest.raises(Http404):
        selectors.household_detail(actor=tnmt, pk=mine.pk)


def test_search_words_fold():
    assert selectors.search_words("  Nguyễn   ĐỨC ") == ["nguyen", "duc"]
    assert selectors.search_words(None) == []
