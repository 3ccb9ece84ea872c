"""签收 fan-out, reminders and escalation on a real Celery worker with Redis (CI sets the service URLs)."""

import datetime
import time

import pytest
from django.utils import timezone

from policies.models import Acknowledgement, RegulationPage
from portal.models import Department, Notification
from tests.conftest import needs_worker

from .conftest import body_of

pytestmark = [*needs_worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_publishing_fans_out_on_the_worker_after_commit(policy_index, user_with, celery_live):
    """The publish request only enqueues; the worker creates one row per audience member."""
    people = [user_with(0, username=f"w{i}") for i in range(5)]
    page = RegulationPage(title="技术保密管理规定", slug="jishu", body=body_of([("第一条", "文本")]))
    policy_index.add_child(instance=page)
    page.save_revision().publish(skip_permission_checks=True)
    assert wait_for(lambda: Acknowledgement.objects.filter(version__regulation=page).count() == len(people))


def test_reminders_and_escalation_run_on_the_worker(policy_index, user_with, department, celery_live, settings):
    """O07: overdue 签收 → reminder to the person, escalation to the department head, from beat jobs on a worker."""
    from policies.services.acks import ack_fanout
    from policies.tasks import ack_escalations_task, ack_reminders_task

    rd = department("研发部", "rd")
    head = user_with(2, rd, username="head")
    Department.objects.filter(pk=rd.pk).update(head=head)
    late = user_with(0, rd, username="late")
    page = RegulationPage(title="保密制度", slug="zhidu-w", body=body_of([("第一条", "文本")]))
    policy_index.add_child(instance=page)
    page.save_revision().publish(skip_permission_checks=True)
    ack_fanout(version_id=page.versions.get().pk)
    Acknowledgement.objects.filter(user=late).update(due_on=timezone.localdate() - datetime.timedelta(days=30))
    assert ack_reminders_task.apply_async(queue="portal-test").get(timeout=60) == 1
    assert Notification.objects.filter(user=late, kind="policies.ack_reminder").exists()
    assert ack_escalations_task.apply_async(queue="portal-test").get(timeout=60) == 1
    assert Notification.objects.filter(user=head, kind="policies.ack_escalation").exists()
