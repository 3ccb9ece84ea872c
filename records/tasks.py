"""Celery jobs of the records app. Each takes plain arguments and calls a service."""

from celery import shared_task

from records.services import agreements, borrowing, departures, register


@shared_task(name="records.agreements_assign")
def agreements_assign_task(user_id=None):
    return agreements.agreements_assign(user_ids=[user_id] if user_id else None)


@shared_task(name="records.term_expiry")
def term_expiry_task():
    return register.term_expiry_run()


@shared_task(name="records.borrowing_overdue_remind")
def borrowing_overdue_remind_task():
    return borrowing.borrowing_overdue_remind()


@shared_task(name="records.departures_revoke")
def departures_revoke_task():
    return departures.departures_revoke()
