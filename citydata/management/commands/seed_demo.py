from django.core.management.base import BaseCommand

from citydata.demo import seed_demo


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu minh hoạ (cố định, tái lập được) khớp mọi số liệu của Kế hoạch giảm nghèo 2025 "
        "và 4 tài khoản demo. Chạy lại không thay đổi gì (muốn tạo lại: dùng cơ sở dữ liệu mới)."
    )

    def handle(self, *args, **options):
        result = seed_demo()
        if not result.created:
            self.stdout.write("Dữ liệu minh hoạ đã có, không thay đổi gì (muốn tạo lại: dùng cơ sở dữ liệu mới).")
            return
        self.stdout.write(
            f"Đã tạo {result.households} hộ, {result.members} thành viên, {result.actions} hoạt động hỗ trợ "
            "và các tài khoản demo."
        )
