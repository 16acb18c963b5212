from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tamky_poverty import views

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ho/nhap-xuat/", include("households.urls_io")),
    path("ho/", include("households.urls")),
    path("ke-hoach/", include("targets.urls")),
    path("ho-tro/", include("support.urls")),
    path("bao-cao/", include("reports.urls")),
    path("dia-ban/", include("tamky_poverty.urls_territory")),
    path("ra-soat/", include("campaigns.urls")),
    path("tai-lieu/", include("jobs.urls")),
    path("quan-tri/", admin.site.urls),
    path("", include("dashboard.urls")),
]

handler400 = "tamky_poverty.views.bad_request"
handler403 = "tamky_poverty.views.permission_denied"
handler404 = "tamky_poverty.views.page_not_found"
# 500: Django's own view renders templates/500.html without context processors or queries.
