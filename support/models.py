"""Agencies and the support actions planned and delivered to households."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import PovertyClass
from tamky_poverty.models import Agency


class SupportKind(models.TextChoices):
    LIVELIHOOD = "livelihood", _("Hỗ trợ phương tiện sinh kế")
    HOUSING_REPAIR = "housing_repair", _("Sửa chữa nhà ở")
    HOUSING_NEW = "housing_new", _("Xây dựng mới nhà ở")
    SPONSORSHIP = "sponsorship", _("Nhận đỡ đầu trẻ em")
    LOAN = "loan", _("Vay vốn ưu đãi")
    VOCATIONAL_TRAINING = "vocational_training", _("Đào tạo nghề")
    JOB_PLACEMENT = "job_placement", _("Giới thiệu việc làm")
    HEALTH_INSURANCE = "health_insurance", _("Cấp thẻ BHYT")
    NUTRITION = "nutrition", _("Hỗ trợ dinh dưỡng")
    EDUCATION = "education", _("Hỗ trợ giáo dục (miễn học phí, học bổng)")
    INFORMATION = "information", _("Hỗ trợ tiếp cận thông tin")
    LEGAL_AID = "legal_aid", _("Trợ giúp pháp lý")
    ELECTRICITY = "electricity", _("Hỗ trợ tiền điện")
    SOCIAL_ALLOWANCE = "social_allowance", _("Trợ cấp bảo trợ xã hội")


class FundingSource(models.TextChoices):
    NATIONAL_TARGET = "national_target", _("Chương trình MTQG giảm nghèo bền vững")
    NEW_RURAL = "new_rural", _("Chương trình xây dựng nông thôn mới")
    FUND_FOR_THE_POOR = "fund_for_poor", _("Quỹ Vì người nghèo")
    SOCIAL_CONTRIBUTIONS = "social", _("Xã hội hóa")
    OTHER = "other", _("Nguồn khác")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Kế hoạch")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    COMPLETED = "completed", _("Hoàn thành")
    CANCELLED = "cancelled", _("Đã huỷ")


class SupportAction(models.Model):
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="support_actions",
        verbose_name=_("hộ"),
    )
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, null=True, blank=True,
        related_name="support_actions", verbose_name=_("thành viên (trẻ được đỡ đầu)"),
    )
    kind = models.CharField(_("loại hỗ trợ"), max_length=30, choices=SupportKind.choices)
    household_class = models.CharField(
        _("diện hộ khi lập kế hoạch"), max_length=20, choices=PovertyClass.choices
    )
    indicator = models.ForeignKey(
        "households.Indicator", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("chỉ số thiếu hụt được giải quyết"),
    )
    description = models.CharField(_("nội dung hỗ trợ"), max_length=255)
    quantity = models.PositiveIntegerField(_("số lượng"), default=1)
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="led_actions", verbose_name=_("cơ quan chủ trì")
    )
    coordinating_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="coordinated_actions", verbose_name=_("cơ quan phối hợp")
    )
    funding_source = models.CharField(
        _("nguồn kinh phí"), max_length=20, choices=FundingSource.choices, default=FundingSource.OTHER
    )
    amount = models.PositiveBigIntegerField(_("kinh phí (đồng)"), default=0)
    plan_year = models.PositiveSmallIntegerField(_("năm kế hoạch"), db_index=True)
    planned_date = models.DateField(_("thời gian dự kiến"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    completed_date = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    cancel_reason = models.CharField(_("lý do huỷ"), max_length=255, blank=True)
    sponsor = models.CharField(_("người/đơn vị đỡ đầu"), max_length=200, blank=True)
    monthly_amount = models.PositiveIntegerField(_("mức đỡ đầu hằng tháng (đồng)"), null=True, blank=True)
    sponsorship_start = models.DateField(_("đỡ đầu từ"), null=True, blank=True)
    sponsorship_end = models.DateField(_("đỡ đầu đến"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người tạo")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("thời điểm cập nhật"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("hoạt động hỗ trợ")
        verbose_name_plural = _("hoạt động hỗ trợ")
        ordering = ["plan_year", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_date__isnull=False),
                name="completed_action_has_date",
            ),
            models.CheckConstraint(
                condition=Q(completed_date__isnull=True) | Q(status="completed"),
                name="completion_date_only_when_completed",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="cancelled_action_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(sponsorship_end__isnull=True)
                | Q(sponsorship_start__isnull=True)
                | Q(sponsorship_end__gte=models.F("sponsorship_start")),
                name="sponsorship_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["plan_year", "kind", "household_class"], name="action_year_kind_class_idx"),
            models.Index(fields=["lead_agency", "status"], name="action_agency_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.household.code}"


class SupportActionEvent(models.Model):
    """A status change of a support action: who, when, from what to what, and why."""

    action = models.ForeignKey(SupportAction, on_delete=models.CASCADE, related_name="events", verbose_name=_("hoạt động hỗ trợ"))
    from_status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True, verbose_name=_("trạng thái trước"))
    to_status = models.CharField(max_length=20, choices=ActionStatus.choices, verbose_name=_("trạng thái sau"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("người thực hiện"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm"))
    note = models.CharField(max_length=255, blank=True, verbose_name=_("ghi chú"))

    class Meta:
        verbose_name = _("thay đổi trạng thái hỗ trợ")
        verbose_name_plural = _("thay đổi trạng thái hỗ trợ")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action_id}: {self.from_status or '—'} → {self.to_status}"
