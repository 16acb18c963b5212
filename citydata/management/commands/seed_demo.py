import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from citydata.demo import FIRST_TODAY, seed_demo


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today: cần ngày dạng YYYY-MM-DD, nhận được “{value}”.") from exc


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu minh hoạ (cố định, tái lập được): sổ hộ khớp mọi số liệu của Kế hoạch giảm nghèo 2025 "
        "trong 12 đơn vị cũ, việc sắp xếp đơn vị ngày 01/07/2025, rồi diễn biến đến ngày --today (rà soát, hỗ trợ, "
        "báo cáo tháng, danh sách 2026, kế hoạch 2026, đợt rà soát 2026) và các tài khoản demo. Cùng một ngày cho "
        "cùng dữ liệu; chạy lại không thay đổi gì (muốn tạo lại: dùng cơ sở dữ liệu mới)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=_day, default=None,
                            help="ngày của dữ liệu minh hoạ (YYYY-MM-DD, từ 2025-07-01; mặc định: hôm nay)")

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        if today < FIRST_TODAY:
            raise CommandError(f"--today: dữ liệu minh hoạ bắt đầu từ {FIRST_TODAY:%d/%m/%Y}.")
        result = seed_demo(today)
        if not result.created:
            self.stdout.write("Dữ liệu minh hoạ đã có, không thay đổi gì (muốn tạo lại: dùng cơ sở dữ liệu mới).")
            return
        if result.households:
            self.stdout.write(
                f"Đã tạo {result.households} hộ, {result.members} thành viên, {result.actions} hoạt động hỗ trợ "
                "và các tài khoản demo."
            )
        if result.months:
            self.stdout.write(f"Đã ghi diễn biến {result.months} tháng đến ngày {today:%d/%m/%Y} "
                              "(rà soát, hỗ trợ, báo cáo tháng đã duyệt).")
        if result.review is not None and result.review.created:
            stages = ", ".join(f"{unit}: {stage}" for unit, stage in result.review.stages.items())
            self.stdout.write(f"Đợt rà soát năm {result.review.year} đang diễn ra ({stages}).")
