"""An outsider's attacks on the records app, through real requests: stale versions, departed sessions, network
limits on the 保密档案, titles in the audit log, malformed ids."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from portal.enums import Clearance
from portal.models import SecureDocument, SecurityProfile
from records.enums import AgreementKind, BorrowingKind
from records.models import Agreement, Borrowing
from records.services.agreements import agreements_assign
from training.models import Assignment

from .conftest import totp_token
from .test_borrowing import make_document

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _pending(user, kind=AgreementKind.PLEDGE):
    agreements_assign(user_ids=[user.pk])
    return Agreement.objects.get(user=user, template__kind=kind, signed_at__isnull=True)


def test_a_stale_version_cannot_be_signed_after_the_office_publishes_a_new_one(
    user_with, verified_client, seeded_template
):
    """O38 技术人员保密制度 六、1, O34: the signer reads v1; 保密办 publishes v2 before the form is posted. The posted
    form must not sign v2, a text the signer never saw; signing needs the version that was shown."""
    template = seeded_template(AgreementKind.PLEDGE)
    user = user_with(Clearance.INTERNAL)
    client = verified_client(user)
    agreement = _pending(user)
    page = client.get(f"/records/agreements/{agreement.pk}/")
    shown = template.current_version
    assert f'name="version" value="{shown.pk}"' in page.content.decode()

    from records.services.agreements import template_publish

    template.body += "\n\n新增：竞业期间不得兼职。"
    template.save()
    template_publish(actor=None, template=template)

    stale = client.post(
        f"/records/agreements/{agreement.pk}/",
        {"otp_token": totp_token(user), "confirm": "on", "version": shown.pk},
    )
    assert stale.status_code == 302
    agreement.refresh_from_db()
    assert agreement.signed_at is None

    no_version = client.post(f"/records/agreements/{agreement.pk}/", {"otp_token": totp_token(user), "confirm": "on"})
    assert no_version.status_code == 302
    agreement.refresh_from_db()
    assert agreement.signed_at is None

    current = template.current_version
    client.post(
        f"/records/agreements/{agreement.pk}/",
        {"otp_token": totp_token(user), "confirm": "on", "version": current.pk},
    )
    agreement.refresh_from_db()
    assert agreement.signed_at is not None and agreement.version == current
    assert "竞业期间不得兼职" in agreement.text_snapshot


def test_a_departed_user_with_a_live_session_is_refused(office_user, user_with, verified_client):
    """O52 科学技术保密规定 第二十九条(七), O24: once left_on has passed, an existing session (account not yet
    disabled by the hourly job) neither reads its records nor returns a loan nor acts as 保密办."""
    leaver = user_with(Clearance.SECRET)
    loan = Borrowing.objects.create(
        user=leaver, document=make_document(), kind=BorrowingKind.BORROW, purpose="审阅", clearance=1, due_on=TODAY
    )
    officer = office_user()
    leaver_client, officer_client = verified_client(leaver), verified_client(officer)
    assert leaver_client.get("/records/").status_code == 200
    assert officer_client.get("/records/borrowings/").status_code == 200

    yesterday = TODAY - datetime.timedelta(days=1)
    SecurityProfile.objects.filter(user__in=[leaver, officer]).update(left_on=yesterday)

    for url in ("/records/", "/records/me/", "/records/me/pdf/"):
        response = leaver_client.get(url)
        assert response.status_code == 403, url
        assert "no-store" in response["Cache-Control"]
    assert leaver_client.post(f"/records/borrowings/{loan.pk}/return/").status_code == 403
    loan.refresh_from_db()
    assert loan.returned_at is None

    for url in ("/records/office/", "/records/borrowings/", "/records/register/", f"/records/people/{leaver.pk}/"):
        assert officer_client.get(url).status_code == 403, url


def test_the_dossier_hides_titles_outside_the_classified_networks(settings, office_user, user_with, verified_client):
    """O26 领导干部保密工作职责制 1②: from outside CLASSIFIED_NETWORKS a 机密 officer reads as 内部, so the dossier's
    borrowing section (page and PDF) must not show a 秘密 document's title or purpose."""
    settings.CLASSIFIED_NETWORKS = ["10.0.0.0/8"]
    person = user_with(Clearance.SECRET)
    document = make_document(title="新型号发动机图纸")
    Borrowing.objects.create(
        user=person, document=document, kind=BorrowingKind.BORROW, purpose="总装评审", clearance=1, due_on=TODAY
    )
    officer = office_user()
    client = verified_client(officer)

    outside = client.get(f"/records/people/{person.pk}/", REMOTE_ADDR="192.168.1.5").content.decode()
    assert "新型号发动机图纸" not in outside and "总装评审" not in outside
    own = verified_client(person).get("/records/me/", REMOTE_ADDR="192.168.1.5").content.decode()
    assert "新型号发动机图纸" not in own

    inside = client.get(f"/records/people/{person.pk}/", REMOTE_ADDR="10.1.2.3").content.decode()
    assert "新型号发动机图纸" in inside


