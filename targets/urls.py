from django.urls import path

from targets import views

app_name = "targets"

urlpatterns = [
    path("", views.plan_detail, name="plan"),
    path("tien-do/", views.progress, name="progress"),
    path("<int:year>/sua/", views.plan_edit, name="plan_edit"),
    path("<int:year>/sao-chep/", views.plan_copy, name="plan_copy"),
    path("<int:year>/chi-tieu/", views.target_edit, name="target_edit"),
    path("<int:year>/dinh-muc/", views.quota_edit, name="quota_edit"),
]
