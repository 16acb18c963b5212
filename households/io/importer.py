"""The household list import: read → validate every row → plan what to create and update →
check the plausibility of each household's members (warnings, not problems) → (when asked and
only when there is no problem at all) apply it in one transaction.

``import_file(source, *, actor, today, unit=None, dry_run=True)`` is the one entry point (views, the
``import_households`` command and ``bench/`` call it). It works in bulk: one query per table to
load what already exists (chunked for very long files), ``bulk_create`` / ``bulk_update`` to
write, and ``fastinsert.history_create`` for the audit history: the rows
``bulk_create_with_history`` / ``bulk_update_with_history`` would write, without a model instance
(or a query) per row.

The benchmark compares it with django-import-export's default row-by-row import of the same file
(``bench/baseline.py``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from households import classification, territory
from households.io import columns as C
from households.io.fastinsert import history_create
from households.io.parsing import (
    CellError,
    choice_index,
    parse_choice,
    parse_citizen_id,
    parse_date,
    parse_decimal,
    parse_indicators,
    parse_int,
    parse_money,
    parse_text,
    show,
)
from households.io.reader import FileProblem, Sheet, read_sheet
from households.models import (
    Assessment,
    Household,
    Indicator,
    Member,
    PovertyStandard,
)
from households.plausibility import MemberFacts, implausibilities
from households.services import IndicatorInput, assessment_record, build_search_text
from households.text import fold
from tamky_poverty import db, figures_cache, personal_data, scoping
from tamky_poverty.models import AdministrativeUnit

CHANGE_REASON = "Nhập từ tệp Excel"
CHUNK = 2000
BATCH = 1000
MAX_LISTED_CHANGES = 500


@dataclass
class Problem:
    row: int  # Excel row number (1 = the heading row)
    column: str  # the column heading ("" for the whole row or file)
    message: str

    def __str__(self):
        where = _("Dòng %(row)s") % {"row": self.row} if self.row else _("Tệp")
        if self.column:
            where += _(", cột “%(column)s”") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass
class Change:
    action: str  # create | update | unchanged
    unit: str
    code: str
    head: str
    first_row: int
    members_created: int = 0
    members_updated: int = 0
    fields: list[str] = field(default_factory=list)
    assessment: bool = False


def _by_row(items: list[Problem]) -> list[tuple[int, list[Problem], str]]:
    """Problems or warnings grouped by row (row 0: the file as a whole), in row order, each with
    the columns named as "|column|…|" (what the preview's filter matches)."""
    rows: dict[int, list[Problem]] = {}
    for p in items:
        rows.setdefault(p.row, []).append(p)
    return [(row, found, "|" + "".join(f"{c}|" for c in dict.fromkeys(p.column for p in found)))
            for row, found in sorted(rows.items())]


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    # Members whose ages do not fit their relation to the head (households.plausibility): shown
    # for the officer to check, never a reason to refuse the file by themselves (``ok`` ignores
    # them); the pages ask the officer to confirm them once before writing.
    warnings: list[Problem] = field(default_factory=list)
    file_message: str = ""
    rows: int = 0
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    members_created: int = 0
    members_updated: int = 0
    members_unchanged: int = 0
    assessments_created: int = 0
    changes: list[Change] = field(default_factory=list)
    changes_total: int = 0
    applied: bool = False
    dry_run: bool = True
    warnings_unconfirmed: bool = False  # not written: warnings the caller had not confirmed

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_message

    @property
    def has_changes(self) -> bool:
        return bool(self.households_created or self.households_updated or self.members_created
                    or self.members_updated or self.assessments_created)

    def add(self, row: int, key_or_heading: str, message: str) -> None:
        column = C.BY_KEY[key_or_heading].heading if key_or_heading in C.BY_KEY else key_or_heading
        self.problems.append(Problem(row, column, message))

    @property
    def problem_rows(self) -> list[tuple[int, list[Problem], str]]:
        """The problems grouped by row (row 0: the file as a whole), in row order, each with the
        columns it fails as "|column|…|" (what the preview's filter matches)."""
        return _by_row(self.problems)

    @property
    def warning_rows(self) -> list[tuple[int, list[Problem], str]]:
        """The warnings grouped by row, as ``problem_rows``."""
        return _by_row(self.warnings)

    @property
    def warnings_key(self) -> str:
        """Names the warnings shown (what the preview's checkbox sends back): confirming them
        confirms these warnings, not those of another file or of the register as it is later."""
        text = "\n".join(str(w) for w in self.warnings)
        return hashlib.sha256(text.encode()).hexdigest()[:16] if self.warnings else ""

    @property
    def problem_columns(self) -> list[tuple[str, int]]:
        """Each column with problems and how many rows it fails, most first (the preview's filter)."""
        counts: dict[str, set] = {}
        for p in self.problems:
            counts.setdefault(p.column, set()).add(p.row)
        return sorted(((c, len(r)) for c, r in counts.items()), key=lambda item: (-item[1], item[0]))

    def summary(self) -> str:
        return (
            _("Hộ: thêm mới %(households_created)s, cập nhật %(households_updated)s, không đổi %(households_unchanged)s. Thành viên: thêm mới %(members_created)s, cập nhật %(members_updated)s, không đổi %(members_unchanged)s. Lần rà soát ghi mới: %(assessments_created)s.") % {"households_created": self.households_created, "households_updated": self.households_updated, "households_unchanged": self.households_unchanged, "members_created": self.members_created, "members_updated": self.members_updated, "members_unchanged": self.members_unchanged, "assessments_created": self.assessments_created}
        )


class ImportRefused(Exception):
    """Raised inside the transaction to roll everything back."""


class NoProgress:
    """What ``import_file`` reports its progress to when nobody listens (a request, the command).
    A background job passes ``jobs.tasks.Progress``: ``phase(name, total, label)`` then
    ``advance(n)`` as the work goes."""

    def phase(self, name: str, total: int = 0, label: str = "") -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


PROGRESS_EVERY = 500  # rows between two reports while cells are checked

CHANGED_MEANWHILE = gettext_lazy(
    "Sổ hộ vừa được thay đổi trong lúc nhập (có thể tệp này đã được nhập ở một cửa sổ khác). "
    "Không dữ liệu nào của tệp được ghi; hãy tải tệp lên lại để kiểm tra với sổ hiện tại.")


# --- Entry points ----------------------------------------------------------------------------

def import_file(source, *, actor, today: dt.date, unit: AdministrativeUnit | None = None, dry_run: bool = True,
                filename: str = "", progress=None, warnings_confirmed: bool = True) -> ImportReport:
    """Validate ``source`` (bytes, a path or a binary file) and, unless ``dry_run``, apply it.
    Nothing is written when any problem is found. ``unit`` (optional) forces every row into
    that unit: rows naming another unit are refused, and the unit columns may be left out.
    ``today`` (the caller's date: the view's, the command's, the job's) decides which units are
    current, which dates of birth lie in the future and the ages the plausibility warnings
    (``report.warnings``) count. Warnings never refuse a file by themselves; a caller that asks
    an officer to confirm them passes ``warnings_confirmed=False`` when the officer did not, and
    a file with warnings is then not written (``report.warnings_unconfirmed``). ``progress``
    (optional) is told each step and the rows or records done in it, by the work itself
    (``NoProgress`` says how)."""
    progress = progress or NoProgress()
    steps = 3 if dry_run else 4
    report = ImportReport(dry_run=dry_run)
    scope = scoping.scope_for(actor)
    if not scope.can_write_register:
        report.file_message = _("Bạn không có quyền nhập danh sách hộ gia đình.")
        return report
    if unit is not None and not scope.sees_all and unit.id not in scope.unit_ids:
        report.file_message = _("Đơn vị %(unit)s nằm ngoài phạm vi quản lý của bạn.") % {"unit": unit}
        return report
    progress.phase(_step(1, steps, gettext("đọc tệp")))
    try:
        sheet = read_sheet(source)
    except FileProblem as problem:
        report.file_message = problem.message
        return report
    report.rows = len(sheet.rows)
    plan = _Analysis(sheet, actor=actor, scope=scope, unit=unit, report=report, today=today, progress=progress,
                     steps=steps).run()
    if plan is None or not report.ok or dry_run:
        return report
    if report.warnings and not warnings_confirmed:
        report.warnings_unconfirmed = True
        return report
    try:
        with transaction.atomic():
            _apply(plan, actor=actor, report=report, progress=progress, step=_step(4, steps, gettext("ghi vào sổ")))
            figures_cache.figures_changed()  # bulk writes send no model signals (issue 17)
            personal_data.record_access(
                actor, "import", filename or "tệp Excel", rows=report.rows,
                households_created=report.households_created, households_updated=report.households_updated,
                members_created=report.members_created, members_updated=report.members_updated,
                assessments_created=report.assessments_created,
            )
            if report.rows >= db.BULK_ROWS:
                transaction.on_commit(lambda: db.refresh_statistics(router.db_for_write(Household)))
    except ImportRefused:
        report.applied = False
        return report
    except IntegrityError:
        # Another import or page wrote the same households or citizen IDs meanwhile (a double
        # click on "confirm" in two tabs): nothing of this file was written.
        report.file_message = str(CHANGED_MEANWHILE)
        report.applied = False
        return report
    report.applied = True
    return report


def _step(k: int, steps: int, what: str) -> str:
    return gettext("Bước %(k)s/%(n)s: %(what)s") % {"k": k, "n": steps, "what": what}


# --- Analysis --------------------------------------------------------------------------------

@dataclass
class _Row:
    number: int
    values: dict  # key -> parsed value (only present, non-blank, valid cells)
    household_key: tuple | None = None
    person: tuple | None = None  # (folded full name, date of birth), set by _duplicates_in_file


@dataclass
class _HouseholdPlan:
    key: tuple
    unit: AdministrativeUnit
    code: str
    rows: list[_Row]
    values: dict = field(default_factory=dict)
    value_rows: dict = field(default_factory=dict)
    existing: Household | None = None
    obj: Household | None = None
    changed: list[str] = field(default_factory=list)
    new_members: list[Member] = field(default_factory=list)
    updated_members: list[tuple[Member, list[str]]] = field(default_factory=list)
    final_members: list[Member] = field(default_factory=list)
    member_rows: list[int | None] = field(default_factory=list)  # each final member's row (None: not in the file)
    assessment: dict | None = None


@dataclass
class _Plan:
    households: list[_HouseholdPlan]


def _chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Analysis:
    def __init__(self, sheet: Sheet, *, actor, scope, unit, report: ImportReport, today: dt.date, progress=None,
                 steps: int = 3):
        self.progress = progress or NoProgress()
        self.steps = steps
        self.sheet = sheet
        self.actor = actor
        self.scope = scope
        self.forced_unit = unit
        self.report = report
        self.today = today
        self._clean_memo: dict = {}
        self._households: dict[int, Household] = {}

    # 1. headings
    def _map_headings(self) -> dict[str, int] | None:
        positions: dict[str, int] = {}
        for index, heading in enumerate(self.sheet.headings):
            if not heading:
                continue
            key = C.key_for_heading(heading)
            if key is None:
                continue  # extra columns (notes, numbering) are ignored
            if key in positions:
                self.report.add(1, key, _("Cột “%(heading)s” bị lặp (đã có ở cột %(x)s).") % {"heading": heading, "x": positions[key] + 1})
                continue
            positions[key] = index
        for key in C.REQUIRED_KEYS:
            if key not in positions:
                self.report.add(1, key, _("Thiếu cột bắt buộc “%(heading)s”.") % {"heading": C.BY_KEY[key].heading})
        if self.forced_unit is None and "unit_code" not in positions and "unit_name" not in positions:
            if len(self.scope.unit_ids) != 1 or self.scope.sees_all:
                self.report.add(1, "unit_code", _("Thiếu cột bắt buộc “Mã đơn vị” (hoặc “Phường/xã”)."))
        return None if self.report.problems else positions

    # 2. cells
    def _parse_rows(self, positions) -> list[_Row]:
        parsers = {}
        for key in positions:
            column = C.BY_KEY[key]
            if column.kind in ("choice", "yesno"):
                index = choice_index(column)
                parsers[key] = lambda v, column=column, index=index: parse_choice(v, column, index)
            elif column.kind in ("text", "code"):
                parsers[key] = parse_text
            elif column.kind == "int":
                parsers[key] = lambda v: parse_int(v, low=1900, high=2100)
            elif column.kind == "money":
                parsers[key] = parse_money
            elif column.kind == "decimal":
                parsers[key] = parse_decimal
            elif column.kind == "date":
                parsers[key] = parse_date
            elif column.kind == "citizen_id":
                parsers[key] = parse_citizen_id
            elif column.kind == "indicators":
                parsers[key] = parse_indicators
        items = list(positions.items())
        # The parsers are pure functions of the cell: remember each distinct (type, value) per
        # column (a few dozen in most columns of a 30,000-row file). Not for the indicator list
        # (a mutable result) nor the citizen ID (unique per row anyway).
        memos = {key: ({} if C.BY_KEY[key].kind not in ("indicators", "citizen_id") else None) for key in positions}
        rows = []
        add = self.report.add
        progress = self.progress
        progress.phase(_step(2, self.steps, gettext("kiểm tra từng ô")), len(self.sheet.rows), gettext("dòng"))
        for number, cells in self.sheet.rows:
            values = {}
            failed = set()
            width = len(cells)
            for key, index in items:
                raw = cells[index] if index < width else None
                if raw is None:
                    continue
                memo = memos[key]
                found = None if memo is None else memo.get((type(raw), raw))
                if found is None:
                    try:
                        found = (True, parsers[key](raw))
                    except CellError as error:
                        found = (False, error.message)
                    if memo is not None:
                        memo[(type(raw), raw)] = found
                ok, value = found
                if not ok:
                    add(number, key, value)
                    failed.add(key)
                    continue
                if value == "" or value == []:
                    continue
                values[key] = value
            for key in C.REQUIRED_KEYS:
                if key not in values and key not in failed:
                    add(number, key, _("Ô bắt buộc để trống."))
            born = values.get("date_of_birth")
            if born and born > self.today:
                add(number, "date_of_birth", _("Ngày sinh %(born)s ở tương lai.") % {"born": f"{born:%d/%m/%Y}"})
            rows.append(_Row(number, values))
            if len(rows) % PROGRESS_EVERY == 0:
                progress.advance(PROGRESS_EVERY)
        progress.advance(len(rows) % PROGRESS_EVERY)
        return rows

    # 3. units and scope
    def _resolve_units(self, rows: list[_Row], positions) -> bool:
        units = list(AdministrativeUnit.objects.all())
        by_code = defaultdict(list)
        by_name = defaultdict(list)
        for u in units:
            by_code[u.code].append(u)
            by_name[_unit_name_key(u.name)].append(u)
        allowed = None if self.scope.sees_all else set(self.scope.unit_ids)
        default_unit = self.forced_unit
        if default_unit is None and allowed is not None and len(allowed) == 1:
            default_unit = next(u for u in units if u.id in allowed)
        cache: dict[tuple, AdministrativeUnit | str] = {}
        out_of_scope = False
        heading = C.BY_KEY["unit_code" if "unit_code" in positions else "unit_name"].heading
        for row in rows:
            code = row.values.get("unit_code", "")
            name = row.values.get("unit_name", "")
            if not code and not name:
                if default_unit is None:
                    self.report.add(row.number, "unit_code", _("Chưa ghi mã hoặc tên phường/xã."))
                    continue
                unit = default_unit
            else:
                cache_key = (code, _unit_name_key(name))
                if cache_key not in cache:
                    cache[cache_key] = self._find_unit(code, name, by_code, by_name, allowed)
                unit = cache[cache_key]
                if isinstance(unit, str):
                    self.report.add(row.number, "unit_code" if code else "unit_name", unit)
                    continue
            if self.forced_unit is not None and unit.id != self.forced_unit.id:
                self.report.add(row.number, heading, _("Dòng thuộc %(unit)s, không phải đơn vị đang nhập (%(forced_unit)s).") % {"unit": unit, "forced_unit": self.forced_unit})
                out_of_scope = True
                continue
            if allowed is not None and unit.id not in allowed:
                self.report.add(row.number, heading, _("Dòng thuộc %(unit)s, ngoài phạm vi quản lý của bạn.") % {"unit": unit})
                out_of_scope = True
                continue
            if "code" in row.values:
                row.household_key = (unit.id, row.values["code"])
                row.values["_unit"] = unit
        if out_of_scope:
            self.report.file_message = (
                _("Tệp có dòng thuộc đơn vị ngoài phạm vi được nhập: toàn bộ tệp bị từ chối, không dòng nào được ghi.")
            )
        return not out_of_scope

    def _find_unit(self, code, name, by_code, by_name, allowed):
        candidates = None
        if code:
            candidates = list(by_code.get(code, []))
            if not candidates:
                return _("Không có phường/xã mã “%(code)s”.") % {"code": code}
        if name:
            named = by_name.get(_unit_name_key(name), [])
            if not named:
                return _("Không có phường/xã tên “%(name)s”.") % {"name": name}
            candidates = named if candidates is None else [u for u in candidates if u in named]
            if not candidates:
                return _("Mã “%(code)s” và tên “%(name)s” không cùng một phường/xã.") % {"code": code, "name": name}
        if len(candidates) > 1 and allowed is not None:
            mine = [u for u in candidates if u.id in allowed]
            candidates = mine or candidates
        if len(candidates) > 1:
            current = [u for u in candidates if u.is_valid_on(self.today)]
            candidates = current or candidates
        if len(candidates) > 1:
            return _("Mã “%(code)s” dùng cho nhiều phường/xã; hãy ghi thêm tên phường/xã.") % {"code": code}
        return candidates[0]

    # 4. households
    def _group(self, rows: list[_Row]) -> dict[tuple, _HouseholdPlan]:
        plans: dict[tuple, _HouseholdPlan] = {}
        add = self.report.add
        household_keys = [*C.HOUSEHOLD_FIELDS, "current_class", *C.ASSESSMENT_KEYS]
        for row in rows:
            if row.household_key is None:
                continue
            plan = plans.get(row.household_key)
            if plan is None:
                plan = plans[row.household_key] = _HouseholdPlan(
                    key=row.household_key, unit=row.values["_unit"], code=row.values["code"], rows=[])
            plan.rows.append(row)
            for key in household_keys:
                if key not in row.values:
                    continue
                value = row.values[key]
                if key in plan.values and plan.values[key] != value:
                    add(row.number, key, _("Khác với dòng %(x)s của cùng hộ “%(code)s” (“%(show)s” ≠ “%(show2)s”).") % {"x": plan.value_rows[key], "code": plan.code, "show": show(value), "show2": show(plan.values[key])})
                    continue
                if key not in plan.values:
                    plan.values[key] = value
                    plan.value_rows[key] = row.number
        for plan in plans.values():
            heads = [r for r in plan.rows if r.values.get("relation") == Member.Relation.HEAD]
            if not heads and all("relation" in r.values for r in plan.rows):
                add(plan.rows[0].number, "relation", _("Hộ “%(code)s” không có chủ hộ: cần đúng một dòng “Chủ hộ”.") % {"code": plan.code})
            for extra in heads[1:]:
                add(extra.number, "relation", _("Hộ “%(code)s” có hai chủ hộ (dòng %(number)s và dòng %(number2)s).") % {"code": plan.code, "number": heads[0].number, "number2": extra.number})
        return plans

    def _duplicates_in_file(self, plans):
        seen_cid: dict[str, int] = {}
        for plan in plans.values():
            seen_person: dict[tuple, int] = {}
            for row in plan.rows:
                cid = row.values.get("citizen_id")
                if cid:
                    if cid in seen_cid:
                        self.report.add(row.number, "citizen_id", _("Số định danh “%(cid)s” trùng với dòng %(x)s trong tệp.") % {"cid": cid, "x": seen_cid[cid]})
                    else:
                        seen_cid[cid] = row.number
                person = row.person = (fold(row.values.get("full_name")), row.values.get("date_of_birth"))
                if person[0] and person[1]:
                    if person in seen_person:
                        self.report.add(row.number, "full_name", _("Thành viên trùng họ tên và ngày sinh với dòng %(x)s của cùng hộ.") % {"x": seen_person[person]})
                    else:
                        seen_person[person] = row.number

    # 5. against the register
    def _load_existing(self, plans):
        pairs = defaultdict(set)
        for unit_id, code in plans:
            pairs[unit_id].add(code)
        existing: dict[tuple, Household] = {}
        for unit_id, codes in pairs.items():
            for chunk in _chunks(codes):
                for h in Household.objects.filter(unit_id=unit_id, code__in=chunk):
                    existing[(h.unit_id, h.code)] = h
        members_by_household: dict[int, list[Member]] = defaultdict(list)
        for chunk in _chunks([h.id for h in existing.values()]):
            for m in Member.objects.filter(household_id__in=chunk).order_by("id"):
                members_by_household[m.household_id].append(m)
        cids = {r.values["citizen_id"] for p in plans.values() for r in p.rows if "citizen_id" in r.values}
        by_cid: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(cids):
            for cid, mid, hid in Member.objects.filter(citizen_id__in=chunk).values_list("citizen_id", "id", "household_id"):
                by_cid[cid] = (mid, hid)
        self.areas = territory.AreaResolver([h.id for h in existing.values()])
        decisions = set()
        for chunk in _chunks([h.id for h in existing.values()]):
            decisions.update(Assessment.objects.filter(household_id__in=chunk)
                             .values_list("household_id", "decision_number", "decision_date"))
        return existing, members_by_household, by_cid, decisions

    def _plan_household(self, plan: _HouseholdPlan, existing, members_by_household, by_cid, decisions):
        add = self.report.add
        plan.existing = existing.get(plan.key)
        first = plan.rows[0].number
        if plan.existing is not None and plan.existing.is_deleted:
            # A deleted household stays deleted: the import neither updates nor revives it.
            add(first, "code", _("Hộ “%(code)s” đã bị xoá khỏi sổ (%(deleted_reason)s); không nhập được cho hộ đã xoá. Dùng mã hộ khác, hoặc liên hệ quản trị nếu hộ bị xoá nhầm.") % {"code": plan.code, "deleted_reason": plan.existing.deleted_reason})
            return
        if plan.existing is None:
            obj = Household(unit=plan.unit, code=plan.code)
            for key in C.HOUSEHOLD_FIELDS:
                setattr(obj, key, plan.values.get(key, C.DEFAULTS[key]))
        else:
            obj = plan.existing
            present = self.present
            for key in C.HOUSEHOLD_FIELDS:
                if key not in present:
                    continue
                value = plan.values.get(key, C.DEFAULTS[key])
                if getattr(obj, key) != value:
                    setattr(obj, key, value)
                    plan.changed.append(key)
        plan.obj = obj
        self._validate(obj, first, exclude=["unit", "current_standard", "current_assessment", "search_text"])

        current = list(members_by_household.get(obj.pk, [])) if obj.pk else []
        matched_ids = set()
        by_person = {(fold(m.full_name), m.date_of_birth): m for m in current}
        by_id = {m.id: m for m in current}
        for row in plan.rows:
            v = row.values
            cid = v.get("citizen_id")
            member = None
            if cid and cid in by_cid:
                member_id, household_id = by_cid[cid]
                if household_id != obj.pk:
                    add(row.number, "citizen_id", _("Số định danh “%(cid)s”: %(taken)s") % {
                        "cid": cid, "taken": personal_data.citizen_id_taken_message(self.actor, self._household(household_id))})
                    continue
                member = by_id.get(member_id)
            if member is None:
                candidate = by_person.get(row.person)
                if candidate is not None and candidate.id not in matched_ids:
                    if cid and candidate.citizen_id and candidate.citizen_id != cid:
                        add(row.number, "citizen_id", _("Thành viên trùng họ tên và ngày sinh với một người trong sổ nhưng khác số định danh (%(mask_citizen_id)s).") % {"mask_citizen_id": personal_data.mask_citizen_id(candidate.citizen_id)})
                        continue
                    member = candidate
            if member is not None and member.id in matched_ids:
                add(row.number, "full_name", _("Hai dòng của tệp cùng ứng với một thành viên trong sổ."))
                continue
            if member is None:
                member = Member(household=obj)
                for key in C.MEMBER_FIELDS:
                    setattr(member, key, v.get(key, C.DEFAULTS.get(key)))
                if self._validate(member, row.number, exclude=["household"]):
                    plan.new_members.append(member)
                plan.final_members.append(member)
                plan.member_rows.append(row.number)
            else:
                matched_ids.add(member.id)
                changed = []
                for key in C.MEMBER_FIELDS:
                    if key not in self.present:
                        continue
                    value = v.get(key, C.DEFAULTS.get(key))
                    if key == "citizen_id" and value is None and member.citizen_id:
                        continue  # a blank ID cell never erases a recorded one
                    if getattr(member, key) != value:
                        setattr(member, key, value)
                        changed.append(key)
                if changed and self._validate(member, row.number, exclude=["household"]):
                    plan.updated_members.append((member, changed))
                plan.final_members.append(member)
                plan.member_rows.append(row.number)
        others = [m for m in current if m.id not in matched_ids]
        plan.final_members.extend(others)
        plan.member_rows.extend([None] * len(others))
        file_head = any(r.values.get("relation") == Member.Relation.HEAD for r in plan.rows)
        other_heads = [m for m in others if m.relation == Member.Relation.HEAD]
        if file_head and other_heads:
            add(first, "relation", _("Hộ “%(code)s” đã có chủ hộ khác trong sổ (%(full_name)s): ghi dòng của người đó trong tệp (với quan hệ mới) hoặc sửa trong trang hộ.") % {"code": plan.code, "full_name": other_heads[0].full_name})
        self._plan_assessment(plan, decisions)

    def _household(self, pk) -> Household:
        """The household holding a citizen ID the file repeats (for the message; rare)."""
        if pk not in self._households:
            self._households[pk] = Household.objects.select_related("unit").get(pk=pk)
        return self._households[pk]

    def _plan_assessment(self, plan: _HouseholdPlan, decisions):
        v = plan.values
        row = lambda key: plan.value_rows.get(key, plan.rows[0].number)  # noqa: E731
        if "income" not in v:
            for key in ("deprived", "decision_number", "decision_date", "effective_date", "assessment_year"):
                if key in v:
                    self.report.add(row(key), "income", _("Có thông tin rà soát nhưng thiếu thu nhập bình quân."))
                    return
            return
        ok = True
        for key in ("decision_number", "decision_date"):
            if key not in v:
                self.report.add(row("income"), key, _("Có thu nhập bình quân thì phải ghi số và ngày quyết định."))
                ok = False
        if not ok:
            return
        # The list's effective date decides the standard and the review year (issue 14).
        effective = v.get("effective_date") or v["decision_date"]
        if effective < v["decision_date"]:
            self.report.add(row("effective_date"), "effective_date", _("Ngày có hiệu lực không được trước ngày quyết định."))
            return
        year = v.get("assessment_year") or effective.year
        if year != effective.year:
            self.report.add(row("assessment_year"), "assessment_year",
                            _("Năm rà soát %(year)s không khớp với ngày có hiệu lực %(effective)s: danh sách có hiệu lực năm nào thì rà soát cho năm đó, theo chuẩn nghèo của năm đó.") % {"year": year, "effective": f"{effective:%d/%m/%Y}"})
            return
        standard = next((s for s in self.standards if s.year_from <= year <= s.year_to), None)
        if standard is None:
            self.report.add(row("effective_date") if "effective_date" in v else row("decision_date"),
                            "effective_date", _("Chưa có chuẩn nghèo áp dụng cho năm %(year)s.") % {"year": year})
            return
        indicators = self.indicators[standard.id]
        deprived = []
        for token in v.get("deprived", []):
            found = next((i for i in indicators if i.number == token or fold(i.code) == token), None)
            if found is None:
                self.report.add(row("deprived"), "deprived", _("Chỉ số “%(token)s” không thuộc %(name)s (ghi số thứ tự 1–%(len)s).") % {"token": token, "name": standard.name, "len": len(indicators)})
                return
            if found.code not in deprived:
                deprived.append(found.code)
        names = [i.name for i in indicators if i.code in deprived]
        area = self.areas.area(plan.obj, effective)
        result = classification.classify(standard, area.kind, v["income"], names)
        if "current_class" in v and v["current_class"] != result.result:
            labels = dict(C.BY_KEY["current_class"].choices)
            self.report.add(row("current_class"), "current_class",
                            _("Phân loại ghi trong tệp (“%(x)s”) khác kết quả tính theo thu nhập và chỉ số thiếu hụt (“%(x2)s”).") % {"x": labels[v['current_class']], "x2": labels[result.result]})
            return
        if plan.obj.pk and (plan.obj.pk, v["decision_number"], v["decision_date"]) in decisions:
            return  # already recorded (same decision): importing twice changes nothing
        plan.assessment = {
            "year": year, "income_per_capita": v["income"], "decision_number": v["decision_number"],
            "decision_date": v["decision_date"], "effective_date": effective, "deprived": deprived,
            "indicators": [i.code for i in indicators],
        }

    def _validate(self, obj, row_number: int, exclude) -> bool:
        """``obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)``,
        with each field's ``clean`` remembered per (field, value): 40,000 objects share a few
        dozen distinct values in most columns, and cleaning them again was a third of the
        analysis time. Same errors, same messages, same cleaned values set on ``obj``."""
        try:
            self._full_clean(obj, set(exclude))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = name if name in C.BY_KEY else ""
                for message in messages:
                    self.report.add(row_number, column, message)
            return False
        return True

    _MEMO_TYPES = frozenset({str, bool, int, dt.date, type(None)})

    def _full_clean(self, obj, exclude: set) -> None:
        # Model.full_clean without unique/constraint checks; Model.clean_fields inlined with a memo.
        errors = {}
        field_errors = {}
        memo = self._clean_memo
        memo_types = self._MEMO_TYPES
        for f in obj._meta.fields:
            if f.name in exclude or f.generated:
                continue
            raw_value = getattr(obj, f.attname)
            if f.blank and raw_value in f.empty_values:
                continue
            if isinstance(raw_value, DatabaseDefault):
                continue
            key = (f, type(raw_value), raw_value) if type(raw_value) in memo_types and not f.is_relation else None
            if key is not None and key in memo:
                ok, result = memo[key]
            else:
                try:
                    ok, result = True, f.clean(raw_value, obj)
                except ValidationError as e:
                    ok, result = False, e.error_list
                if key is not None:
                    memo[key] = (ok, result)
            if ok:
                setattr(obj, f.attname, result)
            else:
                field_errors[f.name] = result
        if field_errors:
            errors = ValidationError(field_errors).update_error_dict(errors)
        try:
            obj.clean()
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def run(self) -> _Plan | None:
        positions = self._map_headings()
        if positions is None:
            return None
        self.present = set(positions)
        rows = self._parse_rows(positions)
        if not self._resolve_units(rows, positions):
            return None
        plans = self._group(rows)
        self._duplicates_in_file(plans)
        self.progress.phase(_step(3, self.steps, gettext("đối chiếu với sổ hộ")), len(plans), gettext("hộ"))
        existing, members_by_household, by_cid, decisions = self._load_existing(plans)
        self.standards = list(PovertyStandard.objects.all())
        self.indicators = defaultdict(list)
        for indicator in Indicator.objects.order_by("number"):
            self.indicators[indicator.standard_id].append(indicator)
        for plan in plans.values():
            self._plan_household(plan, existing, members_by_household, by_cid, decisions)
            self.progress.advance(1)
        self._count(plans)
        self._plausibility(plans)
        order = lambda p: (p.row, C.HEADINGS.index(p.column) if p.column in C.HEADINGS else -1)  # noqa: E731
        self.report.problems.sort(key=order)
        self.report.warnings.sort(key=order)  # stable: a member's warnings keep the rules' order
        return _Plan(list(plans.values()))

    # 6. plausibility (warnings)
    def _plausibility(self, plans) -> None:
        """``households.plausibility`` over the members each household will have after the import
        (the file's rows, then the register's members the file leaves as they are), on
        ``today``: a warning on the member's row (a member only in the register: on the
        household's first row). From the plans in memory, no query. A household whose members
        are incomplete (a cell refused, a date of birth in the future) is skipped: its problems
        come first."""
        heading = C.BY_KEY["date_of_birth"].heading
        warnings = self.report.warnings
        for plan in plans.values():
            members = plan.final_members
            if not members or sum(r is not None for r in plan.member_rows) != len(plan.rows):
                continue  # a row was refused (its problem says why): the household is not whole
            facts = []
            for m in members:
                born = m.date_of_birth
                if not (m.full_name and m.relation and m.sex and isinstance(born, dt.date)) or born > self.today:
                    break
                facts.append(MemberFacts(m.full_name, m.relation, m.sex, born))
            else:
                for w in implausibilities(facts, self.today):
                    row = plan.member_rows[w.index]
                    if row is None:
                        warnings.append(Problem(plan.rows[0].number, "", _(
                            "%(message)s (thành viên đã có trong sổ, không có trong tệp)") % {"message": w.message}))
                    else:
                        warnings.append(Problem(row, heading, w.message))

    def _count(self, plans):
        r = self.report
        for plan in plans.values():
            if plan.existing is None:
                r.households_created += 1
                action = "create"
            elif plan.changed:
                r.households_updated += 1
                action = "update"
            else:
                r.households_unchanged += 1
                action = "unchanged"
            r.members_created += len(plan.new_members)
            r.members_updated += len(plan.updated_members)
            r.assessments_created += 1 if plan.assessment else 0
            touched = len(plan.new_members) + len(plan.updated_members)
            r.members_unchanged += sum(1 for row in plan.rows) - touched
            if action == "unchanged" and (touched or plan.assessment):
                action = "update"
            if action != "unchanged":
                r.changes_total += 1
                if len(r.changes) < MAX_LISTED_CHANGES:
                    head = next((m.full_name for m in plan.final_members if m.relation == Member.Relation.HEAD), "")
                    r.changes.append(Change(
                        action=action, unit=plan.unit.name, code=plan.code, head=head, first_row=plan.rows[0].number,
                        members_created=len(plan.new_members), members_updated=len(plan.updated_members),
                        fields=[C.BY_KEY[k].heading for k in plan.changed], assessment=bool(plan.assessment),
                    ))
        r.members_unchanged = max(r.members_unchanged, 0)


def _unit_name_key(name: str) -> str:
    key = fold(name)
    for prefix in ("phuong ", "xa ", "p. ", "p.", "x. "):
        if key.startswith(prefix):
            key = key[len(prefix):]
            break
    return key.strip()


# --- Apply -----------------------------------------------------------------------------------

def _lock_unchanged_since_analysis(plan: _Plan, report: ImportReport) -> None:
    """The households the file updates, locked and compared with the versions the analysis read:
    a household saved meanwhile (its page, another import) refuses the whole file rather than
    being overwritten with a stale plan."""
    expected = {hp.obj.pk: hp.obj.version for hp in plan.households if hp.existing is not None}
    for chunk in _chunks(list(expected)):
        for pk, version in Household.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "version"):
            if expected[pk] != version:
                report.file_message = str(CHANGED_MEANWHILE)
                raise ImportRefused


