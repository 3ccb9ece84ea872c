"""Hiring, or moving into a 涉密岗位, creates the signing tasks that now apply (after the change commits)."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from portal.models import SecurityProfile


@receiver(post_save, sender=SecurityProfile)
def assign_agreements_to_profile(sender, instance, **kwargs):
    from records.tasks import agreements_assign_task

    user_id = instance.user_id
    transaction.on_commit(lambda: agreements_assign_task.delay(user_id))
