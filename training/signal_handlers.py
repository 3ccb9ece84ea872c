"""A profile change (hire date, post category, department, clearance) re-evaluates that person's assignments; deleting
a person or a department keeps the dashboard summary in step with the assignment rows."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from portal.models import Department, SecurityProfile


@receiver(post_save, sender=SecurityProfile)
def evaluate_assignments_of_profile(sender, instance, **kwargs):
    from training.tasks import assignments_for_user_task

    user_id = instance.user_id
    transaction.on_commit(lambda: assignments_for_user_task.delay(user_id))


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def remove_assignments_of_user_from_summary(sender, instance, **kwargs):
    # Runs inside the deletion's transaction, before the cascade removes the rows.
    from training.models import Assignment
    from training.services.summary import SUMMARY_FIELDS, summary_apply

    summary_apply(removed=Assignment.objects.filter(user_id=instance.pk).values_list(*SUMMARY_FIELDS))


@receiver(post_delete, sender=Department)
def move_summary_of_deleted_department(sender, instance, **kwargs):
    from training.services.summary import summary_department_removed

    summary_department_removed(department_pk=instance.pk)
