"""python manage.py export_report <REPORT> --year Y [--month M] [--unit CODE] --format pdf|xlsx|html -o FILE

Runs as the system (every unit), for scheduled jobs and the administrator."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import datasets
from reports.output import render_dataset, settings_for
from tamky_poverty.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Xuất một báo cáo (PL01–PL09, MOVEMENT, MONTHLY) ra tệp PDF, XLSX hoặc HTML."

    def add_arguments(self, parser):
        parser.add_argument("report", help=", ".join(datasets.REPORTS))
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int)
        parser.add_argument("--unit", help="mã đơn vị (mã thống kê), ví dụ 20356")
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
        unit = None
        if opts.get("unit"):
            from reports.selectors import unit_by_code

            try:
                unit = unit_by_code(code=opts["unit"], year=opts["year"])
            except AdministrativeUnit.DoesNotExist:
                raise CommandError(f"Không có đơn vị mã {opts['unit']}.") from None
        ds = datasets.build(datasets.SYSTEM, code, datasets.Params(
            year=opts["year"], month=month if spec.uses_month else None, unit=unit))
        if opts["format"] == "pdf":
            from reports.pdf import render_pdf_parallel  # WeasyPrint needs system Pango: loaded only for a PDF

            # A long list is split into parts rendered by a pool of processes, then joined.
            content = render_pdf_parallel(ds, settings_for(ds), opts["processes"])
        else:
            content, _ = render_dataset(ds, opts["format"])
        Path(opts["output"]).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{code}: {opts['output']} ({len(content)} bytes)"))
