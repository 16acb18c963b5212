"""Authorization matrix (issue 7): every URL pattern of the project, found through the resolver,
for anonymous users and each role, with the expected answer. Object pages are also opened with
an object of ANOTHER unit/agency, which must answer 404 (and change nothing).

A URL pattern without an entry in ``EXPECT`` fails ``test_every_url_pattern_has_an_expectation``:
whoever adds a page adds its row here.

Cells: ``LOGIN`` = redirect to the login page; ``ADMIN_LOGIN`` = redirect to the admin login;
``REDIRECT`` = a redirect elsewhere (e.g. back to a form with a message); a number = that status.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from households.models import Assessment, Household
from households.services import assessment_record
from reports.models import MonthlyReport
from support.models import SupportAction
from tamky_poverty.models import AdministrativeUnit, AreaRule
from tests.campaigns.matrix_objects import objects as review_objects
from tests.factories import MonthlyReportFactory, SupportActionFactory, household_with_head

LOGIN = "login"
ADMIN_LOGIN = "admin-login"
REDIRECT = "redirect"
ROLES = ("anon", "ward", "agency", "tnmt", "admin")


def all_patterns(resolver=None, prefix="", namespace=""):
    """(route, full URL name, pattern) for every pattern of the project."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from all_patterns(p, prefix + str(p.pattern), full_ns)
        elif isinstance(p, URLPattern):
            name = p.name or f"<unnamed {prefix}{p.pattern}>"
            yield prefix + str(p.pattern), (f"{namespace}:{name}" if namespace else name), p


@dataclass
class World:
    own_household: Household
    other_household: Household
    own_action: SupportAction
    other_action: SupportAction
    own_report: MonthlyReport
    other_report: MonthlyReport
    other_unit_id: int
    own_unit_id: int
    year: int = 2025
    own_job: object = None  # a finished job of the ward officer
    other_job: object = None  # a finished job of the other ward's officer


@dataclass
class Row:
    """Expected answers to GET for anon/ward/agency/tnmt/admin. ``path(world, own)`` builds the URL;
    object rows (``obj=True``) are also requested with ``own=False`` (another unit's/agency's
    object) by the ward and agency officers, who must get 404. ``post_only`` rows are checked with
    POST for the foreign object."""

    path: Callable[[World, bool], str]
    expect: tuple
    obj: bool = False
    post_only: bool = False
    foreign_roles: tuple = ("ward", "agency")

    def __post_init__(self):
        assert len(self.expect) == len(ROLES)


def r(name, *args):
    return reverse(name, args=args)


def hh(name):
    return lambda w, own: r(name, (w.own_household if own else w.other_household).pk)


def correct(w, own):
    h = w.own_household if own else w.other_household
    return r("households:review_correct", h.pk, h.assessments.first().pk)


def act(name):
    return lambda w, own: r(name, (w.own_action if own else w.other_action).pk)


def rep(name):
    return lambda w, own: r(name, (w.own_report if own else w.other_report).pk)


def job(name):
    return lambda w, own: r(name, (w.own_job if own else w.other_job).pk)


def fixed(url: str):
    return lambda w, own: url


def named(name, *args, query=""):
    return lambda w, own: r(name, *args) + query


def review(name, attr="campaign", *extra, query=""):
    """A page of the reviews about the own/other unit's object (tests/campaigns/matrix_objects.py)."""
    def path(w, own):
        objs = review_objects(w, own)
        args = [getattr(objs, attr).pk, *extra] if attr != "entry" else [objs.campaign.pk, objs.entry.pk]
        return r(name, *args) + query
    return path


