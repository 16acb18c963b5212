"""Search ranks whole-phrase name matches first and shows what matched (issue 18 item 5):
"nguyen van" must not put a household whose address is Trần Cao Vân and whose member is
Nguyễn Kim Hằng before the real Nguyễn Văn …, and each row says which member or address
matched."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from households import selectors
from households.models import Household
from tests.factories import MemberFactory, household_with_head


@pytest.fixture
def homes(ref):
    """Codes sort in the opposite order of the expected ranking."""
    apart = household_with_head(ref.an_phu, code="AP-01", address="5 Trần Cao Vân", head_name="Nguyễn Kim Hằng")
    street = household_with_head(ref.an_phu, code="AP-02", address="12 Nguyễn Văn Trỗi", head_name="Lê Thị Mai")
    prefix = household_with_head(ref.an_phu, code="AP-03", address="1 Hùng Vương", head_name="Nguyễn Vàng Sơn")
    child = household_with_head(ref.an_phu, code="AP-04", address="2 Hùng Vương", head_name="Phạm Thị Lan")
    MemberFactory(household=child, full_name="Nguyễn Văn Tý", relation="child", citizen_id="049212345678")
    head = household_with_head(ref.an_phu, code="AP-05", address="3 Hùng Vương", head_name="Nguyễn Văn Hùng")
    unrelated = household_with_head(ref.an_phu, code="AP-06", address="4 Hùng Vương", head_name="Võ Thị Hoa")
    return dict(apart=apart, street=street, prefix=prefix, child=child, head=head, unrelated=unrelated)


def _codes(html: str) -> list[str]:
    return re.findall(r"<td>(AP-0\d)</td>", html)


def _match_of(html: str, code: str) -> str:
    row = html[:html.index(f"<td>{code}</td>")]
    row = row[row.rindex("<tr"):]
    found = re.search(r'data-testid="search-match">(.*?)</div>', row, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


@pytest.mark.parametrize("who", ["ward_client", "tnmt_client"])  # scan of one unit; the city's index
def test_whole_phrase_name_matches_rank_first(request, homes, who):
    client = request.getfixturevalue(who)
    html = client.get(reverse("households:list"), {"q": "nguyen van"}).content.decode()
    # names (by code), then the phrase in an address, then the words apart
    assert _codes(html) == ["AP-04", "AP-05", "AP-02", "AP-01", "AP-03"]
    assert _match_of(html, "AP-04") == "Khớp với: Thành viên Nguyễn Văn Tý"
    assert _match_of(html, "AP-05") == "Khớp với: Thành viên Nguyễn Văn Hùng"
    assert _match_of(html, "AP-02") == "Khớp với: Địa chỉ 12 Nguyễn Văn Trỗi"
    assert _match_of(html, "AP-01") == "Khớp với: Thành viên Nguyễn Kim Hằng; Địa chỉ 5 Trần Cao Vân"
    assert _match_of(html, "AP-03") == "Khớp với: Thành viên Nguyễn Vàng Sơn"
    cards = re.findall(r'data-testid="household-card">.*?data-testid="search-match">(.*?)</div>', html, re.S)
    assert [re.sub(r"<[^>]+>", "", c) for c in cards][:2] == [  # the phone's cards say it too
        "Khớp với: Thành viên Nguyễn Văn Tý", "Khớp với: Thành viên Nguyễn Văn Hùng"]


def test_ranking_ignores_diacritics_case_and_spaces(homes, ward_officer):
    rows = selectors.household_list(actor=ward_officer, filters={"q": "  NGUYỄN   văn "})
    assert [h.code for h in rows][:2] == ["AP-04", "AP-05"]


def test_separators_typed_in_the_search_are_not_words(homes, ward_officer):
    assert selectors.search_words("nguyen | van # ") == ["nguyen", "van"]
    assert selectors.household_list(actor=ward_officer, filters={"q": "# |"}).count() == len(homes)


def test_without_a_search_the_order_and_rows_are_unchanged(homes, ward_client):
    html = ward_client.get(reverse("households:list")).content.decode()
    assert _codes(html) == ["AP-01", "AP-02", "AP-03", "AP-04", "AP-05", "AP-06"]
    assert 'data-testid="search-match"' not in html


def test_code_and_village_matches_are_named(homes, ward_client):
    html = ward_client.get(reverse("households:list"), {"q": "ap-06"}).content.decode()
    assert _codes(html) == ["AP-06"] and _match_of(html, "AP-06") == "Khớp với: Mã hộ AP-06"
    html = ward_client.get(reverse("households:list"), {"q": "khoi pho 1 hoa"}).content.decode()
    assert _match_of(html, "AP-06") == "Khớp với: Thôn, khối phố Khối phố 1; Thành viên Võ Thị Hoa"


def test_citizen_id_search_names_the_member_for_those_allowed(homes, tnmt_client, agency_client):
    html = tnmt_client.get(reverse("households:list"), {"q": "049212345678"}).content.decode()
    assert _codes(html) == ["AP-04"]
    assert _match_of(html, "AP-04") == "Khớp với: Số định danh của Nguyễn Văn Tý"
    assert _codes(agency_client.get(reverse("households:list"), {"q": "049212345678"}).content.decode()) == []


@pytest.mark.parametrize("per_page", [10, 100])
def test_search_query_count_is_fixed(ward_client, ref, django_assert_max_num_queries, per_page):
    for i in range(120):
        household_with_head(ref.an_phu, code=f"Q-{i:03d}", head_name=f"Nguyễn Văn Số {i}")
    with django_assert_max_num_queries(13):  # session, user, scope, choices, count, ids, rows, names
        response = ward_client.get(reverse("households:list"), {"per_page": per_page, "q": "nguyen van"})
    assert len(response.context["rows"]) == per_page
    assert all(h.search_matches for h, _masked in response.context["rows"])


def test_migration_rebuilds_the_search_text_names_first(homes):
    Household.objects.filter(pk=homes["child"].pk).update(search_text="ap-04 old layout")
    migration = importlib.import_module("households.migrations.0011_search_text_names_first")
    migration.rebuild(django_apps, None)
    homes["child"].refresh_from_db()
    assert homes["child"].search_text == " pham thi lan | nguyen van ty # ap-04 | khoi pho 1 | 2 hung vuong "
