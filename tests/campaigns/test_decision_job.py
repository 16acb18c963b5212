"""The chairman's decision for a campaign of more than JOBS_DECISION_THRESHOLD households, as a
background job: the page checks every step first (a missing one stays on the form), the job
records every household in one transaction — all or nothing — and its page shows the
households recorded as they go, then the result. Marker ``tasks``: database backend and Redis."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.jobs import DECISION
from campaigns.models import CampaignDecision
from households.models import Assessment
from jobs import tasks
from jobs.models import Job
from tests.campaigns.conftest import LIST_2027, TODAY, listed, meet_all, open_campaign, post, survey_all
from tests.jobs_helpers import run_jobs

pytestmark = pytest.mark.tasks

FORM = {"number": "125/QĐ-UBND", "decision_date": "2026-10-20", "signer": "Nguyễn Văn Chủ"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, settings):
    monkeypatch.setattr("campaigns.views._today", lambda: TODAY)
    settings.JOBS_DECISION_THRESHOLD = 2  # the campaign's three households make a long decision


@pytest.fixture
def ready(ref, wards, tnmt, qp_officer):
    for code, village in (("QP-1", "Khối phố 1"), ("QP-2", "Khối phố 1"), ("QP-3", "Khối phố 2")):
        listed(wards.quang_phu, code, qp_officer, village=village)
    c = open_campaign(tnmt, wards.quang_phu)
    services.campaign_collect(actor=qp_officer, campaign=c, day=dt.date(2026, 9, 2))
    survey_all(qp_officer, c, {})
    meet_all(qp_officer, c)
    post(qp_officer, c)
    return c


def recorded():
    return Assessment.objects.filter(effective_date=LIST_2027).count()


def test_a_long_decision_is_recorded_by_a_job_whose_page_shows_each_household(ready, qp_client, qp_officer,
                                                                               monkeypatch):
    seen = []  # what the work reports as it goes (written to the job's progress file at most every 0.3 s)
    real = tasks.Progress.advance
    monkeypatch.setattr(tasks.Progress, "advance", lambda self, n=1: (real(self, n), seen.append((self.done, self.total))))
    url = reverse("campaigns:decide", args=[ready.pk])
    response = qp_client.post(url, FORM)
    job = Job.objects.get(kind=DECISION, owner=qp_officer)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert recorded() == 0 and not CampaignDecision.objects.exists()  # nothing written by the request
    assert qp_client.post(url, FORM)["Location"] == response["Location"]  # a double click: the same job
    page = qp_client.get(response["Location"]).content.decode()
    assert "Ghi nhận Quyết định số 125/QĐ-UBND" in page and "3 hộ" in page
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in page

    run_jobs()
    job.refresh_from_db()
    assert job.status == "done" and (job.rows_done, job.rows_total) == (3, 3)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert recorded() == 3 and CampaignDecision.objects.get().signer == "Nguyễn Văn Chủ"
    done = qp_client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "Đã ghi nhận Quyết định số 125/QĐ-UBND: 3 hộ được ghi quyết định." in done
    assert reverse("campaigns:detail", args=[ready.pk]) in done and "hx-trigger" not in done
    assert Job.objects.filter(kind=DECISION).count() == 1


def test_a_missing_step_stays_on_the_form_and_starts_no_job(ready, qp_client):
    response = qp_client.post(reverse("campaigns:decide", args=[ready.pk]), {**FORM, "decision_date": "2026-10-11"})
    assert response.status_code == 400 and "sau khi kết thúc niêm yết" in response.content.decode()
    assert not Job.objects.exists()


def test_the_decision_job_is_all_or_nothing(ready, qp_client, qp_officer, monkeypatch):
    real = services.assessment_record
    calls = []

    def fails_on_the_third(**kwargs):
        calls.append(kwargs["household"].code)
        if len(calls) == 3:
            from django.core.exceptions import ValidationError
            raise ValidationError("Lỗi giả lập khi ghi hộ thứ ba")
        return real(**kwargs)

    monkeypatch.setattr(services, "assessment_record", fails_on_the_third)
    before = Assessment.objects.count()
    qp_client.post(reverse("campaigns:decide", args=[ready.pk]), FORM)
    run_jobs()
    job = Job.objects.get(kind=DECISION)
    assert job.status == "failed" and len(calls) == 3
    assert job.error == "Chưa ghi nhận quyết định; không hộ nào được ghi. Lỗi giả lập khi ghi hộ thứ ba"
    assert Assessment.objects.count() == before  # the first two were rolled back too
    assert not CampaignDecision.objects.exists()
    assert not ready.entries.filter(assessment__isnull=False).exists()
    assert not ready.entries.exclude(certificate_number="").exists()
    page = qp_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "không hộ nào được ghi" in page and 'data-testid="job-retry"' in page
    # "Thử lại" once the cause is gone records everyone
    monkeypatch.setattr(services, "assessment_record", real)
    qp_client.post(reverse("jobs:retry", args=[job.pk]))
    run_jobs()
    job.refresh_from_db()
    assert job.status == "done" and recorded() == 3


def test_a_campaign_decided_meanwhile_fails_the_job_with_a_message(ready, qp_client, qp_officer):
    qp_client.post(reverse("campaigns:decide", args=[ready.pk]), FORM)
    services.campaign_decide(actor=qp_officer, campaign=ready, number="126/QĐ-UBND",
                             decision_date=dt.date(2026, 10, 20), today=TODAY)
    run_jobs()
    job = Job.objects.get(kind=DECISION)
    assert job.status == "failed" and "đã có quyết định công nhận danh sách" in job.error
    assert CampaignDecision.objects.get().number == "126/QĐ-UBND" and recorded() == 3


def test_a_short_decision_is_still_recorded_in_the_request(ready, qp_client, settings):
    settings.JOBS_DECISION_THRESHOLD = 50
    response = qp_client.post(reverse("campaigns:decide", args=[ready.pk]), FORM)
    assert response["Location"] == reverse("campaigns:detail", args=[ready.pk])
    assert recorded() == 3 and not Job.objects.exists()
