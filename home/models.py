"""The employee's desk and general content pages. Every listing goes through portal.selectors (access-filtered)."""

from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.search import index

from policies.selectors import acks_pending_for
from portal import access
from portal.hooks import home_panels
from portal.models import PortalPage, SecureDocument
from portal.selectors import children_for, notifications_for

from .blocks import BodyBlock


class HomePage(PortalPage):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*PortalPage.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.PortalPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = children_for(page=self, user=request.user, request=request)
        context["pending_acks"] = acks_pending_for(user=request.user, request=request)
        context["notifications"] = notifications_for(user=request.user)[:10]
        context["desk_panels"] = home_panels(request)
        return context


class SectionIndexPage(PortalPage):
    intro = RichTextField(_("introduction"), blank=True)
    default_page = models.ForeignKey(
        "portal.PortalPage",
        verbose_name=_("default page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown instead of the listing to readers who may open it (a child page)."),
    )

    content_panels = [*PortalPage.content_panels, FieldPanel("intro")]
    settings_panels = [*PortalPage.settings_panels, FieldPanel("default_page")]
    search_fields = [*PortalPage.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("section")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = children_for(page=self, user=request.user, request=request)
        return context

    def serve(self, request, *args, **kwargs):
        # A default page replaces the listing, but only for a reader who may open it: its own serve checks again.
        target = self.default_page
        if (
            target is not None
            and target.live
            and target.path.startswith(self.path)
            and access.can_view(request.user, target, request)
        ):
            return redirect(target.url)
        return super().serve(request, *args, **kwargs)


class ArticlePage(PortalPage):
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*PortalPage.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*PortalPage.search_fields, index.SearchField("summary"), index.SearchField("body")]
    subpage_types = []

    class Meta:
        verbose_name = _("article")


# Content pages with rich text, tags and dates. Imported Plone content lands here (Document, News Item, Event,
# Link); editors use them like any other page type.

RICH_TEXT_FEATURES = [
    "h2",
    "h3",
    "h4",
    "bold",
    "italic",
    "ol",
    "ul",
    "blockquote",
    "hr",
    "link",
    "document-link",
    "image",
]


class TableBlock(blocks.StructBlock):
    """A plain table: rows of text cells, the first row optionally a header. Cells carry text, not markup."""

    caption = blocks.CharBlock(label=_("Caption"), required=False)
    header_row = blocks.BooleanBlock(label=_("First row is a header"), required=False, default=True)
    rows = blocks.ListBlock(blocks.ListBlock(blocks.CharBlock(required=False), label=_("Row")), label=_("Rows"))

    class Meta:
        icon = "table"
        label = _("Table")
        template = "home/blocks/table_block.html"

    def get_searchable_content(self, value):
        return [" ".join(cell for row in value.get("rows") or [] for cell in row if cell)]


class ContentBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Rich text"), features=RICH_TEXT_FEATURES)
    table = TableBlock()
    image = ImageChooserBlock(label=_("Image"))
    document = DocumentChooserBlock(label=_("Document"))


class ContentPageTag(TaggedItemBase):
    content_object = ParentalKey("home.ContentPage", related_name="tagged_items", on_delete=models.CASCADE)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("home.NewsPage", related_name="tagged_items", on_delete=models.CASCADE)


class EventPageTag(TaggedItemBase):
    content_object = ParentalKey("home.EventPage", related_name="tagged_items", on_delete=models.CASCADE)


class RichContentPage(PortalPage):
    """Abstract: a page with a description, a rich body, rights and the people who wrote it."""

    description = models.TextField(_("description"), blank=True)
    body = StreamField(ContentBodyBlock(), verbose_name=_("body"), blank=True)
    creators = models.CharField(
        _("creators"), max_length=255, blank=True, help_text=_("Authors as named on the source, comma separated.")
    )
    rights = models.CharField(_("rights"), max_length=255, blank=True)

    search_fields = [
        *PortalPage.search_fields,
        index.SearchField("description"),
        index.SearchField("body"),
        index.SearchField("tag_text"),
    ]
    subpage_types = []

    class Meta:
        abstract = True

    def tag_text(self):
        return " ".join(self.tags.names())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related"] = related_for(page=self, user=request.user, request=request)
        return context


class ContentPage(RichContentPage):
    tags = ClusterTaggableManager(through=ContentPageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        *PortalPage.content_panels,
        FieldPanel("description"),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("creators"),
        FieldPanel("rights"),
    ]

    class Meta:
        verbose_name = _("content page")


