from django.urls import path

from tamky_poverty import views_territory as views

app_name = "territory"
urlpatterns = [
    path("", views.units, name="units"),
    path("so-ho/<int:year>/", views.year_figures, name="year_figures"),
    path("khu-vuc/them/", views.area_rule_create, name="area_rule_create"),
    path("khu-vuc/<int:pk>/sua/", views.area_rule_edit, name="area_rule_edit"),
]
