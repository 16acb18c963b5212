"""Carry out a reorganisation of units from the command line (the same service as the admin)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tamky_poverty.models import AdministrativeUnit, User
from tamky_poverty.services import reorganisation_apply


def _unit(code: str, day: dt.date) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.valid_on(day).filter(code=code.strip()).first()
    if unit is None:
        raise CommandError(f"Không có đơn vị mã {code} còn hiệu lực ngày {day:%d/%m/%Y}.")
    return unit


class Command(BaseCommand):
    help = ("Sắp xếp (sáp nhập) đơn vị hành chính: từ ngày có hiệu lực, hộ, hoạt động hỗ trợ đang mở, chỉ tiêu "
            "các năm sau và cán bộ của các đơn vị cũ thuộc về đơn vị mới. Chạy lại không thay đổi gì.")

    def add_arguments(self, parser):
        parser.add_argument("--successor", required=True, help="Mã đơn vị mới (có hiệu lực từ --date)")
        parser.add_argument("--predecessors", required=True, help="Mã các đơn vị cũ, cách nhau bởi dấu phẩy")
        parser.add_argument("--date", required=True, help="Ngày có hiệu lực, YYYY-MM-DD")
        parser.add_argument("--legal-basis", default="", help="Căn cứ pháp lý (số, ngày văn bản)")
        parser.add_argument("--user", help="Tên đăng nhập người thực hiện (ghi vào lịch sử)")

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError("Ngày có hiệu lực phải có dạng YYYY-MM-DD.") from None
        actor = None
        if options.get("user"):
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {options['user']}.")
        before = day - dt.timedelta(days=1)
        try:
            result = reorganisation_apply(
                actor=actor, successor=_unit(options["successor"], day),
                predecessors=[_unit(c, before) for c in options["predecessors"].split(",") if c.strip()],
                effective_date=day, legal_basis=options["legal_basis"], today=timezone.localdate(),
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        moved = ", ".join(f"{k}: {v}" for k, v in sorted(result.moved.items()))
        if result.changed:
            self.stdout.write(self.style.SUCCESS(f"Đã sắp xếp vào {result.reorganisation.successor} từ {day:%d/%m/%Y} ({moved})."))
        else:
            self.stdout.write(f"Việc sắp xếp này đã được thực hiện; không thay đổi gì ({moved}).")
