from django.urls import path

from households import views_io

app_name = "household_io"

urlpatterns = [
    path("mau/", views_io.template_download, name="template"),
    path("nhap/", views_io.import_upload, name="import"),
    path("nhap/xac-nhan/", views_io.import_confirm, name="import_confirm"),
    path("xuat/", views_io.export, name="export"),
    path("xuat-day-du/", views_io.export_full, name="export_full"),
]
