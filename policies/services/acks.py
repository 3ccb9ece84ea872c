"""签收: who must acknowledge which version, the acknowledgement itself, reminders and escalation.

O03 深圳条例 第十三条: a company document confirming secrets is 「送达负有保密义务的有关人员」; each delivery is an
`Acknowledgement` row, and the signature on it records the user, version, time, IP and the SHA-256 of the text read.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from policies.models import Acknowledgement, PolicyVersion
from portal.services.notifications import notify_users

BATCH_SIZE = 2000


def audience_q(regulation, day):
    """The regulation's audience as a condition on users: active, not departed, and matching its rules."""
    q = Q(is_active=True, security_profile__left_on__isnull=True)
    targets = Q()
    if regulation.audience_all_staff:
        targets = Q(pk__isnull=False)
    else:
        department_ids = [d.pk for d in regulation.audience_departments.all()]
        if department_ids:
            targets |= Q(security_profile__department_id__in=department_ids)
        if regulation.audience_post_categories:
            targets |= Q(security_profile__post_category__in=regulation.audience_post_categories)
        if not targets and not regulation.audience_new_hire_days:
            return Q(pk__in=[])
    q &= targets
    if regulation.audience_new_hire_days:
        q &= Q(security_profile__hire_date__gte=day - datetime.timedelta(days=regulation.audience_new_hire_days))
    return q


def _due_on(regulation, hire_date, day):
    if regulation.audience_new_hire_days and hire_date:
        return max(hire_date + datetime.timedelta(days=regulation.audience_new_hire_days), day)
    start = max(day, hire_date) if hire_date else day
    return start + datetime.timedelta(days=regulation.ack_due_days)


@transaction.atomic
def ack_fanout(*, version_id, day=None):
    """Deliver a version to everyone in its audience who has no row for it yet. Set-based and idempotent.

    Open rows of earlier versions of the same regulation are superseded: nobody signs an outdated text.
    """
    day = day or timezone.localdate()
    version = PolicyVersion.objects.select_related("regulation").get(pk=version_id)
    regulation = version.regulation
    Acknowledgement.objects.open().filter(version__regulation=regulation, version__number__lt=version.number).update(
        superseded_at=timezone.now()
    )
    audience = (
        get_user_model()
        .objects.filter(audience_q(regulation, day))
        .exclude(acknowledgements__version=version)
        .values_list("pk", "security_profile__hire_date")
    )
    rows = [
        Acknowledgement(version=version, user_id=user_id, due_on=_due_on(regulation, hire_date, day))
        for user_id, hire_date in audience.iterator(chunk_size=BATCH_SIZE)
    ]
    Acknowledgement.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(rows)


def basis_versions():
    """For every live regulation that asks for acknowledgement, the latest version that needed it."""
    from django.db.models import OuterRef, Subquery

    latest = (
        PolicyVersion.objects.filter(regulation=OuterRef("regulation"), requires_ack=True)
        .order_by("-number")
        .values("pk")[:1]
    )
    return (
        PolicyVersion.objects.filter(
            requires_ack=True,
            regulation__live=True,
            regulation__ack_required=True,
            pk=Subquery(latest),
        )
        .exclude(regulation__repealed_on__lte=timezone.localdate())
        .select_related("regulation")
    )


@transaction.atomic
def acks_assign_for_user(*, user_id, day=None):
    """Bring one person's acknowledgements in line with the audiences they now belong to.

    New staff (and staff who change department or post) get every acknowledgement that now applies to them; open
    ones that no longer apply (moved out of the department, left the company) are closed, so nobody is chased for
    them and the dashboard does not count them.
    """
    day = day or timezone.localdate()
    User = get_user_model()
    user = User.objects.select_related("security_profile").filter(pk=user_id).first()
    if user is None:
        return 0
    hire_date = getattr(getattr(user, "security_profile", None), "hire_date", None)
    open_rows = {row.version_id: row for row in Acknowledgement.objects.open().filter(user=user)}
    has_row = set(Acknowledgement.objects.filter(user=user).values_list("version_id", flat=True))
    created = 0
    for version in basis_versions():
        regulation = version.regulation
        applies = User.objects.filter(audience_q(regulation, day), pk=user.pk).exists()
        if applies and version.pk not in has_row:
            Acknowledgement.objects.create(version=version, user=user, due_on=_due_on(regulation, hire_date, day))
            created += 1
        elif not applies and version.pk in open_rows:
            row = open_rows[version.pk]
            row.superseded_at = timezone.now()
            row.save(update_fields=["superseded_at"])
    return created


