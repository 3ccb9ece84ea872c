import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from portal.enums import Clearance, PostCategory
from portal.models import SecurityProfile
from portal.services.people import profile_update
from records.enums import AgreementKind
from records.models import Agreement, ImmutableRecordError
from records.services.agreements import agreements_assign, template_publish
from tests.conftest import totp_device

from .conftest import totp_token

pytestmark = pytest.mark.django_db


def _pending(user, kind):
    agreements_assign(user_ids=[user.pk])
    return Agreement.objects.get(user=user, template__kind=kind, signed_at__isnull=True)


def _sign(client, agreement, token, confirm=True):
    # The form carries the version it showed; signing needs it to still be current.
    current = agreement.template.current_version
    data = {"otp_token": token, "version": current.pk if current else ""}
    if confirm:
        data["confirm"] = "on"
    return client.post(f"/records/agreements/{agreement.pk}/", data)


def test_signing_needs_a_valid_otp_and_the_record_is_immutable(user_with, verified_client, seeded_template):
    """O34 技术保密管理规定 第八条, O38: signing needs an OTP step-up and keeps version, text, hash, time, device."""
    seeded_template(AgreementKind.PLEDGE)
    user = user_with(Clearance.INTERNAL)
    client = verified_client(user)
    agreement = _pending(user, AgreementKind.PLEDGE)

    page = client.get(f"/records/agreements/{agreement.pk}/")
    assert page.status_code == 200 and "保密承诺书" in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    _sign(client, agreement, "000000")
    agreement.refresh_from_db()
    assert agreement.signed_at is None

    _sign(client, agreement, totp_token(user), confirm=False)
    agreement.refresh_from_db()
    assert agreement.signed_at is None

    response = _sign(client, agreement, totp_token(user))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.signed_at is not None
    assert agreement.version.number == 1
    assert agreement.text_snapshot == agreement.template.body and len(agreement.text_sha256) == 64
    assert agreement.otp_device_id == totp_device(user).persistent_id
    assert agreement.signature_valid()

    agreement.text_snapshot = "改过的文本"
    with pytest.raises(ImmutableRecordError):
        agreement.save()
    with pytest.raises(ImmutableRecordError):
        agreement.delete()
    assert Agreement.objects.get(pk=agreement.pk).text_snapshot != "改过的文本"

    pdf = client.get(f"/records/agreements/{agreement.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "no-store" in pdf["Cache-Control"]


def test_a_replayed_post_cannot_sign_again(user_with, verified_client, seeded_template):
    """O34: the same signed form posted again changes nothing (the task is closed, the code is spent)."""
    seeded_template(AgreementKind.PLEDGE)
    user = user_with(Clearance.INTERNAL)
    client = verified_client(user)
    agreement = _pending(user, AgreementKind.PLEDGE)
    token = totp_token(user)
    _sign(client, agreement, token)
    signed = Agreement.objects.get(pk=agreement.pk)

    replay = _sign(client, agreement, token)
    assert replay.status_code == 403
    assert Agreement.objects.get(pk=agreement.pk).signed_at == signed.signed_at
    assert Agreement.objects.filter(user=user).count() == 1


def test_nobody_signs_for_another_user(user_with, verified_client, seeded_template):
    """O34: another user's agreement can be neither read nor signed (forged POST with their own valid code)."""
    seeded_template(AgreementKind.PLEDGE)
    owner, intruder = user_with(Clearance.INTERNAL), user_with(Clearance.TOP_SECRET)
    agreement = _pending(owner, AgreementKind.PLEDGE)
    client = verified_client(intruder)
    assert client.get(f"/records/agreements/{agreement.pk}/").status_code == 403
    response = _sign(client, agreement, totp_token(intruder))
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]
    assert Agreement.objects.get(pk=agreement.pk).signed_at is None
    assert client.get(f"/records/agreements/{agreement.pk}/pdf/").status_code == 403


def test_a_template_that_does_not_apply_cannot_be_signed(user_with, verified_client, seeded_template):
    """O34: the 保密协议 for 涉密岗位 is not signable by someone in a non-classified post."""
    nda = seeded_template(AgreementKind.NDA)
    user = user_with(Clearance.INTERNAL, post_category=PostCategory.NONE)
    agreements_assign(user_ids=[user.pk])
    assert not Agreement.objects.filter(user=user, template=nda).exists()
    forged = Agreement.objects.create(user=user, template=nda, due_on="2030-01-01")
    response = _sign(verified_client(user), forged, totp_token(user))
    assert response.status_code == 403
    assert Agreement.objects.get(pk=forged.pk).signed_at is None


