"""Who must take which course by when: rules, the assignments they produce (one per person, course and cycle; history
kept), and the 学时 targets per post category."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import PostCategory
from portal.models import Department
from training.enums import AssignmentStatus, RuleKind


class AssignmentRule(models.Model):
    name = models.CharField(_("name"), max_length=100)
    course = models.ForeignKey(
        "training.CoursePage", verbose_name=_("course"), on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(_("applies to"), max_length=16, choices=RuleKind.choices)
    days = models.PositiveSmallIntegerField(
        _("days"),
        default=30,
        help_text=_(
            "New hires: days after the hire date. Classified post: the course is due this many days before the post "
            "starts (0 = the day before). Others: days from assignment. Not from the regulations (30 by default)."
        ),
    )
    departments = models.ManyToManyField(Department, verbose_name=_("departments"), blank=True, related_name="+")
    post_categories = models.JSONField(_("post categories"), default=list, blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("people"), blank=True, related_name="+")
    due_on = models.DateField(_("complete by"), null=True, blank=True, help_text=_("A fixed due date (optional)."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(passed_at__isnull=True)

    def overdue(self, day=None):
        return self.open().filter(due_on__lt=day or timezone.localdate())


class Assignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="training_assignments"
    )
    course = models.ForeignKey(
        "training.CoursePage", verbose_name=_("course"), on_delete=models.CASCADE, related_name="assignments"
    )
    rule = models.ForeignKey(
        AssignmentRule, verbose_name=_("rule"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cycle = models.PositiveSmallIntegerField(_("cycle (year)"), db_index=True)
    # The person's department and post category, copied on assignment and kept current while it is open: the
    # dashboard aggregates one table, and a closed cycle keeps the department it was done in.
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post_category = models.CharField(_("post category"), max_length=16, choices=PostCategory.choices, blank=True)
    key = models.CharField(_("occasion"), max_length=48, help_text=_("annual:2026, hire:2026-03-01, post:…, rule:7"))
    assigned_at = models.DateTimeField(_("date assigned"), default=timezone.now)
    due_on = models.DateField(_("complete by"), db_index=True)
    attempted_at = models.DateTimeField(_("first graded attempt"), null=True, blank=True)
    passed_at = models.DateTimeField(_("passed at"), null=True, blank=True)
    best_score = models.DecimalField(_("best score (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    time_spent_seconds = models.PositiveIntegerField(_("time spent (s)"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("training assignment")
        verbose_name_plural = _("training assignments")
        ordering = ["-cycle", "due_on"]
        constraints = [models.UniqueConstraint(fields=["user", "course", "key"], name="unique_assignment_occasion")]
        indexes = [models.Index(fields=["course", "cycle"], name="assignment_course_cycle")]
        permissions = [
            ("view_department_assignments", _("Can view the training completion of their own department")),
        ]

    def __str__(self):
        return f"{self.user} · {self.course_id} · {self.key}"

    def status_on(self, day=None):
        if self.passed_at:
            return AssignmentStatus.PASSED
        if self.due_on < (day or timezone.localdate()):
            return AssignmentStatus.OVERDUE
        if self.attempted_at:
            return AssignmentStatus.FAILED
        return AssignmentStatus.PENDING

    @property
    def status(self):
        return self.status_on()

    @property
    def status_label(self):
        return AssignmentStatus(self.status).label


class StudyHoursTarget(models.Model):
    """学时 a person in a post category should earn per year (not from the seeds: set by 保密办)."""

    post_category = models.CharField(_("post category"), max_length=16, choices=PostCategory.choices, unique=True)
    hours = models.DecimalField(_("credit hours per year"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("credit-hour target")
        verbose_name_plural = _("credit-hour targets")
        ordering = ["post_category"]

    def __str__(self):
        return f"{self.get_post_category_display()}: {self.hours}"


class AssignmentSummary(models.Model):
    """Assignment counts per course, cycle, department, post category and due date, kept by the services that write
    assignments, so the dashboard adds up a few hundred rows instead of one row per person and course. The due date
    is part of the key because "overdue" depends on today: open rows due before today are overdue, no nightly
    refresh needed. `department_pk` is 0 for none (a key without NULLs can be upserted)."""

    course = models.ForeignKey("training.CoursePage", on_delete=models.CASCADE, related_name="+")
    cycle = models.PositiveSmallIntegerField()
    department_pk = models.PositiveIntegerField(default=0)
    post_category = models.CharField(max_length=16, blank=True)
    due_on = models.DateField()
    assigned = models.IntegerField(default=0)
    attempted = models.IntegerField(default=0)
    passed = models.IntegerField(default=0)
    score_total = models.DecimalField(max_digits=14, decimal_places=1, default=0)
    scored = models.IntegerField(default=0)
    seconds_total = models.BigIntegerField(default=0)
    timed = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("assignment summary")
        verbose_name_plural = _("assignment summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "cycle", "department_pk", "post_category", "due_on"], name="unique_summary_key"
            )
        ]

    def __str__(self):
        return f"{self.course_id} · {self.cycle} · {self.department_pk} · {self.post_category} · {self.due_on}"
