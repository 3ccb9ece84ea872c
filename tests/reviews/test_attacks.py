"""An outsider's attacks on 保密审查: other people's ids on every URL, forged decisions, self-approval, the Wagtail
admin side, e-mails and search (O25 科学技术保密规定 第三十一条: no title outside the request; O64 000 第十六条:
the manuscript is signed by someone other than its author)."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import TaskState

from portal.enums import Clearance
from reviews import selectors
from reviews.enums import ReviewKind, ReviewStatus
from reviews.models import OFFICE_GROUP, ReviewAttachment, ReviewDecision, ReviewRequest

from .conftest import PDF_BYTES, token_for

pytestmark = pytest.mark.django_db

SECRET_TITLE = "高超声速密封件试验结果"


def assert_denied(response):
    assert response.status_code == 403, response.status_code
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert SECRET_TITLE.encode() not in response.content


def every_url(client, rr):
    """GET and POST every URL of reviews/urls.py that names a request; returns the responses."""
    attachment = rr.attachments.first()
    state = selectors.current_task_state(rr)
    upload = SimpleUploadedFile("x.pdf", PDF_BYTES, content_type="application/pdf")
    return [
        client.get(f"/reviews/{rr.pk}/"),
        client.get(f"/reviews/{rr.pk}/edit/"),
        client.post(f"/reviews/{rr.pk}/edit/", {"title": "改", "summary": "x"}),
        client.post(f"/reviews/{rr.pk}/attachments/", {"file": upload}),
        client.post(f"/reviews/{rr.pk}/submit/"),
        client.post(
            f"/reviews/{rr.pk}/decide/",
            {"action": "comment", "comment": "看看", "task_state": state.pk if state else ""},
        ),
        client.post(f"/reviews/{rr.pk}/marking/", {"clearance": 0, "secrecy_term": "", "classification_basis": ""}),
        client.get(f"/reviews/{rr.pk}/files/{attachment.pk}/"),
        client.get(f"/reviews/{rr.pk}/approval-form.pdf"),
    ]


@pytest.fixture
def other_head(department, user_with):
    """The head of another department: an approver, but not of this requester's department."""
    production = department(name="生产部", code="production")
    head = user_with(Clearance.TOP_SECRET, production, username="production-head")
    production.head = head
    production.save()
    return head


def test_every_url_denies_strangers_and_other_departments_approvers(org, make_request, verified_client, other_head):
    """A 绝密 outsider and another department's head try every URL of someone's request (GET and forged POST):
    each answers 403 never-cache without the title, and nothing in the database changes."""
    rr = make_request(ReviewKind.EXHIBITION, title=SECRET_TITLE)
    before = (rr.title, rr.clearance, rr.status, rr.attachments.count(), rr.decisions.count())
    for user in (org.outsider, other_head):
        for response in every_url(verified_client(user), rr):
            assert_denied(response)
    rr.refresh_from_db()
    assert (rr.title, rr.clearance, rr.status, rr.attachments.count(), rr.decisions.count()) == before


def test_a_later_step_cannot_decide_before_the_current_one(org, make_request, decide):
    """主管领导 signs a 参展 request while it still waits on the department and 保密办: refused, nothing recorded."""
    rr = make_request(ReviewKind.EXHIBITION)
    assert decide(org.leader, rr).status_code == 403
    decide(org.pm, rr)
    assert decide(org.leader, rr).status_code == 403
    assert rr.status == ReviewStatus.IN_REVIEW
    assert list(rr.decisions.filter(action="approve").values_list("actor__username", flat=True)) == ["pm"]


def test_a_department_head_cannot_approve_their_own_request(org, make_request, decide, verified_client):
    """O64 000 第十六条: review is by someone other than the author. The head of 研发部 files a request; the
    department step goes to the department's 部门保密员, the head's own approval is refused and the head is not
    listed or notified as an approver."""
    rr = make_request(ReviewKind.PUBLICATION, requester=org.pm)
    assert decide(org.pm, rr).status_code == 403
    assert not rr.decisions.filter(action="approve").exists()
    page = verified_client(org.pm).get("/reviews/queue/").content.decode()
    assert rr.title not in page
    assert org.pm not in selectors.step_approvers(rr, selectors.current_task_state(rr))
    assert decide(org.dept_officer, rr).status_code == 302
    assert rr.decisions.filter(action="approve", actor=org.dept_officer).exists()


