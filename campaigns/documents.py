"""The review's documents, each one dataset (``reports.dataset``) drawn by the reports'
renderers (HTML, PDF, XLSX), so the three formats show the same rows:

- the list of a village's households for its meeting,
- the list posted publicly,
- the annex of the chairman's decision (households by class),
- one household's certificate (Mẫu 03 style),
- the impact of a standard (per unit, and the households to survey first).

Each document carries its own date — the meeting's, the posting's start, the decision's — and
never silently today; the decision's number and date are the ones the officer recorded. They
are issued by the People's Committee of the campaign's ward, under the body it belongs to."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import rules
from campaigns.models import Campaign, CampaignDecision, CampaignHousehold, Posting, VillageMeeting
from campaigns.selectors import LISTS, Impact
from households.models import Assessment, PovertyClass
from reports.dataset import Column, Dataset, HeaderCell, Row
from reports.documents import Issuer, Mark, issuer_for
from reports.excel import render_xlsx
from reports.pdf import render_pdf
from reports.rendering import document_context
from tamky_poverty.models import AdministrativeUnit

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POOR, NEAR_POOR, AVERAGE, NONE = (PovertyClass.POOR, PovertyClass.NEAR_POOR, PovertyClass.AVERAGE,
                                  PovertyClass.NONE)
CLASS_LABELS = dict(PovertyClass.choices)


def document_settings(unit: AdministrativeUnit | None, day: dt.date, *, signer: str = "",
                      preparer: str = "") -> Issuer:
    """The header and signature of a review document dated ``day``: a ward's is issued by its
    People's Committee of that day (``reports.documents.issuer_for``), signed for the committee by
    its chairman; the city's own documents when ``unit`` is None."""
    issuer = issuer_for(unit, day)
    if unit is not None:
        issuer = replace(issuer, signer_authority="TM. ỦY BAN NHÂN DÂN", signer_deputy="", signer_title="CHỦ TỊCH",
                         signer_name=signer)
    if preparer:
        issuer = replace(issuer, preparer_title=preparer)
    return issuer


def mark(ds: Dataset) -> Mark:
    """A review document's own number (the certificate's, the decision's) and date."""
    return Mark(reference=ds.parameters.get("number") or ds.parameters.get("decision") or "",
                issue_date=ds.place_date)


def render(datasets: list[Dataset], fmt: str, settings: Issuer) -> tuple[bytes, str]:
    """HTML (a standalone page), PDF (the first dataset) or XLSX (a sheet per dataset)."""
    marks = [mark(ds) for ds in datasets]
    if fmt == "xlsx":
        return render_xlsx(datasets, settings, marks), XLSX_TYPE
    if fmt == "pdf":
        return render_pdf(datasets[0], settings, marks[0]), "application/pdf"
    html = render_to_string("campaigns/standalone.html",
                            {"documents": [document_context(ds, settings, m) for ds, m in zip(datasets, marks, strict=True)],
                             "title": datasets[0].title})
    return html.encode(), "text/html; charset=utf-8"


def _deprived_names(entry: CampaignHousehold) -> str:
    return ", ".join(getattr(entry, "deprived_names", []))


# --- the lists of the procedure -----------------------------------------------------------------

LIST_COLUMNS = [Column("stt", "int", 5), Column("head", "text", 22), Column("village", "text", 14),
                Column("address", "text", 20), Column("members", "int", 7), Column("before", "text", 13),
                Column("income", "money", 12), Column("count", "int", 8), Column("deprived", "text", 30),
                Column("proposed", "text", 14), Column("notes", "text", 14)]
LIST_HEADER = [[HeaderCell(t) for t in (
    "STT", "Họ và tên chủ hộ", "Thôn, khối phố", "Địa chỉ", "Số nhân khẩu", "Phân loại hiện hành",
    "Thu nhập bình quân (đồng/người/tháng)", "Số chỉ số thiếu hụt", "Các chỉ số thiếu hụt",
    "Dự kiến phân loại", "Ghi chú")]]
