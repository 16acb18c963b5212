"""Deep pages stay within budget at any depth (issue 17): no list page lies deeper than
LIST_MAX_ROWS rows; past that the list says how to narrow it, and the count stays true."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.models import ActionStatus, SupportAction
from tamky_poverty.pagination import CappedPaginator
from tests.factories import household_with_head


def test_capped_paginator_serves_at_most_max_rows():
    paginator = CappedPaginator(list(range(95)), 10, max_rows=30)
    assert (paginator.count, paginator.num_pages, paginator.capped) == (95, 3, True)
    page = paginator.get_page(9)  # deeper than the cap: the last page served
    assert page.number == 3 and list(page.object_list) == list(range(20, 30)) and not page.has_next()
    uncapped = CappedPaginator(list(range(25)), 10, max_rows=30)
    assert (uncapped.num_pages, uncapped.capped) == (3, False)


@pytest.fixture
def five_homes(ref):
    return [household_with_head(ref.an_phu, code=f"CAP-{i:02d}") for i in range(5)]


def test_household_list_past_the_cap_shows_the_last_page_and_a_hint(ref, tnmt_client, settings,
                                                                     django_assert_max_num_queries):
    for i in range(60):
        household_with_head(ref.an_phu, code=f"CAP-{i:02d}")
    url = reverse("households:list")
    settings.LIST_MAX_ROWS = 50  # two pages of 25
    # the first visit counts the city-wide list and keeps the count in the figures cache (ten
    # more queries with the database cache: generation, lookup, the marker taken and released,
    # the write)
    with django_assert_max_num_queries(23):
        html = tnmt_client.get(url, {"page": 1}).content.decode()
    assert "list-capped" not in html and "Trang 1/2" in html
    with django_assert_max_num_queries(14) as hit:  # then it reads the count from the cache
        html = tnmt_client.get(url, {"page": 500}).content.decode()
    assert not any(q["sql"].startswith("SELECT COUNT(*)") for q in hit.captured_queries)
    assert "Trang 2/2" in html and 'data-testid="list-capped"' in html
    assert "CAP-49" in html and "CAP-50" not in html
    assert "60 hộ" in html  # the count stays true


def test_support_action_list_is_capped_too(five_homes, ref, tnmt_client, settings, monkeypatch):
    monkeypatch.setattr("support.views.PAGE_SIZE", 2)
    settings.LIST_MAX_ROWS = 4
    for h in five_homes:
        SupportAction.objects.create(household=h, kind_id="livelihood", household_class="poor",
                                     description="Bò giống", lead_agency=ref.agencies["ttyt"], plan_year=2025,
                                     status=ActionStatus.PLANNED)
    html = tnmt_client.get(reverse("support:list"), {"page": 40}).content.decode()
    assert 'data-testid="list-capped"' in html and "2 / 2" in html


def test_a_cached_city_wide_count_shows_a_write_at_once(ref, tnmt, tnmt_client):
    """The city-wide list's count comes from the figures cache; a new household, a deleted one
    and a changed class show on the next visit."""
    for i in range(3):
        household_with_head(ref.an_phu, code=f"CNT-{i}")
    url = reverse("households:list")
    assert "3 hộ" in tnmt_client.get(url).content.decode()
    assert "3 hộ" in tnmt_client.get(url).content.decode()  # from the cache
    new = household_with_head(ref.an_phu, code="CNT-9")
    assert "4 hộ" in tnmt_client.get(url).content.decode()
    new.is_deleted, new.deleted_reason = True, "Nhập trùng"
    new.save()
    assert "3 hộ" in tnmt_client.get(url).content.decode()
