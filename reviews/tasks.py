"""Celery jobs of the reviews app."""

from celery import shared_task

from reviews import services


@shared_task(name="reviews.overdue_remind")
def overdue_remind_task():
    reminded, escalated = services.overdue_remind()
    return {"reminded": reminded, "escalated": escalated}
