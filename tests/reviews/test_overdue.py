"""Overdue steps are reminded and escalated by the beat task reviews.overdue_remind (configurable days per step)."""

import datetime
import time

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry, TaskState

from portal.models import Notification
from reviews.chains import OFFICE_TASK
from reviews.enums import ReviewKind
from reviews.models import OverdueNotice, ReviewGroupTask
from reviews.tasks import overdue_remind_task
from tests.conftest import needs_worker

pytestmark = pytest.mark.django_db


def age_current_step(rr, days):
    TaskState.objects.filter(workflow_state__object_id=str(rr.pk), status="in_progress").update(
        started_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_overdue_steps_are_reminded_then_escalated_once(org, make_request, decide, django_capture_on_commit_callbacks):
    rr = make_request(ReviewKind.PUBLICATION)
    fresh = make_request(ReviewKind.PATENT)
    age_current_step(rr, 4)  # past the default 3 days, before escalation (3 + 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert overdue_remind_task.delay().get() == {"reminded": 1, "escalated": 0}
    reminded = Notification.objects.filter(kind="reviews", message__contains="超期")
    assert sorted(reminded.values_list("user__username", flat=True)) == ["pm", "rd-officer"]
    assert all(rr.title not in n.message for n in reminded)
    with django_capture_on_commit_callbacks(execute=True):
        assert overdue_remind_task.delay().get() == {"reminded": 0, "escalated": 0}  # sent once
    age_current_step(rr, 6)
    with django_capture_on_commit_callbacks(execute=True):
        assert overdue_remind_task.delay().get() == {"reminded": 0, "escalated": 1}
    escalated = Notification.objects.filter(kind="reviews", message__contains="上报")
    assert sorted(escalated.values_list("user__username", flat=True)) == ["officer", "pm"]
    assert ModelLogEntry.objects.filter(object_id=str(rr.pk), action="reviews.escalate").count() == 1
    assert not OverdueNotice.objects.filter(task_state__workflow_state__object_id=str(fresh.pk)).exists()


def test_days_are_configured_per_step(org, make_request, decide):
    task = ReviewGroupTask.objects.get(name=OFFICE_TASK)
    task.overdue_days = 10
    task.save()
    rr = make_request(ReviewKind.PUBLICATION)
    decide(org.pm, rr)
    age_current_step(rr, 5)
    assert overdue_remind_task.delay().get() == {"reminded": 0, "escalated": 0}
    age_current_step(rr, 11)
    assert overdue_remind_task.delay().get() == {"reminded": 1, "escalated": 0}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("_", [None], ids=["worker"])
def test_a_real_worker_reminds_an_overdue_step(_, org, make_request, celery_live):
    """The beat task name runs on a real Celery worker on Redis against this test's database."""
    rr = make_request(ReviewKind.EXHIBITION)
    age_current_step(rr, 30)
    result = overdue_remind_task.delay()
    assert result.get(timeout=60) == {"reminded": 1, "escalated": 1}
    deadline = time.monotonic() + 10
    while not Notification.objects.filter(kind="reviews", message__contains="上报").exists():
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert OverdueNotice.objects.count() == 2


for mark in needs_worker:
    test_a_real_worker_reminds_an_overdue_step = mark(test_a_real_worker_reminds_an_overdue_step)
