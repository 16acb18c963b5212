"""Bad input everywhere (issue 7): hostile values in every filter parameter of the GET pages and
every field of the main POST forms. Never a server error; a script never comes back unescaped;
a refused form says why and changes nothing.

The fields are read from the pages' own <form>s (plus the query parameters the views read), so a
field added later is attacked too."""

from __future__ import annotations

import datetime as dt
import os
import time
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from households.models import Assessment, Household, Member
from households.services import assessment_record
from reports.models import MonthlyReport
from support.models import SupportAction
from tests.factories import MonthlyReportFactory, SupportActionFactory, household_with_head

SCRIPT = "<script>alert('xss')</script>"
HOSTILE = [
    "A" * 5000,
    SCRIPT,
    "\"><img src=x onerror=alert(1)>",
    "' OR 1=1; DROP TABLE households_household; --",
    "31/02/2025",
    "2025-13-45",
    "abc",
    "-1",
    "-99999999999999999999999999",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "Ｎｇｕｙễｎ\u202e\u200b\ufeff 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👪",
    "nul\x00byte",
    "%00%27%22",
    "",
]
# Query parameters the list/report views read, in addition to the fields of their GET forms.
COMMON_PARAMS = ["q", "unit", "year", "month", "page", "per_page", "format", "status", "kind", "class",
                 "current_class", "group", "indicator", "agency", "codes", "household", "code", "sort",
                 "village", "plan_year", "lead_agency", "funding_source"]
# Each parameter alone gets the values most likely to break a parser or a query.
SINGLE_FIELD_VALUES = [SCRIPT, "abc", "-1", "99999999999999999999999999", "nul\x00byte", "31/02/2025"]
# Formset management fields get their own test below (a huge TOTAL_FORMS is a separate problem).
MANAGEMENT_SUFFIXES = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
# Pages that only preview (nothing is saved) need not show an error for every hostile value.
PREVIEW_ONLY = {"households:review_preview"}
ERROR_MARKERS = ("text-danger", "alert-danger", "invalid-feedback", "is-invalid", "errorlist", "alert-warning")


