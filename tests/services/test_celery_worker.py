"""Celery against a real broker and worker (runs when REDIS_URL / CELERY_BROKER_URL is set, as in CI)."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

BROKER = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not BROKER, reason="set REDIS_URL or CELERY_BROKER_URL to run Celery with a real worker"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL"),
        reason="set DATABASE_URL too: a worker process can't see the in-memory SQLite test database",
    ),
]


@pytest.fixture
def worker(transactional_db, settings):
    """A real `celery worker` process on the broker, using this test run's database."""
    from django.db import connection

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="portal.settings.worker_test")
    env["PORTAL_TEST_DB_NAME"] = str(connection.settings_dict["NAME"])
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            "portal-test",
            "--loglevel=WARNING",
        ],
        env=env,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


def test_a_beat_job_runs_on_a_real_worker_and_changes_the_database(worker, settings):
    from portal.celery import app
    from portal.tasks import expired_sessions_clear_task

    app.conf.task_always_eager = False
    app.conf.broker_url = BROKER
    app.conf.result_backend = BROKER
    try:
        Session.objects.create(
            session_key="expired-session", session_data="x", expire_date=timezone.now() - timedelta(days=1)
        )
        Session.objects.create(
            session_key="live-session", session_data="x", expire_date=timezone.now() + timedelta(days=1)
        )
        result = expired_sessions_clear_task.apply_async(queue="portal-test")
        assert result.get(timeout=60) == 1
        assert list(Session.objects.values_list("session_key", flat=True)) == ["live-session"]
    finally:
        app.conf.task_always_eager = True
        time.sleep(0)
