"""Objects of the reviews for the authorization matrix (tests/core/test_matrix.py): a 2024
campaign (lists of 2025) of the world's own unit and of the other unit, each with a household,
a meeting with a minutes file, a complaint, a decision with a certificate and an application —
made once per world, on first use."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from campaigns import services
from campaigns.models import Application, CampaignDecision, Complaint, VillageMeeting

MINUTES = "campaigns/minutes/matrix-test.pdf"


def _make(household, actor_unit_code: str) -> SimpleNamespace:
    unit = household.unit
    campaign = services.campaign_open(actor=None, unit=unit, review_year=2024)
    entry = services.campaign_flag(actor=None, campaign=campaign, household=household, note="Ma trận quyền")
    if not default_storage.exists(MINUTES):
        default_storage.save(MINUTES, ContentFile(b"%PDF-1.4 matrix"))
    meeting = VillageMeeting.objects.create(campaign=campaign, village=household.village, held_on=dt.date(2024, 10, 1),
                                            attendees=10, agreement_percent=80, minutes_file=MINUTES,
                                            minutes_name="bien-ban.pdf")
    complaint = Complaint.objects.create(campaign=campaign, entry=entry, received_on=dt.date(2024, 10, 5),
                                         complainant="Ông A", content="Ma trận quyền")
    CampaignDecision.objects.create(campaign=campaign, number=f"1/QĐ-{actor_unit_code}",
                                    decision_date=dt.date(2024, 12, 1), effective_date=dt.date(2025, 1, 1))
    entry.assessment = household.current_assessment
    entry.certificate_number = "001/GCN-2025"
    entry.save()
    application = Application.objects.create(household=household, kind=Application.Kind.TO_LEAVE,
                                             received_on=dt.date(2025, 4, 1), applicant="Chủ hộ")
    return SimpleNamespace(campaign=campaign, entry=entry, meeting=meeting, complaint=complaint,
                           application=application)


def objects(world, own: bool) -> SimpleNamespace:
    key = "_review_objects_own" if own else "_review_objects_other"
    if not hasattr(world, key):
        household = world.own_household if own else world.other_household
        setattr(world, key, _make(household, "own" if own else "other"))
    return getattr(world, key)
