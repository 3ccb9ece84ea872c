"""Decoupled reactions: keep denormalised markings right and give every new user a security profile."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from wagtail.models import ModelLogEntry, PageLogEntry
from wagtail.signals import pre_page_move

from portal.models import SecureDocument, SecureImage, SecurityProfile


@receiver(pre_page_move)
def pin_marking_before_move(sender, instance, **kwargs):
    from portal.services.marking import page_marking_pin

    page_marking_pin(instance)


@receiver(m2m_changed, sender=SecureDocument.scope.through)
@receiver(m2m_changed, sender=SecureImage.scope.through)
def refresh_item_scope(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, SecureDocument | SecureImage):
        from portal.services.marking import item_scope_refresh

        item_scope_refresh(instance)


@receiver(pre_save, sender=ModelLogEntry)
@receiver(pre_save, sender=PageLogEntry)
def keep_restricted_titles_out_of_the_audit_log(sender, instance, **kwargs):
    if instance.pk is None:
        from portal.services.audit import log_entry_neutralise

        log_entry_neutralise(instance)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def ensure_security_profile(sender, instance, created, **kwargs):
    if created:
        SecurityProfile.objects.get_or_create(user=instance)
