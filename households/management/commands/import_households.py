"""python manage.py import_households FILE [--unit CODE|NAME] [--dry-run] [--user USERNAME]

The same validation and messages as the import page; exits with status 1 when the file is
refused (nothing is written then). Its plausibility warnings are printed (on stderr) and do not
stop the import: whoever runs the command has checked the file."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from households.io.importer import _unit_name_key, import_file
from tamky_poverty import scoping
from tamky_poverty.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Nhập danh sách hộ gia đình từ tệp Excel theo mẫu (kiểm tra toàn bộ, ghi tất cả hoặc không ghi gì)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx theo mẫu")
        parser.add_argument("--unit", help="Mã phường/xã: mọi dòng phải thuộc đơn vị này (có thể bỏ cột đơn vị)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")
        parser.add_argument("--user", help="Tên đăng nhập ghi vào lịch sử thay đổi (mặc định: quản trị viên đầu tiên)")

    def handle(self, *args, file, unit=None, dry_run=False, user=None, **options):
        actor = self._actor(user)
        target = self._unit(unit) if unit else None
        report = import_file(file, actor=actor, today=timezone.localdate(), unit=target, dry_run=dry_run,
                             filename=str(file))
        if report.file_message:
            self.stderr.write(report.file_message)
        for problem in report.problems:
            self.stderr.write(str(problem))
        for warning in report.warnings:  # ages that do not fit the relation: shown, never a refusal here
            self.stderr.write(f"Cảnh báo — {warning}")
        if not report.ok:
            raise CommandError(f"Tệp bị từ chối ({len(report.problems)} lỗi). Không dữ liệu nào được ghi.", returncode=1)
        prefix = "Kiểm tra xong (chưa ghi): " if dry_run else "Đã nhập: "
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))

    def _unit(self, value: str) -> AdministrativeUnit:
        """A unit by code or by name. Codes are reused across the 2025 reorganisation: an
        ambiguous code asks for the name."""
        key = _unit_name_key(value)
        candidates = [u for u in AdministrativeUnit.objects.order_by("valid_from", "name")
                      if u.code == value.strip() or _unit_name_key(u.name) == key]
        if not candidates:
            raise CommandError(f"Không có phường/xã mã hoặc tên “{value}”.")
        if len(candidates) > 1:
            names = ", ".join(f"{u} ({_period(u)})" for u in candidates)
            raise CommandError(f"“{value}” ứng với nhiều đơn vị: {names}. Hãy ghi tên đơn vị, ví dụ --unit \"{candidates[0].name}\".")
        return candidates[0]

    def _actor(self, username):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username, is_active=True)
            except User.DoesNotExist:
                raise CommandError(f"Không có người dùng “{username}”.")
        actor = scoping.administrators().order_by("id").first()
        if actor is None:
            raise CommandError("Chưa có tài khoản quản trị; dùng --user để chỉ người nhập.")
        return actor


def _period(unit) -> str:
    if unit.valid_from and unit.valid_to:
        return f"{unit.valid_from:%d/%m/%Y}–{unit.valid_to:%d/%m/%Y}"
    if unit.valid_from:
        return f"từ {unit.valid_from:%d/%m/%Y}"
    if unit.valid_to:
        return f"đến {unit.valid_to:%d/%m/%Y}"
    return "không thời hạn"
