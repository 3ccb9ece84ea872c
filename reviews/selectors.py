"""Reads of review requests. One rule decides who sees a request: portal.access (clearance, network) AND the
participant rule (the requester, the approvers on its chain, 保密办). `requests_visible_to` is that rule as a
query; every view, export, panel and dossier section starts from it."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.models import TaskState, WorkflowState, WorkflowTask

from portal import access
from portal.models import Department

from .enums import ReviewStatus
from .models import (
    DEPARTMENT_OFFICER_GROUP,
    OFFICE_GROUP,
    DepartmentReviewTask,
    ReviewDecision,
    ReviewGroupTask,
    ReviewRequest,
)


def _content_type():
    return ContentType.objects.get_for_model(ReviewRequest)


def is_office(user):
    """保密办 (the 技术保密主管部门) sees every submitted request."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_reviews_is_office", None)
    if cached is None:
        cached = user.groups.filter(name=OFFICE_GROUP).exists()
        user._reviews_is_office = cached
    return cached


def participant_q(user):
    """The requests `user` takes part in, as a condition on ReviewRequest. Drafts are the requester's alone."""
    own = Q(requester_id=user.pk)
    if is_office(user):
        return own | ~Q(status=ReviewStatus.DRAFT)
    group_tasks = ReviewGroupTask.objects.filter(groups__in=user.groups.all()).values("pk")
    group_workflows = WorkflowTask.objects.filter(task_id__in=group_tasks).values("workflow_id")
    chain = Q(workflow_id__in=group_workflows)

    headed = Department.objects.filter(head_id=user.pk).values("pk")
    head_workflows = WorkflowTask.objects.filter(
        task_id__in=DepartmentReviewTask.objects.filter(include_head=True).values("pk")
    ).values("workflow_id")
    chain |= Q(department_id__in=headed, workflow_id__in=head_workflows)
    if user.groups.filter(name=DEPARTMENT_OFFICER_GROUP).exists():
        own_departments = Department.objects.filter(group__user=user).values("pk")
        officer_workflows = WorkflowTask.objects.filter(
            task_id__in=DepartmentReviewTask.objects.filter(include_officers=True).values("pk")
        ).values("workflow_id")
        chain |= Q(department_id__in=own_departments, workflow_id__in=officer_workflows)
    # Whoever signed a decision keeps sight of what they signed.
    chain |= Q(pk__in=ReviewDecision.objects.filter(actor_id=user.pk).values("request_id"))
    return own | (~Q(status=ReviewStatus.DRAFT) & chain)


def requests_visible_to(user, request=None):
    """Every request `user` may open: access.visible (clearance) AND the participant rule, in one query."""
    viewer = access.viewer_for(user, request)
    if viewer is None:
        return ReviewRequest.objects.none()
    return ReviewRequest.objects.filter(access.access_q(viewer)).filter(participant_q(user))


def request_get_for(*, user, pk, request=None):
    """The request with this id if `user` may see it, else None (a missing id and a denied one look alike)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return requests_visible_to(user, request).select_related("requester", "department").filter(pk=pk).first()


def request_can_view(user, review_request, request=None):
    """The same rule for an object in hand (hooks, tests): access.can_view AND participant."""
    if not access.can_view(user, review_request, request):
        return False
    return requests_visible_to(user, request).filter(pk=review_request.pk).exists()


def current_task_state(review_request):
    """The in-progress TaskState of the request's workflow (specific), or None."""
    state = (
        WorkflowState.objects.filter(
            base_content_type=review_request.get_base_content_type(),
            object_id=str(review_request.pk),
            status=WorkflowState.STATUS_IN_PROGRESS,
        )
        .select_related("current_task_state__task")
        .first()
    )
    if state is None or state.current_task_state is None:
        return None
    task_state = state.current_task_state
    return task_state if task_state.status == TaskState.STATUS_IN_PROGRESS else None


def step_approvers(review_request, task_state):
    if task_state is None:
        return []
    ids = task_state.task.specific.approver_ids(review_request)
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))


def user_can_decide(user, review_request, task_state):
    if task_state is None or review_request.status != ReviewStatus.IN_REVIEW:
        return False
    return task_state.task.specific.user_can_act(user, review_request)


def chain_steps(review_request):
    """The steps of the request's chain, with the state of each in the current run: (task, status, finished)."""
    if review_request.workflow_id is None:
        return []
    state = review_request.workflow_states.order_by("-created_at").first()
    done = {}
    if state is not None:
        for task_state in state.task_states.order_by("started_at"):
            done[task_state.task_id] = task_state
    steps = []
    for workflow_task in WorkflowTask.objects.filter(workflow_id=review_request.workflow_id).select_related("task"):
        task_state = done.get(workflow_task.task_id)
        steps.append({"task": workflow_task.task, "state": task_state})
    return steps


