"""People administration: clearance changes and device resets are audited; only the secrecy office may do them."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from portal.enums import Clearance
from portal.models import SecurityProfile
from tests.conftest import totp_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_admin(user_with):
    admin = user_with(Clearance.CONFIDENTIAL)
    admin.is_superuser = admin.is_staff = True
    admin.save()
    return admin


def test_changing_a_clearance_in_the_admin_is_audited(office_admin, user_with, verified_client, department):
    rd = department()
    target = user_with(Clearance.INTERNAL, rd)
    profile = target.security_profile
    response = verified_client(office_admin).post(
        f"/admin/security_profiles/edit/{profile.pk}/",
        {"clearance": Clearance.SECRET, "department": rd.pk, "post_category": "general", "employee_no": "E7"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile.refresh_from_db()
    assert profile.clearance == Clearance.SECRET
    entry = ModelLogEntry.objects.filter(action="portal.clearance_change", object_id=str(profile.pk)).latest(
        "timestamp"
    )
    assert entry.user_id == office_admin.pk
    assert entry.data == {"user_id": target.pk, "from": Clearance.INTERNAL, "to": Clearance.SECRET}


def test_an_employee_cannot_change_their_own_clearance(user_with, verified_client):
    employee = user_with(Clearance.INTERNAL)
    profile = employee.security_profile
    response = verified_client(employee).post(
        f"/admin/security_profiles/edit/{profile.pk}/", {"clearance": Clearance.TOP_SECRET}
    )
    assert response.status_code in (302, 403)
    assert SecurityProfile.objects.get(pk=profile.pk).clearance == Clearance.INTERNAL


def test_resetting_devices_asks_first_removes_them_and_is_audited(office_admin, user_with, verified_client):
    target = user_with(Clearance.INTERNAL)
    totp_device(target)
    client = verified_client(office_admin)
    confirm = client.get(f"/admin/security/otp-reset/{target.pk}/")
    assert confirm.status_code == 200
    assert TOTPDevice.objects.filter(user=target).exists()  # a GET changes nothing
    response = client.post(f"/admin/security/otp-reset/{target.pk}/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    entry = ModelLogEntry.objects.get(action="portal.otp_reset")
    assert entry.user_id == office_admin.pk and entry.data["user_id"] == target.pk


def test_a_forged_reset_by_a_non_admin_fails(user_with, verified_client):
    attacker, victim = user_with(Clearance.SECRET), user_with(Clearance.SECRET)
    attacker.is_staff = True
    attacker.save()
    totp_device(victim)
    response = verified_client(attacker).post(f"/admin/security/otp-reset/{victim.pk}/")
    assert response.status_code in (302, 403)
    assert TOTPDevice.objects.filter(user=victim).exists()
    assert not ModelLogEntry.objects.filter(action="portal.otp_reset").exists()


def test_after_a_reset_the_next_login_goes_to_enrolment(office_admin, user_with, verified_client, home):
    target = user_with(Clearance.INTERNAL, password="pw-123456789")
    totp_device(target)
    verified_client(office_admin).post(f"/admin/security/otp-reset/{target.pk}/")
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": target.username, "password": "pw-123456789", "otp_token": ""}
    )
    assert response["Location"] == "/accounts/otp/setup/"
