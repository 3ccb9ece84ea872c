"""Writes of the reviews app: draft, attach, submit, decide, reference numbers, overdue reminders.

Every write checks who may do it, runs in a transaction, and leaves an entry in Wagtail's audit log. Notifications
carry no title: a count of waiting items and a link, the link's view checks access again.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import TaskState, WorkflowState

from portal.enums import Clearance
from portal.models import SecurityProfile
from portal.services import otp
from portal.services.notifications import notify_users

from . import selectors
from .enums import REFERENCED_KINDS, DecisionAction, ReviewKind, ReviewStatus
from .forms import ATTACHMENT_REQUIRED
from .models import (
    OFFICE_GROUP,
    OverdueNotice,
    ReferenceCounter,
    ReviewAttachment,
    ReviewDecision,
    ReviewRequest,
)

NOTIFY_KIND = "reviews"


class ReviewError(ValidationError):
    """A user's action cannot be carried out; the message says why, in their language."""


class ReviewConflict(ReviewError):
    """Someone else decided the step first."""


def _notify(user_ids, text, url):
    user_ids = set(user_ids)
    if user_ids:
        transaction.on_commit(lambda: notify_users(kind=NOTIFY_KIND, messages=dict.fromkeys(user_ids, text), url=url))


def _notify_current_approvers(review_request):
    task_state = selectors.current_task_state(review_request)
    if task_state is None:
        return
    ids = task_state.task.specific.approver_ids(review_request)
    _notify(ids, _("A secrecy review request is waiting for your approval."), reverse("reviews:queue"))


@transaction.atomic
def request_save(*, user, review_request, is_new):
    """Save a draft (new or edited) from a validated form's instance and record a revision."""
    if is_new:
        profile = SecurityProfile.objects.filter(user_id=user.pk).select_related("department").first()
        review_request.requester = user
        review_request.department = profile.department if profile else None
        review_request.live = False
        review_request.status = ReviewStatus.DRAFT
    else:
        current = ReviewRequest.objects.select_for_update().get(pk=review_request.pk)
        if current.requester_id != user.pk:
            raise PermissionDenied
        if not current.is_editable:
            raise ReviewError(_("This request is under review and cannot be changed now."))
    review_request.full_clean()
    review_request.save()
    review_request.save_revision(user=user, log_action=False)
    log(instance=review_request, action="reviews.create" if is_new else "reviews.edit", user=user)
    return review_request