class NewsPage(RichContentPage):
    date = models.DateTimeField(_("news date"), null=True, blank=True)
    image = models.ForeignKey(
        "portal.SecureImage",
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_caption = models.CharField(_("image caption"), max_length=255, blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        *PortalPage.content_panels,
        FieldPanel("date"),
        FieldPanel("description"),
        FieldPanel("image"),
        FieldPanel("image_caption"),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("creators"),
        FieldPanel("rights"),
    ]
    search_fields = [*RichContentPage.search_fields, index.SearchField("image_caption")]

    class Meta:
        verbose_name = _("news item")


class EventPage(RichContentPage):
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    whole_day = models.BooleanField(_("whole day"), default=False)
    open_end = models.BooleanField(_("open end"), default=False)
    location = models.CharField(_("location"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=64, blank=True)
    attendees = models.TextField(_("attendees"), blank=True, help_text=_("One per line."))
    event_url = models.URLField(_("event URL"), blank=True)
    tags = ClusterTaggableManager(through=EventPageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        *PortalPage.content_panels,
        FieldPanel("description"),
        FieldPanel("start"),
        FieldPanel("end"),
        FieldPanel("whole_day"),
        FieldPanel("open_end"),
        FieldPanel("location"),
        FieldPanel("contact_name"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
        FieldPanel("attendees"),
        FieldPanel("event_url"),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("creators"),
        FieldPanel("rights"),
    ]
    search_fields = [*RichContentPage.search_fields, index.SearchField("location"), index.SearchField("attendees")]

    class Meta:
        verbose_name = _("event")

    @property
    def attendee_list(self):
        return [line for line in self.attendees.splitlines() if line.strip()]


class LinkPage(PortalPage):
    """A link in the tree: to a page, a document or an address elsewhere. Serving it redirects there."""

    description = models.TextField(_("description"), blank=True)
    link_page = models.ForeignKey(
        "portal.PortalPage", verbose_name=_("page"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_document = models.ForeignKey(
        "portal.SecureDocument",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    link_url = models.URLField(_("external address"), blank=True)

    content_panels = [
        *PortalPage.content_panels,
        FieldPanel("description"),
        FieldPanel("link_page"),
        FieldPanel("link_document"),
        FieldPanel("link_url"),
    ]
    search_fields = [*PortalPage.search_fields, index.SearchField("description")]
    subpage_types = []

    class Meta:
        verbose_name = _("link")

    @property
    def target_url(self):
        if self.link_page_id:
            return self.link_page.url
        if self.link_document_id:
            return self.link_document.url
        return self.link_url

    def serve(self, request, *args, **kwargs):
        # The link page itself passed the access check (on_serve_page); its target checks again when opened.
        target = self.target_url
        if not target:
            return super().serve(request, *args, **kwargs)
        return redirect(target)


def related_for(*, page, user, request=None):
    """The related items of `page` that `user` may open, in order: live pages and documents."""
    relations = list(PageRelation.objects.filter(page=page).order_by("sort_order"))
    page_ids = [rel.target_page_id for rel in relations if rel.target_page_id]
    document_ids = [rel.target_document_id for rel in relations if rel.target_document_id]
    pages = {p.pk: p for p in access.visible(PortalPage.objects.filter(pk__in=page_ids).live(), user, request)}
    documents = {d.pk: d for d in access.visible(SecureDocument.objects.filter(pk__in=document_ids), user, request)}
    items = []
    for rel in relations:
        target = pages.get(rel.target_page_id) or documents.get(rel.target_document_id)
        if target is not None:
            items.append(target)
    return items


class PageRelation(models.Model):
    """A page's related items: other pages or documents, in order. Listings filter them by access."""

    page = models.ForeignKey("portal.PortalPage", on_delete=models.CASCADE, related_name="+")
    sort_order = models.PositiveIntegerField(default=0)
    target_page = models.ForeignKey(
        "portal.PortalPage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_document = models.ForeignKey(
        "portal.SecureDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("related item")
        verbose_name_plural = _("related items")
        ordering = ["page", "sort_order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_page__isnull=False) ^ models.Q(target_document__isnull=False),
                name="page_relation_one_target",
            )
        ]

    def __str__(self):
        return f"{self.page_id} -> {self.target_page_id or self.target_document_id}"
