from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/tien-do/", views.job_progress, name="progress"),
    path("<int:pk>/dong/", views.job_row, name="row"),
    path("<int:pk>/tai-ve/", views.job_download, name="download"),
    path("<int:pk>/thu-lai/", views.job_retry, name="retry"),
]
