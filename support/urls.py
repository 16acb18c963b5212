from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("them/", views.action_create, name="create"),
    path("co-quan/", views.agency_list, name="agencies"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/sua/", views.action_edit, name="edit"),
    path("<int:pk>/trang-thai/", views.action_transition, name="transition"),
]
