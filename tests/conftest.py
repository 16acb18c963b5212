"""Shared fixtures: reference data, one user per role, and their logged-in clients."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from citydata.reference_data import load_reference
from tamky_poverty.models import Role

PASSWORD = "Mat-khau-thu-nghiem-2025"
DAY_IN_2025 = dt.date(2025, 3, 1)


@pytest.fixture
def ref(db):
    """Reference data (units, standards, indicators, agencies, the 2025 plan), loaded once per
    database state; returns handy lookups. Units are those valid in early 2025."""
    from households.models import Indicator, PovertyStandard
    from tamky_poverty.models import AdministrativeUnit, Agency
    from targets.models import Plan

    if not PovertyStandard.objects.exists():
        load_reference()
    units = {u.name: u for u in AdministrativeUnit.objects.filter(valid_to__isnull=False)}
    units.update({u.name: u for u in AdministrativeUnit.objects.filter(valid_from__isnull=False)})
    nd07 = PovertyStandard.objects.get(code="ND07-2021")
    return SimpleNamespace(
        units=units,
        an_phu=units["An Phú"],
        tam_thang=units["Tam Thăng"],
        nd07=nd07,
        nd351=PovertyStandard.objects.get(code="ND351-2025"),
        indicators={i.code: i for i in Indicator.objects.filter(standard=nd07)},
        agencies={a.code: a for a in Agency.objects.all()},
        plan=Plan.objects.get(year=2025),
    )


@pytest.fixture
def make_user(db, django_user_model):
    def make(username: str, role: str, **extra):
        user = django_user_model(username=username, role=role, **extra)
        user.set_password(PASSWORD)
        user.is_staff = role == Role.ADMINISTRATOR
        user.save()
        return user

    return make


@pytest.fixture
def ward_officer(ref, make_user):
    return make_user("canbo.anphu", Role.WARD_OFFICER, unit=ref.an_phu, first_name="Cán bộ An Phú")


@pytest.fixture
def other_ward_officer(ref, make_user):
    return make_user("canbo.tamthang", Role.WARD_OFFICER, unit=ref.tam_thang)


@pytest.fixture
def agency_officer(ref, make_user):
    return make_user("canbo.ttyt", Role.AGENCY_OFFICER, agency=ref.agencies["ttyt"])


@pytest.fixture
def tnmt(ref, make_user):
    return make_user("tnmt", Role.TNMT_REVIEWER)


@pytest.fixture
def admin_user(ref, make_user):
    return make_user("quantri", Role.ADMINISTRATOR, is_superuser=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ward_client(ward_officer):
    return _client_for(ward_officer)


@pytest.fixture
def other_ward_client(other_ward_officer):
    return _client_for(other_ward_officer)


@pytest.fixture
def agency_client(agency_officer):
    return _client_for(agency_officer)


@pytest.fixture
def tnmt_client(tnmt):
    return _client_for(tnmt)


@pytest.fixture
def admin_client_(admin_user):
    return _client_for(admin_user)
