"""SQLite's trigram index for the diacritics-insensitive search (households/search_index.py),
and the planner statistics refreshed after a large import or a migration (tamky_poverty/db.py).
The search itself is tested through the list view in test_views.py, on both databases."""

import pytest
from django.db import connection
from django.urls import reverse

from households import search_index
from households.models import Household, Member
from households.services import household_refresh_search_text
from tests.factories import household_with_head

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the trigram FTS5 index is SQLite's")


def _indexed(word):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {search_index.TABLE} WHERE search_text LIKE %s", [f"%{word}%"])
        return sorted(pk for (pk,) in cursor.fetchall())


def _scanned(word):
    return sorted(Household.objects.filter(search_text__contains=word).values_list("pk", flat=True))


@sqlite_only
def test_the_index_follows_every_change_of_the_register(ref):
    a = household_with_head(ref.an_phu, code="FTS-1", head_name="Nguyễn Văn Hùng")
    b = household_with_head(ref.an_phu, code="FTS-2", head_name="Trần Thị Hương")
    assert _indexed("hung") == _scanned("hung") == [a.pk]

    head = Member.objects.get(household=a)
    head.full_name = "Lê Văn Hưng"  # an update of the search text
    head.save()
    household_refresh_search_text(household=a)
    assert _indexed("nguyen") == _scanned("nguyen") == []
    assert _indexed("le van") == _scanned("le van") == [a.pk]

    Household.objects.filter(pk=b.pk).delete()  # a hard delete (restore, test flush)
    assert _indexed("huong") == _scanned("huong") == []
    assert _indexed("fts-") == _scanned("fts-") == [a.pk]


@sqlite_only
def test_ensure_rebuilds_the_index_when_a_table_rebuild_dropped_its_triggers(ref):
    a = household_with_head(ref.an_phu, code="FTS-3", head_name="Phạm Minh Tuấn")
    assert search_index.ensure() is False  # everything in place: nothing to do
    with connection.cursor() as cursor:
        # What a migration that alters the household table does on SQLite: the table is copied,
        # dropped and renamed, and its triggers are gone.
        cursor.execute(f"DROP TRIGGER {search_index.TABLE}_ai")
        cursor.execute(f"DROP TRIGGER {search_index.TABLE}_au")
    b = household_with_head(ref.an_phu, code="FTS-4", head_name="Phạm Minh Tâm")
    assert _indexed("pham minh") == [a.pk]  # stale: b is missing
    assert search_index.ensure() is True
    assert _indexed("pham minh") == _scanned("pham minh") == [a.pk, b.pk]


def test_search_through_the_list_gives_the_same_rows_with_and_without_the_index(ward_client, tnmt_client, ref):
    """TNMT searches the whole city (through the index on SQLite, pg_trgm on PostgreSQL); a ward
    officer searches one unit (a plain scan); "ng" is too short for a trigram index either way.
    The rows are the same."""
    hit = household_with_head(ref.an_phu, code="FTS-5", head_name="Nguyễn Thị Ngọc Ánh")
    household_with_head(ref.an_phu, code="FTS-6", head_name="Nguyễn Văn Bình")
    for client in (tnmt_client, ward_client):
        for q in ("ngoc anh", "NGỌC ÁNH ng", "thi ngoc", "fts-5"):
            rows = client.get(reverse("households:list"), {"q": q}).context["page"].object_list
            assert [h.pk for h in rows] == [hit.pk], q
        # Quotes and query syntax are searched for as text, never run as an index query.
        for q in ('ngoc" OR "binh', "binh*", "NEAR(nguyen binh)"):
            response = client.get(reverse("households:list"), {"q": q})
            assert response.status_code == 200 and list(response.context["page"].object_list) == [], q


@sqlite_only
def test_migrate_and_large_imports_leave_planner_statistics(ref):
    from tamky_poverty import db

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
        household_with_head(ref.an_phu, code="FTS-7")
        db.refresh_statistics()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        assert {"households_household", "households_member"} <= {t for (t,) in cursor.fetchall()}
