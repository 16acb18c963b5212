"""The admin's history pages (django-simple-history) and the reference tables' import pages
(django-import-export) are Vietnamese: neither library ships Vietnamese, so the project's
catalogue ``locale/vi/LC_MESSAGES/django.po`` translates their strings. Each page is walked as an
administrator takes it — the list's Import button, the upload form, the preview, the message
after confirming, the history of the row imported and one of its versions — and its visible
text (and button labels) holds the Vietnamese and none of the libraries' English."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tamky_poverty.models import AdministrativeUnit, UnitYearFigures
from tamky_poverty.resources import UnitYearFiguresResource


class _VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside script/style, plus the labels of buttons."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(response) -> str:
    assert response.status_code == 200, response.status_code
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return " | ".join(parser.parts)


def assert_vietnamese(text: str, vietnamese: list[str], english: list[str]):
    missing = [s for s in vietnamese if s not in text]
    # English as whole words/phrases: "New" must not match inside another word.
    left = [s for s in english if re.search(rf"(?<![\w']){re.escape(s)}(?![\w'])", text)]
    assert not missing and not left, f"missing Vietnamese {missing}, English left {left}:\n{text}"


def csv_upload(rows: list[dict]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("bang.csv", out.getvalue().encode("utf-8"), content_type="text/csv")


def test_reference_table_import_pages_are_vietnamese(ref, admin_client_):
    changelist = visible_text(admin_client_.get(reverse("admin:tamky_poverty_unityearfigures_changelist")))
    assert_vietnamese(changelist, ["Nhập", "Xuất"], ["Import", "Export"])

    import_url = reverse("admin:tamky_poverty_unityearfigures_import")
    form = visible_text(admin_client_.get(import_url))
    assert_vietnamese(form, ["Nhập", "Định dạng", "Tệp cần nhập", "Sẽ nhập các trường sau", "Gửi", "Trang chủ"],
                      ["Import", "Format", "File to import", "This importer will import", "Submit", "Home"])

    # The preview: one row unchanged (skipped), one changed, one new.
    for unit in (ref.an_phu, ref.tam_thang):
        UnitYearFigures.objects.get_or_create(unit=unit, year=2025, defaults={"total_households": 1000})
    exported = list(UnitYearFiguresResource().export().dict)
    same, changed = exported[0], dict(exported[1])
    changed["total_households"] = str(int(changed["total_households"]) + 1)
    ward = AdministrativeUnit.objects.get(name="Quảng Phú")
    new = {"unit": f"{ward.code} từ 01/07/2025", "unit_name": "", "year": "2026", "total_households": "7181"}
    response = admin_client_.post(import_url, {"resource": "0", "format": "0",
                                               "import_file": csv_upload([same, changed, new])})
    preview = visible_text(response)
    assert_vietnamese(preview, ["Xem trước", "Mới", "Cập nhật", "Bỏ qua", "Xác nhận nhập",
                                "Dưới đây là bản xem trước dữ liệu sẽ được nhập"],
                      ["Preview", "New", "Update", "Skipped", "Confirm import", "Below is a preview"])

    confirm = response.context["confirm_form"]
    done = admin_client_.post(reverse("admin:tamky_poverty_unityearfigures_process_import"),
                              dict(confirm.initial), follow=True)
    assert_vietnamese(visible_text(done), ["Đã nhập xong số hộ dân cư theo năm: 1 mới, 1 cập nhật, 0 xóa và 1 bỏ qua."],
                      ["Import finished"])

    # A refused file: the error block of the import page.
    response = admin_client_.post(import_url, {"resource": "0", "format": "0",
                                               "import_file": csv_upload([dict(new, year="2024")])})
    refused = visible_text(response)
    assert_vietnamese(refused, ["Một số dòng không hợp lệ", "Vui lòng sửa các lỗi này", "Dòng", "Lỗi"],
                      ["Some rows failed to validate", "Please correct", "Row", "Errors"])


def test_history_pages_are_vietnamese(ref, admin_client_):
    ward = AdministrativeUnit.objects.get(name="Quảng Phú")
    figures = UnitYearFigures.objects.create(unit=ward, year=2026, total_households=7181)  # no user: "None"
    figures.total_households = 7200
    figures.save()
    pk = figures.pk

    history = visible_text(admin_client_.get(reverse("admin:tamky_poverty_unityearfigures_history", args=[pk])))
    assert_vietnamese(history, ["Chọn một thời điểm trong danh sách dưới đây", "Đối tượng", "Ngày/giờ", "Thao tác",
                                "Người thay đổi", "Lý do thay đổi", "Các thay đổi", "Đã tạo", "Đã sửa", "Không có",
                                "2 mục"],
                      ["Choose a date", "Object", "Date/time", "Comment", "Changed by", "Change reason",
                       "Changes", "Created", "Changed", "entries"])  # ("None": the empty change reason, data)

    version = figures.history.earliest()
    page = visible_text(admin_client_.get(reverse("admin:tamky_poverty_unityearfigures_simple_history",
                                                  args=[pk, version.history_id])))
    assert_vietnamese(page, ["Trang chủ", "Lịch sử", "Khôi phục số hộ dân cư theo năm", "Nhấn nút 'Khôi phục'",
                             "Khôi phục", "Đóng"],
                      ["Home", "History", "Revert", "Press the", "Close"])

    # The change page's History button is the library's (and Django's own "Bản ghi nhớ" no more).
    change = visible_text(admin_client_.get(reverse("admin:tamky_poverty_unityearfigures_change", args=[pk])))
    assert_vietnamese(change, ["Lịch sử"], ["History", "Bản ghi nhớ"])


def test_admin_index_has_no_english_from_django_or_axes(ref, admin_client_):
    """Newer strings of Django's admin that its own Vietnamese lacks, and django-axes' model
    names, come from the same catalogue."""
    response = admin_client_.get(reverse("admin:index"))
    html = response.content.decode()
    assert "Chuyển đến nội dung chính" in html and "Skip to main content" not in html
    assert "Tên bảng" in html and "Model name" not in html
    text = visible_text(response)
    assert_vietnamese(text, ["Các lần thử đăng nhập", "Nhật ký đăng nhập"], ["Access attempts", "Access logs"])