def acks_close_withdrawn(*, day=None):
    """Nightly: open rows of regulations since unpublished or repealed are closed (nobody signs a withdrawn text)."""
    current = Acknowledgement.objects.open().current(day).values("pk")
    return Acknowledgement.objects.open().exclude(pk__in=current).update(superseded_at=timezone.now())


class AcknowledgementError(ValidationError):
    pass


@transaction.atomic
def acknowledge(*, user, regulation, version_number, confirmed, ip_address=None, user_agent=""):
    """The user confirms 「本人已阅读并理解」 the current version. Only their own open row can be signed."""
    if not confirmed:
        raise AcknowledgementError(_("Tick 「本人已阅读并理解」 to acknowledge."))
    current = regulation.versions.order_by("-number").first()
    row = (
        Acknowledgement.objects.open()
        .select_for_update()
        .filter(user=user, version__regulation=regulation)
        .order_by("-version__number")
        .first()
    )
    if row is None:
        # Nothing to sign: the regulation does not apply to this user, or they have already acknowledged it.
        raise PermissionDenied
    if current is None or str(version_number) != str(current.number):
        raise AcknowledgementError(_("A newer version has been published. Read it, then acknowledge."))
    row.acknowledged_at = timezone.now()
    row.read_version = current
    row.text_sha256 = current.text_sha256
    row.ip_address = ip_address
    row.user_agent = (user_agent or "")[:255]
    row.save(update_fields=["acknowledged_at", "read_version", "text_sha256", "ip_address", "user_agent"])
    log(
        instance=regulation,
        action="policies.acknowledge",
        user=user,
        data={"version": current.number, "sha256": current.text_sha256, "ip": ip_address},
    )
    return row


def _overdue_by(days, day):
    return day - datetime.timedelta(days=days)


@transaction.atomic
def ack_reminders_send(*, day=None):
    """Remind everyone with overdue acknowledgements, at most once every ACK_REMINDER_INTERVAL_DAYS."""
    day = day or timezone.localdate()
    now = timezone.now()
    due = Acknowledgement.objects.overdue(day).filter(
        Q(last_reminded_at__isnull=True)
        | Q(last_reminded_at__lt=now - datetime.timedelta(days=settings.ACK_REMINDER_INTERVAL_DAYS))
    )
    counts = dict(due.order_by().values_list("user_id").annotate(n=Count("id")))
    if not counts:
        return 0
    notify_users(
        kind="policies.ack_reminder",
        messages={
            user_id: _("You have %(count)s overdue regulation acknowledgement(s).") % {"count": n}
            for user_id, n in counts.items()
        },
        url="/",
    )
    Acknowledgement.objects.filter(pk__in=due.values("pk")).update(
        last_reminded_at=now, reminder_count=F("reminder_count") + 1
    )
    return len(counts)


@transaction.atomic
def ack_escalations_send(*, day=None):
    """O07: acknowledgements overdue by ACK_ESCALATION_DAYS go to the person's department head, once each."""
    day = day or timezone.localdate()
    due = Acknowledgement.objects.overdue(day).filter(
        due_on__lte=_overdue_by(settings.ACK_ESCALATION_DAYS, day),
        escalated_at__isnull=True,
        user__security_profile__department__head__isnull=False,
    )
    per_head = dict(
        due.order_by()
        .values_list("user__security_profile__department__head_id")
        .annotate(people=Count("user_id", distinct=True))
    )
    if not per_head:
        return 0
    notify_users(
        kind="policies.ack_escalation",
        messages={
            head_id: _(
                "%(people)s member(s) of your department are more than %(days)s days late acknowledging regulations."
            )
            % {"people": people, "days": settings.ACK_ESCALATION_DAYS}
            for head_id, people in per_head.items()
        },
        url="/",
    )
    Acknowledgement.objects.filter(pk__in=due.values("pk")).update(escalated_at=timezone.now())
    return len(per_head)
