"""The year's plan: document identity, per-unit targets (Phụ lục 01) and support quotas."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import PovertyClass
from support.models import QuotaGroup


class Plan(models.Model):
    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    title = models.CharField(_("trích yếu"), max_length=255)
    document_number = models.CharField(_("số văn bản"), max_length=50, blank=True)
    document_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=150)
    signer = models.CharField(_("người ký"), max_length=150, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế hoạch giảm nghèo")
        verbose_name_plural = _("kế hoạch giảm nghèo")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.title} ({self.year})"


class UnitTarget(models.Model):
    """Households a unit plans to lift out of poverty / near-poverty this year (Phụ lục 01)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="unit_targets", verbose_name=_("kế hoạch"))
    unit = models.ForeignKey("tamky_poverty.AdministrativeUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("phường/xã"))
    poor_exit_target = models.PositiveIntegerField(_("hộ nghèo thoát nghèo"), default=0)
    near_poor_exit_target = models.PositiveIntegerField(_("hộ cận nghèo thoát cận nghèo"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu giảm nghèo của đơn vị")
        verbose_name_plural = _("chỉ tiêu giảm nghèo của đơn vị")
        ordering = ["plan", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="unit_target_unique")]

    def __str__(self):
        return f"{self.unit}: {self.poor_exit_target}/{self.near_poor_exit_target}"


class SupportQuota(models.Model):
    """How many households (and items, or children for sponsorship) the plan supports, per
    support kind and household class (Phụ lục 02–07)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("kế hoạch"))
    kind = models.ForeignKey(QuotaGroup, on_delete=models.PROTECT, db_column="kind", related_name="quotas",
                             verbose_name=_("loại hỗ trợ"))
    household_class = models.CharField(_("diện hộ"), max_length=20, choices=PovertyClass.choices)
    households = models.PositiveIntegerField(_("số hộ"), default=0)
    items = models.PositiveIntegerField(_("số lượng (phương tiện, nhà, cháu)"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("định mức hỗ trợ")
        verbose_name_plural = _("định mức hỗ trợ")
        ordering = ["plan", "kind_id", "household_class"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "household_class"], name="quota_unique"),
        ]

    def __str__(self):
        return f"{self.kind} – {self.get_household_class_display()}: {self.households}"
