"""The import's two copies of library internals are held to the library (issue 19 item 2).

The import of 10,000 households stays within its budget only with them (docs/development.md "Performance"):
``households.io.fastinsert.history_create`` writes django-simple-history's rows without building
model instances (the library's ``bulk_history_create`` took half the import's time), and the
importer's ``_full_clean`` is ``Model.full_clean`` with each field's ``clean`` remembered per
value. An upgrade of either library must not change what they write or refuse silently: these
tests compare them with the library, row for row and message for message, on SQLite and on
PostgreSQL (where the fast path is COPY). The libraries are pinned exactly in the lock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from households.io.fastinsert import history_create
from households.io.importer import ImportReport, _Analysis
from households.models import Household, Member
from tests.factories import HouseholdFactory
from tests.households.io_helpers import TODAY

WHEN = timezone.make_aware(dt.datetime(2026, 3, 4, 5, 6, 7, 891011))
HOSTILE = "Nguyễn Văn\tA\\B\nC\r“D” — 𝔘"


def _members(ref):
    household = HouseholdFactory(unit=ref.an_phu, code="LIB-1", floor_area_m2=Decimal("35.5"), address=HOSTILE)
    rows = [
        Member(household=household, full_name="Nguyễn Văn An", sex="male", date_of_birth=dt.date(1958, 4, 2),
               citizen_id="049058001234", relation="head", has_health_insurance=False, schooling="na",
               highest_diploma="primary", employment="unstable", social_allowance=True),
        Member(household=household, full_name=HOSTILE, sex="female", date_of_birth=dt.date(2014, 9, 15),
               citizen_id=None, relation="child", schooling="attending", nutrition="stunted"),
    ]
    for m in rows:
        m.save()
    rows[1]._history_user = None  # a per-object choice the library honours
    rows[1]._change_reason = "lý do riêng"
    return household, rows


def _rows(model, ids):
    history = model.history.model
    names = [f.attname for f in history._meta.concrete_fields if f.attname != "history_id"]
    return sorted(history.objects.filter(id__in=ids).values_list(*names))


@pytest.mark.parametrize("update", [False, True])
def test_fast_history_rows_equal_the_librarys(ref, admin_user, update):
    household, members = _members(ref)
    ids = [m.pk for m in members]
    Member.history.model.objects.filter(id__in=ids).delete()

    Member.history.bulk_history_create(members, update=update, default_user=admin_user,
                                       default_change_reason="Nhập từ tệp Excel", default_date=WHEN)
    library = _rows(Member, ids)
    Member.history.model.objects.filter(id__in=ids).delete()

    assert history_create(members, Member, update=update, default_user=admin_user,
                          default_change_reason="Nhập từ tệp Excel", default_date=WHEN) == 2
    assert _rows(Member, ids) == library
    assert len(library) == 2 and {r[-2] for r in library} == {"~" if update else "+"}

    # A household: decimals, foreign keys, text with tab, backslash and line breaks.
    Household.history.model.objects.filter(id=household.pk).delete()
    Household.history.bulk_history_create([household], update=update, default_user=admin_user, default_date=WHEN)
    library = _rows(Household, [household.pk])
    Household.history.model.objects.filter(id=household.pk).delete()
    history_create([household], Household, update=update, default_user=admin_user, default_date=WHEN)
    assert _rows(Household, [household.pk]) == library


def _clean_both(analysis, make, exclude):
    """(importer's errors, library's errors, importer's cleaned values, library's) for one
    object built twice by ``make``."""
    ours, theirs = make(), make()
    mine = lib = None
    try:
        analysis._full_clean(ours, set(exclude))
    except Exception as exc:  # noqa: BLE001 - the message dicts are compared below
        mine = exc.message_dict
    try:
        theirs.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except Exception as exc:  # noqa: BLE001
        lib = exc.message_dict
    values = lambda o: {f.attname: getattr(o, f.attname) for f in o._meta.concrete_fields}  # noqa: E731
    return mine, lib, values(ours), values(theirs)


@pytest.mark.parametrize("fields", [
    {},  # valid
    {"citizen_id": "12345"},
    {"sex": "khác", "relation": "?"},
    {"full_name": ""},
    {"full_name": "A" * 300},
    {"date_of_birth": None},
    {"full_name": "Nguyễn\u202eVăn"},  # a bidirectional override: refused by the clean-text validator
    {"ethnicity": " Kinh "},
])
def test_the_importers_validation_equals_full_clean(ref, fields):
    household = HouseholdFactory(unit=ref.an_phu, code="LIB-2")
    base = {"household": household, "full_name": "Trần Thị Cúc", "sex": "female", "date_of_birth": dt.date(1970, 1, 5),
            "citizen_id": "049170005678", "relation": "head"}
    analysis = _Analysis(None, actor=None, scope=None, unit=None, report=ImportReport(), today=TODAY)
    for _twice in range(2):  # the second time from the importer's memo
        mine, lib, ours, theirs = _clean_both(analysis, lambda: Member(**{**base, **fields}), exclude=["household"])
        assert mine == lib
        assert ours == theirs


def test_household_validation_equals_full_clean(ref):
    analysis = _Analysis(None, actor=None, scope=None, unit=None, report=ImportReport(), today=TODAY)
    for fields in ({}, {"floor_area_m2": Decimal("-1")}, {"floor_area_m2": Decimal("123456789")}, {"group": "x"},
                   {"code": "\u200b"}):
        mine, lib, ours, theirs = _clean_both(
            analysis, lambda f=fields: Household(unit=ref.an_phu, **{"code": "LIB-3", **f}),
            exclude=["unit", "current_standard", "current_assessment", "search_text"])
        assert mine == lib, fields
        assert ours == theirs
