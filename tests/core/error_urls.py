"""The project's URLs plus one page that fails, for the 500 page's test."""

from django.urls import path

from tamky_poverty.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("hỏng")


urlpatterns = [*project_urlpatterns, path("thu-loi/", boom)]
