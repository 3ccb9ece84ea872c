"""Decisions: 签字认可 by OTP step-up, request changes → edit → re-approval, reject, forged posts, races
(000 第十六条 「审查，在确认不会造成泄密后，签字认可」; issue 6)."""

import threading

import pytest
from django.db import connection
from wagtail.models import ModelLogEntry, TaskState

from reviews.enums import DecisionAction, ReviewKind, ReviewStatus
from reviews.models import ReviewDecision

from .conftest import token_for

pytestmark = pytest.mark.django_db


def messages_of(client, rr):
    return client.get(f"/reviews/{rr.pk}/").content.decode()


def test_approval_without_a_valid_code_records_nothing(org, make_request, decide, verified_client):
    """A wrong code and an empty code leave the step in progress and no decision row; the attempt is logged."""
    rr = make_request(ReviewKind.PUBLICATION)
    client = verified_client(org.pm)
    decide(org.pm, rr, token="000000", client=client)
    assert rr.status == ReviewStatus.IN_REVIEW
    assert "动态口令无效" in messages_of(client, rr)
    decide(org.pm, rr, token="", client=client)
    assert not ReviewDecision.objects.filter(request=rr, action=DecisionAction.APPROVE).exists()
    assert ModelLogEntry.objects.filter(action="reviews.signature_failed", object_id=str(rr.pk)).count() == 1


def test_a_replayed_code_cannot_sign_twice(org, make_request, decide):
    """django-otp refuses a TOTP code already used: the second signature with the same code fails."""
    first = make_request(ReviewKind.PUBLICATION)
    second = make_request(ReviewKind.PATENT)
    code = token_for(org.pm)
    decide(org.pm, first, token=code)
    assert ReviewDecision.objects.filter(request=first, action="approve").count() == 1
    decide(org.pm, second, token=code)
    assert not ReviewDecision.objects.filter(request=second, action="approve").exists()
    assert second.status == ReviewStatus.IN_REVIEW


def test_request_changes_then_edit_sends_it_through_the_whole_chain_again(org, make_request, decide, verified_client):
    """Re-approval after edit: the department approved, 保密办 asked for changes; after the edit and resubmission
    the department must approve again before 保密办."""
    rr = make_request(ReviewKind.PUBLICATION)
    decide(org.pm, rr)
    decide(org.officer, rr, "request_changes", comment="第3节涉及工艺参数，请删除")
    assert rr.status == ReviewStatus.CHANGES_REQUESTED
    requester = verified_client(org.engineer)
    page = requester.get(f"/reviews/{rr.pk}/").content.decode()
    assert "第3节涉及工艺参数" in page and "需要修改" in page
    form = {
        "title": "修改后的稿件",
        "summary": "已删除第3节",
        "project": "项目A",
        "planned_date": "2026-09-01",
        "self_assessment": 0,
        "assessment_reasons": "不涉密",
        "clearance": 1,
        "secrecy_term": "5年",
        "classification_basis": "保密审查申请材料",
        "venue": "期刊",
        "authors": "李工",
        "abstract": "新摘要",
    }
    assert requester.post(f"/reviews/{rr.pk}/edit/", form).status_code == 302
    rr.refresh_from_db()
    assert rr.title == "修改后的稿件" and rr.details["abstract"] == "新摘要"
    requester.post(f"/reviews/{rr.pk}/submit/")
    rr.refresh_from_db()
    assert rr.status == ReviewStatus.IN_REVIEW
    # 保密办 cannot act before the department has approved the new version.
    response = decide(org.officer, rr)
    assert response.status_code == 403
    decide(org.pm, rr)
    decide(org.officer, rr)
    assert rr.status == ReviewStatus.APPROVED
    actions = list(ReviewDecision.objects.filter(request=rr).values_list("action", flat=True))
    assert actions == ["submit", "approve", "request_changes", "resubmit", "approve", "approve"]
    assert ModelLogEntry.objects.filter(object_id=str(rr.pk), action="reviews.resubmit").exists()


def test_reject_ends_the_request(org, make_request, decide, verified_client):
    rr = make_request(ReviewKind.EXHIBITION)
    decide(org.pm, rr)
    decide(org.officer, rr, "reject", comment="展品涉及核心工艺，不得参展")
    assert rr.status == ReviewStatus.REJECTED and not rr.live
    decision = ReviewDecision.objects.get(request=rr, action="reject")
    assert decision.step_up_verified and decision.role == "office"
    assert rr.current_workflow_state is None
    # Nothing further can be decided or submitted.
    assert decide(org.leader, rr).status_code == 403
    verified_client(org.engineer).post(f"/reviews/{rr.pk}/submit/")
    rr.refresh_from_db()
    assert rr.status == ReviewStatus.REJECTED
    log = ModelLogEntry.objects.get(object_id=str(rr.pk), action="reviews.reject")
    assert log.data["step_up_verified"] is True and log.user_id == org.officer.pk
    assert rr.title not in log.label


