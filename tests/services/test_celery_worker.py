"""Celery against a real broker and worker (runs when REDIS_URL / CELERY_BROKER_URL is set, as in CI)."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.conftest import needs_worker

pytestmark = needs_worker


def test_a_beat_job_runs_on_a_real_worker_and_changes_the_database(celery_live):
    from portal.tasks import expired_sessions_clear_task

    Session.objects.create(
        session_key="expired-session", session_data="x", expire_date=timezone.now() - timedelta(days=1)
    )
    Session.objects.create(session_key="live-session", session_data="x", expire_date=timezone.now() + timedelta(days=1))
    result = expired_sessions_clear_task.apply_async(queue="portal-test")
    assert result.get(timeout=60) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live-session"]