PROPOSED_GROUPS = [
    (POOR, gettext_lazy("Dự kiến hộ nghèo")),
    (NEAR_POOR, gettext_lazy("Dự kiến hộ cận nghèo")),
    (AVERAGE, gettext_lazy("Dự kiến hộ có mức sống trung bình (ra khỏi danh sách hoặc không thuộc diện)")),
    (NONE, gettext_lazy("Dự kiến không thuộc diện hộ nghèo, hộ cận nghèo")),
]
ROMAN = ["I", "II", "III", "IV", "V", "VI"]


def _entry_row(i: int, e: CampaignHousehold, note: str = "") -> Row:
    h, s = e.household, e.survey
    return Row([i, getattr(e, "head_name", "") or "", h.village, h.address, getattr(e, "member_count", None),
                CLASS_LABELS.get(e.class_when_listed if e.listed else NONE),
                s.income_per_capita if s else None, s.deprivation_count if s else None, _deprived_names(e),
                CLASS_LABELS[s.proposed_class] if s else "Chưa khảo sát", note], household_ids=[h.pk])


def _grouped_rows(entries: list[CampaignHousehold], notes=None) -> tuple[list[Row], dict[str, int]]:
    by_class: dict[str, list[CampaignHousehold]] = defaultdict(list)
    for e in entries:
        by_class[e.survey.proposed_class if e.survey_id else ""].append(e)
    rows, counts, n = [], {}, 0
    groups = [*PROPOSED_GROUPS, ("", "Chưa khảo sát (chưa đủ điều kiện bình xét)")]
    for cls, label in groups:
        members = by_class.get(cls, [])
        if not members:
            continue
        rows.append(Row(["", f"{ROMAN[len(counts)]}. {label}: {len(members)} hộ", *[""] * 9], style="group"))
        counts[cls] = len(members)
        for e in members:
            n += 1
            rows.append(_entry_row(n, e, (notes or {}).get(e.pk, "")))
    rows.append(Row(["", f"Tổng cộng: {len(entries)} hộ", *[""] * 9], style="total"))
    return rows, counts


def meeting_list(campaign: Campaign, village: str, entries: list[CampaignHousehold],
                 meeting: VillageMeeting | None, day: dt.date | None) -> Dataset:
    """The households of one village put to its meeting, by proposed class. Dated ``day`` (the
    date chosen when printing, else the meeting's date); a list printed before any meeting is a
    draft without a date."""
    day = day or (meeting.held_on if meeting else None)
    notes = []
    if day is None:
        notes.append("Danh sách dự thảo, chưa có ngày họp.")
    if meeting is not None:
        notes.append(f"Hội nghị ngày {meeting.held_on:%d/%m/%Y}: {meeting.attendees} người dự, "
                     f"{rules.percent_text(meeting.agreement_percent)} % đồng ý"
                     + ("." if rules.meeting_passes(meeting.agreement_percent)
                        else " — chưa đạt 50 %, phải họp lại."))
    rows, counts = _grouped_rows(entries)
    return Dataset(
        code="HOP-THON",
        title=f"Danh sách hộ gia đình đưa ra bình xét tại hội nghị {rules.village_label(village)}",
        subtitle=(f"(Rà soát hộ nghèo, hộ cận nghèo năm {campaign.review_year} – danh sách năm "
                  f"{campaign.list_year} theo {campaign.standard.name}; {campaign.unit})"),
        header_rows=LIST_HEADER, columns=LIST_COLUMNS, rows=rows, landscape=True, place_date=day,
        notes=notes, signature="preparer",
        parameters={"campaign": campaign.pk, "village": village, "counts": counts, "year": campaign.review_year},
    )


