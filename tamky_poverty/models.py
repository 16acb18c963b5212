"""The base of the house: users and their roles, the personal-data access log, and the
territory in time — administrative units (with their validity, kind and successors), the
organisations (agencies) that act on the plan and issue documents, and each unit's yearly
household totals. Every feature app builds on these; this module imports none of them."""

import unicodedata

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AreaKind(models.TextChoices):
    URBAN = "urban", _("Thành thị")
    RURAL = "rural", _("Nông thôn")


class AdministrativeUnitQuerySet(models.QuerySet):
    """The one place that says which units exist on a day or during a period (validity bounds
    are inclusive; an empty bound is open)."""

    def valid_on(self, day):
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                           Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def valid_during(self, start, end):
        """Units valid on at least one day of [start, end]."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end),
                           Q(valid_to__isnull=True) | Q(valid_to__gte=start))


class AdministrativeUnit(models.Model):
    """A ward (phường) or commune (xã). Codes are reused across reorganisations, so the row is
    the identity; ``successor`` links a unit to the one that replaced it."""

    class Kind(models.TextChoices):
        WARD = "phuong", _("Phường")
        COMMUNE = "xa", _("Xã")

    code = models.CharField(_("mã đơn vị"), max_length=10, db_index=True)
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    parent_name = models.CharField(
        _("thuộc"), max_length=100, blank=True, help_text=_("Ví dụ: Thành phố Tam Kỳ")
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_valid_from_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    @property
    def area_kind(self) -> str:
        return AreaKind.URBAN if self.kind == self.Kind.WARD else AreaKind.RURAL

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class UnitYearFigures(models.Model):
    """All households of a unit in a year: the denominator of poverty rates."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="year_figures", verbose_name=_("đơn vị hành chính"))
    year = models.PositiveSmallIntegerField(_("năm"))
    total_households = models.PositiveIntegerField(_("tổng số hộ dân cư"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số hộ dân cư theo năm")
        verbose_name_plural = _("số hộ dân cư theo năm")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unit_year_unique")]

    def __str__(self):
        return f"{self.unit} {self.year}: {self.total_households}"


class Agency(models.Model):
    """An organisation that acts on the plan (leads or coordinates support) or issues documents:
    city offices, centres, the People's Committee of each unit, mass organisations, banks."""

    class Kind(models.TextChoices):
        CITY_OFFICE = "city_office", _("Phòng, ban thành phố")
        CENTRE = "centre", _("Trung tâm, đơn vị sự nghiệp")
        WARD = "ward", _("UBND xã, phường")
        MASS_ORGANISATION = "mass_org", _("Mặt trận, hội, đoàn thể")
        PROVINCIAL = "provincial", _("Cơ quan cấp tỉnh")
        BANK = "bank", _("Ngân hàng")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=200, unique=True)
    short_name = models.CharField(_("tên ngắn"), max_length=80, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True,
        related_name="agencies", verbose_name=_("đơn vị hành chính (với UBND xã, phường)"),
    )
    duties = models.TextField(_("nhiệm vụ theo kế hoạch"), blank=True)

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.short_name or self.name


class Reorganisation(models.Model):
    """One reorganisation of units (sáp nhập): from ``effective_date`` the ``predecessors`` are
    dissolved into ``successor``. Recorded and carried out by
    ``tamky_poverty.services.reorganisation_apply`` only — never edited afterwards."""

    effective_date = models.DateField(_("ngày có hiệu lực"))
    successor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="formed_by",
        verbose_name=_("đơn vị sau sắp xếp"),
    )
    predecessors = models.ManyToManyField(
        AdministrativeUnit, related_name="dissolved_by", verbose_name=_("các đơn vị trước sắp xếp"),
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        "tamky_poverty.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người ghi nhận")
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("sắp xếp đơn vị hành chính")
        verbose_name_plural = _("sắp xếp đơn vị hành chính")
        ordering = ["effective_date", "successor__name"]
        constraints = [
            models.UniqueConstraint(fields=["successor", "effective_date"], name="reorganisation_unique"),
        ]

    def __str__(self):
        return f"{self.successor} ({self.effective_date:%d/%m/%Y})"


class AreaRule(models.Model):
    """A transitional rule recorded by TNMT: households of ``unit``'s area (a unit, or a former
    unit now part of a ward) are classified as ``area_kind`` from ``valid_from`` to ``valid_to``
    (inclusive; open when empty), on the stated legal basis. Without a rule the area kind is the
    kind of the household's unit on the decision's effective date (DOMAIN.md §3)."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="area_rules",
        verbose_name=_("địa bàn (đơn vị, kể cả đơn vị cũ)"),
    )
    area_kind = models.CharField(_("khu vực áp dụng"), max_length=10, choices=AreaKind.choices)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    legal_basis_number = models.CharField(_("số văn bản căn cứ"), max_length=60)
    legal_basis_date = models.DateField(_("ngày văn bản căn cứ"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quy định khu vực chuyển tiếp")
        verbose_name_plural = _("quy định khu vực chuyển tiếp")
        ordering = ["unit__name", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="area_rule_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.unit}: {self.get_area_kind_display()} ({self.legal_basis_number})"

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def basis(self) -> str:
        return f"{self.legal_basis_number} ngày {self.legal_basis_date:%d/%m/%Y}"


class Role(models.TextChoices):
    WARD_OFFICER = "ward_officer", _("Cán bộ phường/xã")
    AGENCY_OFFICER = "agency_officer", _("Cán bộ cơ quan, đơn vị")
    TNMT_REVIEWER = "tnmt_reviewer", _("Chuyên viên Phòng TNMT")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


class User(AbstractUser):
    """A user of the system. What they may see follows from ``role`` (see ``scoping``).

    A person's name is one field, ``full_name``, shown exactly as written ("Nguyễn Thị Hồng"):
    Vietnamese names are family name first, so Django's first/last name pair (joined first +
    last) put them in Western order; the pair is removed."""

    first_name = None
    last_name = None
    full_name = models.CharField(
        _("họ và tên"), max_length=150, blank=True, help_text=_("Viết đầy đủ theo thứ tự Họ, tên đệm, tên."),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    agency = models.ForeignKey(
        Agency,
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

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        """The given name: the last word of a Vietnamese full name."""
        return self.full_name.split()[-1] if self.full_name.strip() else ""

    def clean(self):
        super().clean()
        self.full_name = " ".join(unicodedata.normalize("NFC", self.full_name or "").split())
        if self.role == Role.WARD_OFFICER and not self.unit_id:
            raise ValidationError({"unit": _("Cán bộ phường/xã phải thuộc một đơn vị.")})
        if self.role == Role.AGENCY_OFFICER and not self.agency_id:
            raise ValidationError({"agency": _("Cán bộ cơ quan phải thuộc một cơ quan.")})


class AccessRecord(models.Model):
    """Who saw or exported personal data, and when (Decree 13/2023/NĐ-CP)."""

    class Action(models.TextChoices):
        VIEW_CITIZEN_ID = "view_citizen_id", _("Xem số định danh đầy đủ")
        EXPORT = "export", _("Xuất dữ liệu")
        IMPORT = "import", _("Nhập dữ liệu")
        REPORT = "report", _("Tải báo cáo")
        SEARCH_CITIZEN_ID = "search_citizen_id", _("Tìm theo số định danh")

    user = models.ForeignKey(
        "tamky_poverty.User", on_delete=models.PROTECT, related_name="access_records", verbose_name=_("người dùng")
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
