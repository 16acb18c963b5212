"""The error pages are Vietnamese, with the menu when a user is logged in (issue 18 item 5):
403 (including a refused form's CSRF token), 404, 400; the 500 page is a plain template that
reads nothing from the database."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

MENU = 'data-testid="current-user"'


def test_403_is_vietnamese_with_the_menu(ward_client):
    response = ward_client.get(reverse("targets:plan_edit", args=[2025]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện việc này" in html and MENU in html
    assert "Forbidden" not in html and 'href="/ho/"' in html


def test_403_shows_the_refusal_reason(agency_client):
    response = agency_client.get(reverse("household_io:import"))
    assert response.status_code == 403
    assert "Bạn không có quyền nhập danh sách hộ gia đình." in response.content.decode()


def test_404_is_vietnamese_with_the_menu(ward_client):
    response = ward_client.get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in html and MENU in html and "Not Found" not in html


def test_404_in_english_when_chosen(ward_client, settings):
    ward_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = ward_client.get("/khong-co-trang-nay/").content.decode()
    assert '<html lang="en">' in html


def test_400_is_vietnamese_with_the_menu(ward_client):
    response = ward_client.get(reverse("households:list"), {"q": "a\x00b"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in html and "ký tự không hợp lệ" in html and MENU in html


def test_400_for_anonymous_has_no_menu_but_a_login_link(client):
    response = client.post(reverse("login"), {"username": "a\x00", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 400 and MENU not in html and reverse("login") in html


def test_csrf_failure_says_to_reload_in_vietnamese(ward_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ward_officer)
    response = client.post(reverse("logout"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in html and MENU in html and "CSRF" not in html


@pytest.mark.urls("tests.core.error_urls")
def test_500_is_vietnamese_with_the_sections(ward_officer):
    client = Client(raise_request_exception=False)
    client.force_login(ward_officer)
    response = client.get("/thu-loi/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Đã xảy ra lỗi hệ thống" in html and 'href="/ho/"' in html and "hỏng" not in html


def test_500_page_reads_nothing_from_the_database(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500 and "Đã xảy ra lỗi hệ thống" in response.content.decode()
