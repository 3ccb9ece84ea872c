"""保密制度: regulation pages with 章/条 structure, their published versions and the 签收 (acknowledgement) of each.

A regulation is always 内部 and open to all staff (深圳条例 第十一条: 「保密制度应当在企业内部公开」); its annexes are
documents with their own marking. Every publish that changes the text records a `PolicyVersion`; a version that needs
acknowledging fans out one `Acknowledgement` row per person in the regulation's audience.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from portal.admin_forms import PortalPageForm
from portal.enums import Clearance, PostCategory
from portal.models import Department, PortalPage

from .blocks import RegulationBodyBlock


class RegulationStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    NOT_YET = "not_yet", _("Not yet in force")
    REPEALED = "repealed", _("Repealed")


def internal_and_open_errors(page, raise_now=True):
    """O01 深圳条例 第十一条: 「保密制度应当在企业内部公开」. The index and every regulation stay 内部, without a
    知悉范围, and may not sit under a classified section; only annexes (documents) carry their own marking."""
    errors = {}
    if page.clearance != Clearance.INTERNAL:
        errors["clearance"] = _("A regulation is published to all staff: its text stays 内部. Classify annexes.")
    # ParentalManyToMany .all() sees the form's unsaved choice as well as the stored one.
    if page.scope.all():
        errors["scope"] = _("A regulation is published to all staff and has no need-to-know scope.")
    parent = page.get_parent() if page.path else None
    if parent is not None and (parent.effective_clearance != Clearance.INTERNAL or parent.effective_scope):
        errors["clearance"] = _("Regulations cannot be published under a classified or restricted section.")
    if errors and raise_now:
        raise ValidationError(errors)
    return errors


class PolicyIndexPage(PortalPage):
    """保密制度: the list of regulations every employee can open from the home page."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*PortalPage.content_panels, FieldPanel("intro")]
    subpage_types = ["policies.RegulationPage"]
    max_count = 1

    class Meta:
        verbose_name = _("regulation index")

    def clean(self):
        super().clean()
        internal_and_open_errors(self)

    def get_context(self, request, *args, **kwargs):
        from policies import selectors

        context = super().get_context(request, *args, **kwargs)
        status = request.GET.get("status") or RegulationStatus.IN_FORCE
        if status not in {*RegulationStatus.values, "all"}:
            status = RegulationStatus.IN_FORCE
        context["status"] = status
        context["statuses"] = [("all", _("All")), *RegulationStatus.choices]
        context["regulations"] = selectors.regulations_for(
            index=self, user=request.user, request=request, status=status
        )
        context["pending_acks"] = selectors.acks_pending_for(user=request.user, request=request)
        return context


