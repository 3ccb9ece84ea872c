"""The question bank. A question carries a marking; its content lives in immutable versions, so editing a question
adds a version and attempts keep pointing at the one they were graded on."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import MarkingMixin
from training.enums import ContentArea, QuestionKind

TRUE_FALSE_OPTIONS = ["正确", "错误"]


class QuestionCategory(models.Model):
    """A topic of the question bank, e.g. one of the ten areas of 保密宣传教育制度 第五条."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    content_area = models.CharField(
        _("content area"),
        max_length=16,
        choices=ContentArea.choices,
        blank=True,
        help_text=_("Which of the ten areas of 保密宣传教育制度 第五条 the questions cover."),
    )

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Question(MarkingMixin, models.Model):
    category = models.ForeignKey(
        QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="questions"
    )
    tags = models.CharField(_("tags"), max_length=255, blank=True, help_text=_("Comma separated."))
    scope = models.ManyToManyField(Group, verbose_name=_("need-to-know scope"), blank=True, related_name="+")
    active = models.BooleanField(_("in use"), default=True, help_text=_("Only questions in use are drawn."))
    current_version = models.ForeignKey(
        "training.QuestionVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "pk"]

    def __str__(self):
        # Wagtail's log entries do not store this for a classified or scoped question (portal.services.audit).
        return self.text_preview()

    def save(self, *args, **kwargs):
        from portal.services.marking import item_marking_apply

        item_marking_apply(self)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.clean_marking()

    def text_preview(self):
        """The start of the current text, for listings already filtered to what the reader may see."""
        version = self.current_version
        return (version.text[:60] if version else "") or f"#{self.pk}"

    text_preview.short_description = _("question")


class QuestionVersion(models.Model):
    """One text of a question, never changed once saved."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("question type"), max_length=16, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    options = models.JSONField(_("options"), default=list, blank=True)
    answer = models.JSONField(
        _("answer"), default=list, help_text=_("Indexes of the correct options, or the accepted texts of a fill-in.")
    )
    explanation = models.TextField(_("explanation"), blank=True)
    source_regulation = models.ForeignKey(
        "policies.RegulationPage",
        verbose_name=_("source regulation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_article = models.CharField(_("source article"), max_length=32, blank=True, help_text=_("E.g. 第十一条"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="unique_question_version")]

    def __str__(self):
        return f"#{self.question_id} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A question version is never changed: save a new version."))
        super().save(*args, **kwargs)

    @property
    def is_choice(self):
        return self.kind != QuestionKind.FILL_IN

    @property
    def source_label(self):
        if not self.source_regulation_id:
            return ""
        return f"《{self.source_regulation.title}》{self.source_article}"

    @property
    def source_url(self):
        from training.services.sources import article_url

        return article_url(self.source_regulation, self.source_article)

    def content(self):
        """The fields that make a version: equal content means no new version."""
        return {
            "kind": self.kind,
            "text": self.text,
            "options": list(self.options),
            "answer": list(self.answer),
            "explanation": self.explanation,
            "source_regulation_id": self.source_regulation_id,
            "source_article": self.source_article,
        }