def request_list_for(*, user, request=None):
    """The user's own requests, newest first."""
    return requests_visible_to(user, request).filter(requester_id=user.pk).order_by("-created_at")


def queue_for(*, user, request=None):
    """待我审批: requests whose current step `user` holds, oldest step first, as (request, task_state) pairs."""
    candidates = {
        rr.pk: rr
        for rr in requests_visible_to(user, request)
        .filter(status=ReviewStatus.IN_REVIEW)
        .select_related("requester", "department")
    }
    if not candidates:
        return []
    states = (
        WorkflowState.objects.filter(
            base_content_type=_content_type(),
            object_id__in=[str(pk) for pk in candidates],
            status=WorkflowState.STATUS_IN_PROGRESS,
        )
        .select_related("current_task_state__task")
        .order_by("current_task_state__started_at")
    )
    specific_tasks = {}
    approvers = {}
    queue = []
    for state in states:
        task_state = state.current_task_state
        if task_state is None or task_state.status != TaskState.STATUS_IN_PROGRESS:
            continue
        task = specific_tasks.get(task_state.task_id)
        if task is None:
            task = specific_tasks[task_state.task_id] = task_state.task.specific
        rr = candidates[int(state.object_id)]
        if task.user_can_act(user, rr, cache=approvers):
            queue.append((rr, task_state))
    return queue


def decisions_of(review_request):
    return review_request.decisions.select_related("actor").order_by("created_at", "pk")


def is_overdue(task_state, now=None):
    now = now or timezone.now()
    days = getattr(task_state.task.specific, "overdue_days", None)
    return bool(days) and task_state.started_at + datetime.timedelta(days=days) < now


def register_list(*, user, request=None, kind="", status="", department="", date_from=None, date_to=None):
    """台账 for 保密办: every submitted request the viewer may see, filtered."""
    qs = requests_visible_to(user, request).exclude(status=ReviewStatus.DRAFT)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(department_id=department)
    if date_from:
        qs = qs.filter(submitted_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(submitted_at__date__lte=date_to)
    return qs.select_related("requester", "department").order_by("-submitted_at")


def overdue_request_ids(now=None):
    """Ids of requests whose current step is past its days."""
    now = now or timezone.now()
    ids = set()
    for task_state in open_review_task_states():
        if is_overdue(task_state, now):
            ids.add(int(task_state.workflow_state.object_id))
    return ids


def open_review_task_states():
    """In-progress task states of review requests, with their task (specific) loaded."""
    states = TaskState.objects.filter(
        status=TaskState.STATUS_IN_PROGRESS,
        workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
        workflow_state__base_content_type=_content_type(),
    ).select_related("workflow_state", "task")
    tasks = {}
    result = []
    for state in states:
        task = tasks.get(state.task_id) or tasks.setdefault(state.task_id, state.task.specific)
        state.task = task
        result.append(state)
    return result


def turnaround_by_step(requests):
    """Per step name over `requests` (a queryset): count of decided steps, average and longest hours to decide."""
    ids = requests.order_by().annotate(object_key=Cast("pk", CharField())).values("object_key")
    rows = (
        TaskState.objects.filter(
            workflow_state__base_content_type=_content_type(),
            workflow_state__object_id__in=ids,
            finished_at__isnull=False,
            status__in=[TaskState.STATUS_APPROVED, TaskState.STATUS_REJECTED],
        )
        .select_related("task")
        .order_by()
    )
    stats = {}
    for row in rows:
        hours = (row.finished_at - row.started_at).total_seconds() / 3600
        entry = stats.setdefault(row.task.name, {"step": row.task.name, "count": 0, "total": 0.0, "max": 0.0})
        entry["count"] += 1
        entry["total"] += hours
        entry["max"] = max(entry["max"], hours)
    for entry in stats.values():
        entry["avg"] = entry["total"] / entry["count"]
    return sorted(stats.values(), key=lambda e: e["step"])


def current_step_names(request_ids):
    """Request id → name of the step it waits on."""
    states = WorkflowState.objects.filter(
        base_content_type=_content_type(),
        object_id__in=[str(pk) for pk in request_ids],
        status=WorkflowState.STATUS_IN_PROGRESS,
    ).values_list("object_id", "current_task_state__task__name")
    return {int(object_id): name or "" for object_id, name in states}