def posted_list(campaign: Campaign, entries: list[CampaignHousehold], posting: Posting) -> Dataset:
    """The lists posted publicly, dated the first day of the posting."""
    rows, counts = _grouped_rows(entries)
    return Dataset(
        code="NIEM-YET",
        title=(f"Danh sách hộ nghèo, hộ cận nghèo năm {campaign.list_year} (dự kiến) niêm yết công khai"),
        subtitle=(f"(Niêm yết từ ngày {posting.start_date:%d/%m/%Y} đến ngày {posting.end_date:%d/%m/%Y} tại "
                  f"{posting.place}; {campaign.standard.name})"),
        header_rows=LIST_HEADER, columns=LIST_COLUMNS, rows=rows, landscape=True, place_date=posting.start_date,
        notes=["Mọi ý kiến, khiếu nại về danh sách xin gửi Ủy ban nhân dân "
               f"{campaign.unit} trong thời gian niêm yết."],
        signature="authority",
        parameters={"campaign": campaign.pk, "counts": counts, "year": campaign.review_year},
    )


# --- the decision's annex and the certificate ---------------------------------------------------

ANNEX_GROUPS = [
    ("poor", "Hộ nghèo"),
    ("near_poor", "Hộ cận nghèo"),
    ("left", "Hộ thoát nghèo, thoát cận nghèo"),
    ("other", "Hộ đã rà soát, không thuộc diện hộ nghèo, hộ cận nghèo"),
]


def _annex_group(a: Assessment) -> str:
    if a.result_class in (POOR, NEAR_POOR):
        return a.result_class
    if a.previous_class in (POOR, NEAR_POOR):
        return "left"
    return "other"


def decision_annex(campaign: Campaign, decision: CampaignDecision, entries: list[CampaignHousehold]) -> Dataset:
    """The households the decision recognises, by class, from the decisions recorded."""
    groups: dict[str, list[CampaignHousehold]] = defaultdict(list)
    for e in entries:
        groups[_annex_group(e.assessment)].append(e)
    rows, counts, n = [], {}, 0
    for key, label in ANNEX_GROUPS:
        members = groups.get(key, [])
        if not members:
            continue
        rows.append(Row(["", f"{ROMAN[len(counts)]}. {label}: {len(members)} hộ", "", "", "", "", "", ""],
                        style="group"))
        counts[key] = len(members)
        for e in members:
            n += 1
            a = e.assessment
            rows.append(Row([n, getattr(e, "head_name", "") or "", e.household.village, e.household.address,
                             getattr(e, "member_count", None), e.survey.deprivation_count if e.survey_id else None,
                             a.get_movement_display(), e.certificate_number],
                            household_ids=[e.household_id]))
    rows.append(Row(["", f"Tổng cộng: {len(entries)} hộ", "", "", "", "", "", ""], style="total"))
    return Dataset(
        code="PHU-LUC-QD",
        title=f"Danh sách hộ nghèo, hộ cận nghèo năm {campaign.list_year} của {campaign.unit}",
        subtitle=(f"(Kèm theo Quyết định số {decision.number} ngày {decision.decision_date:%d/%m/%Y} của Chủ tịch "
                  f"Ủy ban nhân dân {campaign.unit}; có hiệu lực từ ngày {decision.effective_date:%d/%m/%Y}; "
                  f"{campaign.standard.name})"),
        header_rows=[[HeaderCell(t) for t in ("STT", "Họ và tên chủ hộ", "Thôn, khối phố", "Địa chỉ",
                                              "Số nhân khẩu", "Số chỉ số thiếu hụt", "Biến động so với năm trước",
                                              "Số giấy chứng nhận")]],
        columns=[Column("stt", "int", 5), Column("head", "text", 24), Column("village", "text", 14),
                 Column("address", "text", 22), Column("members", "int", 8), Column("count", "int", 9),
                 Column("movement", "text", 22), Column("certificate", "text", 14)],
        rows=rows, landscape=True, place_date=decision.decision_date, signature="authority",
        parameters={"campaign": campaign.pk, "counts": counts, "decision": decision.number,
                    "year": campaign.review_year},
    )


