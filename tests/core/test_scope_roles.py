"""Every role decision reads the scope (``tamky_poverty/scoping.py``): an unknown or unset role
sees and changes nothing through any page; the command line has a scope of its own; a reviewer
bound to a unit never approves or returns that unit's monthly report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

from households.models import Assessment, Household
from reports.models import MonthlyReport
from support.models import SupportAction
from tamky_poverty import scoping
from tamky_poverty.models import Role
from tests.core.test_matrix import EXPECT, clients, project_patterns, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SECRETS = ("MX-AP", "MX-TT", "Bò giống", "Dê giống", "Nguyễn Văn Thử")


def _fingerprint():
    """Every row of every project model, and the state that matters of the main ones."""
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()
              if m._meta.app_label in ("households", "support", "targets", "reports")}
    state = (
        sorted(Household.objects.values_list("pk", "version", "is_deleted", "current_class")),
        sorted(MonthlyReport.objects.values_list("pk", "status")),
        sorted(SupportAction.objects.values_list("pk", "status")),
        sorted(Assessment.objects.values_list("pk", "superseded_by_id")),
    )
    return counts, state


def _posts(w):
    """Writes a user could attempt, with data an authorised user would send."""
    review = {"kind": "regular", "year": "2025", "income_per_capita": "900.000", "decision_number": "QĐ-X",
              "decision_date": "2025-06-01", "effective_date": "2025-06-01", "ind_employment": "on",
              "ind_telecom": "on", "ind_water": "on"}
    return [
        (reverse("households:create"), {"unit": w.own_unit_id, "code": "NEW-1", "members-TOTAL_FORMS": "1",
                                        "members-INITIAL_FORMS": "0", "members-0-full_name": "Lê Văn Mới",
                                        "members-0-relation": "head", "members-0-sex": "male",
                                        "members-0-date_of_birth": "1980-01-01"}),
        (reverse("households:review", args=[w.own_household.pk]), review),
        (reverse("households:delete", args=[w.own_household.pk]), {"reason": "Thử xoá"}),
        (reverse("support:transition", args=[w.own_action.pk]), {"to_status": "cancelled", "note": "Huỷ"}),
        (reverse("reports:monthly_review", args=[w.own_report.pk]), {"decision": "approve"}),
        (reverse("reports:monthly_review", args=[w.other_report.pk]), {"decision": "return", "comment": "Sửa"}),
        (reverse("reports:monthly_prepare"), {"year": "2025", "month": "6", "difficulties": "x"}),
        (reverse("targets:target_edit", args=[2025]), {}),
    ]


@pytest.mark.parametrize("role", ["", "bogus"])
def test_an_unknown_or_unset_role_sees_and_changes_nothing(world, ref, make_user, role):  # noqa: F811
    # Even with a unit and an agency set, a role the scope does not know gives nothing.
    user = make_user(f"nobody{role}", role, unit=ref.an_phu, agency=ref.agencies["ttyt"])
    assert scoping.scope_for(user) == scoping.NO_ACCESS
    client = Client()
    client.force_login(user)
    before = _fingerprint()
    seen = []
    for _route, name in project_patterns():
        row = EXPECT[name]
        path = row.path(world, True)
        response = client.get(path)
        seen.append(name)
        assert response.status_code in (200, 302, 403, 404, 405), (name, response.status_code)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            body = response.content.decode()
            leaked = [s for s in SECRETS if s in body]
            assert not leaked, (name, leaked)
        if name != "logout":
            client.post(path, {})
    for path, data in _posts(world):
        response = client.post(path, data)
        assert response.status_code in (302, 400, 403, 404), (path, response.status_code)
    assert _fingerprint() == before
    assert len(seen) == len(EXPECT)
    # The dashboard counts nothing for them.
    page = client.get(reverse("dashboard"))
    assert page.context["counts"] == {"poor_now": 0, "near_poor_now": 0, "poor_start": 0, "near_poor_start": 0}


def test_the_command_line_has_a_scope_that_reads_all_and_writes_nothing():
    scope = scoping.scope_for(scoping.SYSTEM)
    assert scope.is_system and scope.sees_all and scope.sees_city_reports
    assert not (scope.can_write_register or scope.can_edit_plan or scope.can_review_reports or scope.prepares_reports)
    assert not scope.may_prepare_report(1) and not scope.may_review_report(1)


def test_a_unit_bound_administrator_cannot_approve_their_own_units_report(world, ref, make_user):  # noqa: F811
    admin = make_user("quantri.anphu", Role.ADMINISTRATOR, unit=ref.an_phu)
    client = Client()
    client.force_login(admin)
    own, other = world.own_report, world.other_report  # An Phú's and Tam Thăng's, both submitted

    page = client.get(reverse("reports:monthly_detail", args=[own.pk]))
    assert page.status_code == 200 and not page.context["can_review"]
    for decision in ("approve", "return"):
        response = client.post(reverse("reports:monthly_review", args=[own.pk]),
                               {"decision": decision, "comment": "Đồng ý"}, follow=True)
        assert "Không được duyệt hoặc trả lại báo cáo của chính đơn vị mình" in response.content.decode()
        own.refresh_from_db()
        assert own.status == MonthlyReport.Status.SUBMITTED

    # Another unit's report: reviewed as usual.
    assert client.get(reverse("reports:monthly_detail", args=[other.pk])).context["can_review"]
    client.post(reverse("reports:monthly_review", args=[other.pk]), {"decision": "approve"})
    other.refresh_from_db()
    assert other.status == MonthlyReport.Status.APPROVED and other.reviewed_by == admin


def test_a_tnmt_reviewer_without_a_unit_approves_every_unit(world, tnmt):  # noqa: F811
    client = Client()
    client.force_login(tnmt)
    client.post(reverse("reports:monthly_review", args=[world.own_report.pk]), {"decision": "approve"})
    world.own_report.refresh_from_db()
    assert world.own_report.status == MonthlyReport.Status.APPROVED
    assert world.own_report.reviewed_at.date() <= dt.date.today()


ROLE_READERS = {
    "tamky_poverty/scoping.py",  # the one rule
    "tamky_poverty/models.py",  # the Role choice and what a role needs (a unit, an agency)
    "citydata/demo.py",  # the demo accounts (data)
}


def test_no_module_but_scoping_reads_a_role():
    """Adding a role touches ``scoping.py`` and the ``Role`` choice only: no other module or
    template compares a user's role (or the superuser flag) — they read the ``Scope`` flags."""
    root = Path(settings.BASE_DIR)
    role = re.compile(r"\.role\b|\bRole\.[A-Z]|\.is_superuser\b|\"(ward_officer|agency_officer|tnmt_reviewer)\"")
    offenders = []
    for path in [*root.glob("*/**/*.py"), *root.glob("templates/**/*.html")]:
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] in {".venv", "tests", "bench", "var", "node_modules"} or "/migrations/" in rel:
            continue
        if rel in ROLE_READERS:
            continue
        offenders += [f"{rel}:{n}" for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                      if role.search(line)]
    assert offenders == []
