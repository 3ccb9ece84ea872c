"""The default approval chains, from the seeds (obligations §2). Admins change them in Wagtail's workflow editor;
running this again never overwrites a chain an admin has changed, it only fills in what is missing."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Workflow, WorkflowTask

from .enums import ReviewKind, StepRole
from .models import (
    DEPARTMENT_OFFICER_GROUP,
    EXPERT_GROUP,
    LEADER_GROUP,
    OFFICE_GROUP,
    DepartmentReviewTask,
    ReviewChain,
    ReviewGroupTask,
)

DEPARTMENT_TASK = "部门审查（部门负责人/部门保密员）"
OFFICE_TASK = "保密办审查（技术保密主管部门签字认可）"
LEADER_TASK = "主管领导批准"
EXPERT_TASK = "专家审查"

WORKFLOW_NAMES = {
    ReviewKind.PUBLICATION: "保密审查：论文/稿件对外发表",
    ReviewKind.PATENT: "保密审查：专利申请",
    ReviewKind.EXCHANGE: "保密审查：学术交流/出访",
    ReviewKind.EXHIBITION: "保密审查：参展/展览",
    ReviewKind.VISIT: "保密审查：外来人员参观接待",
    ReviewKind.DISCLOSURE: "保密审查：对外提供技术资料/合作",
}


def default_steps():
    """Kind → step keys, in order.

    发表 000 第十六条 + 002 4.3.2: 部门 → 技术保密主管部门; no seed adds a leader, PUBLICATION_REQUIRES_LEADER can.
    专利 004 第二十九条(五): 部门 → 保密办/知识产权.  交流 004 第二十九条(四): 部门 → 保密办.
    参展 000 第二十条: 部门 → 保密主管部门 → 主管领导.  参观 000 第十八条: 接待部门 → 主管部门 → 主管领导.
    对外提供 000 第二十一条, 002 集团 第七条: 部门 → 保密办 → 主管领导.
    """
    publication = ["department", "office"]
    if getattr(settings, "PUBLICATION_REQUIRES_LEADER", False):
        publication.append("leader")
    return {
        ReviewKind.PUBLICATION: publication,
        ReviewKind.PATENT: ["department", "office"],
        ReviewKind.EXCHANGE: ["department", "office"],
        ReviewKind.EXHIBITION: ["department", "office", "leader"],
        ReviewKind.VISIT: ["department", "office", "leader"],
        ReviewKind.DISCLOSURE: ["department", "office", "leader"],
    }


def _group_task(name, role, group):
    task = ReviewGroupTask.objects.filter(name=name).first()
    if task is None:
        task = ReviewGroupTask.objects.create(name=name, role=role)
        if group is not None:
            task.groups.set([group])
    return task


def office_group_attach(group):
    """The 保密办 group was created after the chains: give it the 保密办 steps that have no group yet."""
    for task in ReviewGroupTask.objects.filter(role=StepRole.SECRECY_OFFICE, groups__isnull=True):
        task.groups.add(group)


@transaction.atomic
def chains_ensure(*, create_office_group=True):
    """Groups, the four step types and one workflow per kind. Returns {kind: workflow}.

    The 保密办 group belongs to the portal's roles; after migrate it is used if it exists and otherwise attached
    when it is created (create_office_group=False), so that setting up roles is not pre-empted."""
    if create_office_group:
        office, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    else:
        office = Group.objects.filter(name=OFFICE_GROUP).first()
    leaders, _ = Group.objects.get_or_create(name=LEADER_GROUP)
    Group.objects.get_or_create(name=DEPARTMENT_OFFICER_GROUP)
    experts, _ = Group.objects.get_or_create(name=EXPERT_GROUP)

    department_task = DepartmentReviewTask.objects.filter(name=DEPARTMENT_TASK).first()
    if department_task is None:
        department_task = DepartmentReviewTask.objects.create(name=DEPARTMENT_TASK)
    tasks = {
        "department": department_task,
        "office": _group_task(OFFICE_TASK, StepRole.SECRECY_OFFICE, office),
        "leader": _group_task(LEADER_TASK, StepRole.LEADER, leaders),
    }
    _group_task(EXPERT_TASK, StepRole.EXPERT, experts)  # optional: admins add it to a chain when needed

    workflows = {}
    for kind, steps in default_steps().items():
        chain = ReviewChain.objects.filter(kind=kind).select_related("workflow").first()
        if chain is not None:
            workflows[kind] = chain.workflow
            continue
        workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAMES[kind])
        if created:
            for order, key in enumerate(steps):
                WorkflowTask.objects.create(workflow=workflow, task=tasks[key], sort_order=order)
        ReviewChain.objects.create(kind=kind, workflow=workflow)
        workflows[kind] = workflow
    return workflows
