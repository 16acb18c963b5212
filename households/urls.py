from django.urls import path

from households import views

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="list"),
    path("them/", views.household_create, name="create"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/sua/", views.household_edit, name="edit"),
    path("<int:pk>/ra-soat/", views.household_review, name="review"),
    path("<int:pk>/ra-soat/xem-truoc/", views.household_review_preview, name="review_preview"),
    path("<int:pk>/ra-soat/<int:assessment_pk>/dieu-chinh/", views.household_review, name="review_correct"),
    path("<int:pk>/xoa/", views.household_delete, name="delete"),
]
