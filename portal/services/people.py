"""Writes on people: security profiles, department membership and OTP devices. Every change is audited."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp import devices_for_user
from wagtail.log_actions import log

from portal.models import Department, SecurityProfile

PROFILE_PERMISSION = "portal.change_securityprofile"


def _check_admin(actor):
    if actor is not None and not actor.has_perm(PROFILE_PERMISSION):
        raise PermissionDenied


def department_create(*, name, code):
    from django.contrib.auth.models import Group

    department = Department.objects.filter(code=code).first()
    if department:
        return department
    group, _ = Group.objects.get_or_create(name=name)
    return Department.objects.create(name=name, code=code, group=group)


@transaction.atomic
def profile_update(*, actor, profile, **fields):
    """Change a profile; a clearance change is logged as `portal.clearance_change` (who, whom, from, to)."""
    _check_admin(actor)
    before = SecurityProfile.objects.filter(pk=profile.pk).first() if profile.pk else None
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    old_clearance = before.clearance if before else None
    if old_clearance != profile.clearance:
        log(
            instance=profile,
            action="portal.clearance_change",
            user=actor,
            data={"user_id": profile.user_id, "from": old_clearance, "to": profile.clearance},
        )
    old_department_id = before.department_id if before else None
    if old_department_id != profile.department_id:
        _sync_department_group(profile.user, old_department_id, profile.department_id)
        log(
            instance=profile,
            action="portal.department_change",
            user=actor,
            data={"user_id": profile.user_id, "from": old_department_id, "to": profile.department_id},
        )
    return profile


def _sync_department_group(user, old_department_id, new_department_id):
    if old_department_id:
        user.groups.remove(Department.objects.get(pk=old_department_id).group)
    if new_department_id:
        user.groups.add(Department.objects.get(pk=new_department_id).group)


@transaction.atomic
def user_create(*, actor, username, password=None, first_name="", last_name="", email="", **profile_fields):
    """Create a staff account with its security profile (and department group membership)."""
    _check_admin(actor)
    user = get_user_model().objects.create_user(
        username=username, password=password, first_name=first_name, last_name=last_name, email=email
    )
    profile_update(actor=actor, profile=SecurityProfile.objects.get(user=user), **profile_fields)
    return user


@transaction.atomic
def otp_devices_reset(*, actor, user):
    """Remove all of a user's OTP devices: the next login goes through enrolment again. Audited."""
    _check_admin(actor)
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    profile, _ = SecurityProfile.objects.get_or_create(user=user)
    log(instance=profile, action="portal.otp_reset", user=actor, data={"user_id": user.pk, "devices": removed})
    return removed