class FormParser(HTMLParser):
    """The forms of a page: method, action and field names (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                             "fields": []}
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current is not None and a.get("name"):
            if a.get("type") in ("submit", "button", "file"):
                return
            self._current["fields"].append(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms_of(html: str, method: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return [f for f in parser.forms if f["method"] == method]


def assert_safe(response, where: str):
    assert response.status_code < 500, f"{where}: server error {response.status_code}"
    if response.get("Content-Type", "").startswith("text/html") and not getattr(response, "streaming", False):
        body = response.content.decode("utf-8", errors="replace")
        assert SCRIPT not in body, f"{where}: the script came back unescaped"
        assert "<img src=x onerror" not in body, f"{where}: an HTML attribute injection came back unescaped"


def _review(actor, household, day):
    return assessment_record(
        actor=actor, household=household, kind="regular", year=day.year, income_per_capita=1_000_000,
        indicators={"employment": True, "health_insurance": True, "telecom": True},
        decision_number=f"QĐ-{household.code}", decision_date=day, suggestions={},
    )


@pytest.fixture
def data(ref, ward_officer, tnmt):
    household = household_with_head(ref.an_phu, code="HX-01")
    _review(ward_officer, household, dt.date(2025, 3, 1))
    household.refresh_from_db()
    action = SupportActionFactory(household=household, lead_agency="ttyt")
    report = MonthlyReportFactory(unit=ref.an_phu, month=5, status="submitted", actor=ward_officer)
    return {"household": household, "action": action, "report": report}


def _client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


GET_PAGES = [
    ("dashboard", ()), ("households:list", ()), ("support:list", ()), ("support:agencies", ()),
    ("support:create", ()), ("reports:catalogue", ()), ("reports:monthly_list", ()),
    ("reports:monthly_prepare", ()), ("targets:plan", ()), ("targets:progress", ()),
    ("household_io:export", ()), ("household_io:export_full", ()), ("reports:report", ("PL01",)), ("reports:report", ("PL08",)),
    ("reports:report", ("BCT",)), ("reports:drilldown", ("PL08",)), ("reports:bundle_xlsx", ()),
    ("territory:units", ()),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, args", GET_PAGES, ids=[f"{n}{'-' + a[0] if a else ''}" for n, a in GET_PAGES])
def test_hostile_filter_parameters_on_get_pages(data, ward_officer, tnmt, name, args):
    url = reverse(name, args=args)  # a renamed page fails here instead of leaving the sweep
    for user, single in ((ward_officer, True), (tnmt, False)):
        client = _client(user)
        page = client.get(url)
        fields = set(COMMON_PARAMS)
        if page.status_code == 200 and page.get("Content-Type", "").startswith("text/html"):
            for form in forms_of(page.content.decode(), "get"):
                fields.update(form["fields"])
        fields.discard("csrfmiddlewaretoken")
        problems = []
        for value in HOSTILE:  # every parameter at once
            response = client.get(url, {f: value for f in fields})
            _collect(problems, response, f"GET {url} as {user.username}, all={value[:30]!r}")
        if single:  # then each one alone (one bad value must not hide another)
            for value in SINGLE_FIELD_VALUES:
                for f in sorted(fields):
                    response = client.get(url, {f: value})
                    _collect(problems, response, f"GET {url} {f}={value[:30]!r}")
        assert not problems, "\n".join(problems)


def _collect(problems, response, where):
    try:
        assert_safe(response, where)
    except AssertionError as exc:
        problems.append(str(exc).splitlines()[0])


def _post_forms(data, ward_officer, tnmt):
    h, a, rep = data["household"], data["action"], data["report"]
    return [
        # (URL name, args, user, GET query for the form page)
        ("households:create", (), ward_officer, ""),
        ("households:edit", (h.pk,), ward_officer, ""),
        ("households:review", (h.pk,), ward_officer, ""),
        ("households:review_preview", (h.pk,), ward_officer, None),
        ("support:create", (), ward_officer, f"?household={h.pk}"),
        ("support:edit", (a.pk,), ward_officer, ""),
        ("support:transition", (a.pk,), ward_officer, None),
        ("reports:monthly_prepare", (), ward_officer, "?year=2025&month=6"),
        ("reports:monthly_review", (rep.pk,), tnmt, None),
        ("targets:plan_edit", (2025,), tnmt, ""),
        ("targets:target_edit", (2025,), tnmt, ""),
        ("targets:quota_edit", (2025,), tnmt, ""),
        ("territory:year_figures", (2026,), tnmt, ""),
        ("territory:area_rule_create", (), tnmt, ""),
        ("password_change", (), ward_officer, ""),
        # a reason of ten characters or more is a valid reason: the answer may be the download
        ("household_io:export_full", (), ward_officer, ""),
        # last: any non-empty reason is a valid reason, so a hostile one may delete (softly)
        ("households:delete", (h.pk,), ward_officer, ""),
    ]


def _register_state():
    return (
        Household.objects.count(), Household.objects.filter(is_deleted=True).count(), Member.objects.count(),
        Assessment.objects.count(), SupportAction.objects.count(),
        list(SupportAction.objects.values_list("status", "description", "amount")),
        list(MonthlyReport.objects.values_list("status", "difficulties")),
        list(Household.objects.values_list("code", "address", "village", "version")),
    )


@pytest.mark.django_db
def test_hostile_values_in_every_field_of_the_main_forms(data, ward_officer, tnmt):
    problems = []
    for name, args, user, form_query in _post_forms(data, ward_officer, tnmt):
        url = reverse(name, args=args)
        if url is None:
            continue
        client = _client(user)
        fields = set()
        source = url + form_query if form_query is not None else None
        if source is None:  # POST-only endpoint: its form lives on the object's page
            source = {
                "households:review_preview": reverse("households:review", args=args),
                "support:transition": reverse("support:detail", args=args),
                "reports:monthly_review": reverse("reports:monthly_detail", args=args),
            }[name]
        page = client.get(source)
        assert page.status_code == 200, (name, source, page.status_code)
        for form in forms_of(page.content.decode(), "post"):
            if form["action"] in ("", url, source) or form["action"].startswith(url):
                fields.update(form["fields"])
        fields.discard("csrfmiddlewaretoken")
        fields = {f for f in fields if not f.endswith(MANAGEMENT_SUFFIXES)}
        fields.update({"household"} if name == "support:create" else set())
        assert fields, f"{name}: no form fields found on {source}"
        before = _register_state()
        started = time.monotonic()
        for value in HOSTILE:
            if not value:
                continue
            payload = {f: value for f in fields}
            if name == "support:create":
                payload["household"] = str(data["household"].pk)
            response = client.post(url, payload, follow=True)
            where = f"POST {url} all fields={value[:30]!r}"
            try:
                assert_safe(response, where)
            except AssertionError as exc:
                problems.append(str(exc))
                continue
            body = response.content.decode("utf-8", errors="replace")
            if name not in PREVIEW_ONLY | {"households:delete", "household_io:export_full"} \
                    and not any(marker in body for marker in ERROR_MARKERS):
                problems.append(f"{where}: no error message shown (status {response.status_code})")
        if os.environ.get("HOSTILE_TIMING"):
            print(name, f"{time.monotonic() - started:.1f}s")
        if name != "households:delete" and _register_state() != before:
            problems.append(f"{name}: hostile input changed the register")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_hostile_login_attempts_are_answered_calmly(client, ward_officer):
    for value in HOSTILE:
        response = client.post(reverse("login"), {"username": value, "password": value})
        assert_safe(response, f"login {value[:30]!r}")
        if response.status_code == 429:
            break


@pytest.mark.django_db
def test_hostile_uploads_are_refused_with_a_message(ward_officer, settings):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(ward_officer)
    url = reverse("household_io:import")
    files = [
        SimpleUploadedFile("danh-sach.xlsx", b"<script>alert(1)</script>", content_type="text/html"),
        SimpleUploadedFile(SCRIPT + ".xlsx", b"PK\x03\x04 not really a zip"),
        SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100),
        SimpleUploadedFile("empty.xlsx", b""),
    ]
    for upload in files:
        response = client.post(url, {"file": upload})
        assert_safe(response, f"import {upload.name}")
        body = response.content.decode()
        assert any(marker in body for marker in ERROR_MARKERS), upload.name
    settings.IMPORT_MAX_BYTES = 100
    response = client.post(url, {"file": SimpleUploadedFile("lon.xlsx", b"PK\x03\x04" + b"0" * 500)})
    assert_safe(response, "import too big")
    assert any(marker in response.content.decode() for marker in ERROR_MARKERS)
    assert Household.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.django_db
def test_out_of_range_id_in_support_form_is_an_invalid_choice(data, ward_officer):
    client = _client(ward_officer)
    url = reverse("support:edit", args=[data["action"].pk])
    before = set(data["action"].coordinating_agencies.values_list("pk", flat=True))
    response = client.post(url, {"coordinating_agencies": "99999999999999999999999999"})
    assert response.status_code == 200
    assert any(marker in response.content.decode() for marker in ERROR_MARKERS)
    assert set(data["action"].coordinating_agencies.values_list("pk", flat=True)) == before


@pytest.mark.django_db
def test_known_huge_formset_count_is_refused_cheaply(data, ward_officer):
    client = _client(ward_officer)
    response = client.post(reverse("households:create"), {
        "members-TOTAL_FORMS": "300", "members-INITIAL_FORMS": "0", "code": "X1"})
    assert response.status_code < 500
    assert len(response.content) < 2_000_000