def test_approval_with_conditions_is_recorded_with_role_time_and_signature(org, make_request, decide):
    rr = make_request(ReviewKind.EXHIBITION)
    decide(org.pm, rr)
    decide(org.officer, rr, conditions="展品不得展示内部结构", comment="同意")
    decision = ReviewDecision.objects.get(request=rr, actor=org.officer)
    assert (decision.role, decision.conditions, decision.step_up_verified) == ("office", "展品不得展示内部结构", True)
    assert decision.created_at and decision.step_name.startswith("保密办")
    entry = ModelLogEntry.objects.get(object_id=str(rr.pk), action="reviews.approve", user=org.officer)
    assert entry.data["conditions"] is True


def test_publication_needs_the_no_leak_finding(org, make_request, decide):
    """000 第十六条: approval states 「确认不会造成泄密」."""
    rr = make_request(ReviewKind.PUBLICATION)
    decide(org.pm, rr, no_leak_confirmed="")
    assert rr.status == ReviewStatus.IN_REVIEW
    assert not ReviewDecision.objects.filter(request=rr, action="approve").exists()


def test_classified_disclosure_needs_an_nda(org, make_request, decide):
    """O71 000 第二十三条: classified material is provided only under an NDA or contract clause."""
    rr = make_request(
        ReviewKind.DISCLOSURE, details={"recipient": "合作方", "basis": "cooperation", "materials": "图纸"}
    )
    decide(org.pm, rr)
    assert not ReviewDecision.objects.filter(request=rr, action="approve").exists()


def test_forged_posts_are_refused(org, make_request, decide, verified_client):
    """Approving a step one does not hold, another request's task state, GET instead of POST, no CSRF token."""
    rr = make_request(ReviewKind.PUBLICATION)
    other = make_request(ReviewKind.PATENT, requester=org.colleague)
    # 保密办 is a participant but does not hold the department step.
    assert decide(org.officer, rr).status_code == 403
    # The requester cannot approve their own request.
    assert decide(org.engineer, rr).status_code == 403
    # An outsider gets the same denial.
    assert decide(org.outsider, rr).status_code == 403
    # The department head posts this request's id with the other request's task state.
    other_state = TaskState.objects.get(workflow_state__object_id=str(other.pk), status="in_progress")
    assert decide(org.pm, rr, task_state=other_state.pk).status_code == 403
    assert not ReviewDecision.objects.filter(action="approve").exists()
    client = verified_client(org.pm)
    response = client.get(f"/reviews/{rr.pk}/decide/", {"action": "approve"})
    assert response.status_code == 405
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.conftest import totp_device

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(org.pm)
    session = strict.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(org.pm).persistent_id
    session.save()
    response = strict.post(f"/reviews/{rr.pk}/decide/", {"action": "approve", "otp_token": token_for(org.pm)})
    assert response.status_code == 403
    rr.refresh_from_db()
    assert rr.status == ReviewStatus.IN_REVIEW and not ReviewDecision.objects.filter(action="approve").exists()


def test_a_stale_form_gets_a_clear_message(org, make_request, decide, verified_client):
    """The head and the department officer both hold the step; the second to submit sees who was first."""
    rr = make_request(ReviewKind.PUBLICATION)
    from reviews import selectors

    stale = selectors.current_task_state(rr).pk
    decide(org.pm, rr)
    client = verified_client(org.dept_officer)
    response = decide(org.dept_officer, rr, client=client, task_state=stale)
    assert response.status_code == 302
    assert "已由他人处理" in client.get(f"/reviews/{rr.pk}/").content.decode()
    assert ReviewDecision.objects.filter(request=rr, action="approve").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_one_wins(org, make_request, chains):
    """Two approvers of the same step decide at the same moment on separate connections: exactly one decision."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from reviews import selectors
    from tests.conftest import totp_device

    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("threads need a file or server database (runs on PostgreSQL in CI)")
    rr = make_request(ReviewKind.PUBLICATION)
    task_state = selectors.current_task_state(rr).pk
    clients = {}
    for user in (org.pm, org.dept_officer):
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
        clients[user.pk] = (client, token_for(user))
    barrier = threading.Barrier(2)
    results = []

    def act(user):
        client, code = clients[user.pk]
        barrier.wait()
        try:
            response = client.post(
                f"/reviews/{rr.pk}/decide/",
                {"action": "approve", "task_state": task_state, "otp_token": code, "no_leak_confirmed": "on"},
            )
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,)) for user in (org.pm, org.dept_officer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [302, 302]
    assert ReviewDecision.objects.filter(request=rr, action="approve").count() == 1
    assert TaskState.objects.filter(workflow_state__object_id=str(rr.pk), status="approved").count() == 1
