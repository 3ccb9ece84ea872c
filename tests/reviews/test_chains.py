"""Each kind of request runs through its default chain (obligations §2) to approval."""

import pytest
from wagtail.models import TaskState

from reviews.enums import DecisionAction, ReviewKind, ReviewStatus
from reviews.models import ReviewDecision

pytestmark = pytest.mark.django_db


CHAINS = {
    ReviewKind.PUBLICATION: ["pm", "officer"],
    ReviewKind.PATENT: ["pm", "officer"],
    ReviewKind.EXCHANGE: ["pm", "officer"],
    ReviewKind.EXHIBITION: ["pm", "officer", "leader"],
    ReviewKind.VISIT: ["pm", "officer", "leader"],
    ReviewKind.DISCLOSURE: ["pm", "officer", "leader"],
}


@pytest.mark.parametrize("kind", list(CHAINS))
def test_each_kind_is_approved_through_its_default_chain(kind, org, make_request, decide):
    """O-§2 000 第十六条, 第十八条, 第二十条; 004 第二十九条: 发表/专利/交流 部门 → 保密办; 参展/参观/对外提供 部门 →
    保密办 → 主管领导. Each step is signed by a different approver with a fresh OTP code."""
    rr = make_request(kind)
    assert rr.status == ReviewStatus.IN_REVIEW
    for username in CHAINS[kind]:
        assert rr.status == ReviewStatus.IN_REVIEW
        response = decide(getattr(org, username), rr, conditions="删除第3节" if username == "officer" else "")
        assert response.status_code == 302
    assert rr.status == ReviewStatus.APPROVED
    assert rr.live and rr.decided_at
    approvals = ReviewDecision.objects.filter(request=rr, action=DecisionAction.APPROVE).order_by("pk")
    assert [d.actor.username for d in approvals] == CHAINS[kind]
    assert all(d.step_up_verified for d in approvals)
    assert [d.role for d in approvals][:2] == ["dept_head", "office"]
    assert approvals[1].conditions == "删除第3节"
    states = TaskState.objects.filter(workflow_state__object_id=str(rr.pk)).order_by("pk")
    assert [s.status for s in states] == ["approved"] * len(CHAINS[kind])
    if kind in (ReviewKind.PUBLICATION, ReviewKind.EXHIBITION):
        assert rr.reference_no.startswith("BM-审-")
    else:
        assert rr.reference_no is None


def test_reference_numbers_are_sequential_per_year(org, make_request, decide):
    """000 第十六条 签字认可: the 审查意见 number the author quotes is unique and sequential."""
    numbers = []
    for _ in range(2):
        rr = make_request(ReviewKind.PUBLICATION)
        decide(org.pm, rr)
        decide(org.officer, rr)
        numbers.append(rr.reference_no)
    year = numbers[0].split("-")[2]
    assert numbers == [f"BM-审-{year}-0001", f"BM-审-{year}-0002"]


def test_department_officer_can_hold_the_department_step(org, make_request, decide):
    """002 技术秘密管理办法 4.3.2: the department's 保密员 reviews documents it sends out."""
    rr = make_request(ReviewKind.PATENT)
    decide(org.dept_officer, rr)
    decision = ReviewDecision.objects.get(request=rr, action=DecisionAction.APPROVE)
    assert decision.role == "dept_officer"


def test_a_fresh_database_has_a_chain_per_kind_and_migrate_again_changes_nothing():
    """O-§2: the default chains exist after migrate, without demo data. A second migrate keeps an admin's change
    (a renamed workflow) and adds no duplicate; the 保密办 group, created later, is attached to the 保密办 step."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from wagtail.models import Workflow

    from reviews.chains import OFFICE_TASK, WORKFLOW_NAMES
    from reviews.models import OFFICE_GROUP, ReviewChain, ReviewGroupTask

    chains = {chain.kind: chain.workflow for chain in ReviewChain.objects.select_related("workflow")}
    assert set(chains) == set(ReviewKind.values)
    assert all(workflow.active and workflow.workflow_tasks.count() >= 2 for workflow in chains.values())
    assert chains[ReviewKind.EXHIBITION].workflow_tasks.count() == 3

    renamed = chains[ReviewKind.PATENT]
    renamed.name = "专利审查（管理员调整）"
    renamed.save()
    counts = (Workflow.objects.count(), ReviewChain.objects.count(), ReviewGroupTask.objects.count())
    call_command("migrate", verbosity=0)
    assert (Workflow.objects.count(), ReviewChain.objects.count(), ReviewGroupTask.objects.count()) == counts
    assert ReviewChain.objects.get(kind=ReviewKind.PATENT).workflow.name == "专利审查（管理员调整）"
    assert not Workflow.objects.filter(name=WORKFLOW_NAMES[ReviewKind.PATENT]).exists()

    office, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    assert list(ReviewGroupTask.objects.get(name=OFFICE_TASK).groups.all()) == [office]
