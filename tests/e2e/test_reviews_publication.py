"""A 论文发表 request filed with its manuscript, approved by the department head and 保密办 with OTP signatures in
real browsers, and its 审批单 downloaded (000 第十六条 「审查，在确认不会造成泄密后，签字认可方可发表」)."""

import time

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from portal.models import Department, SecurityProfile
from reviews.chains import chains_ensure
from reviews.models import OFFICE_GROUP, ReviewRequest

from .test_login_journey import TOTP_STEP, heading, sign_in_enrolled, totp, ui

pytestmark = pytest.mark.e2e

TITLE = "新型密封结构的试验研究"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def next_code(person):
    # The sign-in used this step's code, and django-otp takes each code once: the app shows the next one.
    return totp(person.device.bin_key, int(time.time()) // TOTP_STEP + 1)


def approve(browser_page, portal, person, *, conditions=""):
    page = sign_in_enrolled(browser_page, portal, person)
    panel = page.get_by_role("region", name=ui("Waiting for my approval"))
    expect(panel).to_be_visible()
    panel.get_by_role("link").click()
    page.get_by_role("link", name=TITLE).click()
    expect(heading(page)).to_contain_text(TITLE)
    expect(page.get_by_role("link", name="manuscript.pdf")).to_be_visible()
    page.get_by_label(ui("Decision")).select_option("approve")
    page.get_by_label(ui("Comment"), exact=True).fill("同意")
    if conditions:
        page.get_by_label(ui("Conditions")).fill(conditions)
    page.get_by_label(ui("I confirm that no secret will be disclosed")).check()
    page.get_by_label(ui("Authenticator code"), exact=True).fill(next_code(person))
    page.get_by_role("button", name=ui("Submit"), exact=True).click()
    expect(page.get_by_text(ui("Recorded."))).to_be_visible()
    return page


def test_a_publication_request_is_filed_approved_by_every_step_and_printed(portal, make_user, browser_page):
    chains_ensure()
    author = make_user(clearance=1, enrolled=True)
    head = make_user(clearance=2, enrolled=True)
    officer = make_user(clearance=2, enrolled=True)
    department = SecurityProfile.objects.get(user=author.user).department
    Department.objects.filter(pk=department.pk).update(head=head.user)
    officer.user.groups.add(Group.objects.get(name=OFFICE_GROUP))

    page = sign_in_enrolled(browser_page, portal, author)
    page.goto("/reviews/")
    page.get_by_role("link", name=ui("External publication")).click()
    page.get_by_label(ui("title"), exact=True).fill(TITLE)
    page.get_by_label(ui("Planned publication date")).fill("2026-12-01")
    page.get_by_label(ui("reasons for the assessment")).fill("不涉及技术秘密的实质性内容")
    page.get_by_label(ui("Journal, conference or medium")).fill("《机械工程学报》")
    page.get_by_label(ui("Authors"), exact=True).fill("李工")
    page.get_by_label(ui("Abstract"), exact=True).fill("本文介绍一种密封结构的公开试验结果。")
    page.get_by_role("button", name=ui("Save draft")).click()
    expect(page.get_by_text(ui("Draft saved. Attach the files, then submit it for review."))).to_be_visible()
    page.get_by_label(ui("File"), exact=True).set_input_files(
        {"name": "manuscript.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name=ui("Attach")).click()
    expect(page.get_by_text(ui("File attached."))).to_be_visible()
    page.get_by_role("button", name=ui("Submit for review")).click()
    expect(page.get_by_text(ui("Submitted for review."))).to_be_visible()
    expect(page.get_by_text(ui("In review"), exact=True)).to_be_visible()

    approve(browser_page, portal, head)
    approve(browser_page, portal, officer, conditions="删除第3节")

    request = ReviewRequest.objects.get(title=TITLE)
    assert request.status == "approved" and request.reference_no
    page.reload()
    expect(page.get_by_text(request.reference_no)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=ui("Download the approval form (PDF)")).click()
    download = download_info.value
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert TITLE not in download.suggested_filename
