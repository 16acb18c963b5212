"""One full-name field for users, shown as written (issue 18 item 5): Vietnamese names are
family name first, so Django's first + last pair showed "Thị Hồng Nguyễn"."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from households import services
from tamky_poverty.models import Role, User
from tests.factories import HouseholdFactory, MemberFactory


@pytest.fixture
def hong(ref, make_user):
    return make_user("canbo.hong", Role.WARD_OFFICER, unit=ref.an_phu, full_name="Nguyễn Thị Hồng")


def test_header_and_history_show_the_name_as_written(client, hong, ref):
    household = HouseholdFactory(unit=ref.an_phu, code="AP-0900")
    MemberFactory(household=household, full_name="Lê Văn Tư")
    services.household_update(actor=hong, household=household, expected_version=household.version,
                              address="12 Phan Bội Châu")
    client.force_login(hong)
    html = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert 'data-testid="current-user">Nguyễn Thị Hồng · An Phú' in html
    history = html[html.index("Lịch sử thay đổi"):]
    assert "Nguyễn Thị Hồng" in history and "Thị Hồng Nguyễn" not in html


def test_user_str_and_short_name(hong, make_user):
    assert str(hong) == "Nguyễn Thị Hồng" and hong.get_short_name() == "Hồng"
    nameless = make_user("khongten", Role.TNMT_REVIEWER)
    assert str(nameless) == "khongten" and nameless.get_full_name() == "" and nameless.get_short_name() == ""


def test_clean_tidies_spaces(ref):
    user = User(username="u1", role=Role.TNMT_REVIEWER, full_name="  Trần   Văn  Minh ")
    user.set_password("Mat-khau-rat-dai-2025")
    user.full_clean()
    assert user.full_name == "Trần Văn Minh"


def test_admin_lists_searches_and_edits_the_full_name(admin_client, hong):
    changelist = admin_client.get(reverse("admin:tamky_poverty_user_changelist"), {"q": "thị hồng"})
    html = changelist.content.decode()
    assert "Nguyễn Thị Hồng" in html and "canbo.hong" in html
    change = admin_client.get(reverse("admin:tamky_poverty_user_change", args=[hong.pk])).content.decode()
    assert 'name="full_name"' in change and 'name="first_name"' not in change and 'name="last_name"' not in change
    add = admin_client.get(reverse("admin:tamky_poverty_user_add")).content.decode()
    assert 'name="full_name"' in add


def test_demo_accounts_have_vietnamese_full_names(ref):
    from citydata.demo import ensure_accounts

    users = ensure_accounts()
    assert users["canbo.anphu"].full_name == "Nguyễn Thị Hồng"
    assert users["tnmt"].full_name == "Lê Thị Thu"
    assert users["quantri"].full_name == "Phạm Quang"


@pytest.mark.django_db(transaction=True)
def test_migration_joins_first_and_last_names_family_name_first():
    executor = MigrationExecutor(connection)
    before, after = [("tamky_poverty", "0006_access_record_search_citizen_id")], [("tamky_poverty", "0007_user_full_name")]
    try:
        executor.migrate(before)
        OldUser = executor.loader.project_state(before).apps.get_model("tamky_poverty", "User")
        OldUser.objects.create(username="a", first_name="Thị Hồng", last_name="Nguyễn", password="!")
        OldUser.objects.create(username="b", first_name="Quang", last_name="", password="!")
        OldUser.objects.create(username="c", first_name="", last_name="", password="!")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        names = dict(User.objects.values_list("username", "full_name"))
        assert names == {"a": "Nguyễn Thị Hồng", "b": "Quang", "c": ""}
    finally:
        call_command("migrate", verbosity=0)
