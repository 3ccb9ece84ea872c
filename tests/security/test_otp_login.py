"""One login with a second factor; no other door opens without it (O24 技术人员保密制度 二、3)."""

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken

from portal.services.otp import backup_codes_regenerate
from tests.conftest import totp_device

pytestmark = pytest.mark.django_db
PASSWORD = "pw-123456789"


def code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def login(client, user, token, password=PASSWORD):
    return client.post("/accounts/login/", {"username": user.username, "password": password, "otp_token": token})


def test_password_and_totp_log_in_and_reach_the_home_page(user_with, home):
    user = user_with(0)
    device = totp_device(user)
    client = Client()
    response = login(client, user, code(device))
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_password_without_token_is_refused_with_the_same_message_as_a_wrong_password(user_with, home):
    """O24: every login needs a password and TOTP; the form does not say which part was wrong."""
    user = user_with(0)
    totp_device(user)
    client = Client()
    no_token = login(client, user, "")
    wrong_password = login(Client(), user, "123456", password="wrong-password")
    assert no_token.status_code == 200 and wrong_password.status_code == 200
    assert no_token.context["form"].non_field_errors() == wrong_password.context["form"].non_field_errors()
    assert client.get("/").status_code == 302


def test_stock_admin_login_cannot_log_in_without_a_token(user_with, home):
    user = user_with(3, is_superuser=False)
    user.is_staff = user.is_superuser = True
    user.save()
    totp_device(user)
    client = Client()
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code in (301, 302)
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_is_closed(client, user_with):
    user_with(0)
    response = client.get("/admin/password_reset/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_wrong_token_throttles_the_device(user_with, home):
    user = user_with(0)
    device = totp_device(user)
    client = Client()
    assert login(client, user, "000000" if code(device) != "000000" else "111111").status_code == 200
    # Right after a failure django-otp refuses even the right code until the back-off has passed.
    assert login(client, user, code(device)).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1


def test_repeated_failures_lock_the_account_even_with_the_right_credentials(user_with, home, settings):
    user = user_with(0)
    device = totp_device(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), user, "999999", password="not-the-password")
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = login(Client(), user, code(device))
    assert response.status_code == 429
    assert "锁定" in response.content.decode() or "locked" in response.content.decode().lower()


def test_wrong_tokens_count_towards_the_lockout(user_with, home, settings):
    user = user_with(0)
    device = totp_device(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        device.throttling_failure_count = 0
        device.throttling_failure_timestamp = None
        device.save()
        login(Client(), user, "999999" if code(device) != "999999" else "888888")
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    assert login(Client(), user, code(device)).status_code == 429


def test_a_backup_code_works_once(user_with, home):
    user = user_with(0)
    totp_device(user)
    backup = backup_codes_regenerate(user=user)[0]
    first = Client()
    assert login(first, user, backup)["Location"] == "/"
    assert not StaticToken.objects.filter(token=backup).exists()
    second = Client()
    assert login(second, user, backup).status_code == 200
    assert second.get("/").status_code == 302


def test_a_password_session_cannot_enrol_a_second_device(user_with, home):
    """With a device already set, a stolen password alone can't add the attacker's authenticator."""
    user = user_with(0)
    totp_device(user)
    client = Client()
    client.force_login(user)
    response = client.get("/accounts/otp/setup/")
    assert response.status_code == 302 and response["Location"] == "/accounts/verify/"
    response = client.post("/accounts/otp/setup/", {"otp_token": "123456"})
    assert response["Location"] == "/accounts/verify/"
    assert user.totpdevice_set.count() == 1


def test_the_token_step_verifies_a_password_session(user_with, home):
    user = user_with(0)
    device = totp_device(user)
    client = Client()
    client.force_login(user)
    assert (
        client.post("/accounts/verify/", {"otp_token": "000000" if code(device) != "000000" else "1"}).status_code
        == 200
    )
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    assert client.post("/accounts/verify/", {"otp_token": code(device)})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_an_idle_session_must_sign_in_again(user_with, home, verified_client, settings):
    """O24 技术人员保密制度 三、3: a session idle for IDLE_TIMEOUT_MIN re-authenticates."""
    client = verified_client(user_with(0))
    assert client.get("/").status_code == 200
    session = client.session
    session["portal_last_seen"] = int(time.time()) - settings.IDLE_TIMEOUT_MIN * 60 - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
