"""Export of a filtered household list (one row per member, the household's columns repeated —
the same column contract as the import, so a full export can be imported back). Personal data
(citizen IDs, birth dates) are masked by default, for everyone; a full export is an explicit
choice with a reason, for users who may see the data, and shows it only for the households whose
data they may see (``tamky_poverty.personal_data``, policy 4). Every text cell that a spreadsheet
could run as a formula is escaped, and every export is recorded with its filter, its size, whether
it was masked and the reason."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from households import selectors
from households.io import columns as C
from households.io.template import cell_value
from households.models import Deprivation, Member
from tamky_poverty import personal_data
from tamky_poverty.text import spreadsheet_safe

CHUNK = 2000


def escape(value):
    """Text a spreadsheet could run as a formula gets a leading apostrophe: shown, never run
    (CSV/XLSX injection; ``tamky_poverty.text.spreadsheet_safe``, the one guard of every export)."""
    return spreadsheet_safe(value)


@dataclass
class Export:
    content: bytes
    filename: str
    content_type: str
    rows: int
    households: int


def _chunks(values, size=CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def export_rows(*, actor, filters, full: bool = False) -> tuple[list[list], int, bool]:
    """The rows (values in ``C.COLUMNS`` order), the household count, and whether personal
    data were shown in full (only when ``full`` is asked for and the actor may see them). A fixed
    number of queries per 2,000 households."""
    households = list(selectors.household_list(actor=actor, filters=filters).select_related("current_assessment"))
    full = full and personal_data.can_see(actor)
    members: dict[int, list[Member]] = defaultdict(list)
    deprived: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks([h.pk for h in households]):
        for m in Member.objects.filter(household_id__in=chunk).order_by("household_id", "date_of_birth", "id"):
            members[m.household_id].append(m)
    assessment_ids = [h.current_assessment_id for h in households if h.current_assessment_id]
    for chunk in _chunks(assessment_ids):
        for aid, number in (Deprivation.objects.filter(assessment_id__in=chunk, deprived=True)
                            .order_by("indicator__number").values_list("assessment_id", "indicator__number")):
            deprived[aid].append(number)
    rows = []
    for h in households:
        a = h.current_assessment
        household_values = {
            "unit_code": h.unit.code, "unit_name": h.unit.name, "code": h.code, "village": h.village,
            "address": h.address, "group": h.group, "registered_exit_year": h.registered_exit_year,
            "ethnic_minority": h.ethnic_minority, "social_policy": h.social_policy,
            "floor_area_m2": float(h.floor_area_m2) if h.floor_area_m2 is not None else None,
            "current_class": h.current_class,
        }
        if a is not None:
            household_values.update({
                "income": a.income_per_capita, "assessment_year": a.year,
                "deprived": ", ".join(str(n) for n in deprived.get(a.pk, [])),
                "decision_number": a.decision_number, "decision_date": a.decision_date,
                "effective_date": a.effective_date,
            })
        personal = full and personal_data.can_see(actor, h)
        for m in members.get(h.pk) or [None]:
            values = dict(household_values)
            if m is not None:
                values.update({key: getattr(m, key) for key in C.MEMBER_FIELDS})
                if not personal:
                    values["citizen_id"] = personal_data.mask_citizen_id(m.citizen_id)
                    values["date_of_birth"] = personal_data.mask_date(m.date_of_birth)
            rows.append([escape(cell_value(c, values.get(c.key))) for c in C.COLUMNS])
    return rows, len(households), full


def export_households(*, actor, filters, fmt: str, filter_repr: dict | None = None, full: bool = False,
                      reason: str = "") -> Export:
    """The filtered list as XLSX or CSV. ``full`` (with a ``reason``, required) asks for full
    citizen IDs and birth dates; without it they are masked."""
    if full and not reason.strip():
        raise ValueError("a full export needs a reason")
    rows, household_count, full = export_rows(actor=actor, filters=filters, full=full)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # Excel opens UTF-8 with a byte-order mark correctly
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)  # a separator inside a cell never splits it
        writer.writerow(C.HEADINGS)
        for row in rows:
            writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else ("" if v is None else v) for v in row])
        content, content_type, ext = out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", "csv"
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(C.DATA_SHEET)
        for index, column in enumerate(C.COLUMNS):
            ws.column_dimensions[get_column_letter(index + 1)].width = column.width
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for heading in C.HEADINGS:
            cell = WriteOnlyCell(ws, value=heading)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        date_indexes = [i for i, c in enumerate(C.COLUMNS) if c.kind == "date"]
        for row in rows:
            for i in date_indexes:
                if isinstance(row[i], dt.date):
                    cell = WriteOnlyCell(ws, value=row[i])
                    cell.number_format = "DD/MM/YYYY"
                    row[i] = cell
            ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        content = buffer.getvalue()
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ext = "xlsx"
    personal_data.record_access(
        actor, "export", f"Danh sách hộ gia đình ({ext.upper()})",
        filter=filter_repr or {}, rows=len(rows), households=household_count, personal_data_masked=not full,
        **({"reason": reason.strip()} if full else {}),
    )
    return Export(content, f"danh-sach-ho-{stamp}.{ext}", content_type, len(rows), household_count)
