"""The publication workflow for regulations: an editor submits, 保密办 approves (DESIGN: editor → 保密办)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

WORKFLOW_NAME = "保密制度发布审批"
TASK_NAME = "保密办审批"
EDITOR_GROUP = "制度编辑"


@transaction.atomic
def policy_workflow_ensure(*, index, approvers):
    """Editors may draft and submit under `index`; only `approvers` publish. Safe to run again."""
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([approvers])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})

    editors, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    editors.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for group, types in ((editors, ["add", "change"]), (approvers, ["add", "change", "publish"])):
        for permission_type in types:
            if not GroupPagePermission.objects.filter(
                group=group, page=index, permission__codename__startswith=f"{permission_type}_"
            ).exists():
                GroupPagePermission.objects.create(group=group, page=index, permission_type=permission_type)
    approvers.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="policies", codename="view_acknowledgement"),
    )
    return workflow, editors