def test_a_secrecy_office_member_cannot_sign_their_own_request(org, make_request, decide, user_with):
    """O64 000 第十六条: a 保密办 member's own manuscript is signed by another 保密办 member, not by the author."""
    author = user_with(Clearance.CONFIDENTIAL, org.rd, username="office-author")
    author.groups.add(Group.objects.get(name=OFFICE_GROUP))
    rr = make_request(ReviewKind.PUBLICATION, requester=author)
    assert decide(org.pm, rr).status_code == 302
    assert decide(author, rr).status_code == 403
    assert rr.status == ReviewStatus.IN_REVIEW
    assert decide(org.officer, rr).status_code == 302
    assert rr.status == ReviewStatus.APPROVED


def test_a_code_used_on_one_request_cannot_sign_another(org, make_request, decide):
    """A replayed OTP code: the head signs request A, then posts the same code for request B."""
    first = make_request(ReviewKind.PUBLICATION)
    second = make_request(ReviewKind.PATENT)
    code = token_for(org.pm)
    assert decide(org.pm, first, token=code).status_code == 302
    decide(org.pm, second, token=code)
    assert second.status == ReviewStatus.IN_REVIEW
    assert not second.decisions.filter(action="approve").exists()


def test_an_old_task_state_cannot_approve_an_edited_request(org, make_request, decide, verified_client):
    """Changes were requested, the requester edited and resubmitted; an approval posted with the task state of the
    first round (the old revision) is refused and the new round still waits on the department step."""
    rr = make_request(ReviewKind.PUBLICATION)
    old_state = selectors.current_task_state(rr).pk
    decide(org.pm, rr, "request_changes")
    client = verified_client(org.engineer)
    form = {
        "title": "改后的标题",
        "summary": "删除第3节",
        "project": rr.project,
        "planned_date": "2026-09-01",
        "self_assessment": 0,
        "assessment_reasons": "不涉密",
        "clearance": rr.clearance,
        "secrecy_term": rr.secrecy_term,
        "classification_basis": rr.classification_basis,
        **rr.details,
    }
    assert client.post(f"/reviews/{rr.pk}/edit/", form).status_code == 302
    client.post(f"/reviews/{rr.pk}/submit/")
    rr.refresh_from_db()
    assert rr.status == ReviewStatus.IN_REVIEW and rr.title == "改后的标题"
    decide(org.dept_officer, rr, task_state=old_state)
    assert not rr.decisions.filter(action="approve").exists()
    assert selectors.current_task_state(rr).pk != old_state
    assert TaskState.objects.get(pk=old_state).status == TaskState.STATUS_REJECTED


def test_attachment_ids_do_not_cross_requests(org, make_request, verified_client):
    """The officer may see request A; guessing the id of B's file under A's URL (or B's URL for a draft) fails."""
    visible = make_request(ReviewKind.PUBLICATION)
    draft = make_request(ReviewKind.PUBLICATION, requester=org.colleague, submit=False)
    client = verified_client(org.officer)
    hidden_file = draft.attachments.first()
    assert_denied(client.get(f"/reviews/{visible.pk}/files/{hidden_file.pk}/"))
    assert_denied(client.get(f"/reviews/{draft.pk}/files/{hidden_file.pk}/"))
    for prefix in ("/media/", "/private/", "/media/private/"):
        response = client.get(prefix + hidden_file.file.name.removeprefix("private/"))
        assert response.status_code == 404 and b"%PDF" not in response.content