#                       anon   ward   agency tnmt   admin
EXPECT: dict[str, Row] = {
    # --- accounts, language
    "dashboard": Row(named("dashboard"), (LOGIN, 200, 200, 200, 200)),
    "login": Row(named("login"), (200, REDIRECT, REDIRECT, REDIRECT, REDIRECT)),
    "logout": Row(named("logout"), (LOGIN, 405, 405, 405, 405)),  # POST only (CSRF-protected form)
    "password_change": Row(named("password_change"), (LOGIN, 200, 200, 200, 200)),
    "set_language": Row(named("set_language"), (LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT)),
    # --- households (agency: only those it supports, read only)
    "households:list": Row(named("households:list"), (LOGIN, 200, 200, 200, 200)),
    "households:create": Row(named("households:create"), (LOGIN, 200, 404, 200, 200)),
    "households:detail": Row(hh("households:detail"), (LOGIN, 200, 200, 200, 200), obj=True),
    "households:edit": Row(hh("households:edit"), (LOGIN, 200, 404, 200, 200), obj=True),
    "households:review": Row(hh("households:review"), (LOGIN, 200, 404, 200, 200), obj=True),
    "households:review_correct": Row(correct, (LOGIN, 200, 404, 200, 200), obj=True),
    "households:review_preview": Row(hh("households:review_preview"), (LOGIN, 405, 405, 405, 405),
                                     obj=True, post_only=True),
    "households:delete": Row(hh("households:delete"), (LOGIN, 200, 404, 200, 200), obj=True),
    # --- household list import/export
    "household_io:template": Row(named("household_io:template"), (LOGIN, 200, 200, 200, 200)),
    "household_io:import": Row(named("household_io:import"), (LOGIN, 200, 403, 200, 200)),
    "household_io:import_confirm": Row(named("household_io:import_confirm"), (LOGIN, 405, 405, 405, 405)),
    "household_io:export": Row(named("household_io:export"), (LOGIN, 200, 200, 200, 200)),
    "household_io:export_full": Row(named("household_io:export_full"), (LOGIN, 200, 404, 200, 200)),
    # --- plan and targets (read for all; TNMT and admin edit)
    "targets:plan": Row(named("targets:plan"), (LOGIN, 200, 200, 200, 200)),
    "targets:progress": Row(named("targets:progress"), (LOGIN, 200, 200, 200, 200)),
    "targets:plan_edit": Row(named("targets:plan_edit", 2025), (LOGIN, 403, 403, 200, 200)),
    "targets:target_edit": Row(named("targets:target_edit", 2025), (LOGIN, 403, 403, 200, 200)),
    "targets:quota_edit": Row(named("targets:quota_edit", 2025), (LOGIN, 403, 403, 200, 200)),
    "targets:plan_copy": Row(named("targets:plan_copy", 2026), (LOGIN, 405, 405, 405, 405)),  # POST, TNMT
    # --- support actions
    "support:list": Row(named("support:list"), (LOGIN, 200, 200, 200, 200)),
    "support:create": Row(named("support:create"), (LOGIN, 200, 403, 200, 200)),
    "support:agencies": Row(named("support:agencies"), (LOGIN, 200, 200, 200, 200)),
    "support:detail": Row(act("support:detail"), (LOGIN, 200, 200, 200, 200), obj=True),
    "support:edit": Row(act("support:edit"), (LOGIN, 200, 200, 200, 200), obj=True),
    "support:transition": Row(act("support:transition"), (LOGIN, 405, 405, 405, 405), obj=True, post_only=True),
    # --- reports
    "reports:catalogue": Row(named("reports:catalogue"), (LOGIN, 200, 200, 200, 200)),
    "reports:report": Row(named("reports:report", "PL01", query="?year=2025"), (LOGIN, 200, 200, 200, 200)),
    "reports:bundle_xlsx": Row(named("reports:bundle_xlsx", query="?year=2025&codes=PL01"),
                               (LOGIN, 405, 405, 405, 405)),  # POST: it starts a background job
    "reports:drilldown": Row(
        lambda w, own: r("reports:drilldown", "PL08") + f"?year=2025&unit={w.own_unit_id if own else w.other_unit_id}"
        + "&indicator=employment",
        (LOGIN, 200, 200, 200, 200), obj=True, foreign_roles=("ward",)),
    "reports:monthly_list": Row(named("reports:monthly_list"), (LOGIN, 200, 200, 200, 200)),
    "reports:monthly_prepare": Row(named("reports:monthly_prepare", query="?year=2025&month=6"),
                                   (LOGIN, 200, 404, 404, 404)),
    "reports:monthly_deadlines": Row(named("reports:monthly_deadlines", query="?year=2025"),
                                     (LOGIN, 200, 200, 200, 200)),
    "reports:monthly_detail": Row(rep("reports:monthly_detail"), (LOGIN, 200, 200, 200, 200), obj=True,
                                  foreign_roles=("ward",)),
    "reports:monthly_submit": Row(rep("reports:monthly_submit"), (LOGIN, 405, 405, 405, 405), obj=True,
                                  post_only=True, foreign_roles=("ward",)),
    "reports:monthly_review": Row(rep("reports:monthly_review"), (LOGIN, 405, 405, 405, 405), obj=True,
                                  post_only=True, foreign_roles=("ward",)),
    # --- territory (reference data: everyone reads; TNMT and admin edit)
    "territory:units": Row(named("territory:units"), (LOGIN, 200, 200, 200, 200)),
    "territory:year_figures": Row(named("territory:year_figures", 2026), (LOGIN, 403, 403, 200, 200)),
    "territory:area_rule_create": Row(named("territory:area_rule_create"), (LOGIN, 403, 403, 200, 200)),
    "territory:area_rule_edit": Row(lambda w, own: r("territory:area_rule_edit", _area_rule().pk),
                                    (LOGIN, 403, 403, 200, 200)),
    # --- reviews (campaigns): ward officers their unit, TNMT and admin all, agency officers nothing
    "campaigns:index": Row(named("campaigns:index"), (LOGIN, 200, 404, 200, 200)),
    "campaigns:open": Row(named("campaigns:open"), (LOGIN, 405, 405, 405, 405)),
    "campaigns:simulation": Row(named("campaigns:simulation"), (LOGIN, 200, 404, 200, 200)),
    "campaigns:simulation_households": Row(named("campaigns:simulation_households"), (LOGIN, 200, 404, 200, 200)),
    "campaigns:applications": Row(named("campaigns:applications"), (LOGIN, 200, 404, 200, 200)),
    "campaigns:application_create": Row(named("campaigns:application_create"), (LOGIN, 200, 404, 200, 200)),
    "campaigns:application_decide": Row(review("campaigns:application_decide", "application"),
                                        (LOGIN, 200, 404, 200, 200), obj=True),
    "campaigns:application_withdraw": Row(review("campaigns:application_withdraw", "application"),
                                          (LOGIN, 405, 405, 405, 405), obj=True, post_only=True),
    "campaigns:minutes": Row(review("campaigns:minutes", "meeting"), (LOGIN, 200, 404, 200, 200), obj=True),
    "campaigns:complaint_resolve": Row(review("campaigns:complaint_resolve", "complaint"),
                                       (LOGIN, 405, 405, 405, 405), obj=True, post_only=True),
    "campaigns:detail": Row(review("campaigns:detail"), (LOGIN, 200, 404, 200, 200), obj=True),
    "campaigns:schedule": Row(review("campaigns:schedule"), (LOGIN, 403, 404, 200, 200), obj=True),
    "campaigns:collect": Row(review("campaigns:collect"), (LOGIN, 405, 405, 405, 405), obj=True, post_only=True),
    "campaigns:flag": Row(review("campaigns:flag"), (LOGIN, 405, 405, 405, 405), obj=True, post_only=True),
    "campaigns:survey": Row(review("campaigns:survey", "entry"), (LOGIN, 200, 404, 200, 200), obj=True),
    "campaigns:entry_remove": Row(review("campaigns:entry_remove", "entry"), (LOGIN, 405, 405, 405, 405), obj=True,
                                  post_only=True),
    "campaigns:meeting": Row(review("campaigns:meeting"), (LOGIN, 200, 404, 200, 200), obj=True),
    "campaigns:posting": Row(review("campaigns:posting"), (LOGIN, 200, 404, 200, 200), obj=True),
    "campaigns:complaint": Row(review("campaigns:complaint"), (LOGIN, 405, 405, 405, 405), obj=True,
                               post_only=True),
    "campaigns:decide": Row(review("campaigns:decide"), (LOGIN, 200, 404, 200, 200), obj=True),
    "campaigns:document": Row(review("campaigns:document", "campaign", "phu-luc"), (LOGIN, 200, 404, 200, 200),
                              obj=True),
    "campaigns:certificate": Row(review("campaigns:certificate", "entry"), (LOGIN, 200, 404, 200, 200), obj=True),
    # --- "Tài liệu của tôi": each user sees only their own jobs (administrators too)
    "jobs:list": Row(named("jobs:list"), (LOGIN, 200, 200, 200, 200)),
    "jobs:row": Row(job("jobs:row"), (LOGIN, 200, 404, 404, 404), obj=True, foreign_roles=("ward",)),
    "jobs:detail": Row(job("jobs:detail"), (LOGIN, 200, 404, 404, 404), obj=True, foreign_roles=("ward",)),
    "jobs:progress": Row(job("jobs:progress"), (LOGIN, 200, 404, 404, 404), obj=True, foreign_roles=("ward",)),
    "jobs:download": Row(job("jobs:download"), (LOGIN, 200, 404, 404, 404), obj=True, foreign_roles=("ward",)),
    "jobs:retry": Row(job("jobs:retry"), (LOGIN, 405, 405, 405, 405), obj=True, post_only=True,
                      foreign_roles=("ward", "agency", "tnmt", "admin")),
}


