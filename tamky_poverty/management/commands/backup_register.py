"""Portable backup of the whole register (every app's data and its audit history) as one
compressed XML file (Django's XML serializer keeps timestamps to the microsecond; its JSON one
rounds them to milliseconds). On PostgreSQL prefer ``pg_dump`` for the nightly backup (README,
"Deployment and backups"); this file restores into any database engine with
``restore_register``."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

# What is not part of the register: rebuilt by ``migrate`` or short-lived.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
]


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu (sổ hộ, rà soát, hỗ trợ, kế hoạch, báo cáo, người dùng, lịch sử) ra một tệp XML nén."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o",
            help="Tệp đích (.xml, .xml.gz, .xml.xz). Mặc định: var/backups/dang-ky-<thời điểm>.xml.gz",
        )

    def handle(self, *args, **options):
        output = options.get("output")
        if not output:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = str(Path(settings.BASE_DIR) / "var" / "backups" / f"dang-ky-{stamp}.xml.gz")
        if ".xml" not in Path(output).name:
            raise CommandError("Tên tệp sao lưu phải có đuôi .xml, .xml.gz hoặc .xml.xz.")
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            format="xml",
            output=output,
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {output}"))
        return None