def test_wagtail_admin_reports_never_show_the_title(org, make_request, decide, admin_client, user_with):
    """Workflow reports, task report, site history and the dashboard, as a superuser and as an editor who is not on
    the chain: the request appears at most as its number, never with its title or content."""
    rr = make_request(ReviewKind.EXHIBITION, title=SECRET_TITLE, summary="涉及第三代密封结构")
    decide(org.pm, rr)
    editor = user_with(Clearance.TOP_SECRET, username="site-editor")
    editor.groups.add(Group.objects.get(name="Editors")) if Group.objects.filter(name="Editors").exists() else None
    from django.test import Client

    from tests.conftest import totp_device

    clients = [admin_client]
    editor_client = Client()
    editor_client.force_login(editor)
    session = editor_client.session
    from django_otp import DEVICE_ID_SESSION_KEY

    session[DEVICE_ID_SESSION_KEY] = totp_device(editor).persistent_id
    session.save()
    clients.append(editor_client)
    for client in clients:
        for url in (
            "/admin/",
            "/admin/reports/workflow/",
            "/admin/reports/workflow_tasks/",
            "/admin/reports/site-history/",
            "/admin/reports/workflow/?export=csv",
            "/admin/reports/site-history/?export=csv",
        ):
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert SECRET_TITLE.encode() not in body, url
            assert "第三代密封结构".encode() not in body, url


def test_e_mails_and_search_carry_no_title(
    org, make_request, decide, verified_client, django_capture_on_commit_callbacks, admin_user
):
    """Wagtail's own workflow e-mails (to approver groups and superusers) and the site search never carry the
    request's title; /search/ finds nothing for anyone, the requester included."""
    mail.outbox.clear()
    for user in (org.engineer, org.pm, org.officer, org.leader):
        user.email = f"{user.username}@example.com"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        rr = make_request(ReviewKind.EXHIBITION, title=SECRET_TITLE)
    decide(org.pm, rr)
    decide(org.officer, rr)
    decide(org.leader, rr, "reject")
    assert mail.outbox  # the portal's reminders and Wagtail's own "submitted to workflow" to superusers
    for message in mail.outbox:
        text = message.subject + message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
        assert SECRET_TITLE not in text
    for user in (org.engineer, org.officer, org.leader, admin_user):
        # The query is a part of the title, so the echoed search box cannot hide a hit.
        body = verified_client(user).get("/search/", {"q": "密封件试验"}).content.decode()
        assert SECRET_TITLE not in body


def test_register_export_needs_the_secrecy_office(org, make_request, verified_client):
    """台账 Excel export by a participant who is not 保密办 (the head) and by a 绝密 outsider: 403 never-cache."""
    make_request(ReviewKind.PUBLICATION, title=SECRET_TITLE)
    for user in (org.pm, org.outsider, org.leader):
        assert_denied(verified_client(user).get("/reviews/register/", {"export": "xlsx"}))


def test_marking_cannot_be_lowered_by_an_approver_who_is_not_the_office(org, make_request, verified_client):
    """The department head (a participant) posts a marking of 公开 for a request under review: refused."""
    rr = make_request(ReviewKind.PUBLICATION, title=SECRET_TITLE)
    data = {"clearance": 0, "secrecy_term": "", "classification_basis": ""}
    assert_denied(verified_client(org.pm).post(f"/reviews/{rr.pk}/marking/", data))
    # The requester cannot lower it either while the request is under review.
    assert_denied(verified_client(org.engineer).post(f"/reviews/{rr.pk}/marking/", data))
    assert ReviewRequest.objects.get(pk=rr.pk).clearance == Clearance.SECRET


def test_a_file_cannot_be_added_once_submitted(org, make_request, verified_client):
    """After submission the requester's upload is refused: approvers sign what they read."""
    rr = make_request(ReviewKind.PUBLICATION)
    upload = SimpleUploadedFile("late.pdf", PDF_BYTES, content_type="application/pdf")
    verified_client(org.engineer).post(f"/reviews/{rr.pk}/attachments/", {"file": upload})
    assert ReviewAttachment.objects.filter(request=rr).count() == 1
    assert ReviewDecision.objects.filter(request=rr).count() == 1
