"""Lesson bodies: the home page blocks, plus a quoted policy 条 that links to its anchor, and a video file."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from home.blocks import BodyBlock


class PolicyArticleBlock(blocks.StructBlock):
    regulation = blocks.PageChooserBlock(label=_("Regulation"), page_type="policies.RegulationPage")
    article = blocks.CharBlock(label=_("Article number"), max_length=32, help_text=_("E.g. 第十一条"))
    quote = blocks.TextBlock(label=_("Quotation"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Policy article")
        template = "training/blocks/policy_article.html"

    def get_context(self, value, parent_context=None):
        from training.services.sources import article_url

        context = super().get_context(value, parent_context)
        context["article_url"] = article_url(value["regulation"], value["article"])
        return context


class LessonBodyBlock(BodyBlock):
    policy_article = PolicyArticleBlock()
    video = DocumentChooserBlock(label=_("Video"), help_text=_("Served through the access-checked document view."))
