import pytest
from wagtail import hooks

from portal.enums import Clearance
from portal.hooks import DOSSIER_SECTIONS, DossierSection
from portal.models import SecurityProfile
from portal.services.people import profile_update
from records.enums import AgreementKind
from records.models import Agreement
from records.services.agreements import agreements_assign

from .conftest import totp_token

pytestmark = pytest.mark.django_db


def _signed_pledge(user, client):
    agreements_assign(user_ids=[user.pk])
    agreement = Agreement.objects.get(user=user, template__kind=AgreementKind.PLEDGE)
    client.post(
        f"/records/agreements/{agreement.pk}/",
        {"otp_token": totp_token(user), "confirm": "on", "version": agreement.template.current_version.pk},
    )
    return Agreement.objects.get(pk=agreement.pk)


def test_a_person_sees_their_own_dossier_and_only_theirs(user_with, verified_client, seeded_template):
    """§3 保密档案: the person sees their own 档案 (agreements, clearance history) and is denied anyone else's."""
    seeded_template(AgreementKind.PLEDGE)
    person, other = user_with(Clearance.INTERNAL), user_with(Clearance.SECRET)
    profile_update(actor=None, profile=SecurityProfile.objects.get(user=person), clearance=Clearance.SECRET)
    client = verified_client(person)
    agreement = _signed_pledge(person, client)

    page = client.get("/records/me/")
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "保密承诺书" in html and agreement.signature_sha256[:16] in html
    assert "秘密" in html  # the clearance change 内部 → 秘密

    for url in (f"/records/people/{other.pk}/", f"/records/people/{other.pk}/pdf/", f"/records/people/{person.pk}/"):
        denied = client.get(url)
        assert denied.status_code == 403 and "no-store" in denied["Cache-Control"], url
    pdf = client.get("/records/me/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_office_sees_anyone_and_the_view_is_audited(user_with, office_user, verified_client, seeded_template):
    """§3: 保密办 sees every 档案 and can export it; each look at another person's 档案 is logged."""
    from wagtail.models import ModelLogEntry

    seeded_template(AgreementKind.PLEDGE)
    person = user_with(Clearance.INTERNAL)
    _signed_pledge(person, verified_client(person))
    officer = office_user()
    client = verified_client(officer)
    html = client.get(f"/records/people/{person.pk}/").content.decode()
    assert "保密承诺书" in html
    assert client.get(f"/records/people/{person.pk}/pdf/").content.startswith(b"%PDF")
    assert ModelLogEntry.objects.filter(action="records.dossier_view", user=officer).count() == 2


def test_sections_other_apps_register_appear(user_with, verified_client):
    """§3: training records and requests come from other apps through DOSSIER_SECTIONS."""
    person = user_with(Clearance.INTERNAL)

    def training_section(*, person, viewer, request=None):
        return DossierSection(key="training", title="培训记录", columns=["课程"], rows=[["年度保密培训"]])

    with hooks.register_temporarily(DOSSIER_SECTIONS, training_section):
        html = verified_client(person).get("/records/me/").content.decode()
    assert "培训记录" in html and "年度保密培训" in html
