"""A deterministic synthetic Tam Kỳ for demonstrations and tests (``manage.py seed_demo``).

Every figure the 2025 plan states (DOMAIN.md §4) is reproduced exactly: 191 poor households in
the plan's groups and units, ~150 near-poor households among which the 5 registered to leave
near-poverty (Phụ lục 01), the deprivation counts of Phụ lục 08/09, and the support actions of
Phụ lục 02–07. Members are generated so that the indicators derived from them
(``households/derivation.py``) equal the recorded ones, so no review needs an override reason and
every stored class is what ``households/classification.py`` gives.

``seed_demo(today)`` builds that register as it stood on 30/06/2025 (under the 12 units of the
time), then lets time pass to ``today`` (``citydata.demo_timeline``: the July 2025
reorganisation, monthly reports, regular reviews, the 2025 review giving the 2026 lists, the 2026
plan, the 2026 review in progress).

Everything is written through the services (``household_create``, ``member_save``,
``assessment_record``); support actions with ``full_clean()`` (or ``support.services`` when it
offers ``action_create``). A fixed random seed makes two runs for the same day produce the same
data; a second run on a database that already holds the demo changes nothing. There is no "reset": recorded review
decisions can never be deleted (``tamky_poverty/integrity.py``), so a fresh demo needs a fresh
database.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from citydata import demo_timeline
from citydata.reference_data import load_reference
from households import derivation
from households import services as hs
from households.derivation import age_on
from households.models import Assessment, Household, Indicator, Member
from support.services import action_create, action_transition
from tamky_poverty.models import AdministrativeUnit, Agency, UnitYearFigures

SEED = 2025
YEAR = 2025
FIRST_TODAY = dt.date(2025, 7, 1)  # the demo starts with the first half of 2025 complete
H1_DAY = dt.date(2025, 6, 30)  # the register of the 2025 plan is as it stood on this day
WARDS_FROM = dt.date(2025, 7, 1)
DECISION_DATE = dt.date(2024, 12, 20)
EFFECTIVE_DATE = dt.date(2025, 1, 1)
DEMO_NOTE = "Dữ liệu minh hoạ (lệnh seed_demo) — không phải hộ thật."

# name, statistical code, households in 2025, poor "no labour capacity", near-poor households
UNITS = [
    ("Tân Thạnh", "20335", 3912, 8, 8),
    ("An Mỹ", "20341", 3254, 10, 10),
    ("Hòa Hương", "20344", 2687, 9, 9),
    ("An Xuân", "20347", 3905, 14, 13),
    ("An Sơn", "20350", 2830, 10, 11),
    ("Trường Xuân", "20353", 3126, 11, 10),
    ("An Phú", "20356", 2712, 12, 12),
    ("Hòa Thuận", "20375", 3018, 11, 11),
    ("Tam Thanh", "20359", 2204, 15, 16),
    ("Tam Thăng", "20362", 2431, 16, 17),
    ("Tam Phú", "20371", 2265, 14, 18),
    ("Tam Ngọc", "20389", 1676, 15, 15),
]
ORPHAN_UNITS = ["An Mỹ", "Hòa Hương", "Trường Xuân"]
DEPENDANT_UNITS = [
    "An Mỹ", "An Phú", "An Sơn", "An Xuân", "Hòa Hương", "Hòa Thuận", "Trường Xuân",
    "Tam Ngọc", "Tam Phú", "Tam Thanh", "Tam Thăng",
]
DEPENDANTS_SCHOOL = 16
DEPENDANTS_SOCIAL = 27
REGISTERED_EXITS = {"An Phú": 1, "An Sơn": 1, "Tam Phú": 2, "Tam Thăng": 1}

# Deprivations counted by the plan (Phụ lục 08, 09): (code, among poor, among near-poor).
COUNTED = [
    ("nutrition", 4, 7),          # 11 (disjoint from health insurance: health dimension 185)
    ("child_schooling", 2, 2),    # education 9 = 4 child schooling + 5 adult education,
    ("adult_education", 2, 3),    #   9 distinct households
    ("employment", 6, 14),        # 20
    ("health_insurance", 90, 84),  # 174
    ("telecom", 150, 59),         # 209
    ("information_means", 130, 44),  # 174
]
TOP_UP = ["water", "latrine", "floor_area"]  # not counted by the plan (DOMAIN.md §4, last bullet)
# The units the plan's text names for a deprivation: employment §III.3.1, nutrition §III.3.2.1.
NAMED_UNITS = {
    "employment": ["An Mỹ", "An Phú", "An Sơn", "An Xuân", "Hòa Thuận", "Trường Xuân", "Tam Ngọc", "Tam Phú",
                   "Tam Thăng"],
    "nutrition": ["An Mỹ", "An Phú", "Hòa Thuận", "Tam Ngọc", "Tam Thanh", "Tam Thăng"],
}
# §III.3.4: houses are repaired or rebuilt for households with degraded houses (Phụ lục 04, 05).
HOUSING_PLAN = {"poor": ["housing_new", "housing_new", "housing_repair"],
                "near_poor": ["housing_new", "housing_repair", "housing_repair"]}
CHILD_GROUPS = {"dependants_school", "dependants_social", "other"}
ELIGIBLE = {
    "nutrition": CHILD_GROUPS,
    "child_schooling": CHILD_GROUPS,
    "adult_education": CHILD_GROUPS,
    "employment": CHILD_GROUPS,
}

DEMO_ACCOUNTS = [
    # username, password, role, unit name / agency code, first name, last name, staff+superuser.
    # canbo.anphu is An Phú's officer until 30/06/2025; the reorganisation moves her to its
    # successor, Phường Quảng Phú. The other three wards have an officer from 01/07/2025.
    ("canbo.anphu", "DemoAnPhu@2025", "ward_officer", "An Phú", "Thị Hồng", "Nguyễn", False),
    ("canbo.tamky", "DemoTamKy@2025", "ward_officer", "Tam Kỳ", "Văn Long", "Huỳnh", False),
    ("canbo.banthach", "DemoBanThach@2025", "ward_officer", "Bàn Thạch", "Thị Mai", "Võ", False),
    ("canbo.huongtra", "DemoHuongTra@2025", "ward_officer", "Hương Trà", "Minh Tâm", "Phan", False),
    ("canbo.ttyt", "DemoTTYT@2025", "agency_officer", "ttyt", "Văn Minh", "Trần", False),
    ("tnmt", "DemoTNMT@2025", "tnmt_reviewer", None, "Thị Thu", "Lê", False),
    ("quantri", "DemoQuanTri@2025", "administrator", None, "Quang", "Phạm", True),
]

# Amounts (DOMAIN.md §6; data, not rules): housing in the 2024–2025 campaign, a health-insurance
# card (4.5 % × 2,340,000 đ × 12), sponsorship per month.
HOUSING_NEW = 60_000_000
HOUSING_REPAIR = 30_000_000
HEALTH_CARD = 1_263_600
SPONSOR_MONTHLY_POOR = 500_000
SPONSOR_MONTHLY_NEAR_POOR = 300_000

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng",
          "Đỗ", "Ngô", "Hồ", "Đoàn", "Lương", "Đinh", "Hoàng", "Dương", "Châu", "Thái"]
FAMILY_WEIGHTS = [30, 12, 10, 8, 9, 8, 6, 5, 3, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1]
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thanh", "Ngọc", "Tấn", "Xuân"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Kim", "Mỹ", "Thanh", "Bích", "Hoài"]
GIVEN_MALE = ["Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Phúc", "Hải", "Long", "Sơn", "Tâm", "Thành",
              "Trung", "Quang", "Bình", "Cường", "Lợi", "Tài", "Phát", "Khoa", "Huy", "Đạt", "Hiếu",
              "Lộc", "Thắng", "Vinh", "Toàn", "Nhân", "Khánh", "Quý", "Thọ"]
GIVEN_FEMALE = ["Lan", "Hoa", "Hương", "Mai", "Hồng", "Thảo", "Trang", "Linh", "Ngọc", "Yến",
                "Nhung", "Loan", "Hạnh", "Phượng", "Thủy", "Vy", "Như", "Nga", "Hằng", "Tuyết",
                "Liên", "Sương", "Xuân", "Diệu", "Châu", "Ánh", "Oanh", "Thơ", "Cúc", "Lài"]
STREETS = ["Phan Chu Trinh", "Hùng Vương", "Trần Cao Vân", "Huỳnh Thúc Kháng", "Nguyễn Hoàng",
           "Phan Bội Châu", "Trần Quý Cáp", "Lê Lợi", "Bạch Đằng", "Nguyễn Du", "Tiểu La",
           "Duy Tân", "Trưng Nữ Vương", "Lý Thường Kiệt", "Nguyễn Thái Học"]
SPONSORS = ["Ngân hàng Chính sách xã hội tỉnh Quảng Nam", "Công ty Điện lực Quảng Nam",
            "Hội Doanh nhân trẻ thành phố Tam Kỳ", "Hội Chữ thập đỏ thành phố",
            "Bộ Chỉ huy Quân sự tỉnh Quảng Nam", "Báo Quảng Nam", "Câu lạc bộ Doanh nhân Tam Kỳ",
            "Hội Liên hiệp Phụ nữ thành phố", "Thành đoàn Tam Kỳ", "Ngân hàng Agribank Tam Kỳ"]
LIVELIHOOD_ITEMS = [
    ("01 con bò cái giống", 15_000_000),
    ("01 máy may công nghiệp", 8_000_000),
    ("Lợn giống và thức ăn chăn nuôi", 10_000_000),
    ("100 con gà giống và thức ăn", 7_000_000),
    ("01 xe đẩy bán hàng và vốn hàng ban đầu", 6_000_000),
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- Households as plans -----------------------------------------------------------------------

@dataclass
class Spec:
    unit: str
    cls: str  # "poor" | "near_poor"
    group: str
    deprived: set[str] = field(default_factory=set)
    registered: bool = False
    members: list[dict] = field(default_factory=list)
    floor_area: Decimal | None = None
    income: int = 0
    code: str = ""
    housing: str = ""  # the housing support it receives (Phụ lục 04/05), if any

    @property
    def capacity(self) -> int:
        if self.cls == "poor":
            return 99
        return 1 if self.registered else 2


def plan_households(rng: random.Random) -> list[Spec]:
    specs: list[Spec] = []
    for name in ORPHAN_UNITS:
        specs.append(Spec(name, "poor", "orphan"))
    cycle = DEPENDANT_UNITS * 4
    for i in range(DEPENDANTS_SCHOOL):
        specs.append(Spec(cycle[i], "poor", "dependants_school"))
    for i in range(DEPENDANTS_SOCIAL):
        specs.append(Spec(cycle[DEPENDANTS_SCHOOL + i], "poor", "dependants_social"))
    for name, _code, _total, no_labour, _near in UNITS:
        specs.extend(Spec(name, "poor", "no_labour") for _ in range(no_labour))
    for name, _code, _total, _no_labour, near in UNITS:
        registered = REGISTERED_EXITS.get(name, 0)
        specs.extend(Spec(name, "near_poor", "other", registered=i < registered) for i in range(near))

    # Counted deprivations: most constrained first, each to the least-loaded eligible household;
    # where the plan names the units, spread over them in turn.
    keys = {id(s): rng.random() for s in specs}
    for code, n_poor, n_near in COUNTED:
        named = NAMED_UNITS.get(code)
        for cls, n in (("poor", n_poor), ("near_poor", n_near)):
            eligible = [
                s for s in specs
                if s.cls == cls and len(s.deprived) < s.capacity
                and s.group in ELIGIBLE.get(code, {s.group})
                and (named is None or s.unit in named)
                and not (code == "health_insurance" and "nutrition" in s.deprived)
                and not (code in ("adult_education", "child_schooling")
                         and s.deprived & {"adult_education", "child_schooling"})
            ]
            eligible.sort(key=lambda s: (len(s.deprived), keys[id(s)]))
            if len(eligible) < n:
                raise RuntimeError(f"not enough households for {code} ({cls})")
            if named is not None:
                chosen: list[Spec] = []
                used = {u: sum(code in s.deprived for s in specs if s.unit == u) for u in named}
                while len(chosen) < n:
                    unit = min((u for u in named if any(s.unit == u and s not in chosen for s in eligible)),
                               key=lambda u: (used[u], named.index(u)))
                    chosen.append(next(s for s in eligible if s.unit == unit and s not in chosen))
                    used[unit] += 1
            else:
                chosen = eligible[:n]
            for s in chosen:
                s.deprived.add(code)
    # The six housing recipients live in degraded houses (housing quality deprivation).
    for cls, kinds in HOUSING_PLAN.items():
        candidates = sorted((s for s in specs if s.cls == cls and not s.registered and len(s.deprived) < s.capacity),
                            key=lambda s: (len(s.deprived), keys[id(s)]))
        for s, kind in zip(candidates, kinds, strict=False):
            s.deprived.add("housing_quality")
            s.housing = kind
    # Every poor household is deprived on "dependants" by its members (see build_members);
    # top up to the cut-off of 3 with indicators the plan does not count.
    for s in specs:
        if s.cls == "poor":
            s.deprived.add("dependants")
            extra = list(TOP_UP)
            rng.shuffle(extra)
            while len(s.deprived) < 3:
                s.deprived.add(extra.pop())
    return specs


# --- Members -----------------------------------------------------------------------------------

class People:
    """Names, birth dates and citizen IDs (unique; Quảng Nam prefix 049)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.serial = 0

    def family(self) -> str:
        return self.rng.choices(FAMILY, weights=FAMILY_WEIGHTS)[0]

    def name(self, sex: str, family: str | None = None) -> str:
        r = self.rng
        family = family or self.family()
        if sex == "male":
            return nfc(f"{family} {r.choice(MIDDLE_MALE)} {r.choice(GIVEN_MALE)}")
        return nfc(f"{family} {r.choice(MIDDLE_FEMALE)} {r.choice(GIVEN_FEMALE)}")

    def born(self, age: int) -> dt.date:
        # Born after 1 January of (YEAR - 1 - age): exactly ``age`` years old on EFFECTIVE_DATE.
        return dt.date(EFFECTIVE_DATE.year - 1 - age, 1, 2) + dt.timedelta(days=self.rng.randrange(0, 360))

    def citizen_id(self, sex: str, born: dt.date) -> str:
        self.serial += 1
        century_sex = (0 if born.year < 2000 else 2) + (0 if sex == "male" else 1)
        return f"049{century_sex}{born.year % 100:02d}{100000 + self.serial * 7 % 900000:06d}"

    def person(self, relation: str, sex: str, age: int, family: str | None = None, **facts) -> dict:
        born = self.born(age)
        m = {
            "relation": relation, "sex": sex, "age": age, "date_of_birth": born,
            "full_name": self.name(sex, family),
            "citizen_id": self.citizen_id(sex, born) if age >= 14 else None,
            "has_health_insurance": True, "schooling": "na", "highest_diploma": "none",
            "employment": "not_in_labour_force", "has_disability": False, "social_allowance": False,
            "nutrition": "na",
        }
        m.update(facts)
        return m


