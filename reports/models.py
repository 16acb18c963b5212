"""Monthly progress reports of the units and the settings of the official document format."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DocumentSettings(models.Model):
    """Who issues a document and how it is signed (NĐ 30/2020), as dated data: one row per level
    (the city's own documents, or the documents of a ward/commune) and period, optionally for one
    unit only. In a unit-level row ``{unit}`` stands for the unit ("Phường Quảng Phú") and
    ``{name}`` for its name ("Quảng Phú"). ``reports.documents.issuer_for`` picks the row of a
    document's issuing unit and date (before 7/2025 Tam Kỳ city and Quảng Nam; after it Đà Nẵng)."""

    class Level(models.TextChoices):
        CITY = "city", _("Văn bản cấp thành phố (phụ lục, báo cáo tổng hợp)")
        UNIT = "unit", _("Văn bản của phường, xã")

    level = models.CharField(_("cấp văn bản"), max_length=10, choices=Level.choices, default=Level.CITY)
    unit = models.ForeignKey("tamky_poverty.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("chỉ cho đơn vị (để trống: mọi đơn vị)"))
    valid_from = models.DateField(_("áp dụng từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu văn bản"), max_length=30, default="BC-UBND",
                              help_text=_("Phần sau số: “Số: 12/BC-UBND”."))
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
        ordering = ["level", "valid_from", "unit"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="document_settings_period_ordered",
            ),
            models.CheckConstraint(condition=Q(level="unit") | Q(unit__isnull=True),
                                   name="document_settings_unit_only_for_unit_level"),
        ]

    def __str__(self):
        period = f"{self.valid_from:%d/%m/%Y}" if self.valid_from else "…"
        return f"{self.get_level_display()} {self.unit or ''} {period}: {self.issuer}"


class DocumentRegister(models.Model):
    """The last number an issuer gave in a year; locked while the next number is taken."""

    issuer = models.CharField(max_length=150, verbose_name=_("cơ quan ban hành"))
    year = models.PositiveSmallIntegerField(verbose_name=_("năm"))
    last_number = models.PositiveIntegerField(default=0, verbose_name=_("số cuối cùng đã cấp"))

    class Meta:
        verbose_name = _("sổ cấp số văn bản")
        verbose_name_plural = _("sổ cấp số văn bản")
        constraints = [models.UniqueConstraint(fields=["issuer", "year"], name="document_register_unique")]

    def __str__(self):
        return f"{self.issuer} {self.year}: {self.last_number}"


class IssuedDocument(models.Model):
    """The register of issued documents: each issuer numbers its documents per year ("Số:
    12/BC-UBND"); a document is identified by what it shows (``key``: report, period, unit) and
    its date, so issuing the same document again returns the same number."""

    issuer = models.CharField(_("cơ quan ban hành"), max_length=150)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    symbol = models.CharField(_("ký hiệu"), max_length=30)
    code = models.CharField(_("biểu"), max_length=30)
    key = models.CharField(max_length=255, verbose_name=_("khoá"))
    title = models.CharField(_("trích yếu"), max_length=255, blank=True)
    issue_date = models.DateField(_("ngày ban hành"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("người cấp số"))
    issued_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm cấp số"))

    class Meta:
        verbose_name = _("văn bản đã cấp số")
        verbose_name_plural = _("sổ văn bản đã cấp số")
        ordering = ["-issue_date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "number"], name="issued_document_number_unique"),
            models.UniqueConstraint(fields=["issuer", "key", "issue_date"], name="issued_document_once"),
        ]

    def __str__(self):
        return _("Số %(reference)s ngày %(date)s (%(issuer)s)") % {
            "reference": self.reference, "date": f"{self.issue_date:%d/%m/%Y}", "issuer": self.issuer}

    @property
    def reference(self) -> str:
        return f"{self.number}/{self.symbol}"


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
                                    blank=True, related_name="+", verbose_name=_("người lập"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("người gửi"))
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("thời điểm gửi"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("người duyệt"))
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("thời điểm duyệt"))
    review_comment = models.TextField(_("ý kiến của Phòng TNMT"), blank=True)
    document = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("số, ngày văn bản (khi duyệt)"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("thời điểm cập nhật"))

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
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("báo cáo"))
    from_status = models.CharField(max_length=20, choices=MonthlyReport.Status.choices, blank=True, verbose_name=_("trạng thái trước"))
    to_status = models.CharField(max_length=20, choices=MonthlyReport.Status.choices, verbose_name=_("trạng thái sau"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người thực hiện"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm"))
    comment = models.TextField(blank=True, verbose_name=_("nhận xét"))

    class Meta:
        verbose_name = _("thay đổi trạng thái báo cáo tháng")
        verbose_name_plural = _("thay đổi trạng thái báo cáo tháng")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.report}: {self.from_status or '-'} → {self.to_status}"


#: The plan asks the units to report every month (§V.11 "Hàng tháng, cập nhật số liệu, báo cáo UBND
#: thành phố") without naming a day; by default a month's report is due on this day of the next
#: month (a month can only be reported once it has ended). TNMT sets another date per month.
DEFAULT_DUE_DAY = 5


def default_due_date(year: int, month: int):
    import datetime as dt

    return dt.date(year + (month == 12), month % 12 + 1, DEFAULT_DUE_DAY)


class ReportDeadline(models.Model):
    """The date by which the units' monthly reports of one month are due, set by TNMT."""

    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"))
    due_date = models.DateField(_("hạn nộp báo cáo"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("người đặt hạn"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hạn nộp báo cáo tháng")
        verbose_name_plural = _("hạn nộp báo cáo tháng")
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="report_deadline_unique"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="report_deadline_month_valid"),
        ]

    def __str__(self):
        return f"{self.month:02d}/{self.year}: {self.due_date:%d/%m/%Y}"

    @classmethod
    def due_for(cls, year: int, month: int):
        """The due date of the month's reports: TNMT's, or the default (``DEFAULT_DUE_DAY``)."""
        row = cls.objects.filter(year=year, month=month).values_list("due_date", flat=True).first()
        return row or default_due_date(year, month)


class ClosedPeriod(models.Model):
    """A year whose appendix tables are final: from ``closed_on`` on, each of them is issued once
    (numbered and dated ``closed_on`` in its issuer's register, rendered, stored) and the stored
    file is what every later download gets (reports/documents.py), even if a late correction
    changes the register afterwards."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    closed_on = models.DateField(_("ngày khóa số liệu"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người khoá sổ"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kỳ đã khóa số liệu")
        verbose_name_plural = _("kỳ đã khóa số liệu")

    def __str__(self):
        return f"{self.year} ({self.closed_on:%d/%m/%Y})"


def stored_path(doc: "StoredDocument", filename: str) -> str:
    return f"issued/{doc.document.code}/{doc.document.issue_date:%Y}/{filename}"


class StoredDocument(models.Model):
    """The file of an issued document that cannot change any more (an approved monthly report, an
    appendix of a closed year), rendered once and served from storage afterwards; one per
    format."""

    document = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, related_name="files",
                                 verbose_name=_("văn bản"))
    format = models.CharField(_("định dạng"), max_length=8, choices=[("pdf", "PDF"), ("xlsx", "XLSX")])
    file = models.FileField(_("tệp"), upload_to=stored_path, max_length=300)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp văn bản đã ban hành")
        verbose_name_plural = _("tệp văn bản đã ban hành")
        constraints = [models.UniqueConstraint(fields=["document", "format"], name="stored_document_unique")]

    def __str__(self):
        return f"{self.document} ({self.format})"
