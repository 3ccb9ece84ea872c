"""Reminders to people and escalation to department heads, through notify_users: counts and a link, never a course
title (a 机密 course's title must not reach a mailbox)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from portal.models import Department, Notification
from training.models import Assignment
from training.tasks import reminders_task


def _assign(user, course, days_late):
    return Assignment.objects.create(
        user=user,
        course=course,
        cycle=2026,
        key=f"rule:{course.pk}",
        due_on=timezone.localdate() - datetime.timedelta(days=days_late),
    )


@pytest.fixture
def late_department(user_with, department, make_course):
    rd = department("研发部")
    head = user_with(2, rd, email="head@example.com")
    Department.objects.filter(pk=rd.pk).update(head=head)
    secret = make_course(questions=1, clearance=2, title="星河项目专门培训")
    annual = make_course(questions=1, title="年度全员保密培训")
    late = user_with(2, rd, email="late@example.com")
    _assign(late, secret, days_late=10)
    _assign(late, annual, days_late=10)
    return {"head": head, "late": late, "secret": secret}


def test_reminders_and_escalations_carry_counts_and_no_course_title(late_department):
    """O07 技术保密管理规定 第二十五条 (部门负责人 answers for the department), O54 (overdue → person and head are
    reminded), O25 科学技术保密规定 第三十一条 (no classified title in a notice or e-mail)."""
    sent = reminders_task.delay().get()
    assert sent == 2
    person = Notification.objects.get(user=late_department["late"])
    head = Notification.objects.get(user=late_department["head"], kind="training.escalation")
    assert "2 项保密培训待完成" in person.message and "2 项已逾期" in person.message
    assert "1 人共 2 项保密培训已逾期" in head.message
    for text in [person.message, head.message, *(m.body for m in mail.outbox), *(m.subject for m in mail.outbox)]:
        assert "星河" not in text and "年度全员保密培训" not in text
    # Throttled: a second run the same day sends nothing new; escalation happens once per assignment.
    assert reminders_task.delay().get() == 0
    assert Assignment.objects.filter(escalated_at__isnull=False).count() == 2


def test_a_passed_or_not_yet_due_assignment_is_not_chased(user_with, make_course):
    course = make_course(questions=1)
    done, later = user_with(0), user_with(0)
    Assignment.objects.create(
        user=done, course=course, cycle=2026, key="a", due_on=timezone.localdate(), passed_at=timezone.now()
    )
    Assignment.objects.create(
        user=later, course=course, cycle=2026, key="a", due_on=timezone.localdate() + datetime.timedelta(days=60)
    )
    assert reminders_task.delay().get() == 0
    assert not Notification.objects.exists()
