"""借阅/打印/下载 registration (O33 技术资料保密细则 三(五)): who took which classified document, why, and when
it is due.

Registration happens after portal.access has allowed the read; it adds the record, it never grants anything.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal import access
from portal.services.notifications import notify_users
from records.conf import setting
from records.enums import BorrowingKind
from records.models import Borrowing
from records.services.agreements import is_office


@transaction.atomic
def borrowing_register(*, request, document, kind, purpose, day=None):
    day = day or timezone.localdate()
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("State the purpose.")})
    if kind not in BorrowingKind.values:
        raise ValidationError({"kind": _("Choose borrow, print or download.")})
    borrowing = Borrowing.objects.create(
        user=request.user,
        document=document,
        kind=kind,
        purpose=purpose[:255],
        clearance=document.effective_clearance,
        due_on=day + datetime.timedelta(days=setting("LOAN_DAYS")) if kind == BorrowingKind.BORROW else None,
        ip_address=access.client_ip(request),
    )
    log(instance=borrowing, action=f"records.{kind}", user=request.user, data={"document": document.pk})
    return borrowing


@transaction.atomic
def borrowing_return(*, actor, borrowing):
    """The borrower returns their item, or 保密办 confirms the return."""
    borrowing = Borrowing.objects.select_for_update().get(pk=borrowing.pk)
    if not (borrowing.user_id == actor.pk or is_office(actor)):
        raise PermissionDenied
    if not borrowing.is_open:
        raise ValidationError(_("This item is not on loan."))
    borrowing.returned_at = timezone.now()
    borrowing.returned_confirmed_by = actor
    borrowing.save(update_fields=["returned_at", "returned_confirmed_by"])
    log(instance=borrowing, action="records.return", user=actor, data={"document": borrowing.document_id})
    return borrowing


def overdue(day):
    return Borrowing.objects.filter(kind=BorrowingKind.BORROW, returned_at__isnull=True, due_on__lt=day)


@transaction.atomic
def borrowing_overdue_remind(*, day=None):
    """O33: borrowers with overdue items are reminded once a day (counts and a link only, never a title)."""
    day = day or timezone.localdate()
    today_start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    due = overdue(day).filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=today_start))
    counts = dict(due.order_by().values_list("user_id").annotate(n=Count("id")))
    if not counts:
        return 0
    notify_users(
        kind="records.borrowing_overdue",
        messages={
            uid: _("%(count)s borrowed classified document(s) are overdue: please return them.") % {"count": n}
            for uid, n in counts.items()
        },
        url="/records/",
    )
    Borrowing.objects.filter(pk__in=list(due.values_list("pk", flat=True))).update(
        last_reminded_at=timezone.now(), reminder_count=F("reminder_count") + 1
    )
    return len(counts)
