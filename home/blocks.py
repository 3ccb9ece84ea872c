from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), form_classname="title")
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=["bold", "italic", "ol", "ul", "link", "hr"])
    image = ImageChooserBlock(label=_("Image"))
    document = DocumentChooserBlock(label=_("Document"))
