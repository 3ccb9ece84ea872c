"""The training jobs in a real Celery worker on Redis, against this test run's PostgreSQL database."""

import datetime

import pytest
from django.utils import timezone

from portal.enums import PostCategory
from portal.models import Department, Notification, SecurityProfile
from portal.services.people import profile_update
from tests.conftest import needs_worker
from training.enums import RuleKind
from training.models import Assignment, AssignmentRule
from training.tasks import reminders_task

pytestmark = [*needs_worker, pytest.mark.django_db(transaction=True)]


def _wait_for(check, seconds=60):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return False


def test_a_real_worker_sends_reminders_and_escalations(home, user_with, department, make_course, celery_live):
    """O07, O54: `training.reminders` (beat) reminds the person and escalates to the department head."""
    rd = department("研发部")
    head = user_with(2, rd)
    Department.objects.filter(pk=rd.pk).update(head=head)
    course = make_course(questions=1)
    late = user_with(0, rd)
    Assignment.objects.create(
        user=late, course=course, cycle=2026, key="x", due_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    assert reminders_task.delay().get(timeout=60) == 2
    assert Notification.objects.filter(user=late, kind="training.reminder").exists()
    assert Notification.objects.filter(user=head, kind="training.escalation").exists()


def test_a_post_change_is_evaluated_by_the_worker_after_commit(home, user_with, make_course, celery_live):
    """O55: the profile change commits, then the worker assigns the pre-post course."""
    course = make_course(questions=1, clearance=1)
    AssignmentRule.objects.create(name="涉密岗位", course=course, kind=RuleKind.CLASSIFIED_POST, days=1)
    person = user_with(1)
    starts = timezone.localdate() + datetime.timedelta(days=10)
    profile_update(
        actor=None,
        profile=SecurityProfile.objects.get(user=person),
        post_category=PostCategory.GENERAL,
        post_changed_on=starts,
    )
    assert _wait_for(lambda: Assignment.objects.filter(user=person, course=course).exists())
    assert Assignment.objects.get(user=person, course=course).due_on < starts