def _is_dependant(m: dict) -> bool:
    return m["age"] < 16 or m["age"] >= 60 or m["has_disability"]


def _adult_diploma(rng, age: int) -> str:
    if age <= 18:
        return rng.choice(["lower_secondary", "upper_secondary"])
    if age <= 45:
        return rng.choice(["upper_secondary", "upper_secondary", "vocational", "higher"])
    return rng.choice(["primary", "lower_secondary", "upper_secondary"])


def _child(p: People, family: str, age: int, relation: str = "child", **facts) -> dict:
    sex = p.rng.choice(["male", "female"])
    schooling = "attending" if age >= 3 else "na"
    diploma = "none" if age < 11 else ("primary" if age < 15 else "lower_secondary")
    return p.person(relation, sex, age, family if sex == "male" or p.rng.random() < 0.9 else None,
                    schooling=schooling, highest_diploma=diploma, nutrition="normal", **facts)


def _worker(p: People, relation: str, sex: str, age: int, family: str | None = None) -> dict:
    return p.person(relation, sex, age, family, highest_diploma=_adult_diploma(p.rng, age), employment="stable")


def build_members(p: People, s: Spec) -> list[dict]:
    rng = p.rng
    d = s.deprived
    head_sex = "male" if rng.random() < 0.6 else "female"
    fam = p.family()
    members: list[dict] = []
    needs_young = "nutrition" in d
    needs_dropout = "child_schooling" in d
    needs_adult_edu = "adult_education" in d

    if s.group == "no_labour":
        shape = rng.random()
        if shape < 0.12:  # a person with a severe disability living alone
            members.append(p.person("head", head_sex, rng.randint(35, 59), fam, has_disability=True,
                                    social_allowance=True, highest_diploma="primary"))
        else:
            age = rng.randint(64, 92)
            members.append(p.person("head", head_sex, age, fam, social_allowance=age >= 80,
                                    highest_diploma=rng.choice(["none", "primary"])))
            if shape < 0.45:
                members.append(p.person("spouse", "female" if head_sex == "male" else "male",
                                        max(60, age + rng.randint(-6, 4)), None,
                                        social_allowance=age >= 80, highest_diploma="primary"))
            elif shape < 0.65:
                members.append(p.person("child", rng.choice(["male", "female"]), rng.randint(31, 55), fam,
                                        has_disability=True, social_allowance=True, highest_diploma="primary"))
    elif s.group == "orphan":
        members.append(p.person("head", head_sex, rng.randint(18, 19), fam, schooling="attending",
                                highest_diploma="upper_secondary", social_allowance=True))
        for age in sorted(rng.sample(range(8, 16), 2), reverse=True):
            members.append(_child(p, fam, age, "sibling", social_allowance=True))
    else:
        head_age = rng.randint(30, 52) if s.group != "dependants_social" else rng.randint(38, 58)
        if needs_adult_edu:
            head_age = max(head_age, rng.randint(40, 50))
        members.append(_worker(p, "head", head_sex, head_age, fam))
        with_spouse = rng.random() < (0.75 if s.group == "other" else 0.45)
        if with_spouse:
            spouse_sex = "female" if head_sex == "male" else "male"
            spouse = _worker(p, "spouse", spouse_sex, max(22, head_age + rng.randint(-5, 3)))
            if rng.random() < 0.3:
                spouse["employment"] = "not_in_labour_force"
            members.append(spouse)
        child_fam = fam if head_sex == "male" else p.family()
        max_child_age = min(15, head_age - 19)
        if needs_adult_edu:
            age = rng.randint(17, min(24, head_age - 18))
            members.append(p.person("child", rng.choice(["male", "female"]), age, child_fam,
                                    highest_diploma="primary", employment="stable"))
        if needs_dropout:
            members.append(_child(p, child_fam, rng.randint(11, max_child_age)))
            members[-1]["schooling"] = "not_attending"
        if needs_young:
            members.append(_child(p, child_fam, rng.randint(1, 4)))
            members[-1]["nutrition"] = rng.choice(["stunted", "underweight"])
        if s.group == "dependants_social":
            for _ in range(rng.randint(1, 2)):
                if rng.random() < 0.5:
                    members.append(p.person("parent", rng.choice(["male", "female"]), rng.randint(80, 94),
                                            None, social_allowance=True, highest_diploma="none"))
                else:
                    members.append(p.person(rng.choice(["sibling", "child"]), rng.choice(["male", "female"]),
                                            rng.randint(31, 50) if rng.random() < 0.5 else rng.randint(8, max_child_age),
                                            child_fam, has_disability=True, social_allowance=True,
                                            highest_diploma="primary"))
        elif s.group == "dependants_school":
            for _ in range(2):
                members.append(_child(p, child_fam, rng.randint(6, max_child_age)))
        else:  # near-poor: a child or two, sometimes a grandparent, never more dependants than workers
            for _ in range(rng.choice([0, 1, 1, 2, 2])):
                members.append(_child(p, child_fam, rng.randint(3, max_child_age)))
            if rng.random() < 0.2:
                members.append(p.person("parent", rng.choice(["male", "female"]), rng.randint(62, 80), None,
                                        highest_diploma="primary"))

        # Balance the dependants share: > 50 % for the poor groups, ≤ 50 % for the near-poor.
        def dependants():
            return sum(1 for m in members if _is_dependant(m))

        if s.cls == "poor":
            while dependants() * 2 <= len(members):
                if s.group == "dependants_social":
                    members.append(p.person("parent", rng.choice(["male", "female"]), rng.randint(80, 94),
                                            None, social_allowance=True, highest_diploma="none"))
                else:
                    members.append(_child(p, child_fam, rng.randint(6, max_child_age)))
        else:
            while dependants() * 2 > len(members):
                removable = [m for m in members if _is_dependant(m) and m["relation"] == "parent"]
                if removable:
                    members.remove(removable[0])
                    continue
                if head_age >= 40:
                    members.append(_worker(p, "child", rng.choice(["male", "female"]),
                                           rng.randint(19, min(28, head_age - 18)), child_fam))
                else:
                    sex = rng.choice(["male", "female"])
                    members.append(_worker(p, "sibling", sex, rng.randint(19, 28), fam if sex == "male" else None))

    # Indicator facts: employment, health insurance (members aged 6+), water etc. are household-level.
    workers = [m for m in members if 16 <= m["age"] < 60 and not m["has_disability"] and m["schooling"] != "attending"
               and m["employment"] != "not_in_labour_force"]
    if "employment" in d:
        if not workers:
            raise RuntimeError("employment deprivation needs a worker")
        rng.choice(workers)["employment"] = rng.choice(["unstable", "unstable", "unemployed"])
    if "health_insurance" in d:
        candidates = [m for m in members if m["age"] >= 6]
        rng.choice(candidates)["has_health_insurance"] = False

    if s.floor_area is None:
        n = len(members)
        if "floor_area" in d:
            per = Decimal(rng.randint(40, 75)) / 10
        else:
            per = Decimal(rng.randint(90, 250)) / 10
        s.floor_area = (per * n).quantize(Decimal("0.1"))
        if "floor_area" in d and s.floor_area / n >= 8:
            s.floor_area = Decimal(8 * n - 1)
    return members


