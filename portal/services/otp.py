"""Two-factor enrolment and verification with django-otp (TOTP + single-use static backup codes)."""

import base64
import secrets

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_secret_base32(device):
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_enrolment_device(user):
    """The unconfirmed TOTP device being enrolled (created on first call, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, request, device, token):
    """Confirm a device with its first token; issue backup codes; verify the session. Returns the codes or None."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    codes = backup_codes_regenerate(user=device.user)
    otp_login(request, device)
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user):
    static, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    static.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(settings.BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def token_match(*, request, user, token):
    """The device a TOTP or backup code belongs to, or None (django-otp throttles each device).

    A wrong token counts as a failed login, so repeated guessing locks the account like a wrong password.
    A backup code is consumed by the match: it works once.
    """
    token = (token or "").strip().replace(" ", "")
    device = match_token(user, token) if token else None
    if device is None:
        user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    return device


def session_verify(*, request, device):
    otp_login(request, device)


def has_device(user):
    return user_has_device(user, confirmed=True)


def step_up_verify(*, request, token):
    """签字认可: the signed-in user re-enters a current code before a signature or decision counts.

    Returns the matching device or None. The same throttling and lock-out as login apply, and a TOTP code that
    was already used (at login or for an earlier signature) is refused, so a replayed post cannot sign twice.
    """
    return token_match(request=request, user=request.user, token=token)
