"""The register: households, members, poverty standards, indicators and
reviews (assessments). Rules live in ``classification.py`` / ``derivation.py``; writes in
``services.py``; reads in ``selectors.py``."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tamky_poverty.models import AdministrativeUnit, AreaKind

citizen_id_validator = RegexValidator(
    r"^[0-9]{12}$", _("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số.")
)


class PovertyClass(models.TextChoices):
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")
    AVERAGE = "average", _("Hộ có mức sống trung bình")
    NONE = "none", _("Không thuộc diện")


class PovertyStandard(models.Model):
    """A multidimensional poverty standard (data with a validity period, DOMAIN.md §1)."""

    code = models.CharField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    legal_basis = models.CharField(_("căn cứ"), max_length=255)
    year_from = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    year_to = models.PositiveSmallIntegerField(_("áp dụng đến năm"))
    rural_income_threshold = models.PositiveIntegerField(_("chuẩn thu nhập nông thôn (đ/người/tháng)"))
    urban_income_threshold = models.PositiveIntegerField(_("chuẩn thu nhập thành thị (đ/người/tháng)"))
    rural_average_upper = models.PositiveIntegerField(
        _("mức sống trung bình nông thôn, cận trên"), null=True, blank=True
    )
    urban_average_upper = models.PositiveIntegerField(
        _("mức sống trung bình thành thị, cận trên"), null=True, blank=True
    )
    deprivation_cutoff = models.PositiveSmallIntegerField(
        _("số chỉ số thiếu hụt tối thiểu của hộ nghèo"), default=3
    )

    class Meta:
        verbose_name = _("chuẩn nghèo")
        verbose_name_plural = _("chuẩn nghèo")
        ordering = ["year_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__gte=models.F("year_from")), name="standard_years_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year_from}–{self.year_to})"


class Indicator(models.Model):
    """One deprivation indicator of a standard (12 in the 2022–2026 set)."""

    standard = models.ForeignKey(PovertyStandard, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("chuẩn nghèo"))
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    code = models.CharField(_("mã"), max_length=40)
    dimension = models.CharField(_("chiều thiếu hụt"), max_length=100)
    name = models.CharField(_("chỉ số"), max_length=150)
    short_name = models.CharField(_("tên ngắn"), max_length=60, blank=True)
    description = models.TextField(_("thiếu hụt khi"), blank=True)
    derivable = models.BooleanField(_("tính được từ dữ liệu thành viên"), default=False)

    class Meta:
        verbose_name = _("chỉ số thiếu hụt")
        verbose_name_plural = _("chỉ số thiếu hụt")
        ordering = ["standard", "number"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="indicator_code_unique"),
            models.UniqueConstraint(fields=["standard", "number"], name="indicator_number_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class Household(models.Model):
    class Group(models.TextChoices):
        ORPHAN = "orphan", _("Hộ nghèo là trẻ em mồ côi")
        DEPENDANTS_SCHOOL = "dependants_school", _("Đông người ăn theo: con đang đi học")
        DEPENDANTS_SOCIAL = "dependants_social", _("Đông người ăn theo: người hưởng bảo trợ xã hội")
        NO_LABOUR = "no_labour", _("Không có khả năng lao động")
        OTHER = "other", _("Khác (có thể tác động)")

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("phường/xã"), on_delete=models.PROTECT, related_name="households"
    )
    code = models.CharField(_("mã hộ"), max_length=30)
    village = models.CharField(_("thôn/khối phố"), max_length=100, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    group = models.CharField(_("nhóm hộ"), max_length=20, choices=Group.choices, default=Group.OTHER)
    registered_exit_year = models.PositiveSmallIntegerField(
        _("đăng ký thoát nghèo/cận nghèo năm"), null=True, blank=True
    )
    ethnic_minority = models.BooleanField(_("hộ dân tộc thiểu số"), default=False)
    social_policy = models.BooleanField(_("hộ chính sách xã hội"), default=False)
    floor_area_m2 = models.DecimalField(
        _("diện tích nhà ở (m²)"), max_digits=7, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    # Denormalised from the latest effective assessment; kept by households.services only.
    current_class = models.CharField(
        _("phân loại hiện tại"), max_length=20, choices=PovertyClass.choices, default=PovertyClass.NONE
    )
    current_standard = models.ForeignKey(
        PovertyStandard, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("chuẩn nghèo áp dụng"),
    )
    current_assessment = models.ForeignKey(
        "Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("lần rà soát hiện hành"),
    )
    # Lower-case, diacritics-free text of code, names and IDs: the index behind search.
    search_text = models.TextField(editable=False, blank=True, default="", verbose_name=_("nội dung tìm kiếm"))
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    is_deleted = models.BooleanField(_("đã xoá"), default=False)
    deleted_reason = models.CharField(_("lý do xoá"), max_length=255, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("thời điểm xoá"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("thời điểm cập nhật"))

    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["unit__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="household_code_unique_in_unit"),
            models.CheckConstraint(condition=Q(floor_area_m2__gte=0) | Q(floor_area_m2__isnull=True),
                                   name="household_floor_area_non_negative"),
            models.CheckConstraint(condition=Q(is_deleted=False) | ~Q(deleted_reason=""),
                                   name="household_deleted_has_reason"),
        ]
        indexes = [
            models.Index(fields=["unit", "current_class"], name="household_unit_class_idx"),
            models.Index(fields=["current_class", "group"], name="household_class_group_idx"),
            # The list's order and its count: read from this narrow index, not the wide table.
            models.Index(fields=["unit", "code"], condition=Q(is_deleted=False), name="household_listed_idx"),
            # Counts by class (city-wide or per unit) and the current decisions of a class, read
            # from the index alone (the dashboard at 100,000 households, bench/README.md).
            models.Index(fields=["current_class", "unit", "current_assessment"], condition=Q(is_deleted=False),
                         name="household_class_listed_idx"),
        ]

    def __str__(self):
        return f"{self.code} – {self.unit.name}"


class HouseholdTransfer(models.Model):
    """A household passing from one unit to another on a date (today only by a reorganisation,
    ``households.territory``). ``Household.unit`` is the unit now; these rows say which unit it
    belonged to on any earlier day, so past reports keep their units."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("hộ"))
    from_unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("từ đơn vị"))
    to_unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("sang đơn vị"))
    effective_date = models.DateField(_("từ ngày"))
    reorganisation = models.ForeignKey("tamky_poverty.Reorganisation", on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+", verbose_name=_("đợt sắp xếp đơn vị"))

    class Meta:
        verbose_name = _("chuyển đơn vị của hộ")
        verbose_name_plural = _("chuyển đơn vị của hộ")
        constraints = [
            models.UniqueConstraint(fields=["household", "effective_date"], name="household_transfer_unique"),
        ]
        indexes = [models.Index(fields=["household", "effective_date"], name="household_transfer_idx")]

    def __str__(self):
        return f"{self.household_id}: {self.from_unit_id} → {self.to_unit_id} ({self.effective_date:%d/%m/%Y})"


class Member(models.Model):
    class Sex(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")

    class Relation(models.TextChoices):
        HEAD = "head", _("Chủ hộ")
        SPOUSE = "spouse", _("Vợ/chồng")
        CHILD = "child", _("Con")
        PARENT = "parent", _("Bố/mẹ")
        GRANDCHILD = "grandchild", _("Cháu")
        SIBLING = "sibling", _("Anh/chị/em")
        OTHER = "other", _("Khác")

    class Schooling(models.TextChoices):
        NOT_APPLICABLE = "na", _("Không thuộc diện")
        ATTENDING = "attending", _("Đang đi học")
        NOT_ATTENDING = "not_attending", _("Không đi học")

    class Diploma(models.TextChoices):
        NONE = "none", _("Chưa có bằng cấp")
        PRIMARY = "primary", _("Tiểu học")
        LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
        UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")
        VOCATIONAL = "vocational", _("Trung cấp, sơ cấp nghề")
        HIGHER = "higher", _("Cao đẳng, đại học trở lên")

    class Employment(models.TextChoices):
        STABLE = "stable", _("Có việc làm, hợp đồng lao động")
        UNSTABLE = "unstable", _("Có việc làm, không hợp đồng/không ổn định")
        UNEMPLOYED = "unemployed", _("Thất nghiệp")
        NOT_IN_LABOUR_FORCE = "not_in_labour_force", _("Không trong lực lượng lao động")

    class Nutrition(models.TextChoices):
        NOT_APPLICABLE = "na", _("Không thuộc diện")
        NORMAL = "normal", _("Bình thường")
        STUNTED = "stunted", _("Suy dinh dưỡng thấp còi")
        UNDERWEIGHT = "underweight", _("Suy dinh dưỡng nhẹ cân")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("hộ"))
    full_name = models.CharField(_("họ và tên"), max_length=100)
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices)
    date_of_birth = models.DateField(_("ngày sinh"))
    # NULL (not "") when absent, so the unique constraint applies only to IDs that exist.
    citizen_id = models.CharField(  # noqa: DJ001
        _("số định danh cá nhân"), max_length=12, null=True, blank=True,
        validators=[citizen_id_validator],
    )
    relation = models.CharField(_("quan hệ với chủ hộ"), max_length=20, choices=Relation.choices)
    ethnicity = models.CharField(_("dân tộc"), max_length=40, default="Kinh")
    has_health_insurance = models.BooleanField(_("có thẻ BHYT"), default=True)
    schooling = models.CharField(
        _("tình trạng đi học"), max_length=20, choices=Schooling.choices, default=Schooling.NOT_APPLICABLE
    )
    highest_diploma = models.CharField(
        _("bằng cấp cao nhất"), max_length=20, choices=Diploma.choices, default=Diploma.NONE
    )
    employment = models.CharField(
        _("việc làm"), max_length=25, choices=Employment.choices, default=Employment.NOT_IN_LABOUR_FORCE
    )
    has_disability = models.BooleanField(_("khuyết tật"), default=False)
    social_allowance = models.BooleanField(_("hưởng trợ cấp bảo trợ xã hội"), default=False)
    nutrition = models.CharField(
        _("tình trạng dinh dưỡng (trẻ em)"), max_length=20, choices=Nutrition.choices,
        default=Nutrition.NOT_APPLICABLE,
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("thời điểm cập nhật"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("thành viên hộ")
        verbose_name_plural = _("thành viên hộ")
        ordering = ["household", "date_of_birth", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(relation="head"), name="one_head_per_household"
            ),
            models.UniqueConstraint(
                fields=["citizen_id"], condition=Q(citizen_id__isnull=False), name="citizen_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(citizen_id__isnull=True) | Q(citizen_id__regex=r"^[0-9]{12}$"),
                name="citizen_id_twelve_digits",
            ),
        ]

    def __str__(self):
        return self.full_name


class Assessment(models.Model):
    """One review (rà soát) of one household, with the decision that recognised its result.
    The unit, area kind and standard are stored as they were on the day, so history survives
    any later reorganisation."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Rà soát định kỳ")
        REGULAR = "regular", _("Rà soát thường xuyên")

    class Movement(models.TextChoices):
        NEW_POOR = "new_poor", _("Hộ nghèo phát sinh")
        NEW_NEAR_POOR = "new_near_poor", _("Hộ cận nghèo phát sinh")
        RE_POOR = "re_poor", _("Tái nghèo")
        RE_NEAR_POOR = "re_near_poor", _("Tái cận nghèo")
        POOR_TO_NEAR_POOR = "poor_to_near_poor", _("Thoát nghèo, chuyển sang cận nghèo")
        LEFT_POOR = "left_poor", _("Thoát nghèo")
        LEFT_NEAR_POOR = "left_near_poor", _("Thoát cận nghèo")
        NEAR_POOR_TO_POOR = "near_poor_to_poor", _("Cận nghèo chuyển sang nghèo")
        UNCHANGED = "unchanged", _("Không thay đổi")
        OUTSIDE = "outside", _("Không thuộc diện")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("hộ"))
    kind = models.CharField(_("loại rà soát"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("năm rà soát"))
    standard = models.ForeignKey(PovertyStandard, on_delete=models.PROTECT, verbose_name=_("chuẩn nghèo"))
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị khi rà soát")
    )
    area_kind = models.CharField(_("khu vực"), max_length=10, choices=AreaKind.choices)
    income_per_capita = models.PositiveIntegerField(
        _("thu nhập bình quân (đ/người/tháng)"), validators=[MinValueValidator(0)]
    )
    proxy_score = models.PositiveIntegerField(_("điểm thu nhập (Phiếu B)"), null=True, blank=True)
    result_class = models.CharField(_("kết quả phân loại"), max_length=20, choices=PovertyClass.choices)
    previous_class = models.CharField(
        _("phân loại trước đó"), max_length=20, choices=PovertyClass.choices, default=PovertyClass.NONE
    )
    movement = models.CharField(_("biến động"), max_length=20, choices=Movement.choices)
    explanation = models.TextField(_("giải thích"))
    decision_number = models.CharField(_("số quyết định"), max_length=50)
    decision_date = models.DateField(_("ngày quyết định"))
    effective_date = models.DateField(_("ngày có hiệu lực"), db_index=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người ghi nhận")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("thời điểm tạo"))
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes",
        verbose_name=_("được thay thế bởi"),
    )
    # Set on a correcting decision: why the decision it supersedes was wrong.
    correction_reason = models.TextField(_("lý do điều chỉnh quyết định"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lần rà soát")
        verbose_name_plural = _("lần rà soát")
        ordering = ["household", "effective_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(income_per_capita__gte=0), name="assessment_income_non_negative"),
            # No retroactive effect, except for a decision correcting a wrong one.
            models.CheckConstraint(
                condition=Q(effective_date__gte=models.F("decision_date")) | ~Q(correction_reason=""),
                name="assessment_effective_after_decision",
            ),
        ]
        indexes = [models.Index(fields=["year", "movement"], name="assessment_year_movement_idx")]

    def __str__(self):
        return f"{self.household.code} {self.decision_date:%d/%m/%Y} {self.get_result_class_display()}"


class Deprivation(models.Model):
    """The state of one indicator in one assessment: deprived or not, what the member data
    suggested, and the officer's reason when they overrode the suggestion."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="deprivations", verbose_name=_("lần rà soát"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("chỉ số"))
    deprived = models.BooleanField(_("thiếu hụt"))
    suggested = models.BooleanField(_("gợi ý từ dữ liệu"), null=True, blank=True)
    override_reason = models.CharField(_("lý do điều chỉnh"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chỉ số thiếu hụt của lần rà soát")
        verbose_name_plural = _("chỉ số thiếu hụt của lần rà soát")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="deprivation_unique"),
            models.CheckConstraint(
                condition=Q(suggested__isnull=True) | Q(deprived=models.F("suggested")) | ~Q(override_reason=""),
                name="override_has_reason",
            ),
        ]
        indexes = [
            # Lists and reports ask "which reviews are deprived on indicator X": a partial index
            # of the deprived rows answers it without reading the other ~80 %.
            models.Index(fields=["indicator", "assessment"], condition=Q(deprived=True),
                         name="deprivation_deprived_idx"),
            # The dashboard asks the other way round, "which indicators are the listed households'
            # decisions deprived on": read from the index alone, not the 12 rows of each decision
            # (city dashboard on a cold cache at 100,000 households: 1.5 → 0.5 s, bench/README.md).
            models.Index(fields=["assessment", "indicator"], condition=Q(deprived=True),
                         name="deprivation_by_review_idx"),
        ]

    def __str__(self):
        state = _("thiếu hụt") if self.deprived else _("không thiếu hụt")  # not inside the f-string: xgettext
        return f"{self.indicator}: {state}"

    @property
    def overridden(self) -> bool:
        return self.suggested is not None and self.suggested != self.deprived
