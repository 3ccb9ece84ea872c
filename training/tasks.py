"""Celery jobs of the training app. Each takes plain arguments and calls a service."""

from celery import shared_task

from training.services import assignments, campaigns, quiz, reminders, summary


@shared_task(name="training.assignments_evaluate")
def assignments_evaluate_task():
    """Nightly: grade attempts left open past their deadline, then apply every assignment rule."""
    quiz.attempts_expired_grade()
    return assignments.assignments_evaluate()


@shared_task(name="training.assignments_for_user")
def assignments_for_user_task(user_id):
    return assignments.assignments_for_user(user_id=user_id)


@shared_task(name="training.reminders")
def reminders_task():
    """Daily: training reminders, escalations and 学时 warnings, then campaign notices."""
    return reminders.training_reminders_send() + campaigns.campaign_notices_send()


@shared_task(name="training.summary_rebuild")
def summary_rebuild_task():
    return summary.summary_rebuild()
