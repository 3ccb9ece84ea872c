"""Only the requester, the approvers on the chain and 保密办 see a request, its files and its 审批单; clearance
still applies (issue 6; O25 科学技术保密规定 第三十一条: no title in notifications)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.enums import Clearance
from portal.models import Notification, ReadAuditEntry
from reviews.enums import ReviewKind

pytestmark = pytest.mark.django_db


def urls(rr):
    attachment = rr.attachments.first()
    return [
        f"/reviews/{rr.pk}/",
        f"/reviews/{rr.pk}/files/{attachment.pk}/",
        f"/reviews/{rr.pk}/approval-form.pdf",
    ]


def assert_denied(response):
    assert response.status_code == 403
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_an_unrelated_user_even_top_secret_is_denied_the_request_its_files_and_pdf(org, make_request, verified_client):
    """An outsider with 绝密 clearance and a same-department colleague get 403, never-cache, on every URL."""
    rr = make_request(ReviewKind.PUBLICATION)
    for user in (org.outsider, org.colleague):
        client = verified_client(user)
        for url in urls(rr):
            assert_denied(client.get(url))
        assert rr.title not in client.get("/reviews/").content.decode()
        assert rr.title not in client.get("/reviews/queue/").content.decode()


@pytest.mark.parametrize("who", ["engineer", "pm", "officer", "leader"])
def test_participants_see_the_request_its_files_and_pdf(who, org, make_request, verified_client):
    """The requester, the department head (step 1), 保密办 and the 主管领导 (a later step of the 参展 chain)."""
    rr = make_request(ReviewKind.EXHIBITION)
    client = verified_client(getattr(org, who))
    page = client.get(f"/reviews/{rr.pk}/")
    assert page.status_code == 200 and rr.title in page.content.decode()
    download = client.get(f"/reviews/{rr.pk}/files/{rr.attachments.first().pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "manuscript" not in download["Content-Disposition"]
    assert client.get(f"/reviews/{rr.pk}/approval-form.pdf").status_code == 200
    assert ReadAuditEntry.objects.filter(user=getattr(org, who), object_id=str(rr.pk), action="download").exists()


def test_clearance_still_applies_to_participants(org, make_request, verified_client):
    """A 机密 request is not shown to a 秘密 department officer even though the step is theirs."""
    rr = make_request(ReviewKind.PATENT, clearance=Clearance.CONFIDENTIAL, requester=org.pm)
    assert_denied(verified_client(org.dept_officer).get(f"/reviews/{rr.pk}/"))
    assert verified_client(org.officer).get(f"/reviews/{rr.pk}/").status_code == 200


def test_a_draft_is_the_requesters_alone(org, make_request, verified_client):
    rr = make_request(ReviewKind.PUBLICATION, submit=False)
    assert verified_client(org.engineer).get(f"/reviews/{rr.pk}/").status_code == 200
    for user in (org.pm, org.officer, org.outsider):
        assert_denied(verified_client(user).get(f"/reviews/{rr.pk}/"))


def test_anonymous_and_password_only_sessions_never_reach_a_request(org, make_request, client):
    rr = make_request(ReviewKind.PUBLICATION)
    response = client.get(f"/reviews/{rr.pk}/")
    assert response.status_code in (302, 403)
    client.force_login(org.engineer)  # password only, no OTP step
    response = client.get(f"/reviews/{rr.pk}/files/{rr.attachments.first().pk}/")
    assert response.status_code in (302, 403)
    assert b"%PDF" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_files_are_not_served_from_a_media_url(org, make_request, verified_client, settings):
    """The stored file sits under a private path with a random name; no /media/ URL serves it."""
    rr = make_request(ReviewKind.PUBLICATION)
    attachment = rr.attachments.first()
    assert attachment.file.name.startswith("private/reviews/") and "manuscript" not in attachment.file.name
    client = verified_client(org.engineer)
    for prefix in ("/media/", settings.MEDIA_URL):
        response = client.get(f"{prefix}{attachment.file.name}")
        assert response.status_code == 404
        assert b"%PDF" not in response.content


def test_another_requests_file_id_is_refused(org, make_request, verified_client):
    """Forged URL: my request's id with a file id of someone else's request."""
    mine = make_request(ReviewKind.PUBLICATION, requester=org.colleague)
    theirs = make_request(ReviewKind.PUBLICATION)
    client = verified_client(org.colleague)
    assert_denied(client.get(f"/reviews/{mine.pk}/files/{theirs.attachments.first().pk}/"))


def test_requests_are_not_in_search_and_notifications_carry_no_title(
    org, make_request, verified_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rr = make_request(ReviewKind.PUBLICATION, title="高超声速密封件试验")
    response = verified_client(org.officer).get("/search/", {"q": "高超声速密封件"})
    assert rr.title not in response.content.decode()
    notices = Notification.objects.filter(kind="reviews")
    assert sorted(notices.values_list("user__username", flat=True)) == ["pm", "rd-officer"]
    assert all(rr.title not in n.message and rr.title not in n.url for n in notices)


def test_only_the_requester_can_upload_and_submit(org, make_request, verified_client):
    rr = make_request(ReviewKind.PUBLICATION, submit=False)
    client = verified_client(org.officer)
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert_denied(client.post(f"/reviews/{rr.pk}/attachments/", {"file": upload}))
    assert_denied(client.post(f"/reviews/{rr.pk}/submit/"))
    assert rr.attachments.count() == 1


def test_secrecy_office_sets_the_marking_and_clearance_follows_it(org, make_request, verified_client):
    """The requester or 保密办 sets the request's 密级; the files follow it, and clearance applies to participants."""
    rr = make_request(ReviewKind.PATENT)
    data = {"clearance": 2, "secrecy_term": "10年", "classification_basis": "涉及核心工艺"}
    assert_denied(verified_client(org.outsider).post(f"/reviews/{rr.pk}/marking/", data))
    assert verified_client(org.officer).post(f"/reviews/{rr.pk}/marking/", data).status_code == 302
    rr.refresh_from_db()
    assert (rr.clearance, rr.effective_clearance, rr.classifier) == (2, 2, org.officer)
    assert "机密★10年" in verified_client(org.pm).get(f"/reviews/{rr.pk}/").content.decode()
    assert_denied(verified_client(org.dept_officer).get(f"/reviews/{rr.pk}/files/{rr.attachments.first().pk}/"))
