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


def test_demo_publishes_the_five_seeds_as_regulations_with_acknowledgements():
    """O01 深圳条例 第十一条: the demo 保密制度 come from the five seed texts, and the company's own go to all staff."""
    from policies.models import Acknowledgement, PolicyVersion, RegulationPage

    call_command("load_demo", stdout=StringIO())
    shenzhen = RegulationPage.objects.get(title="深圳经济特区企业技术秘密保护条例")
    assert len(shenzhen.articles) == 41 and shenzhen.effective_on.isoformat() == "2019-11-13"
    assert len(RegulationPage.objects.get(title="科学技术保密规定").articles) == 43
    assert len(RegulationPage.objects.get(title="技术保密管理规定").articles) == 30
    assert RegulationPage.objects.filter(title__startswith="技术秘密管理办法").count() == 2  # two texts, one title
    staff_due = set(
        Acknowledgement.objects.open().filter(user__username="staff").values_list("version__title", flat=True)
    )
    assert staff_due == {"技术保密管理规定", "深圳经济特区企业技术秘密保护条例"}  # 科学技术保密规定: 涉密岗位 only
    versions = PolicyVersion.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert PolicyVersion.objects.count() == versions  # re-running publishes nothing new