def certificate_until(decision: CampaignDecision) -> dt.date:
    return dt.date(decision.effective_date.year, 12, 31)


def certificate(campaign: Campaign, decision: CampaignDecision, entry: CampaignHousehold, members: list,
                head, head_id_text: str) -> Dataset:
    """One household's certificate (Mẫu 03 style), numbered when the decision was recorded and
    dated the decision's date."""
    a = entry.assessment
    which = "hộ nghèo" if a.result_class == POOR else "hộ cận nghèo"
    h = entry.household
    rows = [
        Row(["Họ và tên chủ hộ", head.full_name if head else ""]),
        Row(["Năm sinh", str(head.date_of_birth.year) if head else ""]),
        Row(["Số định danh cá nhân", head_id_text]),
        Row(["Nơi cư trú", ", ".join(x for x in (h.address, h.village, str(campaign.unit)) if x)]),
        Row(["Số thành viên của hộ", str(len(members))]),
        Row(["Thuộc diện", f"{which.capitalize()} theo {campaign.standard.name} ({campaign.standard.legal_basis})"]),
        Row(["Căn cứ", f"Quyết định số {decision.number} ngày {decision.decision_date:%d/%m/%Y} của Chủ tịch "
                       f"Ủy ban nhân dân {campaign.unit}"]),
        Row(["Thời hạn", f"Từ ngày {decision.effective_date:%d/%m/%Y} đến ngày "
                         f"{certificate_until(decision):%d/%m/%Y}"]),
        Row(["Thành viên của hộ", ""], style="group"),
    ]
    for i, m in enumerate(members, start=1):
        rows.append(Row([f"{i}. {m.full_name}", f"{m.date_of_birth.year} – {m.get_relation_display()}"]))
    return Dataset(
        code="GCN",
        title=f"Giấy chứng nhận {which}",
        subtitle=f"Số: {entry.certificate_number}",
        header_rows=[[HeaderCell("Nội dung"), HeaderCell("Thông tin")]],
        columns=[Column("label", "text", 28), Column("value", "text", 60)],
        rows=rows, place_date=decision.decision_date, signature="authority",
        parameters={"campaign": campaign.pk, "household": h.pk, "number": entry.certificate_number,
                    "year": campaign.review_year, "personal": True},
    )


# --- the impact of a standard -----------------------------------------------------------------------

IMPACT_FIELDS = [("before", gettext_lazy("Đang trong danh sách")), ("certain", gettext_lazy("Chắc chắn")), ("possible", gettext_lazy("Có thể")),
                 ("not_", gettext_lazy("Không")), (rules.STAYS, gettext_lazy("Ở lại")), (rules.ENTERS, gettext_lazy("Vào mới")), (rules.LEAVES, gettext_lazy("Ra khỏi")),
                 (rules.MAY_LEAVE, gettext_lazy("Có thể ra")), (rules.MAY_ENTER, gettext_lazy("Có thể vào"))]
LIST_NAMES = {POOR: gettext_lazy("Hộ nghèo"), NEAR_POOR: gettext_lazy("Hộ cận nghèo")}


def impact_numbers(row) -> list[int]:
    """The figures of one unit's row, in the order of the columns (page and files alike)."""
    out = [row.register]
    for cls in LISTS:
        li = row.lists[cls]
        for key, _label in IMPACT_FIELDS:
            out.append(li.changes[key] if key in li.changes else getattr(li, key))
    out.append(row.priorities[1])
    return out


def impact_columns() -> list[tuple[str | None, str | None, str | None]]:
    """(list, kind, value) behind each number column, for the drill-down links."""
    out = [(None, None, None)]
    for cls in LISTS:
        for key, _label in IMPACT_FIELDS:
            if key == "before":
                out.append((cls, "before", None))
            elif key in ("certain", "possible", "not_"):
                out.append((cls, "status", key.rstrip("_")))
            else:
                out.append((cls, "change", key))
    out.append((None, "priority", "1"))
    return out


