"""离职 handover (O49–O52): a checklist that closes only when every item is done, and access revoked on the leave date.

O51 技术保密管理规定 第二十二条: everything is handed back — open loans are listed from the register.
O52 科学技术保密规定 第二十九条(七): on the leave date the account is disabled and its sessions end; a 脱密期 follows.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal.models import SecurityProfile
from portal.services.notifications import notify_users
from portal.services.otp import step_up_verify
from records.enums import BorrowingKind, DepartureItemKind
from records.models import Borrowing, Departure, DepartureItem, NonCompeteTerm
from records.services.agreements import is_office
from records.services.borrowing import borrowing_return


@transaction.atomic
def departure_start(*, actor, user, leave_on):
    if not is_office(actor):
        raise PermissionDenied
    if Departure.objects.filter(user=user, closed_at__isnull=True).exists():
        raise ValidationError(_("A departure is already in progress for this person."))
    departure = Departure.objects.create(user=user, leave_on=leave_on, started_by=actor)
    items = [DepartureItem(departure=departure, kind=DepartureItemKind.MATERIALS)]
    items += [
        DepartureItem(departure=departure, kind=DepartureItemKind.BORROWING, borrowing=borrowing)
        for borrowing in Borrowing.objects.filter(user=user, kind=BorrowingKind.BORROW, returned_at__isnull=True)
    ]
    items.append(DepartureItem(departure=departure, kind=DepartureItemKind.DEVICES))
    items.append(
        DepartureItem(
            departure=departure,
            kind=DepartureItemKind.DECLEARANCE,
            note=_("Declearance period until %(date)s") % {"date": departure.declearance_until},
        )
    )
    term = NonCompeteTerm.objects.filter(user=user).order_by("-created_at").first()
    items.append(
        DepartureItem(
            departure=departure,
            kind=DepartureItemKind.NONCOMPETE,
            note=(
                _("Non-compete until %(date)s") % {"date": term.effective_until or _("no fixed term")}
                if term
                else _("No non-compete agreement on record")
            ),
        )
    )
    items.append(DepartureItem(departure=departure, kind=DepartureItemKind.EXIT_NOTICE))
    DepartureItem.objects.bulk_create(items)
    log(instance=departure, action="records.departure_start", user=actor, data={"user_id": user.pk})
    notify_users(
        kind="records.exit_notice",
        messages={user.pk: _("Please read and acknowledge your exit confidentiality reminder.")},
        url=f"/records/departures/{departure.pk}/",
    )
    return departure


@transaction.atomic
def departure_item_complete(*, actor, item, note=""):
    """保密办 confirms an item (the exit reminder is the leaver's own)."""
    item = (
        DepartureItem.objects.select_for_update(of=("self",)).select_related("departure", "borrowing").get(pk=item.pk)
    )
    if not is_office(actor) or item.kind == DepartureItemKind.EXIT_NOTICE or item.departure.closed_at:
        raise PermissionDenied
    if item.done_at:
        return item
    if item.borrowing and item.borrowing.is_open:
        borrowing_return(actor=actor, borrowing=item.borrowing)
    item.done_at = timezone.now()
    item.done_by = actor
    if note:
        item.note = note[:255]
    item.save(update_fields=["done_at", "done_by", "note"])
    log(instance=item.departure, action="records.departure_item", user=actor, data={"item": item.pk, "kind": item.kind})
    return item


@transaction.atomic
def departure_exit_ack(*, request, departure, token):
    """The leaver acknowledges the exit 保密提醒 (O50) with an OTP step-up."""
    if departure.user_id != request.user.pk or departure.closed_at:
        raise PermissionDenied
    item = departure.items.select_for_update().filter(kind=DepartureItemKind.EXIT_NOTICE, done_at__isnull=True).first()
    if item is None:
        raise PermissionDenied
    device = step_up_verify(request=request, token=token)
    if device is None:
        raise ValidationError(_("The authenticator code is not valid."))
    item.done_at = timezone.now()
    item.done_by = request.user
    item.note = _("Acknowledged with step-up device %(device)s") % {"device": device.persistent_id}
    item.save(update_fields=["done_at", "done_by", "note"])
    log(instance=departure, action="records.exit_ack", user=request.user, data={"item": item.pk})
    return item


@transaction.atomic
def departure_close(*, actor, departure):
    if not is_office(actor):
        raise PermissionDenied
    departure = Departure.objects.select_for_update().get(pk=departure.pk)
    if departure.closed_at:
        return departure
    if departure.items.filter(done_at__isnull=True).exists():
        raise ValidationError(_("Every checklist item must be done before the handover closes."))
    departure.closed_at = timezone.now()
    departure.save(update_fields=["closed_at"])
    log(instance=departure, action="records.departure_close", user=actor, data={"user_id": departure.user_id})
    return departure


def user_sessions_end(user_id):
    """Delete every session of the user (database-backed sessions; cached_db clears its cache entry too)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def departures_revoke(*, day=None):
    """On the leave date: the profile records it, the account is disabled and its sessions end."""
    day = day or timezone.localdate()
    revoked = 0
    for departure in Departure.objects.select_for_update().filter(leave_on__lte=day, revoked_at__isnull=True):
        SecurityProfile.objects.filter(user_id=departure.user_id).update(left_on=departure.leave_on)
        get_user_model().objects.filter(pk=departure.user_id).update(is_active=False)
        sessions = user_sessions_end(departure.user_id)
        departure.revoked_at = timezone.now()
        departure.save(update_fields=["revoked_at"])
        log(
            instance=departure,
            action="records.access_revoke",
            user=None,
            data={"user_id": departure.user_id, "sessions": sessions},
        )
        revoked += 1
    return revoked
