from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("xuat-nhieu/", views.bundle_xlsx, name="bundle_xlsx"),
    path("thang/", views.monthly_list, name="monthly_list"),
    path("thang/lap/", views.monthly_prepare, name="monthly_prepare"),
    path("thang/han-nop/", views.monthly_deadlines, name="monthly_deadlines"),
    path("thang/<int:pk>/", views.monthly_detail, name="monthly_detail"),
    path("thang/<int:pk>/gui/", views.monthly_submit, name="monthly_submit"),
    path("thang/<int:pk>/duyet/", views.monthly_review, name="monthly_review"),
    path("<str:code>/chi-tiet/", views.drilldown, name="drilldown"),
    path("<str:code>/", views.report, name="report"),
]
