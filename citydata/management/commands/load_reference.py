from django.core.management.base import BaseCommand
from django.utils import timezone

from citydata.reference_data import load_reference


class Command(BaseCommand):
    help = "Nạp dữ liệu danh mục (đơn vị, chuẩn nghèo, chỉ số, cơ quan, kế hoạch 2025). Chạy lại không thay đổi gì."

    def handle(self, *args, **options):
        result = load_reference(today=timezone.localdate())
        if not result.changed:
            self.stdout.write("Dữ liệu danh mục đã đầy đủ, không có thay đổi.")
            return
        for label, bucket in (("Tạo mới", result.created), ("Cập nhật", result.updated)):
            for name, n in sorted(bucket.items()):
                self.stdout.write(f"{label}: {n} {name}")