class RegulationPageForm(PortalPageForm):
    audience_post_categories = forms.MultipleChoiceField(
        label=_("Post categories"),
        choices=PostCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each publish decides afresh whether re-acknowledgement is waived; the choice never carries over. Only
        # someone who may publish can waive it (services.versions ignores a waiver from anyone else).
        if "ack_waived" in self.fields:
            self.initial["ack_waived"] = False
            page = self.instance if self.instance.pk else self.parent_page
            if self.for_user is None or not page.permissions_for_user(self.for_user).can_publish():
                self.fields["ack_waived"].disabled = True
                self.fields["ack_waived"].help_text = _("Only the secrecy office can waive re-acknowledgement.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ack_waived") and not (cleaned.get("change_note") or "").strip():
            self.add_error("change_note", _("Say what was corrected when waiving re-acknowledgement."))
        return cleaned


class RegulationPage(RoutablePageMixin, PortalPage):
    """One regulation (制度/条例/办法): its 章/条 body, dates, status, audience and acknowledgement rules."""

    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    doc_number = models.CharField(_("document number"), max_length=100, blank=True)
    legal_level = models.CharField(_("legal level"), max_length=50, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    original_effective_on = models.DateField(
        _("original effective date"),
        null=True,
        blank=True,
        help_text=_("For amended texts: the date the first version took effect."),
    )
    preamble = models.TextField(_("preamble"), blank=True, help_text=_("E.g. the adoption and amendment history."))
    repealed_on = models.DateField(_("repealed on"), null=True, blank=True)
    repeal_note = models.CharField(
        _("repeal note"), max_length=255, blank=True, help_text=_("E.g. 由《科学技术保密规定》第四十三条废止")
    )
    body = StreamField(RegulationBodyBlock(), verbose_name=_("articles"), blank=True)

    ack_required = models.BooleanField(
        _("acknowledgement required"),
        default=True,
        help_text=_("Everyone in the audience confirms in writing that they have read each version."),
    )
    ack_due_days = models.PositiveSmallIntegerField(
        _("days to acknowledge"), default=14, help_text=_("Counted from publication, or from the hire date.")
    )
    audience_all_staff = models.BooleanField(_("all staff"), default=True)
    audience_departments = ParentalManyToManyField(
        Department, verbose_name=_("departments"), blank=True, related_name="+"
    )
    audience_post_categories = models.JSONField(_("post categories"), default=list, blank=True)
    audience_new_hire_days = models.PositiveSmallIntegerField(
        _("only staff hired within (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Limit the audience to new staff hired within this many days; each one has until hire date + days."
        ),
    )
    ack_waived = models.BooleanField(
        _("correction only: no re-acknowledgement"),
        default=False,
        help_text=_(
            "Tick only for typo fixes that do not change the meaning. The choice is recorded in the audit log."
        ),
    )
    change_note = models.CharField(_("change note"), max_length=255, blank=True)

    base_form_class = RegulationPageForm
    parent_page_types = ["policies.PolicyIndexPage"]
    subpage_types = []

    content_panels = [
        *PortalPage.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("issuer"), FieldPanel("doc_number"), FieldPanel("legal_level")]),
                FieldRowPanel(
                    [FieldPanel("published_on"), FieldPanel("effective_on"), FieldPanel("original_effective_on")]
                ),
                FieldPanel("preamble"),
                FieldRowPanel([FieldPanel("repealed_on"), FieldPanel("repeal_note")]),
            ],
            heading=_("Issue and status"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("ack_required"), FieldPanel("ack_due_days")]),
                FieldPanel("audience_all_staff"),
                FieldPanel("audience_departments"),
                FieldPanel("audience_post_categories"),
                FieldPanel("audience_new_hire_days"),
            ],
            heading=_("Acknowledgement (签收)"),
        ),
        MultiFieldPanel([FieldPanel("change_note"), FieldPanel("ack_waived")], heading=_("This revision")),
    ]
    search_fields = [*PortalPage.search_fields, index.SearchField("body"), index.SearchField("preamble")]

    class Meta:
        verbose_name = _("regulation")

    # -- validation -------------------------------------------------------------------------------------------

    def clean(self):
        super().clean()
        errors = internal_and_open_errors(self, raise_now=False)
        if self.ack_required and not (
            self.audience_all_staff
            or self.audience_post_categories
            or self.audience_new_hire_days
            or self.audience_departments.all()
        ):
            errors["audience_all_staff"] = _("Choose who must acknowledge: all staff, departments or post categories.")
        if self.repealed_on and self.effective_on and self.repealed_on < self.effective_on:
            errors["repealed_on"] = _("A regulation cannot be repealed before it takes effect.")
        if errors:
            raise ValidationError(errors)

    # -- reading ----------------------------------------------------------------------------------------------

    def status_on(self, day=None):
        day = day or timezone.localdate()
        if self.repealed_on and self.repealed_on <= day:
            return RegulationStatus.REPEALED
        if self.effective_on and self.effective_on > day:
            return RegulationStatus.NOT_YET
        return RegulationStatus.IN_FORCE

    @property
    def status(self):
        return self.status_on()

    @property
    def status_label(self):
        return RegulationStatus(self.status).label

    @property
    def amended(self):
        return bool(
            self.original_effective_on and self.effective_on and self.original_effective_on != self.effective_on
        )

    @cached_property
    def chapters(self):
        """[{label, title, articles: [{label, key, clauses, elements}]}] from the body, in order."""
        from policies.services.versions import body_chapters

        return body_chapters(self.body)

    @cached_property
    def articles(self):
        return [article for chapter in self.chapters for article in chapter["articles"]]

    def article_by_key(self, key):
        return next((article for article in self.articles if article["key"] == key), None)

    def article_url(self, article):
        return self.url + article["key"] + "/"

    # -- routes (each goes through the page's on_serve_page access check) ---------------------------------

    @path("")
    def regulation_route(self, request):
        from policies import views

        return views.regulation_view(request, self)

    @path("versions/")
    def versions_route(self, request):
        from policies import views

        return views.versions_view(request, self)

    @path("compare/")
    def compare_route(self, request):
        from policies import views

        return views.compare_view(request, self)

    @path("acknowledge/")
    def acknowledge_route(self, request):
        from policies import views

        return views.acknowledge_view(request, self)

    @re_path(r"^(?P<key>[^/]+)/$")
    def article_route(self, request, key):
        from policies import views

        return views.article_view(request, self, key)


