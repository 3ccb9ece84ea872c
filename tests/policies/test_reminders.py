import datetime

import pytest
from django.core import mail
from django.utils import timezone

from policies.models import Acknowledgement
from policies.services.acks import ack_escalations_send, ack_reminders_send
from portal.models import Department, Notification

pytestmark = pytest.mark.django_db


def overdue_by(user, days):
    Acknowledgement.objects.filter(user=user).update(due_on=timezone.localdate() - datetime.timedelta(days=days))


def test_overdue_people_are_reminded_once_per_interval_without_titles_in_mail(regulation, user_with, settings):
    """O07/O25: reminders go in-portal and by e-mail; the e-mail names no regulation."""
    settings.ACK_REMINDER_INTERVAL_DAYS = 3
    late = user_with(0, username="late", email="late@example.com")
    on_time = user_with(0, username="ontime", email="ontime@example.com")
    regulation(title="星河项目保密规定")
    overdue_by(late, 1)
    assert ack_reminders_send() == 1
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["late"]
    assert [m.to for m in mail.outbox] == [["late@example.com"]]
    assert "星河" not in mail.outbox[0].subject + mail.outbox[0].body
    assert ack_reminders_send() == 0  # within the interval
    Acknowledgement.objects.filter(user=late).update(last_reminded_at=timezone.now() - datetime.timedelta(days=4))
    assert ack_reminders_send() == 1
    assert Acknowledgement.objects.get(user=late).reminder_count == 2
    assert not Notification.objects.filter(user=on_time).exists()


def test_escalation_reaches_the_department_head_after_the_configured_days(regulation, user_with, department, settings):
    """O07 技术资料保密细则: 「各部门负责人为本部门的保密工作负责人」: overdue by ESCALATION_DAYS goes to the head."""
    settings.ACK_ESCALATION_DAYS = 7
    rd = department("研发部", "rd")
    head = user_with(2, rd, username="head")
    Department.objects.filter(pk=rd.pk).update(head=head)
    slow, slower = user_with(0, rd, username="slow"), user_with(0, rd, username="slower")
    regulation()
    overdue_by(head, 0)
    overdue_by(slow, 3)
    overdue_by(slower, 8)
    assert ack_escalations_send() == 1
    notice = Notification.objects.get(user=head, kind="policies.ack_escalation")
    assert "1" in notice.message
    assert Acknowledgement.objects.filter(escalated_at__isnull=False).get().user == slower
    assert ack_escalations_send() == 0  # escalated once
