"""Celery jobs of the portal package. Each takes plain arguments and calls a service."""

from celery import shared_task

from portal.services.housekeeping import expired_sessions_clear


@shared_task(name="portal.expired_sessions_clear")
def expired_sessions_clear_task():
    return expired_sessions_clear()


@shared_task(name="portal.publish_scheduled_pages")
def publish_scheduled_pages_task():
    # Wagtail's scheduled publishing (go-live / expiry dates, e.g. a regulation's publication date) needs a clock.
    from django.core.management import call_command

    call_command("publish_scheduled", verbosity=0)
