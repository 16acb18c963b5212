"""python manage.py simulate_standard --standard ND351-2025 --date 2027-01-01 [--unit 20356]
--format xlsx|html -o FILE

The impact of a poverty standard on the register (the same dataset as the page
/ra-soat/mo-phong/): per unit valid on the date, certain / possible / not poor and near-poor
households (adding up to the register), who stays, enters and leaves each list, and the
households to survey first. Runs as the system (all units)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns import documents, selectors
from households.models import PovertyStandard
from reports.datasets import SYSTEM
from tamky_poverty.models import AdministrativeUnit


class Command(BaseCommand):
    help = ("Mô phỏng tác động của một chuẩn nghèo đến danh sách hộ nghèo, cận nghèo vào một ngày "
            "(theo đơn vị; chắc chắn / có thể / không), xuất XLSX hoặc HTML.")

    def add_arguments(self, parser):
        parser.add_argument("--standard", required=True, help="Mã chuẩn nghèo, ví dụ ND351-2025")
        parser.add_argument("--date", required=True, help="Ngày áp dụng, YYYY-MM-DD (ví dụ 2027-01-01)")
        parser.add_argument("--unit", help="Mã thống kê của phường/xã có hiệu lực vào ngày đó (mặc định: tất cả)")
        parser.add_argument("--format", choices=["xlsx", "html"], default="xlsx")
        parser.add_argument("-o", "--output", required=True, help="Tệp kết quả")

    def handle(self, *args, **options):
        try:
            standard = PovertyStandard.objects.get(code=options["standard"])
        except PovertyStandard.DoesNotExist:
            codes = ", ".join(PovertyStandard.objects.values_list("code", flat=True))
            raise CommandError(f"Không có chuẩn nghèo mã {options['standard']} (có: {codes}).") from None
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError("Ngày phải có dạng YYYY-MM-DD, ví dụ 2027-01-01.") from None
        unit = None
        if options.get("unit"):
            unit = AdministrativeUnit.objects.valid_on(day).filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có phường/xã mã {options['unit']} có hiệu lực ngày {day:%d/%m/%Y}.")
        result = selectors.impact(actor=SYSTEM, standard=standard, day=day, unit=unit)
        first = selectors.impact_households(result, priority=1) + selectors.impact_households(result, priority=2)
        content, _type = documents.render(
            [documents.impact_summary(result), documents.impact_households_dataset(result, first)],
            options["format"], documents.document_settings(None, day))
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
        for row in [*result.units, result.total]:
            name = str(row.unit) if row.unit else "Tổng cộng"
            poor, near = row.lists["poor"], row.lists["near_poor"]
            self.stdout.write(
                f"{name}: {row.register} hộ; nghèo chắc chắn {poor.certain}, có thể {poor.possible}, "
                f"không {poor.not_}; cận nghèo chắc chắn {near.certain}, có thể {near.possible}, không {near.not_}; "
                f"cần khảo sát trước {row.priorities[1]}")
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {output}"))
