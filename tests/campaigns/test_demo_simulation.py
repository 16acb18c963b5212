"""On the demo city (``seed_demo``): ``simulate_standard`` for NĐ 351/2025 on 01/01/2027 gives,
per ward valid that day, certain / possible / not counts that add up to the ward's register, and
the HTML page shows the same numbers. The city is seeded once for the module (inside a
transaction rolled back at the end)."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from campaigns import territory
from households.models import Household
from tests.campaigns.conftest import LIST_2027
from tests.campaigns.test_impact import page_numbers
from tests.conftest import DEMO_TODAY


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        call_command("seed_demo", "--today", DEMO_TODAY.isoformat(), stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(seeded, db):
    return None


LINE = re.compile(r"^(?P<unit>.+?): (?P<n>\d+) hộ; nghèo chắc chắn (?P<pc>\d+), có thể (?P<pp>\d+), không (?P<pn>\d+); "
                  r"cận nghèo chắc chắn (?P<nc>\d+), có thể (?P<np>\d+), không (?P<nn>\d+)", re.M)


def test_simulate_standard_on_the_demo_adds_up_and_matches_the_page(demo, tmp_path):
    out = io.StringIO()
    call_command("simulate_standard", "--standard", "ND351-2025", "--date", "2027-01-01", "--format", "html",
                 "-o", str(tmp_path / "mo-phong.html"), stdout=out)
    lines = {m["unit"]: m for m in LINE.finditer(out.getvalue())}
    units = territory.units_on(LIST_2027)
    register = Counter(str(units[u]) for u in Household.objects.filter(is_deleted=False).values_list("unit_id",
                                                                                                      flat=True))
    assert set(lines) == {"Phường Tam Kỳ", "Phường Bàn Thạch", "Phường Quảng Phú", "Phường Hương Trà", "Tổng cộng"}
    for name, m in lines.items():
        n = int(m["n"])
        assert n == (sum(register.values()) if name == "Tổng cộng" else register[name])
        assert int(m["pc"]) + int(m["pp"]) + int(m["pn"]) == n
        assert int(m["nc"]) + int(m["np"]) + int(m["nn"]) == n
    assert int(lines["Tổng cộng"]["n"]) == 341
    # the page, for the demo's TNMT reviewer, shows the same figures
    client = Client()
    client.force_login(get_user_model().objects.get(username="tnmt"))
    page = client.get(reverse("campaigns:simulation") + "?standard=ND351-2025&date=2027-01-01")
    rows = {r[0]: r for r in page_numbers(page.content.decode())}
    for name, m in lines.items():
        row = rows[name]
        # columns: register, then per list: before, certain, possible, not, …
        assert [row[1], row[3], row[4], row[5]] == [m["n"], m["pc"], m["pp"], m["pn"]]
        assert [row[12], row[13], row[14]] == [m["nc"], m["np"], m["nn"]]
    html = (tmp_path / "mo-phong.html").read_text(encoding="utf-8")
    assert "DỰ BÁO TÁC ĐỘNG" in html and "DANH SÁCH HỘ CẦN KHẢO SÁT" in html
