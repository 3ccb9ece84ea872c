"""Reminders to people with training due or overdue, and escalation of overdue training to department heads.

Texts are generic (counts and a link), never a course title: a classified course's title must not reach a mailbox.
"""

import datetime

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Department, Notification
from portal.services.notifications import notify_users
from training.models import Assignment

REMINDER_LEAD_DAYS = 7
REMINDER_INTERVAL_DAYS = getattr(settings, "TRAINING_REMINDER_INTERVAL_DAYS", settings.ACK_REMINDER_INTERVAL_DAYS)
ESCALATION_DAYS = getattr(settings, "TRAINING_ESCALATION_DAYS", settings.ACK_ESCALATION_DAYS)
TRAINING_URL = "/training/"
# 学时 warnings start in this month of the year (not from the seeds): earlier, nearly everyone is still short.
STUDY_HOURS_WARN_FROM_MONTH = getattr(settings, "TRAINING_STUDY_HOURS_WARN_FROM_MONTH", 10)
HOURS_WARNING = "training.hours_warning"


def training_reminders_send(*, day=None):
    """One notice per person with open training due within a week or overdue (at most every few days)."""
    day = day or timezone.localdate()
    now = timezone.now()
    last_ok = now - datetime.timedelta(days=REMINDER_INTERVAL_DAYS)
    due = Assignment.objects.open().filter(
        due_on__lte=day + datetime.timedelta(days=REMINDER_LEAD_DAYS),
        course__live=True,
        user__is_active=True,
    )
    due = due.filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=last_ok))
    rows = due.values("user_id").annotate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=day)))
    messages = {
        row["user_id"]: _("You have %(total)s training course(s) to complete, %(overdue)s overdue.")
        % {"total": row["total"], "overdue": row["overdue"]}
        for row in rows
    }
    sent = notify_users(kind="training.reminder", messages=messages, url=TRAINING_URL)
    if messages:
        Assignment.objects.filter(pk__in=due.values("pk")).update(
            last_reminded_at=now, reminder_count=F("reminder_count") + 1
        )
    return sent + training_escalations_send(day=day) + study_hours_warnings_send(day=day)


def training_escalations_send(*, day=None):
    """Department heads hear once per assignment overdue by ESCALATION_DAYS: how many people, not which course."""
    day = day or timezone.localdate()
    late = Assignment.objects.open().filter(
        due_on__lt=day - datetime.timedelta(days=ESCALATION_DAYS),
        escalated_at__isnull=True,
        course__live=True,
        user__is_active=True,
        user__security_profile__department__head__isnull=False,
    )
    rows = late.values("user__security_profile__department_id").annotate(
        people=Count("user_id", distinct=True), total=Count("pk")
    )
    heads = dict(Department.objects.filter(head__isnull=False).values_list("pk", "head_id"))
    messages = {}
    for row in rows:
        head = heads.get(row["user__security_profile__department_id"])
        if head is None:
            continue
        previous = messages.get(head)
        people = row["people"] + (previous[0] if previous else 0)
        total = row["total"] + (previous[1] if previous else 0)
        messages[head] = (people, total)
    texts = {
        head: _("%(people)s people in your department have %(total)s overdue training course(s).")
        % {"people": people, "total": total}
        for head, (people, total) in messages.items()
    }
    sent = notify_users(kind="training.escalation", messages=texts, url="/training/department/")
    if texts:
        Assignment.objects.filter(pk__in=late.values("pk")).update(escalated_at=timezone.now())
    return sent


def study_hours_warnings_send(*, day=None):
    """警示 (O61 「对不符合要求的人员进行警示和督促」): from STUDY_HOURS_WARN_FROM_MONTH on, each person below the
    yearly 学时 target of their post category hears how far they are, at most every REMINDER_INTERVAL_DAYS. Their
    department head sees them on the department list all year."""
    from training.selectors import study_hours_shortfall

    day = day or timezone.localdate()
    if day.month < STUDY_HOURS_WARN_FROM_MONTH:
        return 0
    since = timezone.now() - datetime.timedelta(days=REMINDER_INTERVAL_DAYS)
    warned = set(
        Notification.objects.filter(kind=HOURS_WARNING, created_at__gte=since).values_list("user_id", flat=True)
    )
    messages = {
        row["user_id"]: _(
            "Warning: you have earned %(earned)s of the %(target)s credit hours required this year. "
            "Please complete your training."
        )
        % {"earned": row["earned"], "target": row["target"]}
        for row in study_hours_shortfall(year=day.year)
        if row["user_id"] not in warned
    }
    return notify_users(kind=HOURS_WARNING, messages=messages, url="/training/record/")
