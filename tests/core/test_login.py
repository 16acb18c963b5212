import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PASSWORD


def _all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _all_patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _example_path(route: str) -> str:
    """Turn a route into a concrete path, filling converters with plausible values."""
    import re

    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<slug:[^>]+>", "x", path)
    path = re.sub(r"<(str:)?[^>]+>", "x", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path


PUBLIC = {"/dang-nhap/", "/i18n/setlang/"}


@pytest.mark.django_db
def test_every_url_redirects_anonymous_users_to_login(client):
    checked = 0
    for route, _pattern in _all_patterns():
        if "(?P" in route or route.startswith("quan-tri/"):
            continue  # the admin keeps its own login; covered below
        path = _example_path(route)
        if path in PUBLIC:
            continue
        response = client.get(path)
        assert response.status_code == 302, (path, response.status_code)
        assert response["Location"].startswith(reverse("login")), path
        checked += 1
    assert checked >= 1
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_login_page_in_vietnamese_and_demo_style_login(client, ward_officer):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Đăng nhập" in page.content.decode()
    response = client.post(reverse("login"), {"username": "canbo.anphu", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_failed_login_does_not_reveal_whether_the_user_exists(client, ward_officer):
    wrong_password = client.post(reverse("login"), {"username": "canbo.anphu", "password": "sai"})
    unknown_user = client.post(reverse("login"), {"username": "khong.ton.tai", "password": "sai"})
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert message in wrong_password.content.decode()
    assert message in unknown_user.content.decode()
