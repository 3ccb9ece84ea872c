import time

import pytest
from django.contrib.auth.models import Group, Permission
from django_otp.oath import TOTP

from portal.enums import Clearance
from records.models import AgreementTemplate
from records.seeds import TEMPLATES, template_body
from records.services.agreements import template_publish
from tests.conftest import totp_device
from tests.training.conftest import category, make_course, make_question, training_index  # noqa: F401 - fixtures


def totp_token(user, *, steps_ahead=0):
    """A current TOTP code for the user's device; `steps_ahead` gives a later code (django-otp refuses reuse)."""
    device = totp_device(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return totp.token()


@pytest.fixture
def office_user(user_with, department):
    """A 保密办 member: the records permissions through the group, as the demo grants them."""

    def make(clearance=Clearance.CONFIDENTIAL, **extra):
        user = user_with(clearance, **extra)
        group, _created = Group.objects.get_or_create(name="保密办管理员")
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="records", codename__in=["manage_records", "decide_marking"]
            )
        )
        user.groups.add(group)
        return type(user).objects.get(pk=user.pk)

    return make


@pytest.fixture
def seeded_template(db):
    """seeded_template(kind) → the template built from the seeds, published as v1."""

    def make(kind, **overrides):
        for template_kind, title, preamble, articles, audience in TEMPLATES:
            if template_kind == kind:
                template = AgreementTemplate.objects.create(
                    kind=kind, title=title, body=template_body(preamble, articles), **{**audience, **overrides}
                )
                template_publish(actor=None, template=template)
                return template
        raise LookupError(kind)

    return make
