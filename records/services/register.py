"""定密台账: classification decisions on any marked item, and what happens when a 保密期限 ends.

Items are found through the app registry (every concrete model that owns MarkingMixin's fields), so pages,
documents, images and the review requests of another app are covered without importing those apps.

O17 科学技术保密规定 第二十条: changes are made by the item's 定密责任人 or a superior, with a reason, and recorded.
O18 第二十一条: at the end of the term the configured rule applies (自行解密 or hold until confirmed).
O19 第二十二条: an extension is decided before the term ends.
"""

import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page, Revision

from portal import access
from portal.enums import Clearance
from portal.models.marking import MarkingMixin
from portal.services.audit import log_label
from portal.services.notifications import notify_users
from records.conf import setting
from records.enums import DecisionKind, ExpiryAction
from records.models import MarkingDecision, TermReview

DECIDE_PERMISSION = "records.decide_marking"
MARKING_FIELDS = ("clearance", "secrecy_until", "secrecy_term")


def marked_models():
    """Every concrete model that carries its own marking (a page subtype shares its base page's row)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, MarkingMixin) and model._meta.get_field("clearance").model is model
    ]


def item_get(content_type_id, object_id):
    """A marked item by content type and id, or None (any other model is refused)."""
    try:
        content_type = ContentType.objects.get_for_id(int(content_type_id))
    except (ContentType.DoesNotExist, TypeError, ValueError):
        return None
    model = content_type.model_class()
    if model not in marked_models():
        return None
    try:
        return model.objects.filter(pk=object_id).first()
    except (TypeError, ValueError, ValidationError):  # an id of the wrong type names nothing
        return None


def log_title(obj):
    """The audit-log label of a marked item: its type and id (portal.services.audit.log_label)."""
    return log_label(type(obj), obj.pk)


def item_content_type(obj):
    model = next(m for m in marked_models() if isinstance(obj, m))
    return ContentType.objects.get_for_model(model)


def can_decide(user, obj, request=None):
    """The item's 定密责任人, or someone with the superior 定密 permission; both must be cleared to read it."""
    if user is None or not access.can_view(user, obj, request):
        return False
    return obj.classifier_id == user.pk or user.has_perm(DECIDE_PERMISSION)


def _persist(obj, changes, actor):
    for name, value in changes.items():
        setattr(obj, name, value)
    if isinstance(obj, Page):
        # The live row carries access (and re-indexes search through marking_changed); the latest revision gets the
        # same fields so that publishing it later does not undo the decision.
        obj.save(clean=False)
        if obj.latest_revision_id:
            revision = Revision.objects.get(pk=obj.latest_revision_id)
            revision.content.update(
                {
                    name: (value.isoformat() if isinstance(value, datetime.date) else value)
                    for name, value in changes.items()
                }
            )
            revision.save(update_fields=["content"])
    else:
        obj.save()


@transaction.atomic
def marking_decide(
    *, actor, obj, kind, reason, clearance=None, secrecy_until=None, secrecy_term=None, request=None, day=None
):
    """Change 密级 and/or 保密期限 of one item as a recorded decision. `actor=None` is the scheduled rule."""
    day = day or timezone.localdate()
    if actor is not None and not can_decide(actor, obj, request):
        raise PermissionDenied
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A reason is required.")})
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    before = {name: getattr(obj, name) for name in MARKING_FIELDS}
    changes = {}
    if kind in {DecisionKind.DECLASSIFY, DecisionKind.LAPSE}:
        changes = {"clearance": Clearance.INTERNAL, "secrecy_until": None, "secrecy_term": ""}
    else:
        if clearance is not None:
            changes["clearance"] = int(clearance)
        if secrecy_until is not None:
            changes["secrecy_until"] = secrecy_until
        if secrecy_term is not None:
            changes["secrecy_term"] = secrecy_term
    if kind == DecisionKind.EXTEND:
        if before["secrecy_until"] and day >= before["secrecy_until"]:
            raise ValidationError(
                {"secrecy_until": _("An extension must be decided before the term ends (科学技术保密规定 第二十二条).")}
            )
        if not secrecy_until or (before["secrecy_until"] and secrecy_until <= before["secrecy_until"]):
            raise ValidationError({"secrecy_until": _("An extension needs a later end date.")})
    if changes.get("clearance", before["clearance"]) >= Clearance.SECRET and not (
        changes.get("secrecy_until", before["secrecy_until"]) or changes.get("secrecy_term", before["secrecy_term"])
    ):
        raise ValidationError({"secrecy_term": _("A secrecy term is required for 秘密 and above.")})
    _persist(obj, changes, actor)
    decision = MarkingDecision.objects.create(
        content_type=item_content_type(obj),
        object_id=str(obj.pk),
        kind=kind,
        clearance_before=before["clearance"],
        clearance_after=obj.clearance,
        until_before=before["secrecy_until"],
        until_after=obj.secrecy_until,
        reason=reason.strip()[:255],
        decided_by=actor,
    )
    log(
        instance=obj,
        action=f"records.marking_{kind}",
        title=log_title(obj),
        user=actor,
        data={
            "decision": decision.pk,
            "clearance": [before["clearance"], obj.clearance],
            "until": [_iso(before["secrecy_until"]), _iso(obj.secrecy_until)],
        },
    )
    TermReview.objects.filter(
        content_type=decision.content_type, object_id=decision.object_id, resolved_at__isnull=True
    ).update(resolved_at=timezone.now(), resolution=kind)
    return decision


