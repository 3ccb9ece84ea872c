"""Documents and images with a security marking. Their files are only ever served through access-checked views."""

from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage, AbstractRendition

from .marking import MARKING_FILTER_FIELDS, MARKING_FORM_FIELDS, MarkingMixin


class SecureDocument(MarkingMixin, AbstractDocument):
    scope = models.ManyToManyField(Group, verbose_name=_("need-to-know scope"), blank=True, related_name="+")

    admin_form_fields = (
        "title",
        "file",
        "collection",
        "tags",
        *MARKING_FORM_FIELDS,
    )
    search_fields = [*AbstractDocument.search_fields, *MARKING_FILTER_FIELDS]

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    @property
    def url(self):
        # No filename in the URL: a file name can carry a classified title.
        return reverse("portal:document_serve", args=[self.id])

    def clean(self):
        super().clean()
        self.clean_marking()

    def save(self, *args, **kwargs):
        from portal.services.marking import item_marking_apply

        item_marking_apply(self)
        super().save(*args, **kwargs)


class SecureImage(MarkingMixin, AbstractImage):
    scope = models.ManyToManyField(Group, verbose_name=_("need-to-know scope"), blank=True, related_name="+")

    admin_form_fields = (
        "title",
        "file",
        "collection",
        "tags",
        "focal_point_x",
        "focal_point_y",
        "focal_point_width",
        "focal_point_height",
        *MARKING_FORM_FIELDS,
    )
    search_fields = [*AbstractImage.search_fields, *MARKING_FILTER_FIELDS]

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def clean(self):
        super().clean()
        self.clean_marking()

    def save(self, *args, **kwargs):
        from portal.services.marking import item_marking_apply

        item_marking_apply(self)
        super().save(*args, **kwargs)


class SecureRendition(AbstractRendition):
    image = models.ForeignKey(SecureImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)

    @property
    def url(self):
        return reverse("portal:image_serve", args=[self.id])
