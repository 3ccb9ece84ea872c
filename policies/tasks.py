"""Celery jobs of the policies app. Each takes plain arguments and calls a service."""

from celery import shared_task

from policies.services import acks


@shared_task(name="policies.ack_fanout")
def ack_fanout_task(version_id):
    return acks.ack_fanout(version_id=version_id)


@shared_task(name="policies.acks_assign_for_user")
def acks_assign_for_user_task(user_id):
    return acks.acks_assign_for_user(user_id=user_id)


@shared_task(name="policies.ack_audience_sync")
def ack_audience_sync_task():
    """Nightly: close what was withdrawn; deliver current versions to people who joined an audience."""
    acks.acks_close_withdrawn()
    return sum(acks.ack_fanout(version_id=version.pk) for version in acks.basis_versions())


@shared_task(name="policies.ack_reminders")
def ack_reminders_task():
    return acks.ack_reminders_send()


@shared_task(name="policies.ack_escalations")
def ack_escalations_task():
    return acks.ack_escalations_send()
