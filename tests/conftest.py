"""Shared fixtures: reference data, one user per role, and their logged-in clients."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from citydata.reference_data import load_reference
from tamky_poverty.models import Role

PASSWORD = "Mat-khau-thu-nghiem-2025"
DAY_IN_2025 = dt.date(2025, 3, 1)
# The day the shared demo city is built for (``seed_demo --today``): a fixed day of the 2026
# review, so that the demo's story (months reported, the review in progress) is the same every run.
DEMO_TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, created by pytest-django, gets the reference data once per session;
    each test's transaction starts from it and rolls back to it."""
    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture
def ref(db):
    """Reference data (units, standards, indicators, agencies, the 2025 plan) — loaded once per
    session by ``django_db_setup``, and again after a transactional test (the browser tests'
    ``live_server``) flushed the database; returns handy lookups. Units are those valid in early
    2025."""
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
def empty_database(db):
    """An empty database (no reference data, no users), for the tests of loading into one:
    flushed inside the test's transaction, so that its rollback brings everything back."""
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)


class SharedDemoCity:
    """The demo city (``seed_demo``, 10–15 s to build) once per session for the tests that
    only read it: built by the first of them in a transaction of its own, which each test's
    transaction nests in as a savepoint, and rolled back after the last of them. These tests run
    one after another (``pytest_collection_modifyitems``), so no other test sees the city."""

    def __init__(self):
        self._atomic = None
        self._blocker = None
        self.output = ""

    def open(self, blocker) -> str:
        if self._atomic is None:
            if connection.in_atomic_block:  # a test's transaction: the city would go with it
                raise RuntimeError("the shared demo city was rolled back already: keep its tests together")
            self._blocker = blocker
            with blocker.unblock():
                self._atomic = transaction.atomic()
                self._atomic.__enter__()
                out = io.StringIO()
                call_command("seed_demo", "--today", DEMO_TODAY.isoformat(), stdout=out)
                self.output = out.getvalue()
        return self.output

    def close(self) -> None:
        if self._atomic is not None:
            with self._blocker.unblock():
                transaction.set_rollback(True)
                self._atomic.__exit__(None, None, None)
            self._atomic = None


SHARED_DEMO_CITY = SharedDemoCity()


@pytest.fixture(scope="session")
def _shared_demo_city(django_db_setup, django_db_blocker):
    """Session-scoped so that it is built before any test's own transaction (pytest sets up the
    wider scopes first, even before autouse function fixtures such as the django_db mark's)."""
    SHARED_DEMO_CITY.open(django_db_blocker)
    yield SHARED_DEMO_CITY
    SHARED_DEMO_CITY.close()  # if the run stopped in the middle of these tests


@pytest.fixture
def demo_city(_shared_demo_city, django_db_blocker, db):
    """The demo city, shared by the tests that request it (changes made by a test are rolled back
    after it, as usual); returns what ``seed_demo`` printed."""
    return _shared_demo_city.open(django_db_blocker)


def _uses_demo_city(item) -> bool:
    return "demo_city" in getattr(item, "fixturenames", ())


def pytest_itemcollected(item):
    """Under pytest-xdist (``make test TEST_WORKERS=auto``: ``--dist loadgroup``) one worker runs all
    the tests of the shared demo city, so the city is built once, and one worker runs each
    browser-test module, so each module starts one browser."""
    if _uses_demo_city(item):
        item.add_marker(pytest.mark.xdist_group("demo_city"))
    elif item.nodeid.startswith("tests/browser/"):
        item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def pytest_collection_modifyitems(items):
    """The tests of the shared demo city run one after another, where the first of them stood
    (after pytest-django's ordering: database tests, transactional tests, the others)."""
    demo = [item for item in items if _uses_demo_city(item)]
    if demo:
        first = items.index(demo[0])
        others = [item for item in items if not _uses_demo_city(item)]
        items[:] = others[:first] + demo + others[first:]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last test of the shared demo city (its own transaction already rolled back),
    the city is rolled back too."""
    result = yield
    if _uses_demo_city(item) and (nextitem is None or not _uses_demo_city(nextitem)):
        SHARED_DEMO_CITY.close()
    return result


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
    return make_user("canbo.anphu", Role.WARD_OFFICER, unit=ref.an_phu, full_name="Cán bộ An Phú")


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
