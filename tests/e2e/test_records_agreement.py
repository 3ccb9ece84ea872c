"""A person signs a 保密承诺书 with an authenticator code in a real browser and finds it in 我的保密档案."""

import time

import pytest
from playwright.sync_api import expect

from records.enums import AgreementKind
from records.models import Agreement, AgreementTemplate
from records.seeds import TEMPLATES, template_body
from records.services.agreements import agreements_assign, template_publish

from .test_login_journey import TOTP_STEP, heading, sign_in_enrolled, totp, ui

pytestmark = pytest.mark.e2e

TITLE = "保密承诺书"


@pytest.fixture
def pledge_template(transactional_db):
    _kind, title, preamble, articles, audience = next(t for t in TEMPLATES if t[0] == AgreementKind.PLEDGE)
    template = AgreementTemplate.objects.create(
        kind=AgreementKind.PLEDGE, title=title, body=template_body(preamble, articles), **audience
    )
    template_publish(actor=None, template=template)
    return template


def test_a_person_signs_the_pledge_with_otp_and_finds_it_in_the_dossier(
    portal, make_user, browser_page, pledge_template
):
    """O34 技术保密管理规定 第八条 / 002 有限公司办法 第六条: 「必须与公司签订保密承诺书或者保密协议」, signed with
    an OTP step-up and kept in the person's 保密档案."""
    person = make_user(enrolled=True)
    agreements_assign(user_ids=[person.user.pk])
    page = sign_in_enrolled(browser_page, portal, person)

    todo = page.get_by_role("region", name=ui("Agreements to sign"))
    expect(todo).to_be_visible()
    todo.get_by_role("link", name=TITLE).click()
    expect(heading(page)).to_have_text(TITLE)
    expect(page.get_by_text("保护本单位的技术秘密是每位职工的义务和责任", exact=False).first).to_be_visible()

    page.get_by_label(ui("I have read and agree (本人已阅读并同意)")).check()
    # The sign-in used this step's code, and django-otp takes each code once: the app shows the next one.
    next_code = totp(person.device.bin_key, int(time.time()) // TOTP_STEP + 1)
    page.get_by_label(ui("Authenticator code"), exact=True).fill(next_code)
    page.get_by_role("button", name=ui("Sign with authenticator code")).click()

    expect(page.get_by_text(ui("Signed. The agreement is kept in your secrecy dossier."))).to_be_visible()
    expect(heading(page)).to_have_text(ui("My secrecy dossier"))
    section = page.locator("section.dossier-agreements")
    expect(section.get_by_text(TITLE)).to_be_visible()
    agreement = Agreement.objects.get(user=person.user, template=pledge_template)
    assert agreement.signed_at is not None and agreement.signature_valid()
    expect(section.get_by_text(agreement.signature_sha256[:16])).to_be_visible()
