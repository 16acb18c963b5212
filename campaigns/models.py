"""The review procedure (QĐ 24/2021/QĐ-TTg; forms in TT 07/2021; DOMAIN.md §2) as records.

- ``Campaign``: the annual review (rà soát định kỳ) of one unit in one year, with its schedule
  and the list it decides (effective 1 January of the next year, under the standard in force
  then).
- ``CampaignHousehold``: one household to review in a campaign, with why it is reviewed, its
  survey, the village meeting that approved it and the decision that recorded it.
- ``Survey`` (+ ``SurveyIndicator``): the screening and scoring of one household (Phiếu A/B):
  the indicators of the standard of the list's effective date, the income, an optional proxy
  score, and the class the rule proposes.
- ``VillageMeeting``: the meeting of one village (thôn, khối phố) with its agreement and minutes.
- ``Posting`` and ``Complaint``: the public posting of the lists and the complaints it raised.
- ``CampaignDecision``: the chairman's decision that recognises the lists.
- ``Application``: a household's own application between campaigns (rà soát thường xuyên).

Steps are written only through ``campaigns.services``; their order and rules are in
``campaigns.rules`` (pure functions)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns import rules
from households.models import Assessment, Household, Indicator, PovertyClass, PovertyStandard
from tamky_poverty.models import AdministrativeUnit, AreaKind


class Campaign(models.Model):
    """The annual review of one unit: 1 September – 14 December by default (editable by TNMT);
    the list it decides takes effect on ``effective_date`` (1 January of the next year)."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="campaigns",
                             verbose_name=_("phường/xã"))
    review_year = models.PositiveSmallIntegerField(_("năm rà soát"))
    effective_date = models.DateField(_("danh sách có hiệu lực từ"))
    standard = models.ForeignKey(PovertyStandard, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("chuẩn nghèo áp dụng"))
    start_date = models.DateField(_("bắt đầu"))
    end_date = models.DateField(_("kết thúc"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  null=True, blank=True, verbose_name=_("người mở đợt"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đợt rà soát định kỳ")
        verbose_name_plural = _("đợt rà soát định kỳ")
        constraints = [
            models.UniqueConstraint(fields=["unit", "review_year"], name="campaign_unit_year_unique"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="campaign_schedule_ordered"),
            models.CheckConstraint(condition=Q(effective_date__gt=models.F("start_date")),
                                   name="campaign_list_after_start"),
        ]

    def __str__(self):
        return f"{self.unit} – {self.review_year}"

    @property
    def list_year(self) -> int:
        return self.effective_date.year


class CampaignHousehold(models.Model):
    """A household to review in a campaign, and why: listed (poor or near-poor when the list was
    drawn up), flagged by the simulation of the new standard, applied, or flagged by an officer."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="entries", verbose_name=_("đợt rà soát"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="campaign_entries", verbose_name=_("hộ"))
    listed = models.BooleanField(_("đang trong danh sách"), default=False)
    class_when_listed = models.CharField(_("phân loại khi lập danh sách"), max_length=20,
                                         choices=PovertyClass.choices, default=PovertyClass.NONE)
    simulation_flag = models.BooleanField(_("do mô phỏng chuẩn mới đề xuất"), default=False)
    simulation_note = models.CharField(_("kết quả mô phỏng"), max_length=255, blank=True)
    applied = models.BooleanField(_("hộ có đơn đề nghị"), default=False)
    officer_flag = models.BooleanField(_("do cán bộ đề xuất"), default=False)
    officer_note = models.CharField(_("lý do cán bộ đề xuất"), max_length=255, blank=True)
    survey = models.ForeignKey("Survey", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("phiếu khảo sát hiện hành"))
    approved_meeting = models.ForeignKey("VillageMeeting", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="approved_entries",
                                         verbose_name=_("hội nghị thôn đã thông qua"))
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("quyết định đã ghi nhận"))
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=40, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 null=True, blank=True, verbose_name=_("người thêm"))
    added_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm thêm"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hộ trong đợt rà soát")
        verbose_name_plural = _("hộ trong đợt rà soát")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="campaign_household_unique"),
            models.CheckConstraint(condition=Q(listed=True) | Q(simulation_flag=True) | Q(applied=True)
                                   | Q(officer_flag=True), name="campaign_household_has_reason"),
            models.CheckConstraint(condition=Q(officer_flag=False) | ~Q(officer_note=""),
                                   name="campaign_household_officer_note"),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.household.code}"


class Survey(models.Model):
    """The survey of one household for a list (Phiếu A – screening, Phiếu B – scoring): the
    indicators of the standard that applies on the list's effective date, the estimated income
    and the optional proxy score. ``proposed_class`` is what the classification rule gives; the
    decision records it later through the same rule."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("hộ"))
    standard = models.ForeignKey(PovertyStandard, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("chuẩn nghèo"))
    effective_date = models.DateField(_("danh sách có hiệu lực từ"))
    area_kind = models.CharField(_("khu vực"), max_length=10, choices=AreaKind.choices)
    survey_date = models.DateField(_("ngày khảo sát"))
    income_per_capita = models.PositiveIntegerField(_("thu nhập bình quân (đ/người/tháng)"))
    proxy_score = models.PositiveIntegerField(_("điểm thu nhập (Phiếu B)"), null=True, blank=True,
                                              validators=[MaxValueValidator(10_000)])
    proposed_class = models.CharField(_("phân loại dự kiến"), max_length=20, choices=PovertyClass.choices)
    deprivation_count = models.PositiveSmallIntegerField(_("số chỉ số thiếu hụt"))
    explanation = models.TextField(_("giải thích"))
    notes = models.TextField(_("ghi chú"), blank=True)
    surveyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("người khảo sát"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phiếu khảo sát hộ")
        verbose_name_plural = _("phiếu khảo sát hộ")

    def __str__(self):
        return f"{self.household.code} {self.survey_date:%d/%m/%Y}"


class SurveyIndicator(models.Model):
    """One indicator of a survey: deprived or not, what member data suggested on the list's
    effective date, and the officer's reason when they decided otherwise."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("phiếu khảo sát"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("chỉ số"))
    deprived = models.BooleanField(_("thiếu hụt"))
    suggested = models.BooleanField(_("gợi ý từ dữ liệu"), null=True, blank=True)
    suggestion_reason = models.CharField(_("căn cứ gợi ý"), max_length=255, blank=True)
    override_reason = models.CharField(_("lý do điều chỉnh"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chỉ số của phiếu khảo sát")
        verbose_name_plural = _("chỉ số của phiếu khảo sát")
        constraints = [
            models.UniqueConstraint(fields=["survey", "indicator"], name="survey_indicator_unique"),
            models.CheckConstraint(
                condition=Q(suggested__isnull=True) | Q(deprived=models.F("suggested")) | ~Q(override_reason=""),
                name="survey_override_has_reason",
            ),
        ]

    def __str__(self):
        state = _("thiếu hụt") if self.deprived else _("không thiếu hụt")  # not inside the f-string: xgettext
        return f"{self.indicator}: {state}"


def minutes_path(instance, filename: str) -> str:
    """Stored under a random name (the original name is kept in ``minutes_name``)."""
    return f"campaigns/minutes/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class VillageMeeting(models.Model):
    """The meeting of one village (thôn, khối phố) on its households' proposed classes. A
    result below 50 % agreement cannot go to the decision: the village meets again."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("đợt rà soát"))
    village = models.CharField(_("thôn/khối phố"), max_length=100, blank=True)
    held_on = models.DateField(_("ngày họp"))
    attendees = models.PositiveIntegerField(_("số người dự họp"), validators=[MinValueValidator(1)])
    agreement_percent = models.DecimalField(
        _("tỷ lệ đồng ý (%)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    chaired_by = models.CharField(_("người chủ trì"), max_length=100, blank=True)
    minutes_text = models.TextField(_("biên bản (nội dung)"), blank=True)
    minutes_file = models.FileField(_("biên bản (tệp)"), upload_to=minutes_path, blank=True, max_length=200)
    minutes_name = models.CharField(_("tên tệp biên bản"), max_length=150, blank=True)
    households = models.ManyToManyField(CampaignHousehold, related_name="meetings", blank=True,
                                        verbose_name=_("các hộ được bình xét"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("người ghi nhận"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))

    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name = _("hội nghị bình xét ở thôn")
        verbose_name_plural = _("hội nghị bình xét ở thôn")
        constraints = [
            models.CheckConstraint(condition=Q(agreement_percent__gte=0) & Q(agreement_percent__lte=100),
                                   name="meeting_agreement_percent_range"),
            models.CheckConstraint(condition=Q(attendees__gte=1), name="meeting_has_attendees"),
            models.CheckConstraint(condition=~Q(minutes_text="") | ~Q(minutes_file=""),
                                   name="meeting_has_minutes"),
        ]

    def __str__(self):
        return f"{self.campaign} – {self.village or '—'} {self.held_on:%d/%m/%Y}"


class Posting(models.Model):
    """The public posting (niêm yết công khai) of the proposed lists."""

    campaign = models.OneToOneField(Campaign, on_delete=models.PROTECT, related_name="posting", verbose_name=_("đợt rà soát"))
    start_date = models.DateField(_("niêm yết từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    place = models.CharField(_("địa điểm niêm yết"), max_length=255)
    notes = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("người ghi nhận"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("niêm yết công khai")
        verbose_name_plural = _("niêm yết công khai")
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                              name="posting_period_ordered")]

    def __str__(self):
        return f"{self.campaign}: {self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y}"


class Complaint(models.Model):
    """A complaint about the posted lists; the decision waits until each one is resolved."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("đợt rà soát"))
    entry = models.ForeignKey(CampaignHousehold, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="complaints", verbose_name=_("hộ liên quan"))
    received_on = models.DateField(_("ngày nhận"))
    complainant = models.CharField(_("người khiếu nại"), max_length=150)
    content = models.TextField(_("nội dung"))
    resolved_on = models.DateField(_("ngày giải quyết"), null=True, blank=True)
    resolution = models.TextField(_("kết quả giải quyết"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("người ghi nhận"))
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("người giải quyết"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khiếu nại về danh sách")
        verbose_name_plural = _("khiếu nại về danh sách")
        constraints = [
            models.CheckConstraint(condition=Q(resolved_on__isnull=True) | ~Q(resolution=""),
                                   name="complaint_resolved_has_note"),
            models.CheckConstraint(condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("received_on")),
                                   name="complaint_resolved_after_received"),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.complainant} {self.received_on:%d/%m/%Y}"


class CampaignDecision(models.Model):
    """The ward chairman's decision recognising the lists (Mẫu 02): number, date and the date
    the lists take effect. Recording it records every household's decision in one transaction."""

    campaign = models.OneToOneField(Campaign, on_delete=models.PROTECT, related_name="decision", verbose_name=_("đợt rà soát"))
    number = models.CharField(_("số quyết định"), max_length=50)
    decision_date = models.DateField(_("ngày quyết định"))
    effective_date = models.DateField(_("ngày có hiệu lực"))
    signer = models.CharField(_("người ký"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("người ghi nhận"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quyết định công nhận danh sách")
        verbose_name_plural = _("quyết định công nhận danh sách")
        constraints = [models.CheckConstraint(condition=Q(effective_date__gte=models.F("decision_date")),
                                              name="campaign_decision_effective_after_date")]

    def __str__(self):
        return f"{self.number} ({self.decision_date:%d/%m/%Y})"


class Application(models.Model):
    """A household's application between annual reviews (rà soát thường xuyên): to be reviewed
    for the lists (Mẫu 01) or to be recognised as having left them (Mẫu 04). The decision is due
    within 15 days of the day it was received (``campaigns.rules.application_deadline``)."""

    class Kind(models.TextChoices):
        TO_LIST = "to_list", _("Đề nghị xét duyệt vào danh sách hộ nghèo, hộ cận nghèo (Mẫu 01)")
        TO_LEAVE = "to_leave", _("Đề nghị công nhận thoát nghèo, thoát cận nghèo (Mẫu 04)")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang chờ quyết định")
        DECIDED = "decided", _("Đã có quyết định")
        WITHDRAWN = "withdrawn", _("Đã rút đơn")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="applications", verbose_name=_("hộ"))
    kind = models.CharField(_("loại đơn"), max_length=10, choices=Kind.choices)
    received_on = models.DateField(_("ngày nhận đơn"))
    applicant = models.CharField(_("người làm đơn"), max_length=150)
    content = models.TextField(_("nội dung"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("phiếu khảo sát"))
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("quyết định"))
    closed_on = models.DateField(_("ngày giải quyết"), null=True, blank=True)
    close_note = models.CharField(_("ghi chú khi giải quyết"), max_length=255, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("người nhận đơn"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đơn đề nghị của hộ")
        verbose_name_plural = _("đơn đề nghị của hộ")
        constraints = [
            models.CheckConstraint(condition=Q(status="open") | Q(closed_on__isnull=False),
                                   name="application_closed_has_date"),
            models.CheckConstraint(condition=~Q(status="decided") | Q(assessment__isnull=False),
                                   name="application_decided_has_decision"),
            models.CheckConstraint(condition=~Q(status="withdrawn") | ~Q(close_note=""),
                                   name="application_withdrawn_has_reason"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("received_on")),
                                   name="application_closed_after_received"),
        ]
        indexes = [models.Index(fields=["status", "received_on"], name="application_status_idx")]

    def __str__(self):
        return f"{self.household.code} – {self.get_kind_display()} ({self.received_on:%d/%m/%Y})"

    @property
    def deadline(self) -> dt.date:
        return rules.application_deadline(self.received_on)
