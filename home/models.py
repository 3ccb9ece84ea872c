"""The employee's desk and general content pages. Every listing goes through portal.selectors (access-filtered)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from policies.selectors import acks_pending_for
from portal.models import PortalPage
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
        return context


class SectionIndexPage(PortalPage):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*PortalPage.content_panels, FieldPanel("intro")]
    search_fields = [*PortalPage.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("section")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = children_for(page=self, user=request.user, request=request)
        return context


class ArticlePage(PortalPage):
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*PortalPage.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*PortalPage.search_fields, index.SearchField("summary"), index.SearchField("body")]
    subpage_types = []

    class Meta:
        verbose_name = _("article")