def _apply(plan: _Plan, *, actor, report: ImportReport, progress=None, step: str = "") -> None:
    """Writes the plan (inside the caller's transaction), in chunks so that ``progress`` hears of
    every CHUNK records written: households, members and decisions."""
    progress = progress or NoProgress()
    _lock_unchanged_since_analysis(plan, report)
    now = timezone.now()
    new_households, updated_households, search_only = [], [], []
    household_fields = set()
    for hp in plan.households:
        text = build_search_text(hp.obj, hp.final_members)
        if hp.existing is None:
            hp.obj.search_text = text
            new_households.append(hp.obj)
        elif hp.changed:
            hp.obj.search_text = text
            hp.obj.version += 1
            household_fields.update(hp.changed)
            updated_households.append(hp.obj)
        elif text != hp.obj.search_text:
            hp.obj.search_text = text
            search_only.append(hp.obj)
    new_members, updated_members, member_fields = [], [], set()
    for hp in plan.households:
        new_members.extend(hp.new_members)
        for m, changed in hp.updated_members:
            member_fields.update(changed)
            updated_members.append(m)
    assessments = [hp for hp in plan.households if hp.assessment]
    progress.phase(step, len(new_households) + len(updated_households) + len(new_members) + len(updated_members)
                   + len(assessments), gettext("bản ghi"))
    for chunk in _chunks(new_households):
        _create_with_history(chunk, Household, actor=actor, now=now)
        progress.advance(len(chunk))
    household_fields = [*sorted(household_fields), "search_text", "version"]
    for chunk in _chunks(updated_households):
        _update_with_history(chunk, Household, household_fields, actor=actor, now=now)
        progress.advance(len(chunk))
    if search_only:
        Household.objects.bulk_update(search_only, ["search_text"], batch_size=BATCH)

    for hp in plan.households:
        for m in hp.new_members:
            m.household = hp.obj  # now saved: sets household_id
    for chunk in _chunks(new_members):
        _create_with_history(chunk, Member, actor=actor, now=now)
        progress.advance(len(chunk))
    member_fields = sorted(member_fields)
    for chunk in _chunks(updated_members):
        _update_with_history(chunk, Member, member_fields, actor=actor, now=now)
        progress.advance(len(chunk))

    for hp in assessments:
        a = hp.assessment
        try:
            assessment_record(
                actor=actor, household=hp.obj, kind=Assessment.Kind.ANNUAL, year=a["year"],
                income_per_capita=a["income_per_capita"],
                indicators={code: IndicatorInput(code in a["deprived"], CHANGE_REASON) for code in a["indicators"]},
                decision_number=a["decision_number"], decision_date=a["decision_date"],
                effective_date=a["effective_date"], notes=CHANGE_REASON,
            )
        except ValidationError as error:
            report.add(hp.value_rows.get("income", hp.rows[0].number), "income", "; ".join(error.messages))
            raise ImportRefused from error
        progress.advance(1)


def _create_with_history(objs, model, *, actor, now) -> None:
    """``bulk_create_with_history(objs, model, default_user=actor, default_change_reason=CHANGE_REASON,
    default_date=now)``, with the history rows written by ``fastinsert.history_create`` (the same
    rows, without a model instance each: half of the import's time went there)."""
    if not connections[router.db_for_write(model)].features.can_return_rows_from_bulk_insert:
        bulk_create_with_history(objs, model, batch_size=BATCH, default_user=actor,
                                 default_change_reason=CHANGE_REASON, default_date=now)
        return
    with transaction.atomic(savepoint=False):
        created = model._default_manager.bulk_create(objs, batch_size=BATCH)
        history_create(created, model, default_user=actor, default_change_reason=CHANGE_REASON, default_date=now)


def _update_with_history(objs, model, fields, *, actor, now) -> None:
    """``bulk_update_with_history(objs, model, fields=fields, …)`` with the history rows written by
    ``fastinsert.history_create`` (history type "~")."""
    with transaction.atomic(savepoint=False):
        model._default_manager.bulk_update(objs, fields, batch_size=BATCH)
        history_create(objs, model, update=True, default_user=actor, default_change_reason=CHANGE_REASON,
                       default_date=now)

