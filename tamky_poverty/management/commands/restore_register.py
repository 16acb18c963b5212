"""Restore a ``backup_register`` file into a freshly migrated, empty database (all or nothing)."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction

from tamky_poverty.models import User

SUFFIXES = (".json", ".json.gz", ".json.xz", ".xml", ".xml.gz", ".xml.xz")


class Command(BaseCommand):
    help = "Khôi phục dữ liệu từ tệp sao lưu của backup_register vào cơ sở dữ liệu mới (đã migrate, còn trống)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp sao lưu (.json.gz, .json.xz, .json; cũng nhận bản .xml cũ)")
        parser.add_argument(
            "--allow-nonempty", action="store_true",
            help="Cho phép ghi đè lên cơ sở dữ liệu đã có hộ gia đình (các dòng cùng khoá bị thay thế).",
        )

    def handle(self, *args, **options):
        Household = apps.get_model("households", "Household")  # the base imports no feature app

        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp sao lưu “{path}”.")
        if not path.name.endswith(SUFFIXES):
            raise CommandError("Tệp sao lưu phải có đuôi .json.gz, .json.xz hoặc .json (bản cũ: .xml…).")
        if not options["allow_nonempty"] and (Household.objects.exists() or User.objects.exists()):
            raise CommandError(
                "Cơ sở dữ liệu đích đã có dữ liệu. Hãy khôi phục vào một cơ sở dữ liệu mới "
                "(chạy 'migrate' trước), hoặc dùng --allow-nonempty nếu thật sự muốn ghi đè."
            )
        try:
            with transaction.atomic():
                call_command("loaddata", str(path), verbosity=0)
        except (DatabaseError, DeserializationError, ValueError) as exc:
            # e.g. a damaged file, or a number PostgreSQL cannot hold in a backup made elsewhere
            raise CommandError(f"Không khôi phục được, không dữ liệu nào được ghi: {exc}") from exc
        counts = {
            "hộ": Household.objects.count(),
            "người dùng": User.objects.count(),
        }
        summary = ", ".join(f"{n} {label}" for label, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục từ {options['path']}: {summary}."))
