"""Which support kinds address which deprivation indicator, and which agency the 2025 plan puts
in charge of each kind (section III of the plan). Data, not logic: change the tables, not the
code. ``UNIT_UBND`` stands for the UBND of the household's own unit (resolved per household)."""

from __future__ import annotations

from support.models import SupportKind

UNIT_UBND = "@ubnd"

# kind → (lead agency code, coordinating agency codes)
KIND_AGENCIES: dict[str, tuple[str, tuple[str, ...]]] = {
    SupportKind.LIVELIHOOD: (UNIT_UBND, ("tnmt", "ttktnn", "nhcsxh", "hoi-doan-the")),
    SupportKind.HOUSING_REPAIR: (UNIT_UBND, ("mttq", "tnmt")),
    SupportKind.HOUSING_NEW: (UNIT_UBND, ("mttq", "tnmt")),
    SupportKind.SPONSORSHIP: (UNIT_UBND, ("hoi-doan-the", "mttq")),
    SupportKind.LOAN: (UNIT_UBND, ("nhcsxh",)),
    SupportKind.VOCATIONAL_TRAINING: (UNIT_UBND, ("tnmt", "gdnn-tinh", "hoi-doan-the")),
    SupportKind.JOB_PLACEMENT: (UNIT_UBND, ("tnmt", "hoi-doan-the")),
    SupportKind.HEALTH_INSURANCE: ("ttyt", ("tnmt", UNIT_UBND)),
    SupportKind.NUTRITION: ("ttyt", (UNIT_UBND, "hoi-doan-the")),
    SupportKind.EDUCATION: ("gddt", ("tnmt", "khuyen-hoc", UNIT_UBND)),
    SupportKind.INFORMATION: ("vhkhtt", ("ttvhttt", UNIT_UBND)),
    SupportKind.LEGAL_AID: ("tuphap", ("tnmt", UNIT_UBND)),
    SupportKind.ELECTRICITY: ("tnmt", (UNIT_UBND,)),
    SupportKind.SOCIAL_ALLOWANCE: (UNIT_UBND, ("tnmt",)),
}

# indicator code → support kinds that address it (in the order they are suggested)
INDICATOR_KINDS: dict[str, tuple[str, ...]] = {
    "employment": (SupportKind.JOB_PLACEMENT, SupportKind.VOCATIONAL_TRAINING, SupportKind.LIVELIHOOD),
    "dependants": (SupportKind.SOCIAL_ALLOWANCE, SupportKind.SPONSORSHIP),
    "nutrition": (SupportKind.NUTRITION,),
    "health_insurance": (SupportKind.HEALTH_INSURANCE,),
    "adult_education": (SupportKind.VOCATIONAL_TRAINING, SupportKind.EDUCATION),
    "child_schooling": (SupportKind.EDUCATION,),
    "housing_quality": (SupportKind.HOUSING_REPAIR, SupportKind.HOUSING_NEW),
    "floor_area": (SupportKind.HOUSING_NEW, SupportKind.HOUSING_REPAIR),
    "water": (),
    "latrine": (),
    "telecom": (SupportKind.INFORMATION,),
    "information_means": (SupportKind.INFORMATION,),
}


def kinds_for_indicator(code: str) -> tuple[str, ...]:
    return INDICATOR_KINDS.get(code, ())


def agency_codes_for_kind(kind: str) -> tuple[str, tuple[str, ...]]:
    return KIND_AGENCIES.get(kind, (UNIT_UBND, ()))
