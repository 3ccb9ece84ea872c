"""A profile change (hire date, post category, department, clearance) re-evaluates that person's assignments."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from portal.models import SecurityProfile


@receiver(post_save, sender=SecurityProfile)
def evaluate_assignments_of_profile(sender, instance, **kwargs):
    from training.tasks import assignments_for_user_task

    user_id = instance.user_id
    transaction.on_commit(lambda: assignments_for_user_task.delay(user_id))