@transaction.atomic
def attachment_add(*, user, review_request, upload, label=""):
    current = ReviewRequest.objects.select_for_update().get(pk=review_request.pk)
    if current.requester_id != user.pk:
        raise PermissionDenied
    if not current.is_editable:
        raise ReviewError(_("This request is under review and cannot be changed now."))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = ReviewAttachment(
        request=current,
        label=label,
        original_name=upload.name[:255],
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    log(instance=current, action="reviews.attach", user=user, data={"attachment": attachment.pk})
    return attachment


@transaction.atomic
def request_submit(*, user, review_request):
    """Start the kind's chain. After changes were requested, the whole chain runs again (re-approval after edit)."""
    current = ReviewRequest.objects.select_for_update().get(pk=review_request.pk)
    if current.requester_id != user.pk:
        raise PermissionDenied
    if not current.is_editable:
        raise ReviewError(_("This request has already been submitted."))
    if current.kind in ATTACHMENT_REQUIRED and not current.attachments.exists():
        raise ReviewError(_("Attach the document to be reviewed before submitting."))
    workflow = current.get_workflow()
    if workflow is None:
        raise ReviewError(_("No approval chain is set up for this type of request. Contact the secrecy office."))
    resubmit = current.status == ReviewStatus.CHANGES_REQUESTED
    previous = current.current_workflow_state
    if previous is not None:
        previous.cancel(user=user)
    current.status = ReviewStatus.IN_REVIEW
    current.workflow = workflow
    current.submitted_at = timezone.now()
    current.save()
    current.save_revision(user=user, log_action=False)
    workflow.start(current, user)
    ReviewDecision.objects.create(
        request=current, actor=user, action=DecisionAction.RESUBMIT if resubmit else DecisionAction.SUBMIT
    )
    log(instance=current, action="reviews.resubmit" if resubmit else "reviews.submit", user=user)
    _notify_current_approvers(current)
    return current


def _next_reference_no(year):
    ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"BM-审-{year}-{counter.last:04d}"


def _check_approvable(review_request, *, no_leak_confirmed):
    if review_request.kind == ReviewKind.PUBLICATION and not no_leak_confirmed:
        # 000 第十六条: 「在确认不会造成泄密后，签字认可方可发表」
        raise ReviewError(_("Confirm that publication will not disclose any secret before approving."))
    if (
        review_request.kind == ReviewKind.DISCLOSURE
        and max(review_request.clearance, review_request.self_assessment) >= Clearance.SECRET
        and not (review_request.details or {}).get("nda_reference")
    ):
        # O71 000 第二十三条: classified material goes out only under an NDA or a contract clause.
        raise ReviewError(_("Classified material can only be provided under an NDA or a contract clause."))


def decision_take(
    *, request, review_request_id, task_state_id, action, comment="", conditions="", no_leak_confirmed=False, token=""
):
    """Record an approver's decision on the step they hold, or a comment by any participant.

    Approve and reject are signatures (签字认可): a current authenticator code must be re-entered. The code is
    checked before the transaction so that a wrong code counts towards the lock-out even though nothing is saved.
    Two approvers deciding at once: the rows are locked, the second finds the step decided and gets a ReviewConflict.
    """
    user = request.user
    review_request = selectors.request_get_for(user=user, pk=review_request_id, request=request)
    if review_request is None:
        raise PermissionDenied
    if action == DecisionAction.COMMENT:
        return _comment_add(user=user, review_request=review_request, comment=comment)
    if action not in (DecisionAction.APPROVE, DecisionAction.REJECT, DecisionAction.REQUEST_CHANGES):
        raise ReviewError(_("Unknown decision."))
    task_state = selectors.current_task_state(review_request)
    if task_state is None or str(task_state.pk) != str(task_state_id):
        if _step_was_decided(review_request, task_state_id):
            raise ReviewConflict(_("This step has already been decided by someone else. Reload to see the result."))
        raise PermissionDenied
    if not task_state.task.specific.user_can_act(user, review_request):
        raise PermissionDenied
    if action == DecisionAction.APPROVE:
        _check_approvable(review_request, no_leak_confirmed=no_leak_confirmed)
    signed = False
    if action in (DecisionAction.APPROVE, DecisionAction.REJECT):
        if otp.step_up_verify(request=request, token=token) is None:
            log(instance=review_request, action="reviews.signature_failed", user=user)
            raise ReviewError(_("The authenticator code is not valid or was already used. Nothing was recorded."))
        signed = True
    return _decide(
        user=user,
        review_request_id=review_request.pk,
        task_state_id=task_state.pk,
        action=action,
        comment=comment,
        conditions=conditions,
        no_leak_confirmed=no_leak_confirmed,
        signed=signed,
    )


def _step_was_decided(review_request, task_state_id):
    try:
        task_state_id = int(task_state_id)
    except (TypeError, ValueError):
        return False
    return (
        TaskState.objects.filter(
            pk=task_state_id,
            workflow_state__object_id=str(review_request.pk),
            workflow_state__base_content_type=review_request.get_base_content_type(),
        )
        .exclude(status=TaskState.STATUS_IN_PROGRESS)
        .exists()
    )


@transaction.atomic
def _decide(*, user, review_request_id, task_state_id, action, comment, conditions, no_leak_confirmed, signed):
    review_request = ReviewRequest.objects.select_for_update().get(pk=review_request_id)
    task_state = TaskState.objects.select_for_update().get(pk=task_state_id)
    if review_request.status != ReviewStatus.IN_REVIEW or task_state.status != TaskState.STATUS_IN_PROGRESS:
        raise ReviewConflict(_("This step has already been decided by someone else. Reload to see the result."))
    task_state = task_state.specific
    task = task_state.task.specific
    workflow_state = task_state.workflow_state
    text = "\n".join(part for part in (comment, conditions and _("Conditions: %(c)s") % {"c": conditions}) if part)

    if action == DecisionAction.APPROVE:
        task_state.approve(user=user, comment=text)
        workflow_state.refresh_from_db()
        if workflow_state.status == WorkflowState.STATUS_APPROVED:
            fields = {"status": ReviewStatus.APPROVED, "decided_at": timezone.now()}
            if review_request.kind in REFERENCED_KINDS and not review_request.reference_no:
                fields["reference_no"] = _next_reference_no(timezone.localdate().year)
            ReviewRequest.objects.filter(pk=review_request.pk).update(**fields)
    elif action == DecisionAction.REQUEST_CHANGES:
        task_state.reject(user=user, comment=text)
        ReviewRequest.objects.filter(pk=review_request.pk).update(status=ReviewStatus.CHANGES_REQUESTED)
    else:  # a final rejection ends the chain: the step is rejected and the workflow cancelled
        task_state.reject(user=user, comment=text, update=False)
        workflow_state.refresh_from_db()
        workflow_state.cancel(user=user)
        ReviewRequest.objects.filter(pk=review_request.pk).update(
            status=ReviewStatus.REJECTED, decided_at=timezone.now()
        )

    decision = ReviewDecision.objects.create(
        request=review_request,
        task_state=task_state,
        step_name=task.name,
        role=task.role_of(user, review_request),
        actor=user,
        action=action,
        comment=comment,
        conditions=conditions,
        no_leak_confirmed=bool(no_leak_confirmed),
        step_up_verified=signed,
    )
    review_request.refresh_from_db()
    log(
        instance=review_request,
        action=f"reviews.{action}",
        user=user,
        data={
            "decision": decision.pk,
            "step": task.name,
            "role": decision.role,
            "conditions": bool(conditions),
            "step_up_verified": signed,
            "status": review_request.status,
        },
    )
    url = review_request.get_absolute_url()
    if review_request.status == ReviewStatus.IN_REVIEW:
        _notify_current_approvers(review_request)
    else:
        _notify([review_request.requester_id], _("There is a decision on your secrecy review request."), url)
    return decision


@transaction.atomic
def _comment_add(*, user, review_request, comment):
    if not comment.strip():
        raise ReviewError(_("Say why."))
    task_state = selectors.current_task_state(review_request)
    decision = ReviewDecision.objects.create(
        request=review_request,
        task_state=task_state,
        step_name=task_state.task.name if task_state else "",
        actor=user,
        action=DecisionAction.COMMENT,
        comment=comment,
    )
    log(instance=review_request, action="reviews.comment", user=user, data={"decision": decision.pk})
    others = {review_request.requester_id}
    if task_state is not None:
        others |= task_state.task.specific.approver_ids(review_request)
    others.discard(user.pk)
    _notify(others, _("There is a new comment on a secrecy review request."), review_request.get_absolute_url())
    return decision


@transaction.atomic
def marking_set(*, user, review_request, clearance, secrecy_term, classification_basis):
    """The requester (while editable) or 保密办 sets the request's marking; its files follow it."""
    current = ReviewRequest.objects.select_for_update().get(pk=review_request.pk)
    if not (selectors.is_office(user) or (current.requester_id == user.pk and current.is_editable)):
        raise PermissionDenied
    before = current.clearance
    current.clearance = clearance
    current.secrecy_term = secrecy_term
    current.classification_basis = classification_basis
    current.classifier = user
    current.full_clean()
    ReviewRequest.objects.filter(pk=current.pk).update(
        clearance=clearance,
        effective_clearance=clearance,
        secrecy_term=secrecy_term,
        classification_basis=classification_basis,
        classifier=user,
    )
    log(instance=current, action="reviews.marking", user=user, data={"from": before, "to": clearance})
    return current


def _escalate_after_days():
    return getattr(settings, "REVIEWS_ESCALATE_AFTER_DAYS", 2)


def overdue_remind(*, now=None):
    """Remind the approvers of every step past its days, once; escalate to 保密办 and the requester's department
    head once the step is REVIEWS_ESCALATE_AFTER_DAYS later still. Returns (reminded, escalated)."""
    from django.contrib.auth.models import Group

    now = now or timezone.now()
    office_ids = set(Group.objects.filter(name=OFFICE_GROUP).values_list("user__pk", flat=True)) - {None}
    reminded = escalated = 0
    for task_state in selectors.open_review_task_states():
        task = task_state.task
        days = getattr(task, "overdue_days", None)
        if not days or task_state.started_at + datetime.timedelta(days=days) >= now:
            continue
        review_request = (
            ReviewRequest.objects.select_related("department")
            .filter(pk=int(task_state.workflow_state.object_id))
            .first()
        )
        if review_request is None:
            continue
        with transaction.atomic():
            _notice, created = OverdueNotice.objects.get_or_create(task_state=task_state, level=OverdueNotice.REMIND)
            if created:
                _notify(
                    task.approver_ids(review_request),
                    _("A secrecy review request waiting for your approval is overdue."),
                    reverse("reviews:queue"),
                )
                log(instance=review_request, action="reviews.remind", data={"step": task.name})
                reminded += 1
        if task_state.started_at + datetime.timedelta(days=days + _escalate_after_days()) >= now:
            continue
        with transaction.atomic():
            _notice, created = OverdueNotice.objects.get_or_create(task_state=task_state, level=OverdueNotice.ESCALATE)
            if created:
                targets = set(office_ids)
                if review_request.department and review_request.department.head_id:
                    targets.add(review_request.department.head_id)
                _notify(
                    targets,
                    _("A step of a secrecy review request is overdue and has been escalated to you."),
                    review_request.get_absolute_url(),
                )
                log(instance=review_request, action="reviews.escalate", data={"step": task.name})
                escalated += 1
    return reminded, escalated
