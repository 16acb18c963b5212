"""The column contract of household list files: one row per member, the household's columns
repeated on each of its members' rows. The headings below are what the template shows, what
the export writes and what the import reads (matched without regard to case, spacing or
Unicode composition)."""

from __future__ import annotations

from dataclasses import dataclass, field

from households.models import Household, Member, PovertyClass
from households.text import fold

YES = "Có"
NO = "Không"

DATA_SHEET = "Danh sách"
INSTRUCTIONS_SHEET = "Hướng dẫn"
EXAMPLE_SHEET = "Ví dụ"
LISTS_SHEET = "Danh mục"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: str  # text | code | choice | yesno | int | decimal | date | money | indicators
    level: str  # household | member | assessment | unit
    required: bool = False
    choices: tuple[tuple[str, str], ...] = field(default=())
    help: str = ""
    width: int = 16

    @property
    def labels(self) -> list[str]:
        return [str(label) for _, label in self.choices]


def _choices(enum) -> tuple[tuple[str, str], ...]:
    return tuple((value, str(label)) for value, label in enum.choices)


YESNO = ((True, YES), (False, NO))

COLUMNS: list[Column] = [
    Column("unit_code", "Mã đơn vị", "code", "unit", help="Mã thống kê của phường/xã, ví dụ 20356. Ghi mã hoặc tên (hoặc cả hai).", width=11),
    Column("unit_name", "Phường/xã", "text", "unit", help="Tên phường/xã, ví dụ “An Phú” (có thể ghi “Phường An Phú”).", width=16),
    Column("code", "Mã hộ", "code", "household", required=True, help="Mã hộ, duy nhất trong phường/xã. Các thành viên của một hộ ghi cùng mã hộ.", width=12),
    Column("village", "Thôn/khối phố", "text", "household", width=16),
    Column("address", "Địa chỉ", "text", "household", width=24),
    Column("group", "Nhóm hộ", "choice", "household", choices=_choices(Household.Group), help="Chọn trong danh sách; để trống = “Khác (có thể tác động)”.", width=28),
    Column("registered_exit_year", "Đăng ký thoát nghèo năm", "int", "household", help="Năm hộ đăng ký thoát nghèo/cận nghèo, ví dụ 2025.", width=12),
    Column("ethnic_minority", "Hộ dân tộc thiểu số", "yesno", "household", choices=YESNO, help="Có/Không; để trống = Không.", width=10),
    Column("social_policy", "Hộ chính sách xã hội", "yesno", "household", choices=YESNO, help="Có/Không; để trống = Không.", width=10),
    Column("floor_area_m2", "Diện tích nhà ở (m²)", "decimal", "household", help="Số, không âm, ví dụ 35,5.", width=10),
    Column("current_class", "Phân loại", "choice", "assessment", choices=_choices(PovertyClass), help="Chỉ để đối chiếu: phân loại do hệ thống tính từ thu nhập và chỉ số thiếu hụt. Nếu ghi cùng thu nhập thì phải khớp với kết quả tính.", width=16),
    Column("income", "Thu nhập bình quân (đ/người/tháng)", "money", "assessment", help="Số đồng, không âm, ví dụ 1500000 hoặc 1.500.000. Ghi thu nhập thì phải ghi số và ngày quyết định; hệ thống ghi một lần rà soát.", width=14),
    Column("assessment_year", "Năm rà soát", "int", "assessment", help="Để trống = năm của ngày có hiệu lực; nếu ghi thì phải đúng năm đó.", width=9),
    Column("deprived", "Chỉ số thiếu hụt", "indicators", "assessment", help="Số thứ tự các chỉ số thiếu hụt (1–12) cách nhau bởi dấu phẩy, ví dụ “1, 4, 11”; để trống = không thiếu hụt.", width=14),
    Column("decision_number", "Số quyết định", "text", "assessment", width=16),
    Column("decision_date", "Ngày quyết định", "date", "assessment", help="dd/mm/yyyy.", width=12),
    Column("effective_date", "Ngày có hiệu lực", "date", "assessment", help="Ngày danh sách có hiệu lực, dd/mm/yyyy; để trống = ngày quyết định. Chuẩn nghèo và năm rà soát theo ngày này (rà soát định kỳ: thường là 01/01 năm sau).", width=12),
    Column("full_name", "Họ và tên", "text", "member", required=True, width=24),
    Column("sex", "Giới tính", "choice", "member", required=True, choices=_choices(Member.Sex), width=8),
    Column("date_of_birth", "Ngày sinh", "date", "member", required=True, help="dd/mm/yyyy, không sau ngày hôm nay.", width=12),
    Column("citizen_id", "Số định danh cá nhân", "citizen_id", "member", help="12 chữ số (nên định dạng ô là Văn bản để giữ số 0 đầu); có thể để trống.", width=15),
    Column("relation", "Quan hệ với chủ hộ", "choice", "member", required=True, choices=_choices(Member.Relation), help="Mỗi hộ có đúng một dòng “Chủ hộ”.", width=12),
    Column("ethnicity", "Dân tộc", "text", "member", help="Để trống = Kinh.", width=10),
    Column("has_health_insurance", "Có thẻ BHYT", "yesno", "member", choices=YESNO, help="Có/Không; để trống = Có.", width=9),
    Column("schooling", "Tình trạng đi học", "choice", "member", choices=_choices(Member.Schooling), width=16),
    Column("highest_diploma", "Bằng cấp cao nhất", "choice", "member", choices=_choices(Member.Diploma), width=20),
    Column("employment", "Việc làm", "choice", "member", choices=_choices(Member.Employment), width=28),
    Column("has_disability", "Khuyết tật", "yesno", "member", choices=YESNO, help="Có/Không; để trống = Không.", width=9),
    Column("social_allowance", "Hưởng trợ cấp BTXH", "yesno", "member", choices=YESNO, help="Có/Không; để trống = Không.", width=10),
    Column("nutrition", "Dinh dưỡng (trẻ em)", "choice", "member", choices=_choices(Member.Nutrition), width=20),
]

