"""保密审查 requests (发表, 专利, 学术交流, 参展, 参观, 对外提供) and the approval steps they pass through.

A request is a snippet-like model under Wagtail's moderation workflows: each kind has its own chain (`ReviewChain`
→ a Wagtail `Workflow`) built from the two task types below, editable in Wagtail's workflow admin. Decisions are
our own rows (`ReviewDecision`) because a 签字认可 must record the approver's role, conditions and OTP step-up, which
Wagtail's TaskState does not hold.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    AbstractGroupApprovalTask,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    Task,
    TaskState,
    Workflow,
    WorkflowMixin,
)

from portal.enums import Clearance
from portal.models import Department, MarkingMixin

from .enums import DecisionAction, ReviewKind, ReviewStatus, StepRole

# Group names. 保密办 is the portal's secrecy office group; the others are created by the reviews setup.
OFFICE_GROUP = getattr(settings, "REVIEWS_OFFICE_GROUP", "保密办管理员")
LEADER_GROUP = getattr(settings, "REVIEWS_LEADER_GROUP", "主管领导")
DEPARTMENT_OFFICER_GROUP = getattr(settings, "REVIEWS_DEPARTMENT_OFFICER_GROUP", "部门保密员")
EXPERT_GROUP = getattr(settings, "REVIEWS_EXPERT_GROUP", "专家审查组")
DEFAULT_OVERDUE_DAYS = 3


class ReviewStepMixin(models.Model):
    """What our two task types share: how long a step may take before it is reminded, and who may act on it.

    Both tasks hide themselves from Wagtail's own "awaiting your review" panel (get_task_states_user_can_moderate
    returns nothing): that panel lists titles without the clearance check, so our own queue shows them instead.
    """

    overdue_days = models.PositiveSmallIntegerField(
        _("days before overdue"),
        default=DEFAULT_OVERDUE_DAYS,
        help_text=_("After this many days the approvers are reminded; later the step is escalated."),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def holder_ids(self, review_request):  # pragma: no cover - each task type answers
        raise NotImplementedError

    def approver_ids(self, review_request):
        """Who may decide this step of `review_request`: the step's holders except the requester, who never signs
        their own request (000 第十六条: the manuscript is reviewed and signed by someone else)."""
        return self.holder_ids(review_request) - {review_request.requester_id}

    def role_of(self, user, review_request):  # pragma: no cover
        raise NotImplementedError

    def approver_cache_key(self, review_request):
        """Requests with the same key have the same approvers at this step (lets a listing ask once per key)."""
        return (self.pk,)

    def user_can_act(self, user, review_request, cache=None):
        if not user.is_active or user.pk == review_request.requester_id:
            return False
        if cache is None:
            return user.pk in self.approver_ids(review_request)
        key = self.approver_cache_key(review_request)
        if key not in cache:
            cache[key] = self.holder_ids(review_request)
        return user.pk in cache[key]

    def get_actions(self, obj, user):
        return []  # decisions go through the reviews front end, which checks OTP and access

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return TaskState.objects.none()

    def user_can_access_editor(self, obj, user):
        return False


class DepartmentReviewTask(ReviewStepMixin, Task):
    """部门审查: the requester's department head and/or its 部门保密员 (members of both the department and the
    部门保密员 group), per 002 技术秘密管理办法 4.3.2 「负责按规定审查发出的涉及技术秘密的文件」."""

    include_head = models.BooleanField(_("department head approves"), default=True)
    include_officers = models.BooleanField(_("department secrecy officers approve"), default=True)

    admin_form_fields = [*Task.admin_form_fields, "include_head", "include_officers", "overdue_days"]

    class Meta:
        verbose_name = _("Department review task")
        verbose_name_plural = _("Department review tasks")

    @classmethod
    def get_description(cls):
        return _("The requester's department head or department secrecy officers approve this step")

    def holder_ids(self, review_request):
        department = review_request.department
        if department is None:
            return set()
        ids = set()
        if self.include_head and department.head_id:
            ids.add(department.head_id)
        if self.include_officers:
            ids |= set(
                get_user_model()
                .objects.filter(groups=department.group_id, is_active=True)
                .filter(groups__name=DEPARTMENT_OFFICER_GROUP)
                .values_list("pk", flat=True)
            )
        return ids

    def approver_cache_key(self, review_request):
        return (self.pk, review_request.department_id)

    def role_of(self, user, review_request):
        department = review_request.department
        if department and department.head_id == user.pk and self.include_head:
            return StepRole.DEPARTMENT_HEAD
        return StepRole.DEPARTMENT_OFFICER


class ReviewGroupTask(ReviewStepMixin, AbstractGroupApprovalTask):
    """A step held by groups: 保密办 (技术保密主管部门), 主管领导, or an optional 专家审查 group."""

    role = models.CharField(
        _("role"),
        max_length=16,
        choices=[
            (StepRole.SECRECY_OFFICE, StepRole.SECRECY_OFFICE.label),
            (StepRole.LEADER, StepRole.LEADER.label),
            (StepRole.EXPERT, StepRole.EXPERT.label),
        ],
        default=StepRole.SECRECY_OFFICE,
    )

    admin_form_fields = [*AbstractGroupApprovalTask.admin_form_fields, "role", "overdue_days"]
    admin_form_widgets = AbstractGroupApprovalTask.admin_form_widgets

    class Meta:
        verbose_name = _("Review group task")
        verbose_name_plural = _("Review group tasks")

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups (保密办, 主管领导 or experts) approve this step of a secrecy review")

    def holder_ids(self, review_request):
        return set(
            get_user_model()
            .objects.filter(groups__in=self.groups.all(), is_active=True)
            .values_list("pk", flat=True)
            .distinct()
        )

    def role_of(self, user, review_request):
        return self.role


def reviews_workflow_for(kind):
    chain = ReviewChain.objects.filter(kind=kind, workflow__active=True).select_related("workflow").first()
    return chain.workflow if chain else None


class ReviewRequest(MarkingMixin, WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    """One 保密审查 request. Its title and content are seen only by the requester, the approvers on its chain
    and 保密办 (selectors.request_can_view), and never reach search, logs or notifications: __str__ is a number."""

    # The marking defaults to 秘密: a request and its files are classified until someone decides otherwise.
    clearance = models.PositiveSmallIntegerField(
        _("classification"), choices=Clearance.choices, default=Clearance.SECRET, db_index=True
    )
    kind = models.CharField(_("type"), max_length=16, choices=ReviewKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("content summary"), blank=True)
    project = models.CharField(_("source project"), max_length=255, blank=True)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    self_assessment = models.PositiveSmallIntegerField(
        _("own classification assessment"), choices=Clearance.choices, default=Clearance.INTERNAL
    )
    assessment_reasons = models.TextField(_("reasons for the assessment"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="review_requests",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, db_index=True
    )
    workflow = models.ForeignKey(
        Workflow, verbose_name=_("chain"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference_no = models.CharField(_("reference number"), max_length=32, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requester", "status"], name="review_requester_status")]

    def __str__(self):
        # Wagtail writes str(instance) into its audit log and revisions: a number, never the title.
        return f"审查申请 {self.pk}"

    def save(self, *args, **kwargs):
        self.effective_clearance = self.clearance
        self.effective_scope = ""  # visibility is the participant rule on top of clearance
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reviews:detail", args=[self.pk])

    def clean(self):
        super().clean()
        self.clean_marking()

    @property
    def is_editable(self):
        return self.status in (ReviewStatus.DRAFT, ReviewStatus.CHANGES_REQUESTED)

    def get_workflow(self):
        return reviews_workflow_for(self.kind)

    def publish(self, revision, user=None, skip_permission_checks=False, **kwargs):
        # Approval is decided by the chain's own checks (services.decision_take); approvers hold no model
        # permission to "publish" a request.
        return super().publish(revision, user=user, skip_permission_checks=True, **kwargs)

    # Fields that belong to the request as a whole, not to one revision: publishing the approved revision at the
    # end of the chain must not put back an older status, marking or reference number.
    OBJECT_FIELDS = (
        "status",
        "workflow_id",
        "reference_no",
        "submitted_at",
        "decided_at",
        "clearance",
        "secrecy_term",
        "secrecy_until",
        "classification_basis",
        "classifier_id",
        "effective_clearance",
        "effective_scope",
    )

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.OBJECT_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj


def attachment_path(instance, filename):
    # Random names under a private folder: the original name (which may carry a title) is kept only in the row.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"private/reviews/{uuid.uuid4().hex}{suffix}"


class ReviewAttachment(models.Model):
    """A file of a request (manuscript, drawings, exhibit photos, NDA ...). Not a SecureDocument: documents are
    indexed for search, and these must be found by no one outside the request."""

    request = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="attachments")
    label = models.CharField(_("description"), max_length=120, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"附件 {self.pk}"

    def get_absolute_url(self):
        return reverse("reviews:attachment", args=[self.request_id, self.pk])


class ReviewDecision(models.Model):
    """One entry in a request's record: a submission, a comment or a decision with its 签字认可."""

    request = models.ForeignKey(ReviewRequest, on_delete=models.PROTECT, related_name="decisions")
    task_state = models.ForeignKey(TaskState, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    step_name = models.CharField(_("step"), max_length=255, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=StepRole.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="review_decisions"
    )
    action = models.CharField(_("action"), max_length=20, choices=DecisionAction.choices)
    comment = models.TextField(_("comment"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    no_leak_confirmed = models.BooleanField(_("confirmed no secret is disclosed"), default=False)
    step_up_verified = models.BooleanField(_("signed with authenticator code"), default=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=["approve", "reject"]) | Q(step_up_verified=True),
                name="review_decision_signed",
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.pk}"


class ReviewChain(models.Model):
    """Which workflow a kind of request goes through. Admins change the steps in Wagtail's workflow editor."""

    kind = models.CharField(_("type"), max_length=16, choices=ReviewKind.choices, unique=True)
    workflow = models.ForeignKey(Workflow, verbose_name=_("workflow"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("review chain")
        verbose_name_plural = _("review chains")
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.workflow.name}"


class ReferenceCounter(models.Model):
    """The last 审查意见 number issued in a year (BM-审-2026-0007); rows are locked while a number is taken."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class OverdueNotice(models.Model):
    """A reminder or escalation sent for an overdue step, so each is sent once."""

    REMIND = "remind"
    ESCALATE = "escalate"

    task_state = models.ForeignKey(TaskState, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=[(REMIND, _("Reminder")), (ESCALATE, _("Escalation"))])
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task_state", "level"], name="review_overdue_once")]

    def __str__(self):
        return f"{self.level} {self.task_state_id}"
