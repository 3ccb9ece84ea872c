"""What the Plone import has brought in: one row per Plone object (by UID) and per principal, plus the runs."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    ROOT = "root", _("Site root")
    PAGE = "page", _("Page")
    DOCUMENT = "document", _("Document")
    IMAGE = "image", _("Image")


class PloneItem(models.Model):
    """A Plone object and the portal object it became. Re-imports find it by UID and compare the snapshot."""

    uid = models.CharField(_("Plone UID"), max_length=64, unique=True)
    portal_type = models.CharField(_("Plone type"), max_length=100)
    path = models.CharField(_("Plone path"), max_length=1024, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    page = models.ForeignKey(
        settings.WAGTAIL_PAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A News Item's lead image is imported as an image of its own.
    lead_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checksum = models.CharField(max_length=64)
    snapshot = models.JSONField(_("imported values"), default=dict)
    created = models.DateTimeField(_("created in Plone"), null=True, blank=True)
    modified = models.DateTimeField(_("modified in Plone"), null=True, blank=True)
    review_state = models.CharField(_("review state"), max_length=64, blank=True)
    first_imported_at = models.DateTimeField(auto_now_add=True)
    last_imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("imported Plone item")
        verbose_name_plural = _("imported Plone items")

    def __str__(self):
        return self.path or self.uid

    @property
    def target(self):
        return self.page or self.document or self.image

    @property
    def has_target(self):
        """Whether the portal object is still there, without loading it (deleting it empties the link: SET_NULL)."""
        return bool(self.page_id or self.document_id or self.image_id)


class PrincipalKind(models.TextChoices):
    USER = "user", _("User")
    GROUP = "group", _("Group")
    PERSONAL = "personal", _("Personal scope group")
    NOBODY = "nobody", _("No-readers group")


class PlonePrincipal(models.Model):
    """A Plone user or group and the portal account or group it became."""

    plone_id = models.CharField(_("Plone id"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=PrincipalKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    checksum = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("imported Plone principal")
        verbose_name_plural = _("imported Plone principals")
        constraints = [models.UniqueConstraint(fields=["kind", "plone_id"], name="plone_principal_unique")]

    def __str__(self):
        return f"{self.kind}:{self.plone_id}"


class ImportRun(models.Model):
    """One run of import_plone: what it did, for the record."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(_("export directory"), max_length=1024)
    counts = models.JSONField(default=dict)
    problems = models.JSONField(default=list)
    widened = models.PositiveIntegerField(_("items with widened access"), default=0)

    class Meta:
        verbose_name = _("Plone import run")
        verbose_name_plural = _("Plone import runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.source} @ {self.started_at:%Y-%m-%d %H:%M}"