def _area_rule():
    unit = AdministrativeUnit.objects.get(name="Tam Thanh")
    return AreaRule.objects.get_or_create(unit=unit, area_kind="rural", valid_from=dt.date(2025, 7, 1),
                                          legal_basis_number="1/HD", legal_basis_date=dt.date(2025, 7, 1))[0]


# --------------------------------------------------------------------------------------------------

def _review(actor, household, day):
    return assessment_record(
        actor=actor, household=household, kind="regular", year=day.year, income_per_capita=1_000_000,
        indicators={"employment": True, "health_insurance": True, "telecom": True},
        decision_number=f"QĐ-{household.code}", decision_date=day, suggestions={},
    )


@pytest.fixture
def world(ref, ward_officer, other_ward_officer, agency_officer, tnmt, admin_user):
    own = household_with_head(ref.an_phu, code="MX-AP")
    other = household_with_head(ref.tam_thang, code="MX-TT")
    _review(ward_officer, own, dt.date(2025, 3, 1))
    _review(other_ward_officer, other, dt.date(2025, 3, 1))
    own.refresh_from_db()
    other.refresh_from_db()
    own_action = SupportActionFactory(household=own, description="Bò giống", lead_agency="ttyt")
    other_action = SupportActionFactory(household=other, description="Dê giống", lead_agency="gddt")
    own_report = MonthlyReportFactory(unit=ref.an_phu, month=5, status="submitted", actor=ward_officer)
    other_report = MonthlyReportFactory(unit=ref.tam_thang, month=5, status="submitted", actor=other_ward_officer)
    own_job, other_job = (_finished_job(user) for user in (ward_officer, other_ward_officer))
    return World(own, other, own_action, other_action, own_report, other_report,
                 other_unit_id=ref.tam_thang.pk, own_unit_id=ref.an_phu.pk, own_job=own_job, other_job=other_job)