BY_KEY = {c.key: c for c in COLUMNS}
HEADINGS = [c.heading for c in COLUMNS]
REQUIRED_KEYS = [c.key for c in COLUMNS if c.required]
ASSESSMENT_KEYS = ("income", "assessment_year", "deprived", "decision_number", "decision_date", "effective_date")

HOUSEHOLD_FIELDS = ("village", "address", "group", "registered_exit_year", "ethnic_minority",
                    "social_policy", "floor_area_m2")
MEMBER_FIELDS = ("full_name", "sex", "date_of_birth", "citizen_id", "relation", "ethnicity",
                 "has_health_insurance", "schooling", "highest_diploma", "employment",
                 "has_disability", "social_allowance", "nutrition")

# Defaults for a blank cell in a column that is present (the model's defaults).
DEFAULTS = {
    "village": "", "address": "", "group": Household.Group.OTHER, "registered_exit_year": None,
    "ethnic_minority": False, "social_policy": False, "floor_area_m2": None,
    "citizen_id": None, "ethnicity": "Kinh", "has_health_insurance": True,
    "schooling": Member.Schooling.NOT_APPLICABLE, "highest_diploma": Member.Diploma.NONE,
    "employment": Member.Employment.NOT_IN_LABOUR_FORCE, "has_disability": False,
    "social_allowance": False, "nutrition": Member.Nutrition.NOT_APPLICABLE,
}


def heading_key(heading) -> str:
    return fold(heading).replace(" ", "")


_HEADING_INDEX = {heading_key(c.heading): c.key for c in COLUMNS}
# A few spellings officers use for the same columns.
_HEADING_INDEX.update({
    heading_key("Số CCCD"): "citizen_id", heading_key("CCCD"): "citizen_id",
    heading_key("Số định danh"): "citizen_id", heading_key("Tên phường/xã"): "unit_name",
    heading_key("Quan hệ"): "relation", heading_key("BHYT"): "has_health_insurance",
    heading_key("Phân loại hộ"): "current_class", heading_key("Thu nhập bình quân"): "income",
})


def key_for_heading(heading) -> str | None:
    return _HEADING_INDEX.get(heading_key(heading))
