"""Monthly progress reports of the units and the settings of the official document format."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DocumentSettings(models.Model):
    """Issuer, place and signer printed on every report (NĐ 30/2020). One row; admins edit it.
    After 1 July 2025 the issuer is a ward of Đà Nẵng."""

    issuer_parent = models.CharField(_("cơ quan chủ quản"), max_length=150, blank=True,
                                     default="UBND TỈNH QUẢNG NAM")
    issuer = models.CharField(_("cơ quan ban hành"), max_length=150, default="UBND THÀNH PHỐ TAM KỲ")
    place = models.CharField(_("địa danh"), max_length=80, default="Tam Kỳ")
    signer_authority = models.CharField(_("thẩm quyền ký"), max_length=100, default="TM. ỦY BAN NHÂN DÂN")
    signer_deputy = models.CharField(_("ký thay"), max_length=100, blank=True, default="KT. CHỦ TỊCH")
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, default="PHÓ CHỦ TỊCH")
    signer_name = models.CharField(_("họ tên người ký"), max_length=100, blank=True)
    preparer_title = models.CharField(_("người lập biểu"), max_length=100, default="NGƯỜI LẬP BIỂU")
    recipients = models.TextField(
        _("nơi nhận"), blank=True,
        default="UBND tỉnh Quảng Nam (B/cáo);\nSở NNMT tỉnh Quảng Nam (B/cáo);\nUBND các xã, phường;\nLưu: VT.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thiết lập văn bản")
        verbose_name_plural = _("thiết lập văn bản")

    def __str__(self):
        return self.issuer

    @classmethod
    def current(cls) -> "DocumentSettings":
        obj = cls.objects.order_by("pk").first()
        return obj if obj is not None else cls()


class MonthlyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã gửi")
        RETURNED = "returned", _("Trả lại")
        APPROVED = "approved", _("Đã duyệt")

    unit = models.ForeignKey("tamky_poverty.AdministrativeUnit", on_delete=models.PROTECT,
                             related_name="monthly_reports", verbose_name=_("phường/xã"))
    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"))
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    snapshot = models.JSONField(_("số liệu chốt khi gửi"), default=dict, blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("ý kiến của Phòng TNMT"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("báo cáo tháng")
        verbose_name_plural = _("báo cáo tháng")
        ordering = ["-year", "-month", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="monthly_report_unique"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="monthly_report_month_valid"),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_comment=""),
                name="returned_report_has_comment",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.month:02d}/{self.year}"


class MonthlyReportEvent(models.Model):
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=MonthlyReport.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=MonthlyReport.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.report}: {self.from_status or '-'} → {self.to_status}"


class ClosedPeriod(models.Model):
    """A year whose appendix tables are final: from ``closed_on`` on, each of them is issued once
    (rendered, numbered, dated, stored) and the stored file is what every later download gets
    (reports/documents.py), even if a late correction changes the register afterwards."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    closed_on = models.DateField(_("ngày khóa số liệu"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kỳ đã khóa số liệu")
        verbose_name_plural = _("kỳ đã khóa số liệu")

    def __str__(self):
        return f"{self.year} ({self.closed_on:%d/%m/%Y})"


def issued_path(doc: "IssuedDocument", filename: str) -> str:
    return f"issued/{doc.code}/{doc.issue_date:%Y}/{filename}"


class IssuedDocument(models.Model):
    """A document that cannot change any more, rendered once and served from storage afterwards.
    Its identity is (report code, parameters, issue date, number), from
    ``reports.documents.identity``; one file per format."""

    code = models.CharField(_("mã báo cáo"), max_length=20)
    parameters = models.JSONField(_("tham số"), default=dict)
    issue_date = models.DateField(_("ngày ban hành"))
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    key = models.CharField(max_length=250, editable=False)  # the identity as one string
    format = models.CharField(_("định dạng"), max_length=8, choices=[("pdf", "PDF"), ("xlsx", "XLSX")])
    file = models.FileField(upload_to=issued_path, max_length=300)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đã ban hành")
        verbose_name_plural = _("văn bản đã ban hành")
        constraints = [models.UniqueConstraint(fields=["key", "format"], name="issued_document_unique")]

    def __str__(self):
        return f"{self.code} {self.issue_date:%d/%m/%Y} {self.number}".strip()
