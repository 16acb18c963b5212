"""Loads the reference data in ``fixtures/reference.json``: units and their 2025
reorganisation, poverty standards and indicators, agencies, the support catalogue (quota lines and
support kinds), and the plans with their targets and
quotas. Rows are matched by natural key and saved only when a value differs, so loading twice
changes nothing (not even the audit history)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from households.models import Indicator, PovertyStandard
from reports.models import DocumentSettings
from support.models import QuotaGroup, SupportKind
from tamky_poverty.models import AdministrativeUnit, Agency
from tamky_poverty.services import reorganisation_apply
from targets.models import Plan, SupportQuota, UnitTarget

REFERENCE_FILE = Path(settings.BASE_DIR) / "fixtures" / "reference.json"


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: dict[str, int], name: str) -> None:
        bucket[name] = bucket.get(name, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def upsert(model, lookup: dict, values: dict, result: LoadResult):
    obj = model.objects.filter(**lookup).first()
    name = model._meta.model_name
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        result.count(result.created, name)
        return obj
    dirty = [k for k, v in values.items() if getattr(obj, k) != v]
    if dirty:
        for k in dirty:
            setattr(obj, k, values[k])
        obj.full_clean()
        obj.save(update_fields=dirty)
        result.count(result.updated, name)
    return obj


def unit_valid_on(code: str, day: dt.date) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.valid_on(day).filter(code=code).first()
    if unit is None:
        raise LookupError(f"Không có đơn vị mã {code} còn hiệu lực ngày {day:%d/%m/%Y}")
    return unit


@transaction.atomic
def load_reference(path: Path = REFERENCE_FILE, *, today: dt.date | None = None) -> LoadResult:
    """Load (or bring up to date) the reference data; ``today`` (default: the local date) decides
    which recorded reorganisations are already in force."""
    today = today or timezone.localdate()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    result = LoadResult()

    # Units with their validity; successors are set by the reorganisations below.
    units = {}
    for row in data["units"]:
        key = (row["code"], _date(row["valid_from"]))
        units[key] = upsert(
            AdministrativeUnit,
            {"code": row["code"], "valid_from": key[1]},
            {"name": row["name"], "kind": row["kind"], "parent_name": row["parent_name"],
             "valid_to": _date(row["valid_to"])},
            result,
        )
    # Reorganisations in force by ``today`` are carried out by the one service, so loading them
    # moves the households, officers and future targets of the dissolved units (and a second load
    # changes nothing).
    for row in data.get("reorganisations", []):
        effective = _date(row["effective_date"])
        if effective > today:
            continue
        day_before = effective - dt.timedelta(days=1)
        done = reorganisation_apply(
            actor=None, successor=units[(row["successor"][0], _date(row["successor"][1]))],
            predecessors=[unit_valid_on(code, day_before) for code in row["predecessors"]],
            effective_date=effective, legal_basis=row.get("legal_basis", ""), today=today,
        )
        if done.created:
            result.count(result.created, "reorganisation")
        for name, n in done.moved.items():
            if n:
                result.updated[name] = result.updated.get(name, 0) + n

    for row in data["standards"]:
        indicators = row["indicators"]
        values = {k: v for k, v in row.items() if k not in {"code", "indicators"}}
        standard = upsert(PovertyStandard, {"code": row["code"]}, values, result)
        for ind in indicators:
            upsert(Indicator, {"standard": standard, "code": ind["code"]},
                   {k: v for k, v in ind.items() if k != "code"}, result)

    for row in data["agencies"]:
        upsert(Agency, {"code": row["code"]}, {k: v for k, v in row.items() if k != "code"}, result)
    for unit in units.values():
        upsert(
            Agency,
            {"code": f"ubnd-{unit.code}-{unit.valid_from or 'truoc-2025'}"},
            {"name": f"UBND {unit.get_kind_display().lower()} {unit.name}",
             "short_name": f"UBND {unit.name}", "kind": Agency.Kind.WARD, "unit": unit,
             "duties": "Xây dựng kế hoạch, rà soát, hỗ trợ hộ nghèo, cận nghèo trên địa bàn; báo cáo hằng tháng qua Phòng TNMT (mục V.11)."},
            result,
        )

    # The support catalogue: quota lines, then the kinds (their agencies are codes of the rows above).
    for row in data.get("quota_groups", []):
        upsert(QuotaGroup, {"code": row["code"]}, {k: v for k, v in row.items() if k != "code"}, result)
    for row in data.get("support_kinds", []):
        values = {k: v for k, v in row.items() if k not in ("code", "quota_group")}
        upsert(SupportKind, {"code": row["code"]}, {**values, "quota_group_id": row.get("quota_group")}, result)

    # Document settings are only created when missing: their signer names and recipients are
    # then the administrators' to edit, and a later load keeps their edits.
    for row in data.get("document_settings", []):
        lookup = {"level": row["level"], "unit": None, "valid_from": _date(row["valid_from"])}
        if not DocumentSettings.objects.filter(**lookup).exists():
            values = {k: v for k, v in row.items() if k not in ("level", "unit", "valid_from")}
            upsert(DocumentSettings, lookup, {**values, "valid_to": _date(values["valid_to"])}, result)

    for row in data["plans"]:
        plan = upsert(
            Plan, {"year": row["year"]},
            {"title": row["title"], "document_number": row["document_number"],
             "document_date": _date(row["document_date"]), "issuer": row["issuer"], "signer": row["signer"]},
            result,
        )
        year_start = dt.date(row["year"], 1, 1)
        for t in row["targets"]:
            upsert(UnitTarget, {"plan": plan, "unit": unit_valid_on(t["unit"], year_start)},
                   {"poor_exit_target": t["poor"], "near_poor_exit_target": t["near_poor"]}, result)
        for q in row["quotas"]:
            upsert(SupportQuota, {"plan": plan, "kind_id": q["kind"], "household_class": q["class"]},
                   {"households": q["households"], "items": q["items"]}, result)
    return result
