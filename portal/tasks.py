"""Celery jobs of the portal package. Each takes plain arguments and calls a service."""

from celery import shared_task

from portal.services.housekeeping import expired_sessions_clear


@shared_task(name="portal.expired_sessions_clear")
def expired_sessions_clear_task():
    return expired_sessions_clear()