def _finished_job(owner):
    from django.core.files.base import ContentFile

    from jobs.models import Job

    done = Job(owner=owner, kind="report", title=f"PL01 của {owner.username}", status=Job.Status.DONE,
               result_name="PL01_2025.xlsx", result_type="application/octet-stream")
    done.result.save("PL01_2025.xlsx", ContentFile(b"PK test"), save=False)
    done.save()
    return done


@pytest.fixture
def clients(ward_officer, agency_officer, tnmt, admin_user):
    out = {"anon": Client()}
    for role, user in (("ward", ward_officer), ("agency", agency_officer), ("tnmt", tnmt), ("admin", admin_user)):
        c = Client()
        c.force_login(user)
        out[role] = c
    return out


def classify(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(reverse("login")):
            return LOGIN
        return REDIRECT
    return response.status_code


def project_patterns():
    return [(route, name) for route, name, _p in all_patterns() if not name.startswith("admin:")]


def test_every_url_pattern_has_an_expectation():
    missing = [f"{name}  (/{route})" for route, name in project_patterns() if name not in EXPECT]
    assert not missing, "URL patterns without a row in tests/core/test_matrix.py EXPECT:\n" + "\n".join(missing)
    stale = set(EXPECT) - {name for _r, name in project_patterns()}
    assert not stale, f"EXPECT rows for URL names that no longer exist: {sorted(stale)}"


@pytest.mark.django_db
def test_matrix_for_every_role(world, clients):
    problems, seen = [], []
    for _route, name in project_patterns():
        row = EXPECT.get(name)
        if row is None:
            continue
        path = row.path(world, True)
        for role, expected in zip(ROLES, row.expect, strict=True):
            got = classify(clients[role].get(path))
            seen.append((name, role, got))
            if got != expected:
                problems.append(f"{name} {path} as {role}: expected {expected}, got {got}")
    if os.environ.get("MATRIX_DUMP"):
        for item in seen:
            print(*item)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_objects_of_another_unit_or_agency_answer_404(world, clients):
    problems = []
    for _route, name in project_patterns():
        row = EXPECT.get(name)
        if row is None or not row.obj:
            continue
        path = row.path(world, False)
        for role in row.foreign_roles:
            client = clients[role]
            response = client.post(path, {}) if row.post_only else client.get(path)
            if response.status_code != 404:
                problems.append(f"{name} {path} as {role}: expected 404, got {classify(response)}")
    assert not problems, "\n".join(problems)
    # nothing changed on the foreign objects
    world.other_report.refresh_from_db()
    assert world.other_report.status == "submitted"
    assert not Household.objects.get(pk=world.other_household.pk).is_deleted
    assert Assessment.objects.filter(household=world.other_household).count() == 1


# --- admin: only administrators ------------------------------------------------------------------

def _fill(route: str) -> str:
    import re

    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<path:[^>]+>", "1", path)
    path = re.sub(r"<[^>]+>", "x", path)
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "x", path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\Z", "")


ADMIN_PUBLIC = {"admin:login"}


@pytest.mark.django_db
def test_every_admin_url_sends_non_administrators_to_the_admin_login(world, clients):
    problems, checked = [], 0
    for route, name, _p in all_patterns():
        if not name.startswith("admin:") or name in ADMIN_PUBLIC:
            continue
        path = _fill(route)
        for role in ("anon", "ward", "agency", "tnmt"):
            response = clients[role].get(path)
            got = classify(response)
            if name == "admin:logout":  # POST only; GET sends non-staff to the admin index
                ok = got in (405, ADMIN_LOGIN, LOGIN, REDIRECT)
            else:
                ok = got in (ADMIN_LOGIN, LOGIN) if role == "anon" else got == ADMIN_LOGIN
            if not ok:
                problems.append(f"{name} {path} as {role}: expected admin login, got {got}")
            checked += 1
    assert checked > 100
    assert not problems, "\n".join(problems)
    assert clients["ward"].get(reverse("dashboard")).status_code == 200  # still logged in


@pytest.mark.django_db
def test_administrator_reaches_every_admin_list(world, clients):
    from django.contrib import admin

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert clients["admin"].get(url).status_code == 200, url


# --- downloads in every format, exports and imports stay in scope ---------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx"])
def test_reports_of_another_unit_answer_404_in_every_format(world, clients, fmt):
    from reports import datasets

    for code, spec in datasets.REPORTS.items():
        query = f"?year=2025&unit={world.other_unit_id}&format={fmt}" + ("&month=5" if spec.needs_month else "")
        response = clients["ward"].get(r("reports:report", code) + query)
        assert response.status_code == 404, (code, fmt, classify(response))
    bundle = clients["ward"].post(r("reports:bundle_xlsx"), {"year": 2025, "month": 5, "unit": world.other_unit_id,
                                                            "codes": "PL01"})
    assert bundle.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exports_never_contain_households_out_of_scope(world, clients, fmt):
    import io

    def codes_in(response) -> str:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "csv":
            return body.decode("utf-8-sig", errors="replace")
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(body), read_only=True)
        return " ".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row)

    for role in ("ward", "agency"):
        for query in (f"?format={fmt}", f"?format={fmt}&unit={world.other_unit_id}", f"?format={fmt}&q=MX-TT"):
            response = clients[role].get(r("household_io:export") + query)
            assert response.status_code in (200, 404), (role, query)
            if response.status_code == 200:
                text = codes_in(response)
                assert "MX-TT" not in text, (role, query)
    everything = codes_in(clients["tnmt"].get(r("household_io:export") + f"?format={fmt}"))
    assert "MX-TT" in everything and "MX-AP" in everything
