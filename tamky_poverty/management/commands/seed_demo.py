from django.core.management.base import BaseCommand

from tamky_poverty.demo import seed_demo


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu minh hoạ (cố định, tái lập được) khớp mọi số liệu của Kế hoạch giảm nghèo 2025 "
        "và 4 tài khoản demo. Chạy lại không thay đổi gì; --reset để xoá và tạo lại các hộ minh hoạ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Xoá các hộ minh hoạ đã có rồi tạo lại.")

    def handle(self, *args, reset=False, **options):
        result = seed_demo(reset=reset)
        if not result.created:
            self.stdout.write("Dữ liệu minh hoạ đã có, không thay đổi gì (dùng --reset để tạo lại).")
            return
        self.stdout.write(
            f"Đã tạo {result.households} hộ, {result.members} thành viên, {result.actions} hoạt động hỗ trợ "
            "và các tài khoản demo."
        )
