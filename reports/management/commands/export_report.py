"""python manage.py export_report <REPORT> --year Y [--month M] [--unit CODE[@YYYY-MM-DD]]
       [--date YYYY-MM-DD] [--as-of YYYY-MM-DD] --format pdf|xlsx|html -o FILE

Runs as the system (every unit), for scheduled jobs and the administrator. A statistical code is
reused across reorganisations, so ``--unit`` names the unit valid on the period's last day (or on
the day after ``@``). ``--date`` issues the document (a number in the city's register, that date);
without it the file is a draft with no number and a blank date. ``--as-of`` is the day PL08/PL09
count (default: the year's last day, or today in the current year). Today is read here, once."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import datasets
from reports.documents import document_of, last_day
from reports.output import render_dataset
from tamky_poverty.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Xuất một báo cáo (PL01–PL09, MOVEMENT, MONTHLY) ra tệp PDF, XLSX hoặc HTML."

    def add_arguments(self, parser):
        parser.add_argument("report", help=", ".join(datasets.REPORTS))
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int)
        parser.add_argument("--unit", help="mã đơn vị (mã thống kê), ví dụ 20356, hoặc 20356@2025-03-01")
        parser.add_argument("--date", help="ngày ban hành YYYY-MM-DD (cấp số văn bản); không có: bản nháp")
        parser.add_argument("--as-of", dest="as_of",
                            help="PL08, PL09: ngày lấy danh sách YYYY-MM-DD (mặc định: cuối năm, hoặc hôm nay)")
        parser.add_argument("--format", choices=["pdf", "xlsx", "html"], required=True)
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--processes", type=int, default=None,
                            help="tiến trình vẽ PDF song song cho danh sách dài (mặc định: số CPU)")

    def handle(self, *args, **opts):
        code = opts["report"].upper()
        spec = datasets.REPORTS.get(code)
        if spec is None:
            raise CommandError(f"Không có báo cáo {code}. Chọn một trong: {', '.join(datasets.REPORTS)}")
        month = opts.get("month")
        if month is not None and not 1 <= month <= 12:
            raise CommandError("Tháng phải từ 1 đến 12.")
        if spec.needs_month and month is None:
            raise CommandError("Báo cáo tháng cần --month.")
        month = month if spec.uses_month else None
        try:
            issue_date = dt.date.fromisoformat(opts["date"]) if opts.get("date") else None
        except ValueError:
            raise CommandError("--date phải có dạng YYYY-MM-DD.") from None
        try:
            on = dt.date.fromisoformat(opts["as_of"]) if opts.get("as_of") else None
        except ValueError:
            raise CommandError("--as-of phải có dạng YYYY-MM-DD.") from None
        if on is not None and not spec.uses_day:
            raise CommandError(f"--as-of chỉ dùng cho {', '.join(c for c, s in datasets.REPORTS.items() if s.uses_day)}.")
        unit = None
        if opts.get("unit"):
            code_text, _at, day_text = opts["unit"].partition("@")
            try:
                day = dt.date.fromisoformat(day_text) if day_text else last_day(opts["year"], month)
            except ValueError:
                raise CommandError("Ngày sau @ phải có dạng YYYY-MM-DD.") from None
            unit = AdministrativeUnit.objects.valid_on(day).filter(code=code_text.strip()).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã {code_text} còn hiệu lực ngày {day:%d/%m/%Y}.")
        ds = datasets.build(datasets.SYSTEM, code, datasets.Params(year=opts["year"], month=month, unit=unit,
                                                                   as_of=timezone.localdate(), on=on))
        settings, issued = document_of(datasets.SYSTEM, ds, issue_date)
        if opts["format"] == "pdf":
            from reports.pdf import render_pdf_parallel  # WeasyPrint needs system Pango: loaded only for a PDF

            # A long list is split into parts rendered by a pool of processes, then joined.
            content = render_pdf_parallel(ds, settings, opts["processes"], issued=issued)
        else:
            content, _ = render_dataset(ds, opts["format"], settings, issued)
        Path(opts["output"]).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{code}: {opts['output']} ({len(content)} bytes)"))
