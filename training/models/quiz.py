"""Attempts: the questions drawn (as versions), their shuffled options and the answers, all held on the server."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.enums import AttemptStatus


class Attempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="training_attempts"
    )
    page = models.ForeignKey(
        "portal.PortalPage", verbose_name=_("course or contest"), on_delete=models.CASCADE, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    status = models.CharField(_("status"), max_length=8, choices=AttemptStatus.choices, default=AttemptStatus.OPEN)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late = models.BooleanField(_("graded at the deadline"), default=False)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=1, default=0)
    max_points = models.PositiveSmallIntegerField(_("maximum points"), default=0)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    passed = models.BooleanField(_("passed"), default=False)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["user", "page", "number"], name="unique_attempt_number")]
        indexes = [models.Index(fields=["page", "status"], name="attempt_page_status")]

    def __str__(self):
        return f"{self.user} #{self.number}"

    @property
    def is_open(self):
        return self.status == AttemptStatus.OPEN

    def expired(self, now=None):
        return (now or timezone.now()) > self.deadline

    @property
    def seconds_left(self):
        return max(0, int((self.deadline - timezone.now()).total_seconds()))

    @property
    def duration(self):
        end = self.submitted_at or self.deadline
        return max(timedelta(0), min(end, self.deadline) - self.started_at)


class AttemptItem(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question_version = models.ForeignKey("training.QuestionVersion", on_delete=models.PROTECT, related_name="+")
    option_order = models.JSONField(default=list, help_text="Original option indexes in the order shown.")
    response = models.JSONField(null=True, blank=True, help_text="Original option indexes chosen, or the text.")
    answered_at = models.DateTimeField(null=True, blank=True)
    points = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_attempt_position"),
            models.UniqueConstraint(fields=["attempt", "question_version"], name="unique_attempt_question"),
        ]

    def __str__(self):
        return f"{self.attempt_id}/{self.position}"

    def shown_options(self):
        """[(display position, option text)] in the shuffled order of this attempt."""
        options = self.question_version.options
        return list(enumerate(options[i] for i in self.option_order))

    def shown_choice(self):
        """The stored response as display positions (for re-rendering the form after a reload)."""
        if not isinstance(self.response, list):
            return []
        return [self.option_order.index(i) for i in self.response if i in self.option_order]


class Certificate(models.Model):
    """One per passed course attempt. The code is printed on the PDF and checked on the verification page."""

    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="certificate")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_certificates")
    course = models.ForeignKey("training.CoursePage", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("verification code"), max_length=24, unique=True)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=1)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.code