def test_get_and_missing_csrf_do_not_sign(user_with, seeded_template):
    """O34: signing is a POST with CSRF protection."""
    seeded_template(AgreementKind.PLEDGE)
    user = user_with(Clearance.INTERNAL)
    agreement = _pending(user, AgreementKind.PLEDGE)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    client.get(f"/records/agreements/{agreement.pk}/?otp_token={totp_token(user)}&confirm=on")
    assert _sign(client, agreement, totp_token(user)).status_code == 403
    assert Agreement.objects.get(pk=agreement.pk).signed_at is None


def test_a_signed_agreement_keeps_its_version_when_the_template_changes(user_with, verified_client, seeded_template):
    """O38 技术人员保密制度 六、1: templates are versioned; a signature keeps the text it was given."""
    template = seeded_template(AgreementKind.PLEDGE)
    user = user_with(Clearance.INTERNAL)
    agreement = _pending(user, AgreementKind.PLEDGE)
    _sign(verified_client(user), agreement, totp_token(user))
    old_text = template.body
    template.body = old_text + "\n\n补充条款。"
    template.save()
    assert template_publish(actor=None, template=template).number == 2
    agreement.refresh_from_db()
    assert agreement.version.number == 1 and agreement.text_snapshot == old_text


def test_moving_into_a_classified_post_creates_the_signing_task(
    user_with, seeded_template, django_capture_on_commit_callbacks
):
    """O34/O35: hiring or moving into a 涉密岗位 creates the 保密协议 task (after the change commits)."""
    nda = seeded_template(AgreementKind.NDA)
    user = user_with(Clearance.INTERNAL, post_category=PostCategory.NONE)
    assert not Agreement.objects.filter(user=user, template=nda).exists()
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(actor=None, profile=SecurityProfile.objects.get(user=user), post_category=PostCategory.CORE)
    assert Agreement.objects.filter(user=user, template=nda, signed_at__isnull=True).exists()


def test_unsigned_agreements_show_on_the_home_page_and_the_admin_dashboard(
    home, user_with, verified_client, office_user, seeded_template
):
    """O34: an unsigned agreement blocks nothing silently: the person's desk and 保密办's dashboard show it."""
    home.save_revision().publish()
    seeded_template(AgreementKind.PLEDGE)
    user = user_with(Clearance.INTERNAL)
    agreement = _pending(user, AgreementKind.PLEDGE)
    desk = verified_client(user).get(home.url).content.decode()
    assert f"/records/agreements/{agreement.pk}/" in desk and "待签署的协议" in desk

    officer = office_user()
    from django.contrib.auth.models import Permission

    officer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    dashboard = verified_client(officer).get("/admin/").content.decode()
    assert "未签署的协议" in dashboard


def test_the_office_publishes_a_template_in_the_admin(office_user, verified_client):
    """O38: 保密办 publishes templates through the Wagtail admin; each saved text becomes a numbered version."""
    from django.contrib.auth.models import Permission

    from records.models import AgreementTemplate

    officer = office_user()
    officer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="records", codename__endswith="agreementtemplate"),
    )
    client = verified_client(officer)
    assert client.get("/admin/snippets/records/agreementtemplate/").status_code == 200
    data = {
        "kind": AgreementKind.PLEDGE,
        "title": "保密承诺书",
        "body": "本人承诺保守公司技术秘密。",
        "applies_to_all_staff": "on",
        "post_categories": "[]",
        "active": "on",
    }
    response = client.post("/admin/snippets/records/agreementtemplate/add/", data)
    assert response.status_code == 302
    template = AgreementTemplate.objects.get()
    assert template.current_version.number == 1 and template.current_version.published_by == officer
    client.post(f"/admin/snippets/records/agreementtemplate/edit/{template.pk}/", {**data, "body": "新文本。"})
    assert template.versions.count() == 2 and template.current_version.body == "新文本。"
    client.post(f"/admin/snippets/records/agreementtemplate/edit/{template.pk}/", {**data, "body": "新文本。"})
    assert template.versions.count() == 2