def impact_summary(result: Impact) -> Dataset:
    """Per unit valid on the date: households in the register, then for each list how many are
    in it before, certainly / possibly / not in it under the standard (these three add up to the
    register), and how many stay, enter, leave or may do either; the last column counts the
    households to survey first (uncertain result)."""
    rows = []
    for i, u in enumerate(result.units, start=1):
        rows.append(Row([i, str(u.unit), *impact_numbers(u)]))
    rows.append(Row(["", _("Tổng cộng"), *impact_numbers(result.total)], style="total"))
    sub = [HeaderCell(label) for _key, label in IMPACT_FIELDS]
    before = result.day - dt.timedelta(days=1)
    scope = f"{result.unit}" if result.unit else _("các phường, xã")
    return Dataset(
        code="MO-PHONG",
        title=_("Dự báo tác động của %(name)s đến danh sách hộ nghèo, hộ cận nghèo") % {"name": result.standard.name},
        subtitle=(_("(Áp dụng ngày %(day)s, so với danh sách có hiệu lực ngày %(before)s; %(scope)s; từ quyết định, phiếu khảo sát và dữ liệu thành viên đã có — chỉ số chưa có thông tin được tính cả hai khả năng)") % {"day": f"{result.day:%d/%m/%Y}", "before": f"{before:%d/%m/%Y}", "scope": scope}),
        header_rows=[
            [HeaderCell("STT", rowspan=2), HeaderCell(_("Đơn vị"), rowspan=2), HeaderCell(_("Số hộ trong sổ"), rowspan=2),
             HeaderCell(LIST_NAMES[POOR], colspan=len(IMPACT_FIELDS)),
             HeaderCell(LIST_NAMES[NEAR_POOR], colspan=len(IMPACT_FIELDS)),
             HeaderCell(_("Cần khảo sát trước"), rowspan=2)],
            sub + sub,
        ],
        columns=[Column("stt", "int", 5), Column("unit", "text", 20), Column("register", "int", 8)]
        + [Column(f"{cls}_{key}", "int", 7) for cls in LISTS for key, _l in IMPACT_FIELDS]
        + [Column("priority", "int", 9)],
        rows=rows, landscape=True, place_date=None, signature="preparer",
        parameters={"standard": result.standard.code, "date": result.day.isoformat(),
                    "unit": result.unit.pk if result.unit else None, "year": result.day.year},
    )


def impact_households_dataset(result: Impact, households) -> Dataset:
    """The households to survey first: uncertain results, then certain changes."""
    rows = []
    for i, h in enumerate(households, start=1):
        rows.append(Row([i, str(h.unit), h.code, h.head_name, h.village, CLASS_LABELS[h.class_before],
                         h.outlook.label, rules.PRIORITY_LABELS[h.priority], h.outlook.explanation],
                        household_ids=[h.household_id]))
    return Dataset(
        code="MO-PHONG-HO",
        title=_("Danh sách hộ cần khảo sát theo %(name)s") % {"name": result.standard.name},
        subtitle=_("(Áp dụng ngày %(day)s; kết quả chưa chắc chắn trước, rồi các hộ thay đổi danh sách)") % {"day": f"{result.day:%d/%m/%Y}"},
        header_rows=[[HeaderCell(t) for t in ("STT", _("Đơn vị"), _("Mã hộ"), _("Chủ hộ"), _("Thôn, khối phố"),
                                              _("Phân loại hiện hành"), _("Theo chuẩn mới"), _("Thứ tự khảo sát"),
                                              _("Căn cứ"))]],
        columns=[Column("stt", "int", 5), Column("unit", "text", 16), Column("code", "text", 10),
                 Column("head", "text", 20), Column("village", "text", 12), Column("before", "text", 14),
                 Column("outlook", "text", 24), Column("priority", "text", 22), Column("why", "text", 60)],
        rows=rows, landscape=True, place_date=None, signature="preparer",
        parameters={"standard": result.standard.code, "date": result.day.isoformat(), "personal": True},
    )