def check_members(s: Spec) -> None:
    """The derived suggestions must equal the planned deprivations (no override needed)."""
    facts = [derivation.MemberFacts(m["date_of_birth"], m["has_health_insurance"], m["schooling"],
                                    m["highest_diploma"], m["has_disability"], m["social_allowance"])
             for m in s.members]
    for code, suggestion in derivation.suggest(facts, s.floor_area, EFFECTIVE_DATE).items():
        if suggestion.deprived != (code in s.deprived):
            raise RuntimeError(f"{s.unit} {s.group}: {code} derived {suggestion.deprived}, planned {code in s.deprived}")


def income_for(rng: random.Random, s: Spec, area_kind: str) -> int:
    threshold = 2_000_000 if area_kind == "urban" else 1_500_000
    low = 0.40 if s.cls == "poor" else 0.60
    high = 0.93 if s.cls == "poor" else (1.0 if s.registered else 0.98)
    return int(threshold * rng.uniform(low, high)) // 10_000 * 10_000


# --- Writing ------------------------------------------------------------------------------------

def demo_exists() -> bool:
    return Assessment.objects.filter(notes=DEMO_NOTE).exists()


def ensure_accounts() -> dict:
    User = get_user_model()
    users = {}
    for username, password, role, scope, first, last, admin in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            # A Vietnamese name as written: family name first ("Nguyễn Thị Hồng").
            user = User(username=username, role=role, full_name=f"{last} {first}",
                        is_staff=admin, is_superuser=admin)
            if role == "ward_officer":
                user.unit = (AdministrativeUnit.objects.filter(name=scope, valid_to__isnull=False).first()
                             or AdministrativeUnit.objects.get(name=scope, valid_from=WARDS_FROM))
            elif role == "agency_officer":
                user.agency = Agency.objects.get(code=scope)
            user.set_password(password)
            user.full_clean()
            user.save()
        users[username] = user
    return users


