"""Publishing a regulation records its version; joining an audience delivers what applies."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import PageLogEntry
from wagtail.signals import page_published, page_unpublished

from policies.models import RegulationPage
from portal.models import SecurityProfile


@receiver(page_published, sender=RegulationPage)
def record_regulation_version(sender, instance, revision=None, **kwargs):
    from policies.services.versions import version_record

    version_record(page=instance, revision=revision, user=getattr(revision, "user", None))


@receiver(post_save, sender=PageLogEntry)
def record_regulation_publisher(sender, instance, created, **kwargs):
    # Wagtail writes this entry right after page_published, with the user who published (the approver).
    if created and instance.action == "wagtail.publish" and instance.revision_id and instance.user_id:
        from policies.services.versions import version_publisher_record

        version_publisher_record(revision_id=instance.revision_id, user_id=instance.user_id)


@receiver(page_unpublished, sender=RegulationPage)
def close_acknowledgements_of_unpublished(sender, instance, **kwargs):
    from policies.services.versions import acks_close_for

    acks_close_for(instance)


@receiver(post_save, sender=SecurityProfile)
def deliver_acknowledgements_to_profile(sender, instance, **kwargs):
    from policies.tasks import acks_assign_for_user_task

    user_id = instance.user_id
    transaction.on_commit(lambda: acks_assign_for_user_task.delay(user_id))
