"""Restore a ``backup_register`` file into a freshly migrated, empty database."""

from __future__ import annotations

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tamky_poverty.models import User


class Command(BaseCommand):
    help = "Khôi phục dữ liệu từ tệp sao lưu của backup_register vào cơ sở dữ liệu mới (đã migrate, còn trống)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp sao lưu (.xml.gz, .xml, .xml.xz; cũng nhận .json)")
        parser.add_argument(
            "--allow-nonempty", action="store_true",
            help="Cho phép ghi đè lên cơ sở dữ liệu đã có hộ gia đình (các dòng cùng khoá bị thay thế).",
        )

    def handle(self, *args, **options):
        Household = apps.get_model("households", "Household")  # the base imports no feature app

        if not options["allow_nonempty"] and (Household.objects.exists() or User.objects.exists()):
            raise CommandError(
                "Cơ sở dữ liệu đích đã có dữ liệu. Hãy khôi phục vào một cơ sở dữ liệu mới "
                "(chạy 'migrate' trước), hoặc dùng --allow-nonempty nếu thật sự muốn ghi đè."
            )
        with transaction.atomic():
            call_command("loaddata", options["path"], verbosity=0)
        counts = {
            "hộ": Household.objects.count(),
            "người dùng": User.objects.count(),
        }
        summary = ", ".join(f"{n} {label}" for label, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục từ {options['path']}: {summary}."))
