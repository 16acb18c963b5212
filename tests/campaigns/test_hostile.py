"""Bad input on every review page (as tests/core/test_hostile_input.py does for the others):
hostile values in every query parameter and every field of every form. Never a server error,
never an unescaped script, a refused form says why, and nothing is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from campaigns import services
from campaigns.models import (
    Application,
    Campaign,
    CampaignDecision,
    CampaignHousehold,
    Complaint,
    Posting,
    Survey,
    VillageMeeting,
)
from households.models import Assessment
from tests.campaigns.conftest import TODAY, listed, meet_all, open_campaign, post, survey_all
from tests.core.test_hostile_input import (
    COMMON_PARAMS,
    ERROR_MARKERS,
    HOSTILE,
    SINGLE_FIELD_VALUES,
    assert_safe,
    forms_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, settings, tmp_path):
    monkeypatch.setattr("campaigns.views._today", lambda: TODAY)
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def world(ref, wards, tnmt, qp_officer):
    listed(wards.quang_phu, "QP-1", qp_officer, village="Khối phố 1")
    listed(wards.quang_phu, "QP-2", qp_officer, village="Khối phố 2")
    surveyed = open_campaign(tnmt, wards.quang_phu)
    services.campaign_collect(actor=qp_officer, campaign=surveyed, day=dt.date(2026, 9, 2))
    survey_all(qp_officer, surveyed, {})
    meet_all(qp_officer, surveyed)
    post(qp_officer, surveyed)
    complaint = services.complaint_record(actor=qp_officer, campaign=surveyed, received_on=dt.date(2026, 10, 6),
                                          complainant="Bà A", content="Xem lại", today=TODAY)
    app = services.application_create(actor=qp_officer, household=surveyed.entries.first().household,
                                      kind="to_leave", received_on=dt.date(2026, 11, 1), applicant="A", today=TODAY)
    return {"campaign": surveyed, "entry": surveyed.entries.first(), "complaint": complaint, "application": app}


def _client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def _state():
    return (Campaign.objects.count(), list(Campaign.objects.values_list("start_date", "end_date")),
            CampaignHousehold.objects.count(), Survey.objects.count(), VillageMeeting.objects.count(),
            list(Posting.objects.values_list("start_date", "end_date", "place")),
            list(Complaint.objects.values_list("resolved_on", "resolution")), CampaignDecision.objects.count(),
            list(Application.objects.values_list("status", "close_note")), Assessment.objects.count())


def get_pages(w):
    c, e = w["campaign"], w["entry"]
    return [
        reverse("campaigns:index"), reverse("campaigns:simulation"), reverse("campaigns:simulation_households"),
        reverse("campaigns:applications"), reverse("campaigns:application_create"),
        reverse("campaigns:detail", args=[c.pk]), reverse("campaigns:document", args=[c.pk, "hop-thon"]),
        reverse("campaigns:document", args=[c.pk, "niem-yet"]), reverse("campaigns:decide", args=[c.pk]),
        reverse("campaigns:survey", args=[c.pk, e.pk]), reverse("campaigns:application_decide",
                                                                 args=[w["application"].pk]),
    ]


# The query parameters the review views read (the others are ignored; all are sent together above).
READ_PARAMS = ("year", "unit", "format", "standard", "date", "list", "status", "change", "priority", "before",
               "village", "standalone", "code")


def test_hostile_query_parameters_on_every_review_page(world, qp_officer, tnmt):
    problems = []
    for url in get_pages(world):
        for user, single in ((qp_officer, True), (tnmt, False)):
            client = _client(user)
            page = client.get(url)
            read = set(READ_PARAMS)
            if page.status_code == 200 and page.get("Content-Type", "").startswith("text/html"):
                for form in forms_of(page.content.decode(), "get"):
                    read.update(form["fields"])
            fields = set(COMMON_PARAMS) | read
            for value in HOSTILE:
                response = client.get(url, {f: value for f in fields})
                try:
                    assert_safe(response, f"GET {url} all={value[:20]!r}")
                except AssertionError as exc:
                    problems.append(str(exc))
            if single:
                for value in SINGLE_FIELD_VALUES[:4]:  # script, text, negative, huge
                    for f in sorted(read):  # each parameter the review pages read, alone
                        try:
                            assert_safe(client.get(url, {f: value}), f"GET {url} {f}={value[:20]!r}")
                        except AssertionError as exc:
                            problems.append(str(exc))
    assert not problems, "\n".join(problems[:20])


def post_forms(w, qp_officer, tnmt):
    c, e, comp, app = w["campaign"], w["entry"], w["complaint"], w["application"]
    detail = reverse("campaigns:detail", args=[c.pk])
    return [
        # (URL, user, page holding the form)
        (reverse("campaigns:open"), tnmt, reverse("campaigns:index")),
        (reverse("campaigns:schedule", args=[c.pk]), tnmt, None),
        (reverse("campaigns:complaint", args=[c.pk]), qp_officer, detail),
        (reverse("campaigns:complaint_resolve", args=[comp.pk]), qp_officer, detail),
        (reverse("campaigns:decide", args=[c.pk]), qp_officer, None),
        (reverse("campaigns:posting", args=[c.pk]), qp_officer, None),
        (reverse("campaigns:survey", args=[c.pk, e.pk]), qp_officer, None),
        (reverse("campaigns:application_create"), qp_officer, None),
        (reverse("campaigns:application_decide", args=[app.pk]), qp_officer, None),
        (reverse("campaigns:application_withdraw", args=[app.pk]), qp_officer,
         reverse("campaigns:application_decide", args=[app.pk])),
        (reverse("campaigns:simulation"), tnmt, None),
    ]


def test_hostile_values_in_every_field_of_every_review_form(world, qp_officer, tnmt):
    problems = []
    before = _state()
    for url, user, source in post_forms(world, qp_officer, tnmt):
        client = _client(user)
        page = client.get(source or url)
        assert page.status_code == 200, (url, page.status_code)
        method = "get" if url == reverse("campaigns:simulation") else "post"
        fields = set()
        for form in forms_of(page.content.decode(), method):
            if form["action"] in ("", url) or form["action"].startswith(url):
                fields.update(form["fields"])
        fields.discard("csrfmiddlewaretoken")
        assert fields, f"no fields for {url}"
        for value in HOSTILE:
            if not value:
                continue
            payload = {f: value for f in fields}
            response = (client.get(url, payload) if method == "get" else client.post(url, payload, follow=True))
            where = f"{method.upper()} {url} all fields={value[:20]!r}"
            try:
                assert_safe(response, where)
            except AssertionError as exc:
                problems.append(str(exc))
                continue
            body = response.content.decode("utf-8", errors="replace")
            if not any(m in body for m in ERROR_MARKERS):
                problems.append(f"{where}: no error message shown ({response.status_code})")
    assert _state() == before, "hostile input changed the reviews"
    assert not problems, "\n".join(problems[:20])


def test_hostile_meeting_uploads_are_refused_with_a_message(ref, wards, tnmt, qp_officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    listed(wards.quang_phu, "QP-9", qp_officer, village="Khối phố 9")
    c = open_campaign(tnmt, wards.quang_phu)
    services.campaign_collect(actor=qp_officer, campaign=c, day=dt.date(2026, 9, 2))
    survey_all(qp_officer, c, {})
    client = _client(qp_officer)
    url = reverse("campaigns:meeting", args=[c.pk])
    base = {"village": "Khối phố 9", "held_on": "2026-10-01", "attendees": "10", "agreement_percent": "60"}
    for upload in (SimpleUploadedFile("bien-ban.pdf", b"<script>alert(1)</script>", content_type="application/pdf"),
                   SimpleUploadedFile("<script>alert('xss')</script>.png", b"GIF89a"),
                   SimpleUploadedFile("bien-ban.html", b"<html></html>", content_type="text/html"),
                   SimpleUploadedFile("rong.jpg", b"")):
        response = client.post(url, {**base, "minutes_file": upload})
        assert_safe(response, upload.name)
        assert response.status_code == 400 and any(m in response.content.decode() for m in ERROR_MARKERS)
    assert not VillageMeeting.objects.filter(campaign=c).exists()
