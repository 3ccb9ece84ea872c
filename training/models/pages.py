"""Training and 宣传教育 pages. They subclass PortalPage: clearance, 知悉范围, listings and search apply as anywhere."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from portal.models import PortalPage
from training.blocks import LessonBodyBlock
from training.enums import ContentArea, CourseKind
from training.forms import CampaignAudienceForm


class QuizSettings(models.Model):
    """A quiz attached to a page: how many questions are drawn from which categories, time, attempts, pass mark."""

    quiz_categories = ParentalManyToManyField(
        "training.QuestionCategory",
        verbose_name=_("question categories"),
        blank=True,
        related_name="+",
        help_text=_("Questions are drawn at random from these categories of the question bank."),
    )
    quiz_question_count = models.PositiveSmallIntegerField(_("questions per attempt"), default=10)
    quiz_time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    quiz_attempt_limit = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, validators=[MinValueValidator(1)]
    )
    quiz_pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_("Not from the regulations: the seeds set no pass mark (80 by default)."),
    )

    quiz_panels = [
        MultiFieldPanel(
            [
                FieldPanel("quiz_categories"),
                FieldRowPanel(
                    [
                        FieldPanel("quiz_question_count"),
                        FieldPanel("quiz_time_limit_minutes"),
                        FieldPanel("quiz_attempt_limit"),
                        FieldPanel("quiz_pass_mark"),
                    ]
                ),
            ],
            heading=_("Quiz"),
        )
    ]

    class Meta:
        abstract = True

    has_quiz = True
    is_contest = False

    def quiz_is_open(self, now=None):
        return True


class TrainingIndexPage(PortalPage):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*PortalPage.content_panels, FieldPanel("intro")]
    subpage_types = ["training.CoursePage", "training.CampaignPage"]
    max_count = 1

    class Meta:
        verbose_name = _("training index")

    def get_context(self, request, *args, **kwargs):
        from training import selectors

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = selectors.courses_for(user=request.user, request=request)
        context["campaigns"] = selectors.campaigns_for(user=request.user, request=request)
        context["assignments"] = selectors.assignments_for(user=request.user, request=request)
        return context


class CoursePage(QuizSettings, PortalPage):  # noqa: DJ008 - pages show their title
    intro = RichTextField(_("introduction"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CourseKind.choices, default=CourseKind.GENERAL)
    study_hours = models.DecimalField(
        _("credit hours (学时)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(0)],
    )
    content_area = models.CharField(
        _("content area"),
        max_length=16,
        choices=ContentArea.choices,
        blank=True,
        help_text=_("Which of the ten areas of 保密宣传教育制度 第五条 the course covers."),
    )

    content_panels = [
        *PortalPage.content_panels,
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("study_hours"), FieldPanel("content_area")]),
        *QuizSettings.quiz_panels,
    ]
    search_fields = [*PortalPage.search_fields, index.SearchField("intro")]
    parent_page_types = ["training.TrainingIndexPage"]
    subpage_types = ["training.LessonPage"]

    class Meta:
        verbose_name = _("course")

    def get_context(self, request, *args, **kwargs):
        from portal.selectors import children_for
        from training import selectors

        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = children_for(page=self, user=request.user, request=request)
        context["quiz"] = selectors.quiz_state_for(user=request.user, page=self)
        return context


class LessonPage(PortalPage):
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)
    minutes = models.PositiveSmallIntegerField(_("reading time (minutes)"), default=10)
    content_area = models.CharField(
        _("content area"),
        max_length=16,
        choices=ContentArea.choices,
        blank=True,
        help_text=_("Leave empty when the lesson covers its course's area."),
    )

    content_panels = [
        *PortalPage.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("minutes"), FieldPanel("content_area")]),
        FieldPanel("body"),
    ]
    search_fields = [*PortalPage.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["training.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")


class CampaignPage(PortalPage):
    """A 宣传 campaign: news and articles below it, and 知识竞赛 contests."""

    intro = RichTextField(_("introduction"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    content_panels = [
        *PortalPage.content_panels,
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
    ]
    search_fields = [*PortalPage.search_fields, index.SearchField("intro")]
    parent_page_types = ["training.TrainingIndexPage"]
    subpage_types = ["home.ArticlePage", "home.NewsPage", "training.ContestPage"]
    base_form_class = CampaignAudienceForm

    class Meta:
        verbose_name = _("campaign")

    def get_context(self, request, *args, **kwargs):
        from portal.selectors import children_for
        from training import selectors

        context = super().get_context(request, *args, **kwargs)
        children = list(children_for(page=self, user=request.user, request=request))
        context["articles"] = [child for child in children if not isinstance(child, ContestPage)]
        context["contests"] = [child for child in children if isinstance(child, ContestPage)]
        context["leaderboard"] = selectors.leaderboard_for(
            user=request.user, request=request, contest_ids=[c.pk for c in context["contests"] if c.is_closed()]
        )
        return context


class ContestPage(QuizSettings, PortalPage):  # noqa: DJ008 - pages show their title
    """知识竞赛: a quiz open for a period, taken once; results and the leaderboard appear after it closes."""

    intro = RichTextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes at"))

    content_panels = [
        *PortalPage.content_panels,
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        *QuizSettings.quiz_panels,
    ]
    parent_page_types = ["training.CampaignPage"]
    subpage_types = []
    base_form_class = CampaignAudienceForm
    is_contest = True

    class Meta:
        verbose_name = _("knowledge contest")

    def quiz_is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None):
        return (now or timezone.now()) >= self.closes_at

    def get_context(self, request, *args, **kwargs):
        from training import selectors

        context = super().get_context(request, *args, **kwargs)
        context["quiz"] = selectors.quiz_state_for(user=request.user, page=self)
        context["closed"] = self.is_closed()
        context["leaderboard"] = (
            selectors.leaderboard_for(user=request.user, request=request, contest_ids=[self.pk])
            if context["closed"]
            else None
        )
        return context


class CampaignNotice(models.Model):
    """The advance notice of a campaign to its audience, sent once per start date (a moved date is announced again)."""

    campaign = models.ForeignKey(CampaignPage, on_delete=models.CASCADE, related_name="notices")
    starts_on = models.DateField(_("starts on"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("campaign notice")
        verbose_name_plural = _("campaign notices")
        constraints = [models.UniqueConstraint(fields=["campaign", "starts_on"], name="unique_campaign_notice")]

    def __str__(self):
        return f"{self.campaign_id} · {self.starts_on}"


class CampaignView(models.Model):
    """Who opened a campaign: the campaign page or one of its articles or contests (O59). One row per person, written
    at most once a day (training.services.campaigns.campaign_view_record)."""

    campaign = models.ForeignKey(CampaignPage, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_viewed_at = models.DateTimeField(_("first viewed at"))
    last_viewed_at = models.DateTimeField(_("last viewed at"), help_text=_("The first view on the latest day."))
    days = models.PositiveIntegerField(_("days viewed"), default=1)

    class Meta:
        verbose_name = _("campaign view")
        verbose_name_plural = _("campaign views")
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="unique_campaign_view")]

    def __str__(self):
        return f"{self.campaign_id} · {self.user_id}"
