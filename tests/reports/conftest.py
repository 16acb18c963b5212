"""A small register for the report tests: reviewed households in An Phú (urban) and Tam Thăng
(rural), support actions of every listed kind, and helpers that read XLSX/PDF back."""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest

from households.models import Member
from households.services import assessment_record
from reports.dataset import Dataset
from reports.excel import safe_cell
from reports.formatting import fmt
from support.models import ActionStatus, SupportAction
from tests.factories import MemberFactory, household_with_head


def review(actor, household, year, income, deprived, day, number="QĐ-01"):
    return assessment_record(
        actor=actor, household=household, kind="regular", year=year, income_per_capita=income,
        indicators={c: True for c in deprived}, decision_number=number, decision_date=day,
        effective_date=day, suggestions={},
    )


def action(household, kind, cls, lead, *, amount=0, member=None, coordinating=(), status=ActionStatus.PLANNED,
           completed=None, planned=dt.date(2025, 3, 10), indicator=None, description="Bò giống", monthly=None, cancel_reason=""):
    a = SupportAction.objects.create(
        household=household, member=member, kind_id=kind, household_class=cls, description=description,
        lead_agency=lead, amount=amount, plan_year=2025, planned_date=planned, status=status,
        completed_date=completed, indicator=indicator, monthly_amount=monthly, sponsor="Hội Khuyến học",
        cancel_reason=cancel_reason,
    )
    a.coordinating_agencies.set(coordinating)
    return a


@pytest.fixture
def register(ref, admin_user):
    """Poor A (An Phú, since 2024), near-poor B (An Phú, since 2024, left in Feb 2025),
    poor C (Tam Thăng, new in Feb 2025), near-poor D (An Phú, re-checked)."""
    a = household_with_head(ref.an_phu, head_name="Nguyễn Văn An", village="Khối phố 3")
    b = household_with_head(ref.an_phu, head_name="=HYPERLINK(\"http://x\")", village="Khối phố 5")
    c = household_with_head(ref.tam_thang, head_name="Trần Thị Cúc", village="Thôn Đàn Trung", ethnic_minority=True)
    d = household_with_head(ref.an_phu, head_name="Lê Văn Dũng", village="Khối phố 1")
    review(admin_user, a, 2024, 1_000_000, ["employment", "health_insurance", "telecom"], dt.date(2024, 12, 1))
    review(admin_user, b, 2024, 1_500_000, ["telecom"], dt.date(2024, 12, 1))
    review(admin_user, d, 2024, 1_500_000, ["information_means", "telecom"], dt.date(2024, 12, 1))
    # B leaves near-poverty in February 2025; C becomes poor in February 2025.
    review(admin_user, b, 2025, 3_500_000, [], dt.date(2025, 2, 10), "QĐ-02")
    review(admin_user, c, 2025, 900_000, ["employment", "nutrition", "information_means", "telecom"],
           dt.date(2025, 2, 15), "QĐ-03")
    child_b = MemberFactory(household=b, full_name="Nguyễn Bé Hai", relation=Member.Relation.CHILD,
                            date_of_birth=dt.date(2015, 1, 1), citizen_id=None)
    child_c = MemberFactory(household=c, full_name="Trần Bé Ba", relation=Member.Relation.CHILD,
                            date_of_birth=dt.date(2016, 1, 1), citizen_id=None)
    ag = ref.agencies
    lead_ap = ag.get("tnmt")
    actions = SimpleNamespace(
        liv_a=action(a, "livelihood", "poor", lead_ap, amount=15_000_000, coordinating=[ag["mttq"], ag["nhcsxh"]],
                     status=ActionStatus.COMPLETED, completed=dt.date(2025, 2, 20), indicator=ref.indicators["employment"]),
        liv_b=action(b, "livelihood", "near_poor", lead_ap, amount=8_500_000, description="Máy may"),
        liv_d=action(d, "livelihood", "near_poor", lead_ap, amount=7_000_000, description="=1+2"),
        house_c=action(c, "housing_new", "poor", lead_ap, amount=60_000_000, description="Xây mới nhà"),
        house_d=action(d, "housing_repair", "near_poor", lead_ap, amount=30_000_000, description="Sửa nhà"),
        spon_c=action(c, "sponsorship", "poor", ag["khuyen-hoc"], member=child_c, monthly=500_000,
                      description="Đỡ đầu"),
        spon_b=action(b, "sponsorship", "near_poor", ag["khuyen-hoc"], member=child_b, monthly=300_000,
                      description="Đỡ đầu"),
        cancelled=action(a, "livelihood", "poor", lead_ap, amount=1, status=ActionStatus.CANCELLED,
                         cancel_reason="Trùng"),
    )
    for h in (a, b, c, d):
        h.refresh_from_db()
    return SimpleNamespace(a=a, b=b, c=c, d=d, actions=actions)


def _norm(value):
    if value == "" or value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def xlsx_rows(content: bytes, sheet: str) -> list[tuple]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    ws = wb[sheet]
    return [tuple(_norm(v) for v in row) for row in ws.iter_rows(values_only=True)]


def assert_xlsx_matches(content: bytes, ds: Dataset, sheet: str | None = None):
    """Every row of the dataset (and of its sections) is in the sheet, in order, with numbers
    stored as numbers."""
    rows = xlsx_rows(content, sheet or ds.code)
    pos = 0
    for table in [ds, *ds.sections]:
        for row in table.rows:
            expected = tuple(_norm(safe_cell(v)) for v in row.cells)
            for i in range(pos, len(rows)):
                if rows[i][: len(expected)] == expected:
                    pos = i + 1
                    break
            else:
                raise AssertionError(f"{ds.code}: row {expected} not found in the sheet after row {pos}")


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_pdf_matches(content: bytes, ds: Dataset):
    """Title and every non-empty cell of every row are in the PDF text."""
    text = squash(pdf_text(content))
    assert squash(ds.title.upper()) in text
    for table in [ds, *ds.sections]:
        for row in table.rows:
            for value, column in zip(row.cells, table.columns, strict=False):
                shown = fmt(value, column.kind)
                if shown:
                    assert squash(shown) in text, f"{ds.code}: {shown!r} missing from the PDF"


def movement_row(ds: Dataset, label: str) -> dict:
    """One row of the year-movement table by column key (``poor_start``, ``near_left_rate``, …)."""
    row = next(r for r in ds.rows if r.cells[1] == label)
    return {c.key: v for c, v in zip(ds.columns, row.cells, strict=True)}


def list_lines(cells: dict, cls: str) -> dict:
    """A list's lines (``cls`` "poor" or "near") from ``movement_row``."""
    return {w: cells[f"{cls}_{w}"] for w in ("start", "left", "other_out", "new", "re", "other_in", "end")}
