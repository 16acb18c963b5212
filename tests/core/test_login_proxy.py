"""Login behind a reverse proxy and password rules (issue 15): the client's address comes from
the trusted proxy's header, so the lockout keys on the real client; five wrong passwords from one
address do not lock the user out elsewhere; one address trying many user names is locked; common
Vietnamese passwords are refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from tamky_poverty.auth_backends import client_ip
from tests.conftest import PASSWORD

LOCKOUT = "Đăng nhập sai quá nhiều lần"


def _login(client, username, password, address):
    # The test client connects from 127.0.0.1, the proxy in front of the app (TRUSTED_PROXIES).
    return client.post(reverse("login"), {"username": username, "password": password}, HTTP_X_REAL_IP=address)


@pytest.mark.parametrize("meta, expected", [
    ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.7"}, "203.0.113.7"),  # through the proxy
    ({"REMOTE_ADDR": "127.0.0.1"}, "127.0.0.1"),  # the proxy set no header
    ({"REMOTE_ADDR": "198.51.100.9", "HTTP_X_REAL_IP": "203.0.113.7"}, "198.51.100.9"),  # not via the proxy: ignored
    ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "không phải địa chỉ"}, "127.0.0.1"),
])
def test_client_address_comes_from_the_trusted_proxy_only(meta, expected):
    assert client_ip(RequestFactory().get("/", **meta)) == expected


@override_settings(CLIENT_IP_HEADER="X-Forwarded-For", TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
def test_a_forwarded_for_list_is_read_from_the_right():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1",
                                   HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7, 10.0.0.5")
    assert client_ip(request) == "203.0.113.7"  # "1.1.1.1" was written by the client itself


@pytest.mark.django_db
def test_five_failures_from_one_address_do_not_lock_the_user_out_elsewhere(ward_officer):
    attacker = Client()
    for _ in range(5):
        response = _login(attacker, "canbo.anphu", "sai-mat-khau", "203.0.113.66")
    assert response.status_code == 429 and LOCKOUT in response.content.decode()
    assert _login(attacker, "canbo.anphu", PASSWORD, "203.0.113.66").status_code == 429
    # the officer, at the ward office's own address behind the same proxy, logs in as usual
    assert _login(Client(), "canbo.anphu", PASSWORD, "192.0.2.10").status_code == 302


@pytest.mark.django_db
@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=12)
def test_one_address_trying_many_user_names_is_locked(ward_officer, tnmt):
    sprayer = Client()
    for n in range(12):
        response = _login(sprayer, f"nguoi.dung.{n}", "matkhau123", "203.0.113.99")
    assert response.status_code == 429
    assert _login(sprayer, "tnmt", PASSWORD, "203.0.113.99").status_code == 429  # the address is locked
    assert _login(Client(), "tnmt", PASSWORD, "192.0.2.20").status_code == 302  # not the users


@pytest.mark.parametrize("weak", ["matkhau123", "123456a@", "anhyeuem", "Matkhau@2025!", "Nguyen1990!!",
                                  "AnhYeuEm@2024", "aaaa1111bbbb", "12345678a@#$", "Mậtkhẩu2025@@"])
@pytest.mark.django_db
def test_common_vietnamese_and_trivial_passwords_are_refused(ward_officer, weak):
    with pytest.raises(ValidationError) as refused:
        validate_password(weak, user=ward_officer)
    assert refused.value.messages


@pytest.mark.parametrize("good", ["Ruong-lua-Tam-Ky-2025", "Cay-dua-Tam-Thang-2026", "DemoAnPhu@2025",
                                  "song Ban Thach chay qua"])
@pytest.mark.django_db
def test_reasonable_passwords_are_accepted(ward_officer, good):
    validate_password(good, user=ward_officer)


@pytest.mark.django_db
def test_password_change_page_refuses_matkhau123(ward_client, ward_officer):
    response = ward_client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Matkhau123456", "new_password2": "Matkhau123456"})
    assert response.status_code == 200
    assert "quá phổ biến hoặc dễ đoán" in response.content.decode()
    ward_officer.refresh_from_db()
    assert ward_officer.check_password(PASSWORD)