def ensure_year_figures(units) -> None:
    for name, _code, total, _nl, _np in UNITS:
        if not UnitYearFigures.objects.filter(unit=units[name], year=YEAR).exists():
            row = UnitYearFigures(unit=units[name], year=YEAR, total_households=total)
            row.full_clean()
            row.save()


@dataclass
class DemoResult:
    created: bool
    households: int = 0
    members: int = 0
    actions: int = 0
    months: int = 0  # months of the story added (their reviews, support and reports)
    review: object = None  # the review in progress (citydata.demo_campaigns.CampaignDemo), if built


def seed_demo(today: dt.date) -> DemoResult:
    """Build the demo city as it stands on ``today`` (from 01/07/2025): the register of the 2025
    plan under the 12 units, then its story to ``today`` (``citydata.demo_timeline``)."""
    if today < FIRST_TODAY:
        raise ValueError(f"The demo starts on {FIRST_TODAY:%d/%m/%Y} (the first half of 2025 complete).")
    # The register of the 2025 plan, before the July 2025 reorganisation, as of 30/06/2025.
    load_reference(today=H1_DAY)
    with demo_timeline.clock(H1_DAY), transaction.atomic():
        users = ensure_accounts()
        units = {u.name: u for u in AdministrativeUnit.objects.filter(valid_to=H1_DAY)}
        ensure_year_figures(units)
        result = DemoResult(created=False) if demo_exists() else _build(users, units)
    story = demo_timeline.run(today)
    result.months = story["months"]
    result.review = story["campaigns"]
    result.created = result.created or bool(result.months) or bool(result.review and result.review.created)
    return result