def _iso(value):
    return value.isoformat() if value else None


def _classified(model):
    return model.objects.filter(clearance__gt=Clearance.INTERNAL, secrecy_until__isnull=False)


@transaction.atomic
def term_expiry_run(*, day=None):
    """Daily: open a review (and remind) before a term ends; at the end apply EXPIRY_ACTION. Returns counts."""
    day = day or timezone.localdate()
    now = timezone.now()
    lead = datetime.timedelta(days=setting("EXPIRY_REMINDER_DAYS"))
    interval = datetime.timedelta(days=setting("EXPIRY_REMINDER_INTERVAL_DAYS"))
    reminders, lapsed, held = {}, 0, 0
    office = None
    for model in marked_models():
        content_type = ContentType.objects.get_for_model(model)
        for obj in _classified(model).filter(secrecy_until__lte=day + lead).order_by("pk"):
            review, _created = TermReview.objects.get_or_create(
                content_type=content_type,
                object_id=str(obj.pk),
                secrecy_until=obj.secrecy_until,
                defaults={"classifier_id": obj.classifier_id},
            )
            if review.resolved_at:
                continue
            if obj.secrecy_until <= day:
                if setting("EXPIRY_ACTION") == ExpiryAction.AUTO:
                    marking_decide(
                        actor=None,
                        obj=obj,
                        kind=DecisionKind.LAPSE,
                        reason=_("Term ended: declassified automatically (科学技术保密规定 第二十一条)"),
                        day=day,
                    )
                    lapsed += 1
                    continue
                if review.held_at is None:
                    review.held_at = now
                    review.save(update_fields=["held_at"])
                    MarkingDecision.objects.create(
                        content_type=content_type,
                        object_id=str(obj.pk),
                        kind=DecisionKind.HOLD,
                        clearance_before=obj.clearance,
                        clearance_after=obj.clearance,
                        until_before=obj.secrecy_until,
                        until_after=obj.secrecy_until,
                        reason=_("Term ended: held until the classifier confirms"),
                    )
                    log(
                        instance=obj,
                        action="records.marking_hold",
                        title=log_title(obj),
                        user=None,
                        data={"until": _iso(obj.secrecy_until)},
                    )
                    held += 1
            if review.last_reminded_at is None or review.last_reminded_at <= now - interval:
                recipients = [review.classifier_id] if review.classifier_id else None
                if recipients is None:
                    from records.services.agreements import office_user_ids

                    office = office if office is not None else office_user_ids()
                    recipients = office
                for uid in recipients:
                    reminders[uid] = reminders.get(uid, 0) + 1
                review.last_reminded_at = now
                review.reminder_count += 1
                review.save(update_fields=["last_reminded_at", "reminder_count"])
    notify_users(
        kind="records.term_expiry",
        messages={
            uid: _("%(count)s classified item(s) reach the end of their secrecy term: extend or declassify.")
            % {"count": n}
            for uid, n in reminders.items()
        },
        url="/records/register/?expiring=1",
    )
    return {"reminded": len(reminders), "lapsed": lapsed, "held": held}


def open_reviews_for(user):
    return TermReview.objects.filter(resolved_at__isnull=True).filter(Q(classifier=user))