def test_dossier_sections_of_other_apps_obey_the_classified_networks(
    settings, office_user, user_with, verified_client, make_course
):
    """O26 领导干部保密工作职责制 1②; O61 保密工作管理方案办法 三、3: the training record in the 保密档案 comes from the
    training app's DOSSIER_SECTIONS hook; from outside CLASSIFIED_NETWORKS it must not name a 秘密 course either."""
    settings.CLASSIFIED_NETWORKS = ["10.0.0.0/8"]
    person = user_with(Clearance.SECRET)
    course = make_course(questions=1, clearance=Clearance.SECRET, title="型号总体方案保密专题培训")
    Assignment.objects.create(user=person, course=course, cycle=2026, key="adhoc:1", due_on=TODAY)
    client = verified_client(office_user())

    outside = client.get(f"/records/people/{person.pk}/", REMOTE_ADDR="192.168.1.5").content.decode()
    assert "型号总体方案保密专题培训" not in outside
    inside = client.get(f"/records/people/{person.pk}/", REMOTE_ADDR="10.1.2.3").content.decode()
    assert "型号总体方案保密专题培训" in inside


def test_a_marking_decision_puts_no_title_in_the_audit_log(user_with, verified_client):
    """O17 科学技术保密规定 第二十条; brief: no classified title in logs. The Wagtail audit entry of a 定密 decision is
    listed in the admin's site history to anyone with a permission on the model; its label must not be the title."""
    classifier = user_with(Clearance.SECRET)
    document = make_document(title="绝密配方说明")
    document.classifier = classifier
    document.save()
    content_type = ContentType.objects.get_for_model(SecureDocument)
    response = verified_client(classifier).post(
        f"/records/register/{content_type.pk}/{document.pk}/",
        {"kind": "extend", "secrecy_until": (TODAY + datetime.timedelta(days=900)).isoformat(), "reason": "仍需保密"},
    )
    assert response.status_code == 302
    entries = ModelLogEntry.objects.filter(action__startswith="records.marking_")
    assert entries.exists()
    assert not any("绝密配方说明" in entry.label for entry in entries)


def test_a_malformed_register_item_id_is_a_denial_not_an_error(office_user, verified_client):
    """A non-numeric object id on /records/register/<type>/<id>/ answers like any unknown item: a never-cache 403."""
    content_type = ContentType.objects.get_for_model(SecureDocument)
    response = verified_client(office_user()).get(f"/records/register/{content_type.pk}/abc/")
    assert response.status_code == 403 and "no-store" in response["Cache-Control"]


def test_the_admin_neither_shows_templates_to_other_admins_nor_deletes_signed_agreements(
    office_user, user_with, verified_client, seeded_template
):
    """O79 技术保密管理规定 第十七条: an editor without the records permissions gets nothing from the agreement
    templates viewset; 保密办 with delete rights cannot take a template (and so its signed agreements) away."""
    from django.contrib.auth.models import Permission

    template = seeded_template(AgreementKind.PLEDGE)
    signer = user_with(Clearance.INTERNAL)
    agreement = _pending(signer)
    verified_client(signer).post(
        f"/records/agreements/{agreement.pk}/",
        {"otp_token": totp_token(signer), "confirm": "on", "version": template.current_version.pk},
    )
    assert Agreement.objects.get(pk=agreement.pk).signed_at is not None

    editor = user_with(Clearance.TOP_SECRET)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    editor_client = verified_client(editor)
    for url in (
        "/admin/snippets/records/agreementtemplate/",
        f"/admin/snippets/records/agreementtemplate/edit/{template.pk}/",
        f"/admin/snippets/records/agreementtemplate/delete/{template.pk}/",
    ):
        assert editor_client.get(url).status_code in (302, 403), url
    assert "保密承诺书" not in editor_client.get("/admin/").content.decode()

    officer = office_user()
    officer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="records", codename__endswith="agreementtemplate"),
    )
    response = verified_client(officer).post(f"/admin/snippets/records/agreementtemplate/delete/{template.pk}/")
    assert response.status_code == 302 and response["Location"].endswith("/admin/snippets/records/agreementtemplate/")
    assert Agreement.objects.filter(pk=agreement.pk, signed_at__isnull=False).exists()
    assert type(template).objects.filter(pk=template.pk).exists()
