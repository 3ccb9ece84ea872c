import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from portal.enums import Clearance
from portal.models import SecurityProfile
from records.enums import BorrowingKind, DepartureItemKind
from records.models import Borrowing, Departure
from records.services.departures import departure_close, departure_start, departures_revoke
from tests.conftest import totp_device

from .conftest import totp_token
from .test_borrowing import make_document

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _start(client, leaver, leave_on):
    client.post("/records/departures/", {"user_id": leaver.pk, "leave_on": leave_on.isoformat()})
    return Departure.objects.get(user=leaver)


def test_the_handover_checklist_closes_only_when_every_item_is_done(office_user, user_with, verified_client):
    """O51 技术保密管理规定 第二十二条, O50 第十二条: open loans are listed; the leaver acknowledges the exit
    reminder with OTP; the handover closes only when everything is done."""
    officer = office_user()
    leaver = user_with(Clearance.SECRET)
    loan = Borrowing.objects.create(
        user=leaver, document=make_document(), kind=BorrowingKind.BORROW, purpose="审阅", clearance=1, due_on=TODAY
    )
    office = verified_client(officer)
    departure = _start(office, leaver, TODAY + datetime.timedelta(days=14))
    kinds = [item.kind for item in departure.items.all()]
    assert set(kinds) == set(DepartureItemKind.values)
    assert departure.items.get(kind=DepartureItemKind.BORROWING).borrowing == loan

    action = f"/records/departures/{departure.pk}/action/"
    office.post(action, {"action": "close"})
    departure.refresh_from_db()
    assert departure.closed_at is None

    exit_item = departure.items.get(kind=DepartureItemKind.EXIT_NOTICE)
    assert office.post(action, {"action": "item", "item": exit_item.pk}).status_code == 403  # the leaver's own
    stranger = verified_client(user_with(Clearance.TOP_SECRET))
    assert stranger.get(f"/records/departures/{departure.pk}/").status_code == 403
    assert stranger.post(action, {"action": "exit_ack", "otp_token": "123456"}).status_code == 403

    for item in departure.items.exclude(kind=DepartureItemKind.EXIT_NOTICE):
        office.post(action, {"action": "item", "item": item.pk})
    loan.refresh_from_db()
    assert loan.returned_at is not None and loan.returned_confirmed_by == officer
    with pytest.raises(ValidationError):
        departure_close(actor=officer, departure=departure)

    leaver_client = verified_client(leaver)
    assert "交回" in leaver_client.get(f"/records/departures/{departure.pk}/").content.decode()
    leaver_client.post(action, {"action": "exit_ack", "otp_token": "000000"})
    exit_item.refresh_from_db()
    assert exit_item.done_at is None
    leaver_client.post(action, {"action": "exit_ack", "otp_token": totp_token(leaver)})
    exit_item.refresh_from_db()
    assert exit_item.done_by == leaver and totp_device(leaver).persistent_id in exit_item.note

    office.post(action, {"action": "close"})
    departure.refresh_from_db()
    assert departure.closed_at is not None


def test_only_the_office_starts_or_completes_a_departure(user_with):
    """O51: 保密办 runs the handover."""
    someone, leaver = user_with(Clearance.TOP_SECRET), user_with()
    with pytest.raises(PermissionDenied):
        departure_start(actor=someone, user=leaver, leave_on=TODAY)


def test_access_is_revoked_on_the_leave_date(office_user, user_with, verified_client):
    """O52 科学技术保密规定 第二十九条(七): on the leave date the account is disabled and its sessions end."""
    officer = office_user()
    leaver = user_with(Clearance.SECRET, password="Leaver-pass-2026")
    client = verified_client(leaver)
    assert client.get("/records/").status_code == 200
    departure = departure_start(actor=officer, user=leaver, leave_on=TODAY + datetime.timedelta(days=1))
    assert departures_revoke(day=TODAY) == 0
    assert client.get("/records/").status_code == 200

    assert departures_revoke(day=TODAY + datetime.timedelta(days=1)) == 1
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert SecurityProfile.objects.get(user=leaver).left_on == departure.leave_on
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(leaver.pk)]
    after = client.get("/records/")
    assert after.status_code == 302 and "/accounts/login/" in after["Location"]

    fresh = Client()
    login = fresh.post(
        "/accounts/login/",
        {"username": leaver.username, "password": "Leaver-pass-2026", "otp_token": totp_token(leaver)},
    )
    assert login.status_code == 200  # the form again: no session
    assert "_auth_user_id" not in fresh.session
    assert departures_revoke(day=TODAY + datetime.timedelta(days=2)) == 0
