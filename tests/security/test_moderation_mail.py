"""Wagtail's moderation e-mails never carry an item's title (O25 科学技术保密规定 第三十一条: no secrets on ordinary
channels): a 机密 page submitted to a workflow tells its approvers only that something waits, with an admin link."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

from portal.enums import Clearance

pytestmark = pytest.mark.django_db

TITLE = "星河项目机密参数"


def test_a_classified_page_submitted_for_moderation_is_not_named_in_the_mail(page_at, user_with):
    approvers = Group.objects.create(name="审核组")
    approver = user_with(Clearance.CONFIDENTIAL, email="approver@example.com")
    approver.groups.add(approvers)
    superuser = user_with(Clearance.INTERNAL, email="root@example.com", username="root-admin")
    superuser.is_superuser = True
    superuser.save()
    submitter = user_with(Clearance.CONFIDENTIAL, email="author@example.com")
    workflow = Workflow.objects.create(name="机密页面审核")
    task = GroupApprovalTask.objects.create(name="保密办审核")
    task.groups.add(approvers)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    page = page_at(clearance=Clearance.CONFIDENTIAL, title=TITLE)
    page.save_revision(user=submitter)
    mail.outbox.clear()

    workflow.start(page, submitter)

    recipients = {address for message in mail.outbox for address in message.to}
    assert "approver@example.com" in recipients
    assert "root@example.com" not in recipients  # superusers are not copied on every step
    for message in mail.outbox:
        assert TITLE not in message.subject and TITLE not in message.body
        assert message.subject == "[保密门户] 审核通知"
    assert any(f"/admin/pages/{page.pk}/edit/" in message.body for message in mail.outbox)
