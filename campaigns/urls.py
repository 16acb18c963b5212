from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.index, name="index"),
    path("mo-dot/", views.open_campaigns, name="open"),
    path("mo-phong/", views.simulation, name="simulation"),
    path("mo-phong/ho/", views.simulation_households, name="simulation_households"),
    path("don/", views.applications, name="applications"),
    path("don/them/", views.application_create, name="application_create"),
    path("don/<int:pk>/", views.application_decide, name="application_decide"),
    path("don/<int:pk>/rut/", views.application_withdraw, name="application_withdraw"),
    path("bien-ban/<int:meeting_pk>/", views.meeting_minutes, name="minutes"),
    path("khieu-nai/<int:complaint_pk>/giai-quyet/", views.complaint_resolve, name="complaint_resolve"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/lich/", views.schedule, name="schedule"),
    path("<int:pk>/lap-danh-sach/", views.collect, name="collect"),
    path("<int:pk>/de-xuat-ho/", views.flag, name="flag"),
    path("<int:pk>/khao-sat/<int:entry_pk>/", views.survey, name="survey"),
    path("<int:pk>/bo-ho/<int:entry_pk>/", views.entry_remove, name="entry_remove"),
    path("<int:pk>/hop-thon/", views.meeting, name="meeting"),
    path("<int:pk>/niem-yet/", views.posting, name="posting"),
    path("<int:pk>/khieu-nai/", views.complaint, name="complaint"),
    path("<int:pk>/quyet-dinh/", views.decide, name="decide"),
    path("<int:pk>/van-ban/<str:kind>/", views.document, name="document"),
    path("<int:pk>/giay-chung-nhan/<int:entry_pk>/", views.certificate, name="certificate"),
]