class PolicyVersion(models.Model):
    """One published text of a regulation. Its SHA-256 is what an acknowledgement refers to."""

    regulation = models.ForeignKey(
        RegulationPage, on_delete=models.CASCADE, related_name="versions", verbose_name=_("regulation")
    )
    number = models.PositiveIntegerField(_("version"))
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    content = models.JSONField(_("content"), default=dict)
    text_sha256 = models.CharField(_("text SHA-256"), max_length=64)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requires_ack = models.BooleanField(_("acknowledgement required"), default=True)
    change_note = models.CharField(_("change note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("regulation version")
        verbose_name_plural = _("regulation versions")
        ordering = ["regulation_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["regulation", "number"], name="unique_regulation_version")]

    def __str__(self):
        return f"{self.title} v{self.number}"

    @property
    def chapters(self):
        return self.content.get("chapters", [])


class AckStatus(models.TextChoices):
    DONE = "done", _("Acknowledged")
    PENDING = "pending", _("Pending")
    OVERDUE = "overdue", _("Overdue")


class AcknowledgementQuerySet(models.QuerySet):
    def open(self):
        """Still required: not acknowledged and not replaced by a newer version."""
        return self.filter(acknowledged_at__isnull=True, superseded_at__isnull=True)

    def required(self):
        return self.filter(superseded_at__isnull=True)

    def overdue(self, day=None):
        return self.open().current(day).filter(due_on__lt=day or timezone.localdate())

    def current(self, day=None):
        """Of regulations that are published and not repealed: nobody is chased for a withdrawn text."""
        return self.filter(version__regulation__live=True).exclude(
            version__regulation__repealed_on__lte=day or timezone.localdate()
        )


class Acknowledgement(models.Model):
    """签收: a person's duty to confirm a version (a row per person and version), and the evidence once they do."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="acknowledgements", verbose_name=_("version")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acknowledgements", verbose_name=_("user")
    )
    due_on = models.DateField(_("due on"))
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    read_version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("text read")
    )
    text_sha256 = models.CharField(_("text SHA-256"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = AcknowledgementQuerySet.as_manager()

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="unique_version_acknowledgement")]
        indexes = [
            models.Index(fields=["user", "acknowledged_at"], name="ack_user_done"),
            models.Index(fields=["version", "acknowledged_at"], name="ack_version_done"),
            models.Index(fields=["due_on"], name="ack_due_on"),
        ]

    def __str__(self):
        return f"{self.user} · {self.version}"

    def status_on(self, day=None):
        if self.acknowledged_at:
            return AckStatus.DONE
        if self.due_on < (day or timezone.localdate()):
            return AckStatus.OVERDUE
        return AckStatus.PENDING

    @property
    def status(self):
        return self.status_on()

    @property
    def status_label(self):
        return AckStatus(self.status).label

    @property
    def days_left(self):
        return (self.due_on - timezone.localdate()).days