def _build(users, units) -> DemoResult:
    rng = random.Random(SEED)
    people = People(rng)
    specs = plan_households(rng)
    codes = {name: code for name, code, *_ in UNITS}
    seq: dict[str, int] = {}
    admin = users["quantri"]
    result = DemoResult(created=True)
    decision_numbers = {name: f"{312 + i}/QĐ-UBND" for i, (name, *_rest) in enumerate(UNITS)}
    households: list[tuple[Spec, Household, list[Member]]] = []

    for s in specs:
        for _attempt in range(50):
            s.members = build_members(people, s)
            try:
                check_members(s)
                break
            except RuntimeError:
                s.floor_area = None
        else:
            raise RuntimeError(f"could not build members for {s}")
        unit = units[s.unit]
        actor = users["canbo.anphu"] if s.unit == "An Phú" else admin
        seq[s.unit] = seq.get(s.unit, 0) + 1
        n = seq[s.unit]
        s.code = f"{codes[s.unit]}-{n:04d}"
        if unit.kind == "phuong":
            block = f"Khối phố {rng.randint(1, 9)}"
            village, address = block, f"{rng.randint(1, 480)} {rng.choice(STREETS)}, {block.lower()}"
        else:
            village = f"Thôn {rng.randint(1, 8)}"
            address = f"{village}, xã {s.unit}"
        minority = s.cls == "poor" and rng.random() < 0.02
        household = hs.household_create(
            actor=actor, unit=unit, code=s.code, village=village, address=address, group=s.group,
            registered_exit_year=YEAR if s.registered else None, ethnic_minority=minority,
            social_policy=rng.random() < 0.06, floor_area_m2=s.floor_area,
        )
        saved = []
        for m in s.members:
            member = Member(household=household, **{k: v for k, v in m.items() if k != "age"})
            if minority:
                member.ethnicity = "Cơ Tu"
            saved.append(hs.member_save(actor=actor, member=member))
        s.income = income_for(rng, s, unit.area_kind)
        hs.assessment_record(
            actor=actor, household=household, kind="annual", year=YEAR, income_per_capita=s.income,
            indicators={code: True for code in s.deprived}, decision_number=decision_numbers[s.unit],
            decision_date=DECISION_DATE, effective_date=EFFECTIVE_DATE, notes=DEMO_NOTE,
        )
        household.refresh_from_db()
        if household.current_class != s.cls:
            raise RuntimeError(f"{s.code}: classified {household.current_class}, planned {s.cls}")
        households.append((s, household, saved))
        result.households += 1
        result.members += len(saved)

    agencies = {a.code: a for a in Agency.objects.all()}
    indicators = {i.code: i for i in Indicator.objects.filter(standard__code="ND07-2021")}
    result.actions = _support_actions(rng, households, agencies, indicators, admin)
    return result


