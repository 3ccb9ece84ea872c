"""Demo data: idempotent, covers every clearance, and its secrets are printed only in demo mode."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.models import PortalPage, SecurityProfile

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_demo_users_print_working_logins(settings):
    call_command("load_demo", stdout=StringIO())
    pages, profiles = PortalPage.objects.count(), SecurityProfile.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert (PortalPage.objects.count(), SecurityProfile.objects.count()) == (pages, profiles)

    out = StringIO()
    call_command("demo_users", "--json", stdout=out)
    users = json.loads(out.getvalue())
    assert {u["clearance"] for u in users} == {0, 1, 2, 3}
    same_level = [u for u in users if u["clearance"] == 1]
    assert len({u["department"] for u in same_level}) == 2
    assert all(len(u["totp_secret"]) >= 16 for u in users)
    assert set(PortalPage.objects.values_list("effective_clearance", flat=True)) == {0, 1, 2, 3}
    assert PortalPage.objects.exclude(effective_scope="").exists()


def test_demo_users_refuses_outside_demo_mode(settings):
    settings.DEBUG = False
    settings.PORTAL_DEMO = False
    with pytest.raises(CommandError):
        call_command("demo_users", "--json", stdout=StringIO())
