from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.enums import Clearance


class ReadAuditEntry(models.Model):
    """One read of a classified item. Holds ids and the marking, never the title."""

    # An append-only log on the read path: indexing its references would double the writes of every read.
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("object id"), max_length=64)
    clearance = models.PositiveSmallIntegerField(_("classification"), choices=Clearance.choices)
    action = models.CharField(_("action"), max_length=32, default="view")
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("classified read")
        verbose_name_plural = _("classified reads")
        ordering = ["-timestamp"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="readaudit_object")]

    def __str__(self):
        return f"{self.user} {self.content_type} #{self.object_id}"
