from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WARD_OFFICER = "ward_officer", _("Cán bộ phường/xã")
    AGENCY_OFFICER = "agency_officer", _("Cán bộ cơ quan, đơn vị")
    TNMT_REVIEWER = "tnmt_reviewer", _("Chuyên viên Phòng TNMT")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


class User(AbstractUser):
    """A user of the system. What they may see follows from ``role`` (see ``scoping``)."""

    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        "households.AdministrativeUnit",
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    agency = models.ForeignKey(
        "support.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="ward_officer") | models.Q(unit__isnull=False),
                name="ward_officer_has_unit",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="agency_officer") | models.Q(agency__isnull=False),
                name="agency_officer_has_agency",
            ),
        ]

    def clean(self):
        super().clean()
        if self.role == Role.WARD_OFFICER and not self.unit_id:
            raise ValidationError({"unit": _("Cán bộ phường/xã phải thuộc một đơn vị.")})
        if self.role == Role.AGENCY_OFFICER and not self.agency_id:
            raise ValidationError({"agency": _("Cán bộ cơ quan phải thuộc một cơ quan.")})

    @property
    def is_ward_officer(self) -> bool:
        return self.role == Role.WARD_OFFICER

    @property
    def is_agency_officer(self) -> bool:
        return self.role == Role.AGENCY_OFFICER

    @property
    def is_tnmt(self) -> bool:
        return self.role == Role.TNMT_REVIEWER

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR or self.is_superuser


class AccessRecord(models.Model):
    """Who saw or exported personal data, and when (Decree 13/2023/NĐ-CP)."""

    class Action(models.TextChoices):
        VIEW_CITIZEN_ID = "view_citizen_id", _("Xem số định danh đầy đủ")
        EXPORT = "export", _("Xuất dữ liệu")
        IMPORT = "import", _("Nhập dữ liệu")
        REPORT = "report", _("Tải báo cáo")
        SEARCH_CITIZEN_ID = "search_citizen_id", _("Tìm theo số định danh")

    user = models.ForeignKey(
        "tamky_poverty.User", on_delete=models.PROTECT, related_name="access_records"
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    action = models.CharField(_("hành động"), max_length=30, choices=Action.choices)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    detail = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.get_action_display()} {self.object_repr}"
