"""Agencies and the support actions planned and delivered to households."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import PovertyClass
from tamky_poverty.models import Agency

UNIT_UBND = "@ubnd"  # in the catalogue: the People's Committee of the household's own unit


class QuotaGroup(models.Model):
    """A line of the plan's support quotas (Phụ lục 01, section II) and of the monthly report: one
    or more support kinds counted together (housing repair and new build share one quota)."""

    code = models.SlugField(_("mã"), max_length=30, primary_key=True)
    name = models.CharField(_("tên"), max_length=200)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    counts_children = models.BooleanField(
        _("đếm theo số cháu"), default=False,
        help_text=_("Báo cáo đếm số cháu (số lượng) thay cho số hộ, như nhận đỡ đầu trẻ em."),
    )

    class Meta:
        verbose_name = _("nhóm định mức hỗ trợ")
        verbose_name_plural = _("nhóm định mức hỗ trợ")
        ordering = ["position", "code"]

    def __str__(self):
        # The name is Vietnamese data; the English catalogue translates the rows the data
        # migration created (their names are marked there), a new row shows as written.
        return gettext(self.name)


class SupportKind(models.Model):
    """One kind of support of the catalogue (section III of the plan): its quota line, the agency
    the plan puts in charge and those that coordinate (agency codes; ``@ubnd`` is the UBND of the
    household's own unit, resolved per household), and the deprivation indicators it answers with
    its rank among the kinds suggested for each. Data, not code: a new kind is a new row
    (``fixtures/reference.json`` → ``load_reference``, or the admin)."""

    code = models.SlugField(_("mã"), max_length=30, primary_key=True)
    name = models.CharField(_("tên"), max_length=200)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    quota_group = models.ForeignKey(
        QuotaGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="kinds",
        verbose_name=_("nhóm định mức"),
    )
    lead_agency = models.CharField(
        _("mã cơ quan chủ trì"), max_length=40, default=UNIT_UBND,
        help_text=_("Mã cơ quan; @ubnd là UBND phường/xã của hộ."),
    )
    coordinating_agencies = models.JSONField(
        _("mã các cơ quan phối hợp"), default=list, blank=True,
        help_text=_("Danh sách mã cơ quan, ví dụ [\"tnmt\", \"@ubnd\"]."),
    )
    indicators = models.JSONField(
        _("chỉ số thiếu hụt được giải quyết"), default=dict, blank=True,
        help_text=_("Mã chỉ số → thứ tự gợi ý của loại hỗ trợ này cho chỉ số đó, ví dụ {\"employment\": 1}."),
    )
    sponsorship = models.BooleanField(
        _("đỡ đầu trẻ em"), default=False,
        help_text=_("Hoạt động ghi trẻ được đỡ đầu (hoặc số cháu), người đỡ đầu và mức hằng tháng."),
    )

    class Meta:
        verbose_name = _("loại hỗ trợ")
        verbose_name_plural = _("loại hỗ trợ")
        ordering = ["position", "code"]

    def __str__(self):
        # The name is Vietnamese data; the English catalogue translates the rows the data
        # migration created (their names are marked there), a new row shows as written.
        return gettext(self.name)

    def clean(self):
        if not isinstance(self.coordinating_agencies, list) or not all(
                isinstance(c, str) for c in self.coordinating_agencies):
            raise ValidationError({"coordinating_agencies": _("Ghi một danh sách mã cơ quan.")})
        if not isinstance(self.indicators, dict) or not all(
                isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
                for k, v in self.indicators.items()):
            raise ValidationError({"indicators": _("Ghi mã chỉ số → thứ tự (số nguyên).")})


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
    kind = models.ForeignKey(
        SupportKind, on_delete=models.PROTECT, db_column="kind", related_name="actions",
        verbose_name=_("loại hỗ trợ"),
    )
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
        ordering = ["plan_year", "kind_id", "id"]
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
        return f"{self.kind} – {self.household.code}"


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
