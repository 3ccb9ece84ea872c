"""The demo loader (re-runnable) and the reviews section of a person's 保密档案."""

import io

import pytest

from portal.hooks import dossier_sections
from reviews.demo import load_reviews_demo
from reviews.enums import ReviewKind, ReviewStatus
from reviews.models import ReviewRequest
from reviews.selectors import queue_for

pytestmark = pytest.mark.django_db


def verified(user):
    user.is_verified = lambda: True
    return user


def test_demo_loader_creates_requests_in_three_states_and_can_run_again(org, home):
    users = {"engineer": org.engineer, "pm": org.pm, "officer": org.officer, "leader": org.leader}
    for _ in range(2):
        load_reviews_demo(home=home, departments={"rd": org.rd}, users=users, stdout=io.StringIO())
    requests = ReviewRequest.objects.filter(title__startswith="演示")
    assert requests.count() == 3
    waiting_dept = requests.get(title__contains="密封结构")
    waiting_office = requests.get(kind=ReviewKind.EXHIBITION)
    approved = requests.get(status=ReviewStatus.APPROVED)
    assert approved.reference_no.startswith("BM-审-")
    assert [rr for rr, _ in queue_for(user=verified(org.pm))] == [waiting_dept]
    assert [rr for rr, _ in queue_for(user=verified(org.officer))] == [waiting_office]


def test_dossier_lists_requests_filed_and_decisions_taken_for_whoever_may_see_them(org, make_request, decide):
    rr = make_request(ReviewKind.PUBLICATION, title="发表申请甲")
    decide(org.pm, rr)
    own = {s.key: s for s in dossier_sections(person=org.engineer, viewer=verified(org.engineer))}["reviews"]
    assert own.rows[0][1:4] == [str(rr.pk), "论文/稿件对外发表", "发表申请甲"]
    pm_section = {s.key: s for s in dossier_sections(person=org.pm, viewer=verified(org.officer))}["reviews"]
    assert pm_section.rows[0][0] == "作出的审批" and pm_section.rows[0][4] == "已批准"
    # An outsider looking at the engineer's dossier sees no reviews section at all.
    assert "reviews" not in {s.key for s in dossier_sections(person=org.engineer, viewer=verified(org.outsider))}
