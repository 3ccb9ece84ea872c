"""The structure of a regulation body: 章 headings and 条, each 条 a list of 款/项 — never one rich-text blob."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

# O02 深圳条例 第十一条(一)–(五): the elements a 保密制度 must cover; editors tag each 条 with what it covers.
POLICY_ELEMENTS = [
    ("object", "保密对象"),
    ("place", "涉密场所"),
    ("marking", "保密标志或保密文件的内容"),
    ("measures", "保密措施"),
    ("duties", "保密责任的分工"),
    ("violations", "保密违规的处理"),
]


class ChapterBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Number"), max_length=16, help_text=_("E.g. 第一章"))
    title = blocks.CharBlock(label=_("Title"), max_length=100, required=False, help_text=_("E.g. 总则"))

    class Meta:
        icon = "title"
        label = _("Chapter")
        template = "policies/blocks/chapter.html"


class ArticleBlock(blocks.StructBlock):
    label = blocks.CharBlock(
        label=_("Number"), max_length=16, help_text=_("E.g. 第十一条. It is the article's permanent address.")
    )
    clauses = blocks.ListBlock(
        blocks.TextBlock(label=_("Paragraph")),
        label=_("Paragraphs and items"),
        help_text=_("One paragraph (款) or item (项) per entry."),
    )
    elements = blocks.MultipleChoiceBlock(
        choices=POLICY_ELEMENTS,
        required=False,
        label=_("Covers"),
        help_text=_("What this article regulates (深圳条例 第十一条)."),
    )

    class Meta:
        icon = "list-ol"
        label = _("Article")
        template = "policies/blocks/article.html"


class RegulationBodyBlock(blocks.StreamBlock):
    chapter = ChapterBlock()
    article = ArticleBlock()