def _ward(agencies, unit_code: str):
    return agencies[f"ubnd-{unit_code}-truoc-2025"]


def _support_actions(rng, households, agencies, indicators, actor) -> int:
    count = 0

    def add(s, household, kind, description, lead, coordinating, *, amount=0, quantity=1, member=None,
            indicator=None, funding="national_target", status="planned", completed=None,
            planned_date=None, **extra):
        nonlocal count
        month = rng.randint(3, 10)
        if planned_date is None:
            planned_date = dt.date(YEAR, 3 if status == "completed" else month, rng.choice([1, 15]))
        action = action_create(
            actor=actor, household=household, member=member, kind=kind,
            indicator=indicators.get(indicator) if indicator else None, description=description,
            quantity=quantity, lead_agency=lead, coordinating_agencies=coordinating, funding_source=funding,
            amount=amount, plan_year=YEAR, planned_date=planned_date, notes=DEMO_NOTE, **extra,
        )
        steps = {"planned": [], "in_progress": ["in_progress"], "completed": ["in_progress", "completed"]}[status]
        for step in steps:
            action = action_transition(actor=actor, action=action, to_status=step,
                                       date=completed if step == "completed" else None)
        count += 1
        return action

    by = lambda pred: [(s, h, ms) for s, h, ms in households if pred(s)]  # noqa: E731
    ward = lambda s: _ward(agencies, s.code.split("-")[0])  # noqa: E731
    A = agencies

    # Phụ lục 02/03 — livelihood means: 2 poor households that can be lifted, 3 near-poor registered to leave.
    poor_liv = [by(lambda s: s.group == "dependants_school")[0], by(lambda s: s.group == "dependants_social")[0]]
    near_liv = by(lambda s: s.registered)[:3]
    statuses = ["completed", "in_progress", "planned", "planned", "planned"]
    for i, (s, h, _ms) in enumerate(poor_liv + near_liv):
        item, amount = LIVELIHOOD_ITEMS[i]
        if s.cls == "poor":
            lead, coord, funding = A["tnmt"], [ward(s), A["ttktnn"], A["nhcsxh"], A["hoi-doan-the"]], "national_target"
        else:
            lead, coord, funding = A["mttq"], [ward(s), A["tnmt"], A["hoi-doan-the"]], "fund_for_poor"
        add(s, h, "livelihood", f"Hỗ trợ phương tiện sinh kế: {item}", lead, coord, amount=amount,
            indicator="employment" if "employment" in s.deprived else None, funding=funding,
            status=statuses[i], completed=dt.date(YEAR, 6, 16))

    # Phụ lục 04/05 — housing: 3 poor, 3 near-poor households with degraded houses (60 M new, 30 M repair).
    housed = by(lambda s: s.housing and s.cls == "poor") + by(lambda s: s.housing and s.cls == "near_poor")
    statuses = ["completed", "in_progress", "planned", "planned", "in_progress", "planned"]
    for (s, h, _ms), status in zip(housed, statuses, strict=True):
        new = s.housing == "housing_new"
        add(s, h, s.housing, "Xây dựng mới nhà ở" if new else "Sửa chữa nhà ở xuống cấp", A["mttq"],
            [ward(s), A["tnmt"], A["hoi-doan-the"]], amount=HOUSING_NEW if new else HOUSING_REPAIR,
            indicator="housing_quality", funding="fund_for_poor", status=status, completed=dt.date(YEAR, 5, 30))

    # Phụ lục 06/07 — sponsorship of 66 children (19 of poor, 47 of near-poor households).
    def children(pred):
        out = []
        for s, h, ms in by(pred):
            for m in ms:
                if m.relation in ("child", "sibling", "grandchild") and 6 <= age_on(m.date_of_birth, EFFECTIVE_DATE) < 16:
                    out.append((s, h, m))
        return out

    poor_kids = children(lambda s: s.group == "orphan")
    poor_kids += children(lambda s: s.group in ("dependants_school", "dependants_social"))[: 19 - len(poor_kids)]
    near_kids = children(lambda s: s.cls == "near_poor")
    rng.shuffle(near_kids)
    near_kids = sorted(near_kids[:47], key=lambda t: (t[0].code, t[2].full_name))
    if len(poor_kids) != 19 or len(near_kids) != 47:
        raise RuntimeError("not enough school-age children for the sponsorship quota")
    for i, (s, h, m) in enumerate(poor_kids + near_kids):
        monthly = SPONSOR_MONTHLY_POOR if s.cls == "poor" else SPONSOR_MONTHLY_NEAR_POOR
        if s.group == "orphan":
            lead, coord = ward(s), [A["hoi-doan-the"], A["mttq"]]
        else:
            lead = [A["mttq"], A["nhcsxh"], A["hoi-doan-the"], A["khuyen-hoc"]][i % 4]
            coord = [ward(s), A["tnmt"]]
        add(s, h, "sponsorship", f"Nhận đỡ đầu cháu {m.full_name}", lead, coord, member=m,
            amount=monthly * 12, funding="social", sponsor=SPONSORS[i % len(SPONSORS)], monthly_amount=monthly,
            sponsorship_start=dt.date(YEAR, 1, 1), sponsorship_end=dt.date(YEAR, 12, 31),
            status="in_progress" if i % 5 in (0, 3) else "planned", planned_date=dt.date(YEAR, 1, 1))

    # Health (Trung tâm Y tế leads, mục III.3.2): health-insurance cards and nutrition care.
    hi = by(lambda s: "health_insurance" in s.deprived)
    hi = [t for t in hi if t[0].unit == "An Phú"][:2] + [t for t in hi if t[0].unit != "An Phú"][::20][:7]
    hi_status = ["completed", "in_progress", "planned", "planned", "completed", "planned", "in_progress",
                 "planned", "planned"]
    for (s, h, ms), status in zip(hi, hi_status, strict=True):
        uninsured = [m for m in ms if not m.has_health_insurance]
        share = HEALTH_CARD if s.cls == "poor" else HEALTH_CARD * 70 // 100
        add(s, h, "health_insurance", f"Cấp thẻ BHYT cho {uninsured[0].full_name}", A["ttyt"],
            [A["bhxh"], A["tnmt"], ward(s)], amount=share * len(uninsured), quantity=len(uninsured),
            indicator="health_insurance", status=status, completed=dt.date(YEAR, 4, 10))
    for (s, h, _ms), status in zip(by(lambda s: "nutrition" in s.deprived)[::3][:4],
                                   ["in_progress", "planned", "planned", "planned"], strict=False):
        add(s, h, "nutrition", "Cân đo, tư vấn dinh dưỡng và bổ sung vi chất cho trẻ suy dinh dưỡng", A["ttyt"],
            [ward(s), A["hoi-doan-the"]], amount=1_200_000, indicator="nutrition", status=status)

    # Employment (mục III.3.1): job placement by the ward with vocational schools.
    for (s, h, _ms), status in zip(by(lambda s: "employment" in s.deprived)[::5][:4],
                                   ["completed", "planned", "planned", "in_progress"], strict=False):
        add(s, h, "job_placement", "Tư vấn, giới thiệu việc làm phù hợp cho lao động của hộ", ward(s),
            [A["tnmt"], A["gdnn-tinh"], A["hoi-doan-the"]], indicator="employment", funding="other",
            status=status, completed=dt.date(YEAR, 6, 20))
    return count
